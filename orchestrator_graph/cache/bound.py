"""The similarity threshold that keeps the false-hit rate under a user-set bound.

Global part (split conformal): ``calibration.json`` holds the cosine of every
must-not-match pair of the calibration half of the near-miss set
(``benchmarks/near_miss.py``) that the guards let through, and how many such
pairs there were in all. With ``n`` pairs and ``k`` of them at or above a threshold
``t``, a new near miss exchangeable with them is a false hit with probability at most
``(k + 1) / (n + 1)``; :func:`threshold_for` returns the lowest ``t`` that keeps this
under the bound (1.0, exact matches only, when ``n`` is too small to certify it).

Per entry (after vCache, "verified semantic cache"): an entry whose neighbourhood
turned out to hold a different question gets a threshold of its own above that
neighbour's similarity (:func:`raised`): one global threshold is too loose where
questions crowd and too strict where they do not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

CALIBRATION = "calibration.json"
MIN_THRESHOLD = 0.80  # never looser than this, whatever the calibration says
MARGIN = 0.01  # above a neighbour that proved to be another question


@dataclass(frozen=True)
class NearMissCalibration:
    """Cosines of the guard-passing must-not-match pairs, and how many pairs in all."""

    negatives: int
    scores: tuple[float, ...]  # descending

    def threshold_for(self, bound: float) -> float:
        """The lowest threshold whose conformal false-hit bound is at most ``bound``."""
        allowed = int(bound * (self.negatives + 1)) - 1  # false hits the bound allows
        if allowed < 0:
            return 1.0
        if allowed >= len(self.scores):
            return MIN_THRESHOLD
        return min(1.0, max(MIN_THRESHOLD, self.scores[allowed] + 1e-6))

    def false_hit_bound(self, threshold: float) -> float:
        """The conformal bound at ``threshold``: ``(k + 1) / (n + 1)``."""
        above = sum(s >= threshold for s in self.scores)
        return (above + 1) / (self.negatives + 1)


@cache
def shipped_calibration() -> NearMissCalibration:
    """The calibration shipped with the package (``calibration.json``)."""
    data = json.loads((resources.files(__package__) / CALIBRATION).read_text(encoding="utf-8"))
    return NearMissCalibration(data["negatives"], tuple(sorted(data["scores"], reverse=True)))


def threshold_for(bound: float) -> float:
    """The global threshold for a false-hit bound, from the shipped calibration."""
    return shipped_calibration().threshold_for(bound)


def raised(threshold: float, neighbour_similarity: float) -> float:
    """An entry's threshold once a neighbour at ``neighbour_similarity`` proved to be
    another question (its answer disagreed)."""
    return min(1.0, max(threshold, neighbour_similarity + MARGIN))
