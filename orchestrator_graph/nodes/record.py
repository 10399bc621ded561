"""``record``: the turn's decision, estimate, calls and baseline written to the ledger,
with the classifier's feature vector and, when a person picked the route at the
interrupt, that choice as feedback (``main_session``: the turn needed the conversation).
With the answer cache on, a self-contained turn answered normally is stored in it; a
turn answered from it is recorded at $0 with what it saved (``saved_usd``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime

from orchestrator_graph.accounting.estimates import Pricing, baseline_usd
from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.cache.turn import cacheable, store_answer
from orchestrator_graph.config import OrchestratorConfig, RunContext, cache_scope, run_options
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.transcript_index import transcript_index
from orchestrator_graph.conversation.views import last_turn
from orchestrator_graph.nodes import overhead_ms
from orchestrator_graph.quality.adaptive import TurnQuality, state_key
from orchestrator_graph.quality.roles import answering_roles
from orchestrator_graph.quality.shadow import Sampler, ShadowRunner
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.ab import arm_options
from orchestrator_graph.routing.classify.trained import FEATURES, FEATURES_VERSION
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import ModelCall, OrchestratorState, RoutingDecision


def make_record(
    pricing: Pricing,
    options: OrchestratorConfig,
    resources: Resources,
    shadow: ShadowRunner | None = None,
) -> Callable[..., dict[str, Any]]:
    """The node; with ``shadow``, a sampled turn's shadow judge is started once it is
    recorded (``quality.shadow``: in the background, after the turn has answered)."""
    sampler = Sampler.new()

    def record(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Account for the turn: actual cost, the baseline, and the time spent."""
        started = time.perf_counter()
        run = run_options(options, run_context(runtime))
        messages = state["messages"]
        index = transcript_index(messages)
        turn = last_turn(messages)
        answer = "\n\n".join(
            message_text(messages[p]) for p in turn.positions if messages[p].type == "ai"
        )
        # the previous turn's request: the prefix a main call would have cached
        previous = index.tokens_before(index.starts[turn.index - 1] + 1) if turn.index else 0
        baseline = baseline_usd(
            messages[: turn.start], messages[turn.start], answer, previous, pricing.main, run
        )
        calls = state.get("calls") or []
        cost = sum(c.cost_usd for c in calls)
        scope = cache_scope(run_context(runtime))
        if scope is not None and (cache := resources.cache()) is not None:
            _keep_answer(run, cache, state, messages[: turn.start + 1], answer, cost, scope)
        if (ledger := resources.ledger()) is not None:
            overhead = (state.get("overhead_ms") or 0.0) + overhead_ms(started)
            turn_record = _turn_record(
                run, state, turn.index, calls, cost, baseline, overhead, pricing.main_model
            )
            _write_turn(ledger, turn_record, state)
            job = sampler.job(state, run, pricing.main_model) if shadow is not None else None
            if job is not None and shadow is not None:
                shadow.submit(job)
        return {
            "cost_usd": cost,
            "baseline_cost_usd": baseline,
            "thread_cost_usd": cost,
            "thread_baseline_cost_usd": baseline,
        }

    return record


def _keep_answer(
    options: OrchestratorConfig,
    cache: AnswerCache,
    state: OrchestratorState,
    request: list[Any],
    answer: str,
    cost: float,
    scope: str,
) -> None:
    """Count a cache hit, or store the answer of a cacheable turn answered normally (by
    the options of the thread's A/B arm, as the decision looked it up)."""
    decision, profile = state["decision"], state.get("profile")
    arm_run, _ = arm_options(options, state["thread_id"])
    assert decision is not None, "cost_estimate sets the decision"
    if decision.route == "cache" and decision.cache is not None:
        cache.count_hit(decision.cache.entry_id)
    elif profile is not None and answer.strip() and cacheable(request, profile, arm_run):
        models = ", ".join(dict.fromkeys(c.model for c in state.get("calls") or []))
        store_answer(
            request,
            decision,
            answer,
            cache=cache,
            scope=scope,
            cost_usd=cost,
            model=models,
            options=options,
        )


def _turn_record(
    options: OrchestratorConfig,
    state: OrchestratorState,
    turn: int,
    calls: list[ModelCall],
    cost: float,
    baseline: float,
    overhead: float,
    main_model: str,
) -> TurnRecord:
    decision: RoutingDecision | None = state["decision"]
    assert decision is not None, "cost_estimate sets the decision"
    prediction = decision.quality
    learned = None
    # what quality feedback learns (not from an answer reused from the cache)
    if prediction is not None and prediction.in_domain and decision.route != "cache":
        learned = TurnQuality(
            key=state_key(decision.arm, decision.profile.category),
            p_cheap_ok=prediction.p_cheap_ok,
            threshold=prediction.threshold,
            min_quality=prediction.min_quality,
            cheap=answering_roles(calls, main_model) == ["weak"],
        ).model_dump()
    worker_ms = [c.latency_ms for c in calls if c.node == "spawn_subgraph"]
    model_ms = max(worker_ms, default=0.0) + sum(
        c.latency_ms for c in calls if c.node != "spawn_subgraph"
    )
    results = state.get("worker_results") or []
    profile = state.get("profile") or decision.profile
    features = profile.features if len(profile.features) == len(FEATURES) else None
    return TurnRecord(
        thread_id=state["thread_id"],
        turn=turn,
        route=decision.route,
        reasons=decision.reasons,
        confidence=decision.confidence,
        category=decision.profile.category,
        complexity=decision.profile.complexity,
        context_dependency=decision.profile.context_dependency,
        estimated_usd=decision.estimate.option(decision.route).call_usd,
        estimate=decision.estimate.model_dump(mode="json"),
        cost_usd=cost,
        baseline_usd=baseline,
        decision_ms=decision.decision_ms,
        overhead_ms=overhead,
        model_ms=model_ms,
        fallbacks=sum(c.status.startswith("fallback") for c in calls),
        worker_results=len(results),
        workers_accepted=sum(r.status == "ok" for r in results),
        calls=calls,
        features=features,
        features_version=FEATURES_VERSION if features is not None else None,
        saved_usd=decision.cache.saved_usd if decision.cache and decision.cache.hit else 0.0,
        cache_entry=decision.cache.entry_id
        if decision.route == "cache" and decision.cache
        else None,
        quality=learned,
        arm=decision.arm,
        tenant=options.tenant,
    )


def _write_turn(ledger: CostLedger, record: TurnRecord, state: OrchestratorState) -> None:
    """The turn, and the person's pick at the interrupt as feedback on it."""
    ledger.record_turn(record)
    decision = state["decision"]
    if decision is not None and decision.picked_by_person is not None:
        ledger.record_feedback(
            record.thread_id,
            record.turn,
            needed_earlier_turns=decision.picked_by_person == "main_session",
            source="person",
        )
