"""``classify``'s tiers: a request and its conversation -> ``TaskProfile``.

The rules tier always runs. A trained classifier (``classifier_model_path``)
revises the dependency score where the rules are unsure (confidence below
``TRAINED_BELOW``), and keeps in the main session a turn the rules would offload
when it is nearly sure the turn needs earlier ones. Below ``cheap_model_below``
the worker model may be asked (``classifier.cheap_model``, in the graph only).

``classifier.segments`` finds where the current task of a long thread began
(``request_boundary``, ``task_segment``) and plans what a worker is sent
(``segment_context``); ``classifier.message_features`` caches what the rules
read from each message, so a decision reads only the last turns.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from langchain_core.messages import BaseMessage

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.views import instruction_positions, latest_request
from orchestrator_graph.routing.classify.rules import (
    SELF_CONTAINED_BELOW,
    classify_rules,
    profile_from,
    rule_signals,
    split_subtasks,
)
from orchestrator_graph.routing.classify.segments import (
    request_boundary,
    segment_context,
    task_segment,
)
from orchestrator_graph.routing.classify.trained import features_of, load_trained
from orchestrator_graph.state import TaskProfile

__all__ = [
    "SELF_CONTAINED_BELOW",
    "classify_request",
    "request_boundary",
    "segment_context",
    "split_subtasks",
    "task_segment",
]

TRAINED_BELOW = 0.8  # rules confidence under which the trained tier is consulted


def classify_request(
    messages: Sequence[BaseMessage], *, config: OrchestratorConfig | None = None
) -> TaskProfile:
    """Profile the last message of ``messages`` against the conversation before it.

    The profile carries the trained tier's feature vector (``features``) whichever
    tier decides, so the ledger can store it and ``orchestrator-graph train`` learn
    from feedback on the turn.
    """
    options = config or OrchestratorConfig()
    threshold = (
        options.routing.context_threshold
    )  # one setting: the rules, this tier and the routing
    found = rule_signals(messages)
    features = features_of(messages, found)
    profile = classify_rules(messages, found, threshold=threshold)
    profile.features = features
    path = options.routing.classifier_model_path
    if path is None or "first turn" in profile.signals:
        return profile
    model = load_trained(Path(path))
    _, text = latest_request(messages)
    p = model.probability(features)
    offloadable = profile.context_dependency < threshold
    if offloadable and p >= model.dependent_above:
        dependency = max(threshold, p)  # the model vetoes a confident offload
    elif profile.confidence >= TRAINED_BELOW:
        return profile
    elif p < model.self_contained_below:
        dependency = threshold * p / max(model.self_contained_below, 1e-9)
    else:
        dependency = max(found.score, threshold, p)
    revised = profile_from(
        found,
        text,
        messages,
        profile.subtasks,
        bool(instruction_positions(messages)),
        dependency=min(1.0, dependency),
        threshold=threshold,
    )
    if p < model.self_contained_below:
        revised.confidence = round(max(revised.confidence, 1 - p), 3)
    revised.signals.append(f"trained tier: P(needs earlier turns) = {p:.2f}")
    revised.tier = "trained"
    revised.features = features
    return revised
