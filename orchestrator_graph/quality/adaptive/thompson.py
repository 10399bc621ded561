"""The learned state of one category (of one A/B arm): Thompson sampling with a guard.

Outcomes are quality scores in 0-1 of the answers users got (thumbs up 1, down 0),
counted as fractional Bernoulli trials "the answer was good enough". Per bin of the
quality model's prediction ``p`` (``BINS`` equal bins), a Beta posterior of the cheap
model's good rate; per category, one of the strong model's. A turn goes to the cheap
model when a draw of its bin's cheap rate reaches ``min_quality`` times a draw of the
strong rate: a Thompson sample of the threshold, the cheapest route that keeps the
target, exploring where the posteriors are unsure.

Prior (worth ``PRIOR_ANSWERS`` answers): the offline calibration is right. The strong
model is good ``STRONG_PRIOR_MEAN`` of the time; at the calibrated threshold the
cheap model is exactly at the target, and each 0.1 of ``p`` above (below) it adds
(takes) 0.1 of its good rate. Without feedback the state does not exist and the
calibrated verdict decides alone.

Guard (quality protection, the design's automatic rollback): after every cheap
answer's score, when the last ``GUARD_WINDOW`` cheap scores of the category are
below the target with 95% confidence (Wilson upper bound < ``min_quality`` x the
strong rate), the cheap route is closed at once for the next ``GUARD_FEEDBACK``
scored turns of the category and its posteriors restart from what the window saw
(the old evidence is of another world); the decisions say so in their reasons.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from typing import Any

BINS = 20
"""Bins of ``p``. The calibrated predictions sit in a narrow band (on GSM8K 90% of them
within 0.54-0.83), where 10 bins left three or four to learn in; 20 was chosen on the
development seeds of ``benchmarks/adaptive_drift.py`` (worst regret 14.4% -> 11.3%)."""
PRIOR_ANSWERS = 4.0
STRONG_PRIOR_MEAN = 0.9
GUARD_WINDOW = 20
GUARD_MIN = 6  # cheap scores in the window before the guard may fire
GUARD_Z = 1.645  # one-sided 95%
GUARD_FEEDBACK = 30
RESTART_ANSWERS = 2.0  # the weight of the window's mean in the restarted posteriors


def bin_of(p: float) -> int:
    """The bin of a predicted P(cheap answer as good)."""
    return min(BINS - 1, max(0, int(p * BINS)))


def wilson_upper(mean: float, n: int, z: float = GUARD_Z) -> float:
    """The upper Wilson bound of a rate observed as ``mean`` over ``n`` trials."""
    if n == 0:
        return 1.0
    centre = mean + z * z / (2 * n)
    spread = z * math.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n))
    return min(1.0, (centre + spread) / (1 + z * z / n))


def _beta(mean: float, weight: float) -> list[float]:
    mean = min(0.99, max(0.01, mean))
    return [mean * weight, (1 - mean) * weight]


@dataclass
class ArmState:
    """Posteriors (Beta [alpha, beta]), the guard's window and its state; JSON-able."""

    cheap: list[list[float]]
    strong: list[float]
    window: list[float] = field(default_factory=list)
    closed_for: int = 0  # scored turns left with the cheap route closed by the guard
    guard_note: str = ""
    feedback: int = 0
    guard_fired: int = 0

    @classmethod
    def prior(cls, threshold: float, min_quality: float) -> ArmState:
        """The stated prior: the calibration at ``threshold`` keeps ``min_quality``."""
        at_target = min_quality * STRONG_PRIOR_MEAN
        centres = [(b + 0.5) / BINS for b in range(BINS)]
        return cls(
            cheap=[_beta(at_target + (c - threshold), PRIOR_ANSWERS) for c in centres],
            strong=_beta(STRONG_PRIOR_MEAN, PRIOR_ANSWERS),
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArmState:
        """A stored state; one kept with another number of bins is re-binned (each bin
        takes the posterior of the stored bin its centre falls in)."""
        state = cls(**data)
        if len(state.cheap) != BINS:
            stored = state.cheap
            state.cheap = [list(stored[b * len(stored) // BINS]) for b in range(BINS)]
        return state

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def strong_mean(self) -> float:
        a, b = self.strong
        return a / (a + b)

    def learned_threshold(self, min_quality: float) -> float:
        """The threshold the posterior means imply: the lowest bin edge above which every
        bin's mean cheap good rate reaches the target (1.0: none does)."""
        bar = min_quality * self.strong_mean
        edge = 1.0
        for b in reversed(range(BINS)):
            a, b_ = self.cheap[b]
            if a / (a + b_) < bar:
                break
            edge = b / BINS
        return edge

    def decide(self, p: float, min_quality: float, rng: random.Random) -> tuple[bool, str]:
        """Cheap model or not for a turn predicted ``p``, and why (one line)."""
        if self.closed_for > 0:
            return False, (
                f"guard: cheap model closed for {self.closed_for} more scored turns "
                f"({self.guard_note})"
            )
        a, b = self.cheap[bin_of(p)]
        cheap_draw = rng.betavariate(a, b)
        strong_draw = rng.betavariate(*self.strong)
        bar = min_quality * strong_draw
        cheap = cheap_draw >= bar
        return cheap, (
            f"learned from {self.feedback} scores (threshold by the posterior means "
            f"{self.learned_threshold(min_quality):.1f}): cheap good rate at p {p:.2f} "
            f"(mean {a / (a + b):.2f}) drew {cheap_draw:.2f} {'>=' if cheap else '<'} "
            f"{min_quality:.2f} x strong draw {strong_draw:.2f}: "
            f"{'cheap' if cheap else 'strong'} model"
        )

    def observe(self, p: float, cheap: bool, quality: float, min_quality: float) -> bool:
        """Learn one scored answer (``cheap``: the cheap model gave it); True when the
        guard fired on it."""
        self.feedback += 1
        if not cheap:
            self.strong[0] += quality
            self.strong[1] += 1 - quality
            self.closed_for = max(0, self.closed_for - 1)
            return False
        posterior = self.cheap[bin_of(p)]
        posterior[0] += quality
        posterior[1] += 1 - quality
        self.window = [*self.window, quality][-GUARD_WINDOW:]
        n = len(self.window)
        mean = sum(self.window) / n
        target = min_quality * self.strong_mean
        if n < GUARD_MIN or wilson_upper(mean, n) >= target:
            return False
        self.guard_fired += 1
        self.closed_for = GUARD_FEEDBACK
        self.guard_note = (
            f"its last {n} answers scored {mean:.2f}, below the target "
            f"{min_quality:.2f} x strong {self.strong_mean:.2f} = {target:.2f} "
            f"(95% upper bound {wilson_upper(mean, n):.2f})"
        )
        self.cheap = [_beta(min(mean, a / (a + b)), RESTART_ANSWERS) for a, b in self.cheap]
        self.window = []
        return True
