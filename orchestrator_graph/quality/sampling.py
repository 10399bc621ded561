"""Which turns the shadow judge labels: a sampling probability per turn.

Pure functions (no model, no I/O), shared by the runtime's shadow runner and the
lab's stream replay so both sample the same way.

A turn's weight says how unsure the router is of it: a Gaussian kernel of the
distance between the quality model's prediction ``p_weak_ok`` and the threshold
it was compared with (width ``WIDTH``), above a floor ``FLOOR`` so that every turn
keeps a chance (the guard sees the whole distribution and the inverse propensity of
a label stays bounded by ``mean_weight / FLOOR``). A turn without a trusted
prediction (no quality model, or the model abstains off its domain) weighs 1, the
most: that is where labels are missing. The probability is ``rate`` times the
weight over the mean weight of the traffic (``WeightMean``), so the mean sampling
rate stays ``rate`` whatever the spread of the predictions, while the labels go
where the threshold is decided. Turns the cheap model answered are sampled at
``rate x strong_share`` (their shadow is a strong call: dear labels, kept to what
keeps the guard honest).

Learners that need unbiased estimates weight each label by ``1 / probability``
(the runtime stores the probability with the label).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

WIDTH = 0.1
"""The kernel's width in units of P(cheap answer as good). Calibrated predictions sit
in a narrow band (on GSM8K 90% within 0.54-0.83): 0.1 tells the turns at the
threshold from those at the band's edges (weights ~1 vs ~0.3)."""
FLOOR = 0.25
"""The weight of a turn far from the threshold (as a share of the weight at it)."""
PRIOR_MEAN_WEIGHT = 0.6
"""The mean weight assumed before any turn was seen (``WeightMean``)."""


def uncertainty_weight(p_weak_ok: float | None, threshold: float) -> float:
    """How unsure the router is of a turn, in ``[FLOOR, 1]`` (None: no trusted
    prediction, 1)."""
    if p_weak_ok is None:
        return 1.0
    z = (p_weak_ok - threshold) / WIDTH
    return FLOOR + (1.0 - FLOOR) * math.exp(-0.5 * z * z)


def shadow_probability(
    p_weak_ok: float | None,
    threshold: float,
    *,
    cheap_answered: bool,
    rate: float,
    strong_share: float,
    mean_weight: float = PRIOR_MEAN_WEIGHT,
) -> float:
    """The probability (0-1) that a turn gets a shadow answer and a verdict.

    ``p_weak_ok`` and ``threshold``: the turn's quality verdict (``p_weak_ok`` None when
    there is none or it abstained); ``cheap_answered``: the cheap model answered the
    turn (its shadow is then the strong model); ``rate``: the mean sampling rate;
    ``strong_share``: the rate on cheap-answered turns as a share of ``rate``;
    ``mean_weight``: the mean ``uncertainty_weight`` of the traffic (``WeightMean.mean``).
    """
    if rate <= 0.0:
        return 0.0
    scale = rate * (strong_share if cheap_answered else 1.0)
    weight = uncertainty_weight(p_weak_ok, threshold)
    return min(1.0, scale * weight / max(mean_weight, FLOOR))


def sampled(probability: float, key: str) -> bool:
    """Whether the turn keyed ``key`` (e.g. ``thread/turn``) is sampled at
    ``probability``: a hash draw, the same each time the turn is seen."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64 < probability


@dataclass
class WeightMean:
    """The running mean of the traffic's weights (an exponential average over about
    ``horizon`` turns, starting from ``PRIOR_MEAN_WEIGHT``); one per process or stream."""

    horizon: int = 500
    mean: float = PRIOR_MEAN_WEIGHT
    seen: int = 0

    def add(self, weight: float) -> float:
        """Fold one turn's weight in; the new mean."""
        self.seen += 1
        step = 1.0 / min(self.seen + 1, self.horizon)
        self.mean += step * (weight - self.mean)
        return self.mean
