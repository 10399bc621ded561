"""The graph driving ``ChatOpenAI`` over real HTTP against a server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from genai_prices import Usage, calc_price
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from orchestrator_graph import OrchestratorConfig, RoutingConfig, SessionConfig, create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.testing.openai_server import OpenAICompatibleServer

pytestmark = [pytest.mark.integration]  # an OpenAI-compatible server on 127.0.0.1

LONG_RULES = "You are the support assistant of a sailing school. " + " ".join(
    f"Rule {i}: name the knot, say what it is for, and keep the answer short." for i in range(90)
)


@pytest.fixture
def server() -> Iterator[OpenAICompatibleServer]:
    with OpenAICompatibleServer() as running:
        yield running


def chat(server: OpenAICompatibleServer, model: str) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=server.base_url, api_key="sk-test", model=model, max_retries=0, timeout=10
    )


def genai_usd(model: str, input_tokens: int, cached: int, output_tokens: int) -> float:
    usage = Usage(input_tokens=input_tokens, cache_read_tokens=cached, output_tokens=output_tokens)
    return float(calc_price(usage, model_ref=model).total_price)


def test_usage_over_http_is_parsed_and_priced(
    server: OpenAICompatibleServer, tmp_path: Path
) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    models = {"main_model": chat(server, "gpt-4.1"), "worker_model": chat(server, "gpt-4.1-mini")}
    thread = {"configurable": {"thread_id": "http"}}
    graphs = {
        route: create_orchestrator(
            **models,
            # worker_history_tokens=0: a self-contained request gets the minimal view
            config=OrchestratorConfig(
                ledger_path=ledger_path,
                routing=RoutingConfig(force_route=route),
                sessions=SessionConfig(worker_history_tokens=0),
            ),
        ).compile()
        for route in ("main_session", "worker_session")
    }
    first = [SystemMessage(LONG_RULES), HumanMessage("What is a bowline for?")]
    state = graphs["main_session"].invoke({"messages": first}, thread)
    history = state["messages"]
    again = [*history, HumanMessage("And what is a clove hitch for?")]
    state = graphs["main_session"].invoke({"messages": again}, thread)
    history = state["messages"]
    offload = [
        *history,
        HumanMessage(
            "Which city is the capital of Peru, and roughly how many people live there today?"
        ),
    ]
    state = graphs["worker_session"].invoke({"messages": offload}, thread)

    posted = [r for r in server.requests if r.path.endswith("/chat/completions")]
    assert [r.status for r in posted] == [200, 200, 200]
    assert [r.body["model"] for r in posted] == ["gpt-4.1", "gpt-4.1", "gpt-4.1-mini"]
    served = [*server.model("gpt-4.1").requests, *server.model("gpt-4.1-mini").requests]
    calls = CostLedger(ledger_path).calls("http")
    assert len(calls) == len(served) == 3
    for call, sent in zip(calls, served, strict=True):
        assert call["model"] == sent.model_name
        assert call["status"] == "ok"  # usage came from the response, not estimated
        assert (call["input_tokens"], call["cached_input_tokens"], call["output_tokens"]) == (
            sent.input_tokens,
            sent.cached_input_tokens,
            sent.output_tokens,
        )
        assert call["cost_usd"] == pytest.approx(
            genai_usd(
                sent.model_name, sent.input_tokens, sent.cached_input_tokens, sent.output_tokens
            )
        )
    # the second main call shares the long standing instructions: the cache discount is billed
    assert calls[1]["cached_input_tokens"] >= 1024
    assert calls[1]["cost_usd"] < genai_usd(
        "gpt-4.1", calls[1]["input_tokens"], 0, calls[1]["output_tokens"]
    )
    # the worker's minimal view went over the wire: instructions + the brief only
    worker_body = posted[2].body["messages"]
    assert [m["role"] for m in worker_body] == ["system", "user"]
    assert (
        worker_body[-1]["content"]
        == "Which city is the capital of Peru, and roughly how many people live there today?"
    )
    assert state["messages"][-1].text == served[2].text.strip()
    totals = CostLedger(ledger_path).totals("http")
    assert totals.turns == 3
    assert totals.cost_usd == pytest.approx(sum(c["cost_usd"] for c in calls))
