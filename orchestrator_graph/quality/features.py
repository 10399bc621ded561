"""The quality model's features of a request and its context.

Three groups, each named so a saved model records exactly what it was fed:

- ``rules``: the rules tier's profile (``classify_request``): category one-hot,
  complexity, context dependency, confidence, subtasks, and the dependency
  classifier's feature vector;
- ``lexical``: cheap text statistics of the request (length, numbers, code,
  lists, math symbols, task verbs) and of the conversation before it;
- ``embedding``: the request's all-MiniLM-L6-v2 vector (384 values).

A feature set is a tuple of groups; ``FEATURE_SETS`` names the two in use.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import get_args

import numpy as np
from langchain_core.messages import BaseMessage

from orchestrator_graph.conversation.transcript_index import transcript_index
from orchestrator_graph.conversation.views import latest_request
from orchestrator_graph.quality.embedding import (
    DIMENSIONS,
    EMBEDDING_MODEL,
    MAX_TOKENS,
    Embedder,
    shared_embedder,
)
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.classify.lexicon import TEXT_CACHE_SIZE
from orchestrator_graph.routing.classify.trained import FEATURES as DEPENDENCY_FEATURES
from orchestrator_graph.state import Category, TaskProfile

CATEGORIES: tuple[str, ...] = get_args(Category)
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "lexical": ("rules", "lexical"),
    "embedding": ("rules", "lexical", "embedding"),
}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_MATH = re.compile(r"[=+*/^%<>]|\b(?:sum|total|percent|average|how many|how much)\b", re.I)
_CODE = re.compile(r"```|\bdef |\bclass |\bfunction\b|[{};]\s*$|\bimport\b", re.M)
_LIST = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+", re.M)
_VERBS = {
    "verb_write": re.compile(r"\b(?:write|compose|draft|create|generate)\b", re.I),
    "verb_explain": re.compile(r"\b(?:explain|why|describe|what is|what are)\b", re.I),
    "verb_list": re.compile(r"\b(?:list|give me|suggest|recommend|ideas?)\b", re.I),
    "verb_solve": re.compile(r"\b(?:calculate|solve|compute|find|prove)\b", re.I),
    "creative": re.compile(r"\b(?:poem|story|song|joke|essay|haiku|lyrics|creative)\b", re.I),
    "constraint": re.compile(r"\b(?:must|exactly|only|at least|at most|no more than)\b", re.I),
}
_WORD_PROBLEM = {  # counted: what makes a word problem hard for a weaker model
    "money": re.compile(r"\$"),
    "percent": re.compile(r"%|\bpercent", re.I),
    "rate_words": re.compile(r"\b(?:each|per|every)\b", re.I),
    "multiples": re.compile(r"\b(?:twice|half|third|quarter|double|triple|times)\b", re.I),
    "fractions": re.compile(r"\d+/\d+|\bfraction", re.I),
    "decimals": re.compile(r"\d\.\d"),
    "time_units": re.compile(r"\b(?:hours?|minutes?|days?|weeks?|months?|years?)\b", re.I),
    "comparisons": re.compile(r"\b(?:more|less|fewer) than\b", re.I),
    "remainder": re.compile(r"\b(?:remaining|left|rest)\b", re.I),
    "conditions": re.compile(r"\b(?:if|then)\b", re.I),
    "ratios": re.compile(r"\b(?:average|ratio|rate)\b", re.I),
}
LEXICAL = (
    "log_chars",
    "log_words",
    "mean_word_len",
    "log_numbers",
    "numbers_share",
    "math_marks",
    "code",
    "list_items",
    "questions",
    "sentences",
    "upper_share",
    "lines",
    *_VERBS,
    "distinct_numbers",
    "largest_number",
    *_WORD_PROBLEM,
    "log_context_messages",
    "log_context_chars",
    "system",
)
RULES = (
    *(f"category_{c}" for c in CATEGORIES),
    "complexity",
    "context_dependency",
    "rules_confidence",
    "subtasks",
    *(f"dependency_{name}" for name in DEPENDENCY_FEATURES),
)
EMBEDDING = tuple(f"embedding_{i}" for i in range(DIMENSIONS))


def features_version(feature_set: str) -> str:
    """A hash of what the features of a set mean (names, embedding model, truncation):
    a saved model of another version is refused."""
    spec = [*feature_names(feature_set), f"embedding:{EMBEDDING_MODEL}:{MAX_TOKENS}"]
    return hashlib.sha256("\n".join(spec).encode()).hexdigest()[:16]


def feature_names(feature_set: str) -> tuple[str, ...]:
    """The names of a feature set's values, in order."""
    groups = {"rules": RULES, "lexical": LEXICAL, "embedding": EMBEDDING}
    return tuple(name for group in _groups(feature_set) for name in groups[group])


