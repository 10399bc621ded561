"""One decision path: ``evaluate_task`` and the compiled graph decide the same turns the
same way (route, reasons, tasks, arm, estimate), A/B arms, the answer cache, the
person's pick and the budget fit included."""

from __future__ import annotations

import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.types import Command

from orchestrator_graph import (
    CacheConfig,
    OrchestratorConfig,
    RunContext,
    create_orchestrator,
    evaluate_task,
)
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.config import ABArm, ABTest, BudgetLimits, RoutingConfig
from orchestrator_graph.routing.ab import assign_arm
from orchestrator_graph.state import RoutingDecision
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

ESSAY = (
    "Write a comprehensive, detailed 3000-word report on the history of Rome from its "
    "founding to the fall of the Western empire, with sections on politics, economy, army, "
    "religion and culture."
)
REQUESTS = [
    "Tell me about the Zappa band history.",
    "Why did they break up?",  # unsure: a person picks the route
    "1. What is the capital of Peru?\n2. Convert 30 C to F.\n3. Name a green tea.",
    ESSAY,  # on the main model: does not fit the turn budget
    "Now make it shorter.",
    "Write a haiku about autumn.",
]
AB = ABTest(
    arms={
        "control": ABArm(share=0.5),
        "main-only": ABArm(share=0.5, options={"force_route": "main_session"}),
    },
    salt="one-decision",
)
PERSON = "worker_session"
SCOPE = "one-decision"


def _config(tmp_path: Path) -> OrchestratorConfig:
    """An A/B test, an answer cache (the second thread's first request repeats the
    first's), a person below 0.7 confidence and a turn budget that an essay on the main
    model just passes (so the budget fit moves it to a worker)."""
    essay = evaluate_task([ESSAY], config=OrchestratorConfig(ledger_path=None))
    limit = essay.estimate.main.call_usd * 0.9
    return OrchestratorConfig(
        ledger_path=None,
        ab=AB,
        cache=CacheConfig(path=tmp_path / "cache.sqlite"),
        budget=BudgetLimits(turn_usd=limit),
        routing=RoutingConfig(interrupt_below=0.7),
    )


def _threads() -> list[str]:
    """Three new thread ids: one in the control arm, one in main-only, another in
    control (whose first request the cache answers: a forced route is never looked up)."""
    threads: dict[str, list[str]] = {"control": [], "main-only": []}
    while len(threads["control"]) < 2 or not threads["main-only"]:
        thread = f"one-decision-{uuid.uuid4().hex[:8]}"
        threads[assign_arm(AB, thread)].append(thread)
    return [threads["control"][0], threads["main-only"][0], threads["control"][1]]


def _comparable(decision: RoutingDecision) -> dict[str, Any]:
    dumped = decision.model_dump(exclude={"decision_ms"})
    dumped["profile"].pop("classify_ms")
    return dumped


def test_evaluate_task_and_the_graph_decide_alike(tmp_path: Path) -> None:
    config = _config(tmp_path)
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
    )
    seen: list[RoutingDecision] = []
    context = RunContext(cache_scope=SCOPE)
    with (
        sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver,
        closing(AnswerCache(tmp_path / "cache.sqlite")) as cache,
    ):
        graph = builder.compile(checkpointer=saver)
        for thread_id in _threads():
            thread = {"configurable": {"thread_id": thread_id}}
            for n, text in enumerate(REQUESTS):
                request = HumanMessage(text, id=f"{thread_id}-{n}")
                before = graph.get_state(thread).values
                expected = evaluate_task(
                    [*before.get("messages", []), request],
                    config=config,
                    thread_id=thread_id,
                    digests=before.get("digests"),
                    prompts=before.get("prompts"),
                    person=PERSON,
                    cache=cache,
                    cache_scope=SCOPE,
                )
                result = graph.invoke({"messages": [request]}, thread, context=context)
                if "__interrupt__" in result:
                    result = graph.invoke(Command(resume=PERSON), thread, context=context)
                decision = result["decision"]
                assert _comparable(decision) == _comparable(expected), (thread_id, text)
                seen.append(decision)
    # the turns cover what the decision does: both arms, the cache, a person, the budget
    assert {d.arm for d in seen} == {"control", "main-only"}
    assert [d.route for d in seen].count("cache") == 1  # the repeated first request
    assert any(d.picked_by_person == PERSON for d in seen)
    assert any(r.startswith("budget:") for d in seen for r in d.reasons)
    assert {"main_session", "worker_session", "parallel_workers"} <= {d.route for d in seen}


def test_without_a_person_evaluate_task_says_one_would_be_asked() -> None:
    config = OrchestratorConfig(ledger_path=None, routing=RoutingConfig(interrupt_below=0.7))
    messages = [REQUESTS[0], "The Mothers of Invention...", REQUESTS[1]]
    asked = evaluate_task(messages, config=config, person="main_session")
    assert asked.route == "main_session" and asked.picked_by_person == "main_session"
    unasked = evaluate_task(messages, config=config)
    assert unasked.picked_by_person is None
    assert "a person" in unasked.reasons[-1]
