"""Provider faults injected and survived: retries with backoff, per-call timeouts,
fallbacks to the main session, and a main session failure that stays resumable."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.calls import ModelCallError
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.openai_server import OpenAICompatibleServer
from orchestrator_graph.testing.simulated import SimulatedChatModel

pytestmark = [pytest.mark.integration]  # an OpenAI-compatible server on 127.0.0.1

CHEAP = {"strong_categories": frozenset(), "strong_worker_complexity": 6, "retry_backoff_s": 0.0}
ASK = "What is the capital of Peru?"


def _config(tmp_path: Path, **update: object) -> OrchestratorConfig:
    return OrchestratorConfig().updated(
        {"ledger_path": tmp_path / "ledger.sqlite", **{**CHEAP, **update}}
    )


def _statuses(ledger: Path, thread: str) -> list[str]:
    return [c["status"] for c in CostLedger(ledger).calls(thread)]


def test_transient_worker_faults_are_retried_and_each_retry_is_in_the_ledger(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, force_route="worker_session", max_retries=3)
    worker = SimulatedChatModel(
        model_name="gpt-4.1-mini", faults=["rate_limit", "server_error", "timeout"]
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config).compile()
    state = graph.invoke({"messages": [HumanMessage(ASK)]}, {"configurable": {"thread_id": "t"}})
    assert [r.fault for r in worker.requests] == ["rate_limit", "server_error", "timeout", None]
    assert main.requests == []  # survived without a fallback
    assert state["messages"][-1].text == worker.requests[-1].text.strip()
    assert _statuses(config.ledger_path, "t") == [
        "retry:SimulatedRateLimitError",
        "retry:SimulatedServerError",
        "billed_unknown:SimulatedTimeoutError",  # the provider may have billed it
        "ok",
    ]


@pytest.mark.parametrize("fault", ["timeout", "empty", "truncated", "refusal"])
def test_a_worker_that_still_fails_falls_back_to_the_main_session(
    tmp_path: Path, fault: str
) -> None:
    config = _config(tmp_path, force_route="worker_session", max_retries=1)
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", faults=[fault, fault])
    main = SimulatedChatModel(model_name="gpt-4.1")
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config).compile()
    state = graph.invoke({"messages": [HumanMessage(ASK)]}, {"configurable": {"thread_id": "t"}})
    (fallback,) = main.requests
    assert fallback.messages[-1].text == ASK
    assert state["messages"][-1].text == fallback.text.strip()
    statuses = _statuses(config.ledger_path, "t")
    if fault == "timeout":  # retried once, then failed: both billed at their worst case
        assert statuses[:2] == ["billed_unknown:SimulatedTimeoutError"] * 2
    else:  # a bad answer is not retried: it is billed and replaced
        assert statuses[0] == {"refusal": "refused"}.get(fault, fault)
    assert statuses[-1] == f"fallback:{'failed' if fault == 'timeout' else statuses[0]}"
    (turn,) = CostLedger(config.ledger_path).turns("t")
    assert turn.fallbacks == 1


def test_http_429_500_and_a_slow_answer_are_retried_once_in_our_layer(tmp_path: Path) -> None:
    config = _config(tmp_path, force_route="main_session", max_retries=3, call_timeout_s=0.5)
    with OpenAICompatibleServer() as server:

        def llm(name: str) -> ChatOpenAI:  # the client's own retries are off: one retry layer
            return ChatOpenAI(
                model=name, base_url=server.base_url, api_key="sk-test", max_retries=0
            )

        graph = create_orchestrator(
            main_model=llm("gpt-4.1"), worker_model=llm("gpt-4.1-mini"), config=config
        ).compile()
        server.inject(429)
        server.inject(500)
        server.inject_delay(0, times=2)
        server.inject_delay(3.0)  # the third attempt outlives the 0.5 s deadline
        state = graph.invoke(
            {"messages": [HumanMessage(ASK)]}, {"configurable": {"thread_id": "h"}}
        )
        posted = [r.status for r in server.requests if r.path.endswith("/chat/completions")]
    assert posted[:2] == [429, 500] and posted[-1] == 200
    assert state["messages"][-1].text
    assert _statuses(config.ledger_path, "h") == [
        "retry:OpenAIRateLimitError",
        "retry:OpenAIAPIError",  # langchain-openai wraps the 500
        "billed_unknown:OpenAITimeoutError",  # ChatOpenAI's own timeout, set per call
        "ok",
    ]


def test_main_session_failure_is_a_clear_error_and_the_thread_resumes(tmp_path: Path) -> None:
    config = _config(tmp_path, force_route="main_session", max_retries=2)
    main = SimulatedChatModel(model_name="gpt-4.1")
    worker = SimulatedChatModel(model_name="gpt-4.1-mini")
    graph_builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    thread = {"configurable": {"thread_id": "m"}}
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = graph_builder.compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage("Say hello.")]}, thread)
        main.faults.extend(["server_error"] * 3)  # the provider goes down for the next turn
        with pytest.raises(ModelCallError, match=r"failed after 3 attempt.*invoke\(None") as caught:
            graph.invoke({"messages": [HumanMessage(ASK)]}, thread)
        assert [a.status for a in caught.value.attempts] == [
            "retry:SimulatedServerError",
            "retry:SimulatedServerError",
            "failed:SimulatedServerError",
        ]
        snapshot = graph.get_state(thread)
        assert snapshot.next == ("main_session",)
        assert [m.text for m in snapshot.values["messages"]][-1] == ASK  # nothing lost
        failed = [c["status"] for c in CostLedger(config.ledger_path).calls("m") if c["turn"] == 1]
        assert failed == [a.status for a in caught.value.attempts]  # on the bill, at $0
        state = graph.invoke(None, thread)  # the provider is back: the turn completes
    assert [m.type for m in state["messages"]] == ["human", "ai", "human", "ai"]
    ledger = CostLedger(config.ledger_path)
    assert [t.turn for t in ledger.turns("m")] == [0, 1]
    statuses = sorted(c["status"] for c in ledger.calls("m") if c["turn"] == 1)
    assert statuses == ["failed:SimulatedServerError", "ok", *["retry:SimulatedServerError"] * 2]
    assert ledger.totals("m").cost_usd == pytest.approx(sum(t.cost_usd for t in ledger.turns("m")))


def test_every_failed_attempt_of_every_node_is_in_the_ledger_when_merge_gives_up(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, force_route="worker_session", max_retries=1)
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", faults=["server_error"] * 2)
    main = SimulatedChatModel(model_name="gpt-4.1", faults=["rate_limit", "server_error"])
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config).compile()
    with pytest.raises(ModelCallError) as caught:  # the fallback in merge fails too
        graph.invoke({"messages": [HumanMessage(ASK)]}, {"configurable": {"thread_id": "g"}})
    calls = CostLedger(config.ledger_path).calls("g")
    assert [(c["node"], c["status"]) for c in calls] == [
        ("spawn_subgraph", "retry:SimulatedServerError"),
        ("spawn_subgraph", "failed:SimulatedServerError"),
        ("merge", "retry:SimulatedRateLimitError"),
        ("merge", "failed:SimulatedServerError"),
    ]
    assert [c["call_id"] for c in calls[2:]] == [a.call_id for a in caught.value.attempts]
