"""The orchestrator graph checkpointed in a real PostgreSQL server (sync, async, two processes).

The server comes from ``$ORCHESTRATOR_TEST_POSTGRES_URL`` (``.ci/run`` starts one),
else ``.ci/postgres.sh`` starts a throwaway one. Only outside CI, when neither
works, are these tests skipped; under ``CI=true`` that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.conversation.transcript import TRANSCRIPT
from orchestrator_graph.state import DIGESTS, PROMPTS, serializer
from orchestrator_graph.storage.checkpoints import (
    CheckpointDatabaseError,
    async_postgres_checkpointer,
    postgres_checkpointer,
)
from orchestrator_graph.storage.prune import compact_thread, prune_thread
from orchestrator_graph.testing.simulated import SimulatedChatModel

pytestmark = [pytest.mark.slow]  # starts a PostgreSQL server

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "postgres.sh"
URL_ENV = "ORCHESTRATOR_TEST_POSTGRES_URL"
TURNS = [
    "1. What is the capital of Peru?\n2. Convert 30 C to Fahrenheit.",
    "Write a haiku about tea.",
    "Explain your previous answer line by line.",
]


def orchestrator(ledger: Path | None = None):
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=ledger),
    )


def thread() -> dict:
    return {"configurable": {"thread_id": f"pg-{uuid.uuid4()}"}}


def test_sync_session_survives_reconnect(pg_url: str, tmp_path: Path) -> None:
    config, ledger = thread(), tmp_path / "ledger.sqlite"
    with postgres_checkpointer(pg_url) as saver:
        assert isinstance(saver, PostgresSaver)
        graph = orchestrator(ledger).compile(checkpointer=saver)
        routes = []
        for text in TURNS[:2]:
            out = graph.invoke({"messages": [HumanMessage(text)]}, config)
            routes.append(out["decision"].route)
        assert routes[0] == "parallel_workers"  # the workers' results are checkpointed too
        assert len(out["messages"]) == 4
    with postgres_checkpointer(
        pg_url
    ) as saver:  # a new connection: state read back from the server
        graph = orchestrator(ledger).compile(checkpointer=saver)
        assert [m.content for m in graph.get_state(config).values["messages"]][::2] == TURNS[:2]
        out = graph.invoke({"messages": [HumanMessage(TURNS[2])]}, config)
        assert len(out["messages"]) == 6
        history = list(graph.get_state_history(config))
        assert len(history) > 3 * 4  # every step of every turn
    with CostLedger(ledger) as book:
        turns = book.turns(config["configurable"]["thread_id"])
        assert [t.turn for t in turns] == [0, 1, 2]
        assert all(t.cost_usd > 0 for t in turns)


def test_prune_keeps_a_delta_thread_resumable(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 4)  # a snapshot every 2 turns
    for channel in (DIGESTS, PROMPTS):  # updated once or twice a turn
        monkeypatch.setattr(channel, "snapshot_frequency", 2)
    config = thread()
    with postgres_checkpointer(pg_url) as saver:
        graph = orchestrator().compile(checkpointer=saver)
        for n in range(7):
            graph.invoke({"messages": [HumanMessage(f"{TURNS[n % 3]} ({n})")]}, config)
        before = [(m.id, m.text) for m in graph.get_state(config).values["messages"]]
        stored = len(list(saver.list(config)))
        report = prune_thread(saver, config["configurable"]["thread_id"])
        assert report.deleted_checkpoints > 0 and report.kept_checkpoints < stored
        assert len(list(saver.list(config))) < stored
    with postgres_checkpointer(pg_url) as saver:
        graph = orchestrator().compile(checkpointer=saver)
        assert [(m.id, m.text) for m in graph.get_state(config).values["messages"]] == before
        out = graph.invoke({"messages": [HumanMessage("Thanks!")]}, config)
        assert len(out["messages"]) == len(before) + 2


def test_prune_on_a_saver_over_a_connection_pool(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``prune_thread`` borrows a connection from a ``PostgresSaver``'s pool (its public
    ``conn``) and deletes in one transaction on it."""
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 4)  # a snapshot every 2 turns
    for channel in (DIGESTS, PROMPTS):
        monkeypatch.setattr(channel, "snapshot_frequency", 2)
    config = thread()
    with postgres_checkpointer(pg_url):  # the tables
        pass
    kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
    with ConnectionPool(pg_url, kwargs=kwargs, min_size=1, max_size=2) as pool:
        saver = PostgresSaver(pool, serde=serializer())  # type: ignore[arg-type]
        graph = orchestrator().compile(checkpointer=saver)
        for n in range(5):
            graph.invoke({"messages": [HumanMessage(f"{TURNS[n % 3]} ({n})")]}, config)
        before = graph.get_state(config).values["messages"]
        report = prune_thread(saver, config["configurable"]["thread_id"])
        assert report.deleted_checkpoints > 0
        assert report.kept_checkpoints == len(list(saver.list(config)))
        assert graph.get_state(config).values["messages"] == before


