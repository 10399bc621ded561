"""One scored source made ready for the stream replay (``lab.stream.replay``).

Per turn: its scored turn and label (``quality.dataset.examples_of``: each role's
call priced by tiktoken tokens of the request and that role's recorded answer), the
cost of a judge call pair (``judge_cost``), the shipped model's features, prediction
and similarity, the static default's route (``routing.tiers.choose_tier`` on the
shipped model's verdict, the rules where it abstains: what users run without
labels), whether the rules send it to the strong model whatever any verdict says
(``QualityConfig.strong_categories``, as at runtime) and the in-domain 5-fold router's
out-of-fold prediction (the ceiling).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestrator_graph.config import OrchestratorConfig, QualityConfig
from orchestrator_graph.conversation.tokens import count_messages, count_text
from orchestrator_graph.lab.quality.dataset import Example, Prices, examples_of
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.quality.report import evaluate
from orchestrator_graph.lab.quality.training import grouped_folds, penalties
from orchestrator_graph.lab.workloads import Session
from orchestrator_graph.quality.adaptive.learner import TenantLearner
from orchestrator_graph.quality.decision import verdict_of
from orchestrator_graph.quality.features import feature_matrix
from orchestrator_graph.quality.model import QualityModel
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.tiers import choose_tier

JUDGE_INSTRUCTIONS = (
    "You compare two answers to the same request. Say which is better, or that they "
    "are about as good: consider correctness, helpfulness, completeness and whether "
    "the request's instructions were followed. Answer with the structured verdict "
    "only: winner (A, B or tie) and one short reason.\n\nRequest:\n\nAnswer A:\n\n"
    "Answer B:\n"
)
"""What a pairwise judge call adds to the request and the two answers (its tokens are
counted; the runtime's prompt is of the same size)."""
JUDGE_OUTPUT_TOKENS = 40
"""A structured verdict's tokens (winner and a one-line reason)."""


@dataclass(frozen=True)
class SourceStream:
    """Every per-turn array of one source (row ``i`` is turn ``i``)."""

    source: str
    turns: list[ScoredTurn]
    weak_ok: np.ndarray
    judge_cost: np.ndarray  # both orders of one pairwise judge call, at the judge's price
    inputs: np.ndarray  # the learner's inputs (TenantLearner.inputs)
    prior_p: np.ndarray
    in_domain: np.ndarray
    static_strong: np.ndarray
    pinned_strong: np.ndarray  # the rules send it to the strong model whatever the verdict
    static_threshold: float
    ceiling_p: np.ndarray
    folds: np.ndarray

    @property
    def strong(self) -> np.ndarray:
        return np.array([t.strong for t in self.turns])

    @property
    def weak(self) -> np.ndarray:
        return np.array([t.weak for t in self.turns])

    @property
    def strong_cost(self) -> np.ndarray:
        return np.array([t.strong_cost for t in self.turns])

    @property
    def weak_cost(self) -> np.ndarray:
        return np.array([t.weak_cost for t in self.turns])


def judge_costs(sessions: Sequence[Session], prices: Prices) -> list[float]:
    """Per scored turn (``examples_of``'s order): two judge calls (both orders) on the
    cheap model, each reading the instructions, the request and both answers."""
    instructions = count_text(JUDGE_INSTRUCTIONS)
    costs = []
    for session in sessions:
        for index, turn in enumerate(session.turns):
            if not turn.scored:
                continue
            answers = turn.answers or {}
            tokens_in = instructions + count_messages(session.transcript(index))
            tokens_in += sum(count_text(answers.get(r) or "") for r in ("strong", "weak"))
            costs.append(2 * prices.weak.cost(tokens_in, JUDGE_OUTPUT_TOKENS))
    return costs


def cached_features(examples: Sequence[Example], model: QualityModel, cache: Path | None):
    """The shipped model's feature matrix of ``examples``, kept in ``cache`` (a folder,
    outside git) by a digest of the requests; None: computed each time."""
    texts = [m.content for e in examples for m in e.messages]
    key = hashlib.sha256(json.dumps([model.feature_set, texts], default=str).encode())
    path = None if cache is None else cache / f"features-{key.hexdigest()[:16]}.npy"
    if path is not None and path.exists():
        return np.load(path)
    matrix = feature_matrix([e.messages for e in examples], model.feature_set)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, matrix)
    return matrix


def source_stream(
    sessions: Sequence[Session],
    source: str,
    model: QualityModel,
    *,
    min_quality: float,
    prices: Prices | None = None,
    cache: Path | None = None,
) -> SourceStream:
    """The stream of ``source``'s scored turns (see the module docstring)."""
    prices = prices or Prices.of()
    chosen = [s for s in sessions if s.source == source]
    examples = examples_of(chosen, prices)
    matrix = cached_features(examples, model, cache)
    prior_p = model.predict_matrix(matrix)
    similarity = model.similarity(matrix)
    options = OrchestratorConfig(quality=QualityConfig(min_quality=min_quality))
    static, pinned, in_domain = [], [], []
    for i, example in enumerate(examples):
        sim = None if similarity is None else float(similarity[i])
        verdict = verdict_of(model, float(prior_p[i]), sim, min_quality)
        profile = classify_request(example.messages)
        static.append(choose_tier(profile, options, verdict).tier == "main")
        cheap_ok = dataclasses.replace(verdict, cheap_ok=True, min_similarity=None)
        pinned.append(choose_tier(profile, options, cheap_ok).tier == "main")
        in_domain.append(verdict.in_domain)
    folds = grouped_folds([e.turn.session for e in examples])
    ceiling = evaluate(
        examples, matrix, per_source=True, l2=penalties(model.feature_set), folds=folds
    )
    return SourceStream(
        source=source,
        turns=[e.turn for e in examples],
        weak_ok=np.array([e.weak_ok for e in examples]),
        judge_cost=np.array(judge_costs(chosen, prices)),
        inputs=TenantLearner.prior(model).inputs(model, matrix),
        prior_p=prior_p,
        in_domain=np.array(in_domain),
        static_strong=np.array(static),
        pinned_strong=np.array(pinned),
        static_threshold=model.threshold_for(min_quality),
        ceiling_p=ceiling,
        folds=folds,
    )
