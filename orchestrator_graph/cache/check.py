"""The learned match check: how likely one answer serves two guard-passing requests.

A logistic regression over a few features of the pair (:func:`pair_features`): the
cosine of the shared embedding, how many words the two share and in what order,
how many content words one has that the other lacks (a near miss is most often
one word swapped; a paraphrase rewords more, or only function words), and the
lengths. It is fitted by ``orchestrator_graph.lab.cache_check`` on labelled pairs
and shipped as ``match_check.json``: the weights, and the scores of the
calibration split's must-not-match pairs that the guards let through, from which
:meth:`MatchCheck.threshold_for` sets the score threshold of a false-hit bound
(split conformal, as ``bound.NearMissCalibration``). The guards stay vetoes: the
check only ever scores pairs they accept.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

import numpy as np

from orchestrator_graph.cache.bound import NearMissCalibration
from orchestrator_graph.cache.guards import Signature, signature
from orchestrator_graph.cache.lexicon import COMMON

MATCH_CHECK = "match_check.json"
FEATURES = (
    "cosine",
    "token_jaccard",
    "content_jaccard",
    "bigram_jaccard",
    "swapped_words",
    "added_words",
    "one_word_swapped",
    "order_agreement",
    "length_ratio",
    "log_length",
    "cosine_x_content_jaccard",
)


def pair_features(first: str, second: str, cosine: float) -> np.ndarray:
    """The features of a pair (symmetric in the two texts), in ``FEATURES`` order."""
    a, b = signature(first), signature(second)
    tokens_a, tokens_b = set(a.tokens), set(b.tokens)
    content_a, content_b = _content(a), _content(b)
    only_a, only_b = len(content_a - content_b), len(content_b - content_a)
    content_jaccard = _jaccard(content_a, content_b)
    longer, shorter = max(len(a.tokens), len(b.tokens)), min(len(a.tokens), len(b.tokens))
    return np.array(
        [
            cosine,
            _jaccard(tokens_a, tokens_b),
            content_jaccard,
            _jaccard(set(pairwise(a.tokens)), set(pairwise(b.tokens))),
            min(only_a, only_b),
            abs(only_a - only_b),
            float(min(only_a, only_b) == 1),
            _order_agreement(a.tokens, b.tokens),
            shorter / max(longer, 1),
            math.log1p((len(a.tokens) + len(b.tokens)) / 2),
            cosine * content_jaccard,
        ]
    )


def _content(sig: Signature) -> frozenset[str]:
    return frozenset(t for t in sig.content if t not in COMMON)


def _jaccard(first: set | frozenset, second: set | frozenset) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 1.0


def _order_agreement(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    """The share of pairs of shared words read in the same order in both texts (1.0
    with fewer than two shared words)."""
    position = {t: i for i, t in enumerate(second)}
    shared = [position[t] for t in dict.fromkeys(first) if t in position]
    pairs = len(shared) * (len(shared) - 1) // 2
    if pairs == 0:
        return 1.0
    agreeing = sum(x < y for i, x in enumerate(shared) for y in shared[i + 1 :])
    return agreeing / pairs


@dataclass(frozen=True)
class MatchCheck:
    """The fitted check: standardisation, weights, bias, and its calibration."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    calibration: NearMissCalibration  # scores (not cosines) of guard-passing near misses

    def score(self, first: str, second: str, cosine: float) -> float:
        """P(one answer serves both), as fitted."""
        x = (pair_features(first, second, cosine) - self.mean) / self.scale
        return float(1.0 / (1.0 + math.exp(-(float(x @ self.weights) + self.bias))))

    def threshold_for(self, bound: float) -> float:
        """The lowest score whose conformal false-hit bound is at most ``bound``."""
        return self.calibration.threshold_for(bound)

    def to_json(self, **about: object) -> str:
        data = {
            **about,
            "features": list(FEATURES),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": round(self.bias, 6),
            "negatives": self.calibration.negatives,
            "scores": [round(s, 6) for s in self.calibration.scores],
        }
        return json.dumps(data, indent=1) + "\n"


def match_check_from_json(text: str) -> MatchCheck:
    """A check from its JSON (:meth:`MatchCheck.to_json`)."""
    data = json.loads(text)
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{MATCH_CHECK} was fitted on other features: {data['features']}")
    scores = tuple(sorted(data["scores"], reverse=True))
    return MatchCheck(
        mean=np.array(data["mean"]),
        scale=np.array(data["scale"]),
        weights=np.array(data["weights"]),
        bias=float(data["bias"]),
        calibration=NearMissCalibration(data["negatives"], scores, floor=0.0),
    )


@cache
def shipped_check() -> MatchCheck:
    """The check shipped with the package (``match_check.json``)."""
    text = (resources.files(__package__) / MATCH_CHECK).read_text(encoding="utf-8")
    return match_check_from_json(text)


def threshold_for(bound: float) -> float:
    """The shipped check's score threshold for a false-hit bound."""
    return shipped_check().threshold_for(bound)
