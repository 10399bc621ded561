"""The trained tier: logistic regression on the rules' signals, saved as JSON.

It learns whether a request needs earlier turns from labelled sessions in the
workload format. Prediction is plain Python (a dot product over a few
features), so loading it costs no dependency and deciding stays sub-millisecond;
fitting uses numpy (``orchestrator_graph.cli.train``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from langchain_core.messages import BaseMessage
from pydantic import BaseModel, Field

from orchestrator_graph.conversation.views import latest_request
from orchestrator_graph.routing.classify.message_features import message_features
from orchestrator_graph.routing.classify.signals import RuleSignals

FORMAT = "orchestrator-graph/dependency-logreg/2"
SIGNAL_FEATURES = (
    "fresh",
    "you_said",
    "discourse",
    "opener",
    "ellipsis",
    "anaphora",
    "pronoun",
    "continuation",
    "edit",
    "named",
    "artifact",
    "definite",
    "short",
    "personal",
    "reply",
    "overlap",
)
FEATURES = (
    *SIGNAL_FEATURES,
    "rules_score",
    "best_overlap",
    "log_words",
    "log_turn",
    "question",
    "own_material",
    "system",
    "boundary",
    "recent_overlap",
    "request_form",
    "whole_conversation",
)
# the layout of a stored feature vector: a ledger row of another layout is not trained on
FEATURES_VERSION = hashlib.sha256("\n".join((FORMAT, *FEATURES)).encode()).hexdigest()[:16]


def features_of(messages: Sequence[BaseMessage], found: RuleSignals) -> list[float]:
    """The feature vector of the last request of ``messages`` (order of ``FEATURES``)."""
    _, text = latest_request(messages)
    request = message_features(messages[-1])
    values = [1.0 if found.features.get(name) else 0.0 for name in SIGNAL_FEATURES]
    values += [
        found.score,
        max(found.overlap.values(), default=0.0),
        math.log1p(len(text.split())) / 5,
        math.log1p(found.turns[-1].index + 1 if found.turns else 0) / 3,
        1.0 if "?" in text else 0.0,
        1.0 if found.own_material else 0.0,
        1.0 if messages and messages[0].type == "system" else 0.0,
        found.boundary.score if found.boundary else 1.0,
        found.boundary.overlap if found.boundary else 0.0,
        1.0 if request.request_form else 0.0,
        1.0 if request.whole_conversation else 0.0,
    ]
    return values


class TrainedClassifier(BaseModel):
    """Weights of the dependency model, the probability below which a turn the
    rules are unsure of is taken as self-contained (chosen on the training data to
    keep starvation low), and the one above which a turn the rules would offload is
    kept in the main session."""

    format: str = FORMAT
    features: list[str] = Field(default_factory=lambda: list(FEATURES))
    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    self_contained_below: float = Field(ge=0, le=1)
    dependent_above: float = Field(default=0.9, ge=0, le=1)
    trained_on: dict[str, float] = Field(default_factory=dict)

    def probability(self, values: Sequence[float]) -> float:
        """P(the request needs earlier turns)."""
        z = self.bias + sum(
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, values, self.mean, self.scale, strict=True)
        )
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.model_dump_json(indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TrainedClassifier:
        """Read a model saved by ``save``; a foreign or stale file is a ``ValueError``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        model = cls.model_validate(data)
        if model.format != FORMAT or model.features != list(FEATURES):
            raise ValueError(
                f"{path}: not a classifier of this version ({model.format}); "
                "train a new one with `orchestrator-graph train`"
            )
        return model


@cache
def load_trained(path: Path) -> TrainedClassifier:
    """One loaded model per file and process."""
    return TrainedClassifier.load(path)