def _groups(feature_set: str) -> tuple[str, ...]:
    if feature_set not in FEATURE_SETS:
        raise ValueError(f"unknown feature set {feature_set!r}: use one of {list(FEATURE_SETS)}")
    return FEATURE_SETS[feature_set]


def rules_features(
    messages: Sequence[BaseMessage], profile: TaskProfile | None = None
) -> list[float]:
    """The rules tier's profile as numbers (order of ``RULES``); pass the ``profile``
    that ``classify`` already made to skip classifying again."""
    if profile is None or len(profile.features) != len(DEPENDENCY_FEATURES):  # hand-made
        profile = classify_request(messages)
    onehot = [1.0 if profile.category == c else 0.0 for c in CATEGORIES]
    return [
        *onehot,
        profile.complexity / 5,
        profile.context_dependency,
        profile.confidence,
        math.log1p(len(profile.subtasks)),
        *profile.features,
    ]


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _text_statistics(text: str) -> tuple[float, ...]:
    words = text.split()
    numbers = _NUMBER.findall(text)
    letters = [c for c in text if c.isalpha()]
    return (
        math.log1p(len(text)) / 8,
        math.log1p(len(words)) / 6,
        sum(len(w) for w in words) / max(len(words), 1) / 10,
        math.log1p(len(numbers)) / 3,
        len(numbers) / max(len(words), 1),
        math.log1p(len(_MATH.findall(text))) / 3,
        1.0 if _CODE.search(text) else 0.0,
        math.log1p(len(_LIST.findall(text))) / 3,
        math.log1p(text.count("?")) / 2,
        math.log1p(len(re.findall(r"[.!?](?:\s|$)", text))) / 3,
        sum(c.isupper() for c in letters) / max(len(letters), 1),
        math.log1p(text.count("\n")) / 4,
        *(1.0 if pattern.search(text) else 0.0 for pattern in _VERBS.values()),
        math.log1p(len(set(numbers))) / 3,
        math.log10(1 + max((_value(n) for n in numbers), default=0.0)) / 6,
        *(math.log1p(len(pattern.findall(text))) / 2 for pattern in _WORD_PROBLEM.values()),
    )


def _value(number: str) -> float:
    try:
        return abs(float(number.replace(",", "")))
    except ValueError:
        return 0.0


def lexical_features(messages: Sequence[BaseMessage]) -> list[float]:
    """Cheap statistics of the request and its context (order of ``LEXICAL``)."""
    position, text = latest_request(messages)
    history = messages[:position]
    context_chars = transcript_index(messages).chars_before(position)
    return [
        *_text_statistics(text),
        math.log1p(len(history)) / 4,
        math.log1p(context_chars) / 10,
        1.0 if messages and messages[0].type == "system" else 0.0,
    ]


def request_text(messages: Sequence[BaseMessage]) -> str:
    """The text of the request being decided (what the embedding reads)."""
    return latest_request(messages)[1]


def feature_matrix(
    requests: Sequence[Sequence[BaseMessage]],
    feature_set: str,
    *,
    embedder: Embedder | None = None,
    profiles: Sequence[TaskProfile | None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """One row of features per request (each a message list ending with the request);
    ``profiles``, when given, are the requests' ``classify`` results, reused."""
    groups = _groups(feature_set)
    rows = []
    for n, messages in enumerate(requests):
        row: list[float] = []
        if "rules" in groups:
            row += rules_features(messages, profiles[n] if profiles else None)
        if "lexical" in groups:
            row += lexical_features(messages)
        rows.append(row)
        if progress:
            progress(1)
    matrix = np.array(rows, dtype=np.float64).reshape(len(requests), -1)
    if "embedding" in groups:
        vectors = (embedder or shared_embedder()).embed([request_text(m) for m in requests])
        matrix = np.hstack([matrix, vectors.astype(np.float64)])
    return matrix
