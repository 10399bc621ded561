"""Owned resources: the ledger, budget book and answer cache are opened by whoever uses
them and closed by them. A graph holds one ``Resources`` (one connection per file) and
closes it with ``close()``; nothing is kept open process-wide."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

import orchestrator_graph.accounting.budget as budget_module
import orchestrator_graph.accounting.holds as holds_module
import orchestrator_graph.accounting.ledger as ledger_package
import orchestrator_graph.accounting.ledger.store as store_module
import orchestrator_graph.cache.store as cache_store_module
import orchestrator_graph.cache.turn as cache_turn_module
from orchestrator_graph import OrchestratorConfig, RunContext, create_orchestrator
from orchestrator_graph.accounting.feedback import record_outcome
from orchestrator_graph.accounting.holds import BudgetBook
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import BudgetLimits, CacheConfig
from orchestrator_graph.errors import ResourcesClosedError
from orchestrator_graph.resources import Resources
from orchestrator_graph.server.service import OrchestratorService
from orchestrator_graph.testing.simulated import SimulatedChatModel

ASK = "What is the capital of Peru?"
SCOPE = RunContext(cache_scope="tenant-1")


def open_fds(path: Path, *, sidecars: bool = False) -> int:
    """How many of this process's file descriptors point at ``path`` (with its ``-wal``
    and ``-shm`` files when ``sidecars``): one per open SQLite connection to it."""
    target = str(path.resolve())
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed since it was listed (the listing's own descriptor)
            continue
        count += link == target or (sidecars and link in (f"{target}-wal", f"{target}-shm"))
    return count


def config_in(tmp_path: Path, **options: object) -> OrchestratorConfig:
    """A ledger, a budget and an answer cache: every resource a turn opens."""
    return OrchestratorConfig().updated(
        {
            "ledger_path": tmp_path / "ledger.sqlite",
            "budget": BudgetLimits(thread_usd=5.0),
            "cache": CacheConfig(),
            "min_quality": None,
            **options,
        }
    )


def builder_for(config: OrchestratorConfig, resources: Resources | None = None):
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
        resources=resources,
    )


def ask(graph, thread: str, text: str = ASK) -> dict:
    value = {"messages": [HumanMessage(text)]}
    return graph.invoke(value, {"configurable": {"thread_id": thread}}, context=SCOPE)


def test_no_process_wide_registry_of_open_connections() -> None:
    removed = {
        store_module: ("ledger_at", "ledger_for"),
        ledger_package: ("ledger_at", "ledger_for"),
        holds_module: ("_book_at", "book_for"),
        budget_module: ("book_for",),
        cache_store_module: ("cache_at",),
        cache_turn_module: ("open_cache",),
    }
    left = [f"{m.__name__}.{n}" for m, names in removed.items() for n in names if hasattr(m, n)]
    assert left == []


def test_a_graph_built_and_run_twice_then_closed_leaves_no_file_open(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    ledger, cache = tmp_path / "ledger.sqlite", tmp_path / "answer_cache.sqlite"
    for round_ in range(2):  # a second graph in the same process: nothing left from the first
        graph = builder_for(config).compile(checkpointer=InMemorySaver())
        assert open_fds(ledger) == open_fds(cache) == 0  # nothing opened before a turn
        ask(graph, f"t{round_}")
        out = ask(graph, f"u{round_}")  # the same question again: from the cache
        assert out["decision"].route == "cache"
        # one connection to the ledger's file, shared by the ledger, the holds and the
        # calibration; one to the cache's
        assert (open_fds(ledger), open_fds(cache)) == (1, 1)
        graph.builder.close()
        assert open_fds(ledger, sidecars=True) == open_fds(cache, sidecars=True) == 0
        graph.builder.close()  # idempotent
        with pytest.raises(ResourcesClosedError, match="closed"):
            ask(graph, f"v{round_}")
    with CostLedger(ledger) as read:
        assert {t.thread_id for t in read.turns()} == {"t0", "u0", "t1", "u1"}
    book = BudgetBook(ledger)  # the holds were kept in the ledger's file
    # a cache hit holds nothing; the second graph found the first's answer in the cache file
    assert {h["thread_id"] for h in book.holds()} == {"t0"}
    book.close()


def test_the_builder_is_a_context_manager_and_the_closed_file_can_go(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    with builder_for(config) as builder:
        ask(builder.compile(), "t")
        assert open_fds(tmp_path / "ledger.sqlite") == 1
    assert open_fds(tmp_path / "ledger.sqlite", sidecars=True) == 0
    (tmp_path / "ledger.sqlite").unlink()  # nothing holds it: gone for good
    assert open_fds(tmp_path / "ledger.sqlite", sidecars=True) == 0


def test_two_graphs_on_one_ledger_share_no_hidden_connection(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    first, second = builder_for(config).compile(), builder_for(config).compile()
    assert first.builder.resources is not second.builder.resources
    ask(first, "a")
    ask(second, "b")
    assert open_fds(tmp_path / "ledger.sqlite") == 2  # each graph its own
    first.builder.close()  # (SQLite keeps a closed connection's descriptor while the file has
    # another connection in the process: its POSIX locks are per process)
    with pytest.raises(ResourcesClosedError):
        ask(first, "c")
    ask(second, "c")  # closing one graph leaves the other working
    ledger = second.builder.resources.ledger()
    assert ledger is not None and [t.thread_id for t in ledger.turns()] == ["a", "b", "c"]
    second.builder.close()
    assert open_fds(tmp_path / "ledger.sqlite", sidecars=True) == 0


def test_resources_the_caller_opens_are_the_callers_to_close(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    with Resources(config) as resources:
        one, two = builder_for(config, resources), builder_for(config, resources)
        ask(one.compile(), "a")
        ask(two.compile(), "b")
        assert open_fds(tmp_path / "ledger.sqlite") == 1  # both graphs, one connection
        one.close()  # not the graph's to close
        assert resources.ledger() is not None and len(resources.ledger().turns()) == 2
    assert resources.closed and open_fds(tmp_path / "ledger.sqlite", sidecars=True) == 0
    elsewhere = config.updated({"ledger_path": tmp_path / "other.sqlite"})
    with pytest.raises(ValueError, match="same places"), Resources(config) as held:
        builder_for(elsewhere, held)


def test_a_graph_dropped_unclosed_closes_when_collected(tmp_path: Path) -> None:
    graph = builder_for(config_in(tmp_path)).compile()
    ask(graph, "t")
    assert open_fds(tmp_path / "ledger.sqlite") == 1
    del graph
    gc.collect()
    assert open_fds(tmp_path / "ledger.sqlite", sidecars=True) == 0


def test_reports_and_the_service_close_what_they_open(tmp_path: Path) -> None:
    config = config_in(tmp_path)
    with builder_for(config) as builder:
        ask(builder.compile(), "t")
    ledger = tmp_path / "ledger.sqlite"
    assert record_outcome(ledger, "t", thumbs="up").turn == 0
    assert open_fds(ledger, sidecars=True) == 0
    with OrchestratorService(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        checkpointer=InMemorySaver(),
        config=config,
    ) as service:
        assert open_fds(ledger) == 0  # nothing opened before it is needed
        service.evaluate_task(ASK)  # reads what the ledger taught through the service's
        assert open_fds(ledger) == 1
        assert service.resources.ledger() is not None
        assert open_fds(ledger) == 1  # the service's one connection
    assert open_fds(ledger, sidecars=True) == 0
