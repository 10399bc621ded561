"""``record``: the turn's decision, estimate, calls and baseline written to the ledger,
with the classifier's feature vector and, when a person picked the route at the
interrupt, that choice as feedback (``main_session``: the turn needed the conversation)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig

from orchestrator_graph.budget import thread_of
from orchestrator_graph.classifier.trained import FEATURES, FEATURES_VERSION
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.context import turns_of
from orchestrator_graph.estimate import Pricing, baseline_usd, request_tokens
from orchestrator_graph.ledger import TurnRecord, ledger_at
from orchestrator_graph.state import ModelCall, OrchestratorState, RoutingDecision, TaskProfile
from orchestrator_graph.tokens import message_text


def make_record(
    pricing: Pricing, settings: OrchestratorConfig
) -> Callable[[OrchestratorState, RunnableConfig], dict[str, Any]]:
    def record(state: OrchestratorState, config: RunnableConfig) -> dict[str, Any]:
        """Account for the turn: actual cost, the baseline, and the time spent."""
        messages = state["messages"]
        decision = RoutingDecision.model_validate(state["decision"])
        calls = [ModelCall.model_validate(c) for c in state.get("calls") or []]
        turns = turns_of(messages)
        turn = turns[-1]
        answer = "\n\n".join(
            message_text(messages[p]) for p in turn.positions if messages[p].type == "ai"
        )
        previous = request_tokens(messages[: turns[-2].start + 1]) if len(turns) > 1 else 0
        baseline = baseline_usd(
            messages[: turn.start], messages[turn.start], answer, previous, pricing.main, settings
        )
        cost = sum(c.cost_usd for c in calls)
        worker_ms = [c.latency_ms for c in calls if c.node == "spawn_subgraph"]
        model_ms = max(worker_ms, default=0.0) + sum(
            c.latency_ms for c in calls if c.node != "spawn_subgraph"
        )
        elapsed_ms = (time.time() - state.get("turn_started", time.time())) * 1000
        results = state.get("worker_results") or []
        if settings.ledger_path is not None:
            estimate = decision.estimate.option(decision.route)
            thread_id = thread_of(config)
            features = TaskProfile.model_validate(state.get("profile") or decision.profile).features
            stored = len(features) == len(FEATURES)
            ledger = ledger_at(Path(settings.ledger_path))
            ledger.record_turn(
                TurnRecord(
                    thread_id=thread_id,
                    turn=turn.index,
                    route=decision.route,
                    reasons=decision.reasons,
                    confidence=decision.confidence,
                    category=decision.profile.category,
                    complexity=decision.profile.complexity,
                    context_dependency=decision.profile.context_dependency,
                    estimated_usd=estimate.call_usd,
                    estimate=decision.estimate.model_dump(mode="json"),
                    cost_usd=cost,
                    baseline_usd=baseline,
                    decision_ms=decision.decision_ms,
                    overhead_ms=max(0.0, elapsed_ms - model_ms),
                    model_ms=model_ms,
                    fallbacks=sum(c.status.startswith("fallback") for c in calls),
                    worker_results=len(results),
                    workers_accepted=sum(r["status"] == "ok" for r in results),
                    calls=calls,
                    features=features if stored else None,
                    features_version=FEATURES_VERSION if stored else None,
                )
            )
            if decision.picked_by_person is not None:
                ledger.record_feedback(
                    thread_id,
                    turn.index,
                    needed_earlier_turns=decision.picked_by_person == "main_session",
                    source="person",
                )
        return {"cost_usd": cost, "baseline_cost_usd": baseline}

    return record