def test_compacting_keeps_one_checkpoint_on_postgres(pg_url: str) -> None:
    config = thread()
    with postgres_checkpointer(pg_url) as saver:
        graph = orchestrator().compile(checkpointer=saver)
        for n in range(4):
            graph.invoke({"messages": [HumanMessage(f"{TURNS[n % 3]} ({n})")]}, config)
        before = graph.get_state(config).values
        report = compact_thread(graph, config)
        assert report.kept_checkpoints == len(list(saver.list(config))) == 1
    with postgres_checkpointer(pg_url) as saver:
        graph = orchestrator().compile(checkpointer=saver)
        assert graph.get_state(config).values == before
        out = graph.invoke({"messages": [HumanMessage("Thanks!")]}, config)
        assert len(out["messages"]) == len(before["messages"]) + 2


async def test_async_session(pg_url: str) -> None:
    config = thread()
    async with async_postgres_checkpointer(pg_url) as saver:
        assert isinstance(saver, AsyncPostgresSaver)
        graph = orchestrator().compile(checkpointer=saver)
        for text in TURNS:
            out = await graph.ainvoke({"messages": [HumanMessage(text)]}, config)
        assert out["cost_usd"] > 0 and out["baseline_cost_usd"] > 0
    # what the async saver wrote, the sync one reads
    with postgres_checkpointer(pg_url) as saver:
        state = orchestrator().compile(checkpointer=saver).get_state(config)
        assert [m.content for m in state.values["messages"]][::2] == TURNS
        assert state.values["cost_usd"] == pytest.approx(out["cost_usd"])


WORKER = textwrap.dedent(
    """
    import sys
    from langchain_core.messages import HumanMessage
    from orchestrator_graph import OrchestratorConfig, create_orchestrator
    from orchestrator_graph.storage.checkpoints import postgres_checkpointer
    from orchestrator_graph.testing.simulated import SimulatedChatModel

    url, thread_id, tag = sys.argv[1:4]
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    with postgres_checkpointer(url) as saver:
        compiled = graph.compile(checkpointer=saver)
        for text in sys.argv[4:]:
            message = HumanMessage(f"{text} ({tag})")
            compiled.invoke({"messages": [message]}, {"configurable": {"thread_id": thread_id}})
    """
)


def test_two_processes_two_threads_one_database(pg_url: str) -> None:
    threads = {tag: f"pg-{tag}-{uuid.uuid4()}" for tag in ("a", "b")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, pg_url, thread_id, tag, *TURNS],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag, thread_id in threads.items()
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with postgres_checkpointer(pg_url) as saver:
        graph = orchestrator().compile(checkpointer=saver)
        for tag, thread_id in threads.items():
            config = {"configurable": {"thread_id": thread_id}}
            requests = [m.content for m in graph.get_state(config).values["messages"]][::2]
            assert requests == [f"{t} ({tag})" for t in TURNS]  # no turn of the other thread
        # this third process continues thread "a" where the first one left it
        config = {"configurable": {"thread_id": threads["a"]}}
        out = graph.invoke({"messages": [HumanMessage("Thanks, that is all.")]}, config)
        assert len(out["messages"]) == 2 * len(TURNS) + 2


def test_bad_url_is_a_typed_error_without_the_password() -> None:
    with (
        pytest.raises(CheckpointDatabaseError, match="unavailable") as caught,
        postgres_checkpointer("postgresql://app:s3cret@127.0.0.1:1/app?connect_timeout=2"),
    ):
        pass
    assert "s3cret" not in str(caught.value)
    assert ":***@" in str(caught.value)


async def test_a_deployments_database_is_where_the_served_graph_checkpoints(
    pg_ledger: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ``ORCHESTRATOR_STATE`` in a LangGraph deployment (which sets ``DATABASE_URI`` to its
    Postgres): ``langgraph.json``'s factory checkpoints there, in the orchestrator's
    schema (apart from the server's own tables), and the served config's ledger too."""
    import psycopg

    from orchestrator_graph.server.environment import config_from_env
    from orchestrator_graph.storage.location import langgraph_checkpointer

    monkeypatch.delenv("ORCHESTRATOR_STATE", raising=False)
    monkeypatch.setenv("DATABASE_URI", pg_ledger)
    assert config_from_env().ledger_url == pg_ledger
    config = thread()
    async with langgraph_checkpointer() as saver:
        assert isinstance(saver, AsyncPostgresSaver)
        graph = orchestrator().compile(checkpointer=saver)
        for text in TURNS:
            out = await graph.ainvoke({"messages": [HumanMessage(text)]}, config)
    assert len(out["messages"]) == 2 * len(TURNS)
    schema = os.environ["ORCHESTRATOR_LEDGER_SCHEMA"]  # pg_ledger's, fresh for this test
    with psycopg.connect(pg_ledger) as conn:
        (count,) = conn.execute(
            f"SELECT count(*) FROM {schema}.checkpoints WHERE thread_id = %s",
            [config["configurable"]["thread_id"]],
        ).fetchone() or (0,)
    assert count >= 3 * 5
