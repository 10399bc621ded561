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
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

import numpy as np

from orchestrator_graph.cache.bound import NearMissCalibration
from orchestrator_graph.cache.guards import signature
from orchestrator_graph.cache.lexicon import COMMON
from orchestrator_graph.cache.roles import edited_words

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
    "stem_coverage_low",
    "stem_coverage_high",
    "small_edit",
    "words_only_added",
)


def pair_features(first: str, second: str, cosine: float) -> list[float]:
    """The features of a pair (symmetric in the two texts), in ``FEATURES`` order."""
    a, b = _words(first), _words(second)
    only_a, only_b = len(a.content - b.content), len(b.content - a.content)
    content_jaccard = _jaccard(a.content, b.content)
    longer, shorter = max(a.length, b.length), min(a.length, b.length)
    shared = len(a.stems & b.stems)
    coverage = (shared / max(len(a.stems), 1), shared / max(len(b.stems), 1))
    extra_a, extra_b = len(a.stems - b.stems), len(b.stems - a.stems)
    return [
        cosine,
        _jaccard(a.tokens, b.tokens),
        content_jaccard,
        _jaccard(a.bigrams, b.bigrams),
        min(only_a, only_b),
        abs(only_a - only_b),
        float(min(only_a, only_b) == 1),
        _order_agreement(a.order, b.order),
        shorter / max(longer, 1),
        math.log1p((a.length + b.length) / 2),
        cosine * content_jaccard,
        min(coverage),
        max(coverage),
        float(edited_words(a.order, b.order) is not None),
        float(min(extra_a, extra_b) == 0 and max(extra_a, extra_b) > 0),
    ]


def read(text: str) -> None:
    """Read ``text``'s words (signature and word sets) into their caches, so that a
    lookup finding it as a candidate does not (the store calls it for a new entry)."""
    _words(text)


@dataclass(frozen=True)
class _Words:
    """A text's words as the features read them (cached per text)."""

    order: tuple[str, ...]
    tokens: frozenset[str]
    content: frozenset[str]  # not function words, not common words
    stems: frozenset[str]  # the content words' stems (``stem``)
    bigrams: frozenset[tuple[str, str]]
    length: int


@lru_cache(maxsize=65_536)
def _words(text: str) -> _Words:
    sig = signature(text)
    content = frozenset(t for t in sig.content if t not in COMMON)
    return _Words(
        order=sig.tokens,
        tokens=frozenset(sig.tokens),
        content=content,
        stems=frozenset(stem(t) for t in content),
        bigrams=frozenset(pairwise(sig.tokens)),
        length=len(sig.tokens),
    )


_SUFFIXES = ("ies", "ied", "ing", "ed", "es", "ly", "s")  # longest first


def stem(word: str) -> str:
    """A word without its inflection, roughly ("rises", "risen" -> "ris"; "quickly" ->
    "quick"): enough to count two rewordings' shared words, not a lemmatiser."""
    word = word.removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 3 else word


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
    _terms: tuple[tuple[float, float], ...] = field(init=False, repr=False, compare=False)

    def score(self, first: str, second: str, cosine: float) -> float:
        """P(one answer serves both), as fitted."""
        features = pair_features(first, second, cosine)
        logit = self.bias + sum(
            (f - m) * w for f, (m, w) in zip(features, self._terms, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-700.0, min(700.0, logit))))

    def __post_init__(self) -> None:  # plain floats: a pair is scored without numpy
        terms = zip(self.mean.tolist(), (self.weights / self.scale).tolist(), strict=True)
        object.__setattr__(self, "_terms", tuple(terms))

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
