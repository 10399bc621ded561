"""Fitting the answer cache's match check (``cache.check``) and calibrating its threshold.

Labelled pairs (one answer serves both, or not) come from two sources: the outside
pairs of ``../shared/data/cache_pairs_train.jsonl`` and the calibration half of the
project's near-miss set (``benchmarks/near_miss.py``; its held-out half is never
read here). Each source is split by group into a training part and a calibration
part (:func:`calibration_split`). The logistic regression is fitted (``lab.quality.
training.fit_logistic``) on the training part's pairs that the guards accept (the
only pairs it will ever score); the calibration part, never trained on, gives the
conformal calibration: how many must-not-match pairs it holds, and the score of each
one the guards let through above the lookup's similarity floor.

Run by ``benchmarks/cache_fit.py`` (``make cache-check``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestrator_graph.cache.bound import NearMissCalibration
from orchestrator_graph.cache.check import FEATURES, MatchCheck, pair_features
from orchestrator_graph.cache.guards import mismatch
from orchestrator_graph.cache.store import NEAR
from orchestrator_graph.lab.quality.training import fit_logistic

L2 = 1.0  # ridge penalty on the standardised features (few features, many pairs)
CALIBRATION_SHARE = 5  # one group in this many goes to the calibration part


@dataclass(frozen=True)
class LabelledPair:
    """Two requests, whether one answer serves both, and the group that splits them."""

    first: str
    second: str
    same: bool
    group: str
    source: str


def calibration_split(pair: LabelledPair) -> bool:
    """Whether ``pair`` belongs to the calibration part (by a hash of its group)."""
    digest = hashlib.sha256(f"cache-check:{pair.group}".encode()).digest()
    return digest[0] % CALIBRATION_SHARE == 0


def outside_pairs(path: Path) -> list[LabelledPair]:
    """The pairs of ``cache_pairs_train.jsonl``, grouped by their first request (its
    edits and rewordings stay on one side of the split)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            group = " ".join(row["a"].lower().split())
            same = row["label"] == "same"
            pairs.append(LabelledPair(row["a"], row["b"], same, group, row["source"]))
    return pairs


Embed = Callable[[Sequence[str]], np.ndarray]


def features_of(pairs: Sequence[LabelledPair], embed: Embed) -> np.ndarray:
    """The feature matrix of ``pairs`` (``check.FEATURES`` columns)."""
    texts = list(dict.fromkeys(t for p in pairs for t in (p.first, p.second)))
    vectors = dict(zip(texts, embed(texts), strict=True))
    rows = [
        pair_features(p.first, p.second, float(vectors[p.first] @ vectors[p.second])) for p in pairs
    ]
    return np.array(rows).reshape(len(rows), len(FEATURES))


def fit_check(pairs: Sequence[LabelledPair], embed: Embed) -> MatchCheck:
    """The check fitted on the training part's guard-passing pairs, calibrated on the
    calibration part."""
    passing = [p for p in pairs if mismatch(p.second, p.first) is None]
    train = [p for p in passing if not calibration_split(p)]
    matrix = features_of(train, embed)
    fit = fit_logistic(matrix, np.array([p.same for p in train], dtype=float), L2)
    check = MatchCheck(
        fit.mean, fit.scale, fit.weights, fit.bias, NearMissCalibration(0, (), floor=0.0)
    )
    return MatchCheck(fit.mean, fit.scale, fit.weights, fit.bias, calibrate(check, pairs, embed))


def calibrate(
    check: MatchCheck, pairs: Sequence[LabelledPair], embed: Embed
) -> NearMissCalibration:
    """The calibration part's must-not-match pairs: how many, and the scores of those
    the guards accept at a similarity the lookup considers (``store.NEAR``)."""
    negatives = [p for p in pairs if calibration_split(p) and not p.same]
    passing = [p for p in negatives if mismatch(p.second, p.first) is None]
    matrix = features_of(passing, embed)
    scores = [
        check.score(p.first, p.second, float(row[0]))
        for p, row in zip(passing, matrix, strict=True)
        if row[0] >= NEAR
    ]
    return NearMissCalibration(len(negatives), tuple(sorted(scores, reverse=True)), floor=0.0)


def scored(check: MatchCheck, pairs: Sequence[LabelledPair], embed: Embed) -> np.ndarray:
    """The check's score of each pair as the lookup sees it: 0 for a pair the guards
    veto or below the similarity floor (``store.NEAR``)."""
    matrix = features_of(pairs, embed)
    return np.array(
        [
            check.score(p.first, p.second, float(row[0]))
            if mismatch(p.second, p.first) is None and row[0] >= NEAR
            else 0.0
            for p, row in zip(pairs, matrix, strict=True)
        ]
    )
