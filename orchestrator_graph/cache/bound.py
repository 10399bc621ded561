"""The similarity threshold that keeps the false-hit rate under a user-set bound.

Global part (split conformal): a calibration holds the score of every
must-not-match pair of a calibration set that the guards let through, and how many
such pairs there were in all (``check.match_check.json`` holds the match check's).
With ``n`` pairs and ``k`` of them at or above a threshold ``t``, a new near miss
exchangeable with them is a false hit with probability at most ``(k + 1) / (n + 1)``;
:meth:`NearMissCalibration.threshold_for` returns the lowest ``t`` that keeps this
under the bound (1.0, exact matches only, when ``n`` is too small to certify it).

Per entry (after vCache, "verified semantic cache"): an entry whose neighbourhood
turned out to hold a different question gets a threshold of its own above that
neighbour's similarity (:func:`raised`): one global threshold is too loose where
questions crowd and too strict where they do not.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_THRESHOLD = 0.80  # never looser than this, whatever the calibration says
MARGIN = 0.01  # above a neighbour that proved to be another question


@dataclass(frozen=True)
class NearMissCalibration:
    """Scores of the guard-passing must-not-match pairs, and how many pairs in all."""

    negatives: int
    scores: tuple[float, ...]  # descending
    floor: float = MIN_THRESHOLD  # the threshold is never below this

    def threshold_for(self, bound: float) -> float:
        """The lowest threshold whose conformal false-hit bound is at most ``bound``."""
        allowed = int(bound * (self.negatives + 1)) - 1  # false hits the bound allows
        if allowed < 0:
            return 1.0
        if allowed >= len(self.scores):
            return self.floor
        return min(1.0, max(self.floor, self.scores[allowed] + 1e-6))

    def false_hit_bound(self, threshold: float) -> float:
        """The conformal bound at ``threshold``: ``(k + 1) / (n + 1)``."""
        above = sum(s >= threshold for s in self.scores)
        return (above + 1) / (self.negatives + 1)


def raised(threshold: float, neighbour_similarity: float) -> float:
    """An entry's threshold once a neighbour at ``neighbour_similarity`` proved to be
    another question (its answer disagreed)."""
    return min(1.0, max(threshold, neighbour_similarity + MARGIN))
