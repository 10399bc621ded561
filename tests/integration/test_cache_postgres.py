"""The answer cache where the ledger is, in PostgreSQL: two graphs (as two replicas)
on one database serve each other's answers, and feedback given anywhere withdraws one
from both. Each test gets its own ledger schema (``pg_ledger``)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from orchestrator_graph import OrchestratorConfig, RunContext, create_orchestrator, record_outcome
from orchestrator_graph.accounting.ledger.postgres_rows import POOL_SIZE, PostgresRows
from orchestrator_graph.cache.entries import CONNECTIONS, Entries
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.config import CacheConfig
from orchestrator_graph.resources import Resources
from orchestrator_graph.state import serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel

pytestmark = [pytest.mark.slow]  # a PostgreSQL server

QUESTION = "Who wrote the novel Dune?"
PARAPHRASE = "Who is the author of the novel Dune?"


def replica(url: str) -> tuple[Any, Resources]:
    """A graph with its own resources (its own connections), as one server process."""
    config = OrchestratorConfig(ledger_url=url, cache=CacheConfig())
    resources = Resources(config)
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
        resources=resources,
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    return graph, resources


def ask(graph: Any, text: str, name: str) -> Any:
    context = RunContext(cache_scope="tenant-a")
    out = graph.invoke(
        {"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": name}}, context=context
    )
    return out["decision"]


def test_replicas_share_the_cache_and_feedback_withdraws_everywhere(pg_ledger: str) -> None:
    (first, first_resources), (second, second_resources) = replica(pg_ledger), replica(pg_ledger)
    with first_resources, second_resources:
        assert first_resources.cache_location == pg_ledger  # in the ledger's database
        assert ask(first, QUESTION, "a1").route != "cache"
        deadline = time.monotonic() + 5  # the other replica hears of the entry at once
        for n in range(1000):
            if (served := ask(second, PARAPHRASE, f"b{n}")).route == "cache":
                break
            assert time.monotonic() < deadline, "the second replica never served the entry"
        assert served.cache is not None and served.cache.hit
        entry = served.cache.entry_id

        outcome = record_outcome(pg_ledger, f"b{n}", thumbs="down", cache=pg_ledger)
        assert outcome.withdrawn_entry == entry
        again = ask(second, PARAPHRASE, "b-after")  # the replica that served it
        assert again.route != "cache"
        # the first replica never serves it either (it may serve the fresh answer)
        other = ask(first, QUESTION, "a-after")
        assert other.cache is None or other.cache.entry_id != entry
    with AnswerCache(pg_ledger) as cache:
        rows = {r["entry_id"]: r for r in cache.entries("tenant-a")}
    assert "negative feedback" in rows[entry]["withdrawn"]


def test_a_cache_holder_keeps_few_connections(pg_ledger: str) -> None:
    """Its lookups read memory: its pool is two connections at most beside the ledger's
    eight, so a process stays within a small share of the server's ``max_connections``."""
    entries = Entries(pg_ledger)
    resources = Resources(OrchestratorConfig(ledger_url=pg_ledger))
    try:
        ledger = resources.ledger()
        assert ledger is not None
        assert isinstance(entries.rows, PostgresRows) and isinstance(ledger.rows, PostgresRows)
        assert entries.rows.max_connections == CONNECTIONS == 2
        assert ledger.rows.max_connections == POOL_SIZE
    finally:
        entries.close()
        resources.close()
