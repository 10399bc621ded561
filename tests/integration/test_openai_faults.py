"""``ChatOpenAI`` over real HTTP through the orchestrator graph: usage, retries, fallbacks.

The OpenAI-compatible server on 127.0.0.1 answers from simulated models; the
client is the real ``ChatOpenAI`` with its own retries off, so the retries and
fallbacks seen here are the orchestrator's (``OrchestratorConfig.retries.max_retries``,
``call_timeout_s``, and ``merge`` answering a failed worker in the main session).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.memory import InMemorySaver

from orchestrator_graph import (
    BudgetLimits,
    ModelCallError,
    OrchestratorConfig,
    RetryConfig,
    RoutingConfig,
    create_orchestrator,
)
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.accounting.pricing import price_for
from orchestrator_graph.conversation.tokens import count_messages
from orchestrator_graph.state import serializer
from orchestrator_graph.testing.openai_server import OpenAICompatibleServer

pytestmark = [pytest.mark.integration]  # an OpenAI-compatible server on 127.0.0.1

MAIN, WORKER = "gpt-4.1", "gpt-4.1-mini"
WORKER_TURN = "Write a haiku about green tea."


@pytest.fixture
def server() -> Iterator[OpenAICompatibleServer]:
    with OpenAICompatibleServer() as running:
        yield running


def run_turns(
    server: OpenAICompatibleServer,
    ledger: Path,
    turns: list[str],
    *,
    streaming: bool = False,
    **config: Any,
) -> dict[str, Any]:
    def client(model: str) -> ChatOpenAI:
        return ChatOpenAI(
            model=model,
            base_url=server.base_url,
            api_key="sk-test-not-real",
            max_retries=0,  # the orchestrator retries, not the client
            timeout=10,
            streaming=streaming,
            stream_usage=True,
        )

    options = {"ledger_path": ledger, "retry_backoff_s": 0.01, **config}
    graph = create_orchestrator(
        main_model=client(MAIN),
        worker_model=client(WORKER),
        config=OrchestratorConfig().updated(options),
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    thread = {"configurable": {"thread_id": "faults"}}
    for text in turns:
        graph.invoke({"messages": [HumanMessage(text)]}, thread)
    return graph.get_state(thread).values  # with the turn's internal channels


def chat_requests(server: OpenAICompatibleServer) -> list[tuple[str, int]]:
    return [(r.body["model"], r.status) for r in server.requests if r.path.endswith("completions")]


@pytest.mark.parametrize("streaming", [False, True], ids=["invoke", "stream"])
def test_usage_reaches_the_ledger(
    server: OpenAICompatibleServer, tmp_path: Path, streaming: bool
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    state = run_turns(
        server, ledger, ["1. Capital of Peru?\n2. 30 C in F?", WORKER_TURN], streaming=streaming
    )
    assert all(r.body.get("stream", False) is streaming for r in server.requests)
    sent = sorted(
        (r.model_name, r.input_tokens, r.output_tokens, r.cached_input_tokens)
        for model in server.models.values()
        for r in model.requests
    )
    with CostLedger(ledger) as book:
        calls = book.calls()
        turns = book.turns()
    billed = sorted(
        (c["model"], c["input_tokens"], c["output_tokens"], c["cached_input_tokens"]) for c in calls
    )
    assert billed == sent  # the ledger holds the usage the server reported, call for call
    assert len(calls) == 3 and all(c["status"] == "ok" and c["cost_usd"] > 0 for c in calls)
    assert turns[0].route == "parallel_workers"
    assert sum(t.cost_usd for t in turns) == pytest.approx(sum(c["cost_usd"] for c in calls))
    assert state["cost_usd"] == pytest.approx(turns[-1].cost_usd)  # the last turn's
    assert state["thread_cost_usd"] == pytest.approx(sum(t.cost_usd for t in turns))


def test_a_429_is_retried(server: OpenAICompatibleServer, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    server.inject(429)
    state = run_turns(server, ledger, [WORKER_TURN], max_retries=1)
    assert chat_requests(server) == [(WORKER, 429), (WORKER, 200)]
    with CostLedger(ledger) as book:
        calls = book.calls()
    assert [c["status"] for c in calls] == ["retry:OpenAIRateLimitError", "ok"]
    assert calls[0]["cost_usd"] == 0 and calls[1]["cost_usd"] > 0
    assert state["worker_results"][0].status == "ok"


@pytest.mark.parametrize(
    ("fault", "config", "error"),
    [
        ("500", {"max_retries": 0}, "500"),
        ("timeout", {"max_retries": 0, "call_timeout_s": 0.5}, "Timeout"),
    ],
)
def test_a_failing_worker_falls_back_to_the_main_session(
    server: OpenAICompatibleServer,
    tmp_path: Path,
    fault: str,
    config: dict[str, Any],
    error: str,
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    if fault == "500":
        server.inject(500)
    else:
        server.inject_delay(3)
    state = run_turns(server, ledger, [WORKER_TURN], **config)
    assert state["decision"].route == "worker_session"
    result = state["worker_results"][0]
    assert result.status == "failed" and error in (result.error or "")
    # no retry (configured off); the timed-out request is logged only when its delay ends
    expected = [(WORKER, 500), (MAIN, 200)] if fault == "500" else [(MAIN, 200)]
    assert chat_requests(server) == expected
    answer = state["messages"][-1]
    assert answer.text.startswith(f"[simulated {MAIN}]")
    with CostLedger(ledger) as book:
        (turn,) = book.turns()
    statuses = [c.status for c in turn.calls]
    # a timed-out request may still be billed by the provider: never recorded as free
    prefix = "failed" if fault == "500" else "billed_unknown"
    assert statuses[0] == f"{prefix}:{(result.error or '').split(':')[0]}"
    assert (turn.calls[0].cost_usd > 0) == (fault == "timeout")
    assert statuses[-1] == "fallback:failed"
    assert turn.fallbacks == 1 and turn.cost_usd > 0


def test_a_timed_out_call_is_billed_unknown_at_its_worst_case_never_free(
    server: OpenAICompatibleServer, tmp_path: Path
) -> None:
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite",
        budget=BudgetLimits(thread_usd=1.0, max_output_tokens=500),
        routing=RoutingConfig(force_route="main_session"),
        # call_timeout_s: ChatOpenAI's own timeout, set on the call
        retries=RetryConfig(max_retries=0, call_timeout_s=0.5),
    )
    main = ChatOpenAI(model=MAIN, base_url=server.base_url, api_key="sk-test", max_retries=0)
    worker = ChatOpenAI(model=WORKER, base_url=server.base_url, api_key="sk-test", max_retries=0)
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config).compile()
    server.inject_delay(2)  # the provider answers (and bills) after the client gave up
    ask = [HumanMessage("What is the capital of Peru?")]
    with pytest.raises(ModelCallError) as caught:
        graph.invoke({"messages": ask}, {"configurable": {"thread_id": "slow"}})
    (attempt,) = caught.value.attempts
    worst = price_for(MAIN).cost(count_messages(ask), 500)
    assert attempt.status == "billed_unknown:OpenAITimeoutError"
    assert (attempt.input_tokens, attempt.output_tokens) == (count_messages(ask), 500)
    assert attempt.cost_usd == pytest.approx(worst) and worst > 0
    with CostLedger(config.ledger_path) as book:
        (row,) = book.calls("slow")
    assert row["status"] == attempt.status and row["cost_usd"] == pytest.approx(worst)
    assert graph.builder.resources.book().used("slow")[0] == pytest.approx(worst)  # still held
    graph.builder.close()
