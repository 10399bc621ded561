"""Shared fixtures: the checkpointer under test, simulated models and a config.

The folders mirror the package: ``unit/<package folder>`` (fast, in-process),
``graph/`` (whole turns under the checkpointer matrix), ``integration/`` (servers,
PostgreSQL, several processes, notebooks, the wheel; every test there is ``slow``).

Markers (registered in pyproject.toml): ``slow`` (a server, PostgreSQL, a subprocess or
a notebook: ``pytest -m "not slow"`` is the quick loop, and a test not marked slow that
starts a subprocess fails) and ``integration`` (an HTTP server on 127.0.0.1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StateSnapshot

from orchestrator_graph.config import OrchestratorConfig, QualityConfig
from orchestrator_graph.state import serializer
from orchestrator_graph.storage.checkpoints import (
    async_sqlite_checkpointer,
    postgres_checkpointer,
    sqlite_checkpointer,
)
from orchestrator_graph.testing.simulated import SimulatedChatModel

POSTGRES_URL_ENV = "ORCHESTRATOR_TEST_POSTGRES_URL"
POSTGRES_SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "postgres.sh"
MAIN_MODEL = "gpt-4.1"
WORKER_MODEL = "gpt-4.1-mini"


@dataclass
class Checkpointer:
    """A checkpointer and how to drive a graph with it (``ainvoke`` when it is async)."""

    kind: str
    saver: BaseCheckpointSaver

    @property
    def is_async(self) -> bool:
        return self.kind == "async_sqlite"

    async def invoke(
        self, graph: CompiledStateGraph, value: Any, config: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        if self.is_async:
            return await graph.ainvoke(value, config, **kwargs)
        return graph.invoke(value, config, **kwargs)

    async def state(self, graph: CompiledStateGraph, config: dict[str, Any]) -> StateSnapshot:
        if self.is_async:
            return await graph.aget_state(config)
        return graph.get_state(config)


# PostgreSQL is a server: its runs are ``slow``
CHECKPOINTERS = [
    "memory",
    "sqlite",
    "async_sqlite",
    pytest.param("postgres", marks=pytest.mark.slow),
]


@pytest.fixture(autouse=True)
def _quick_tests_start_no_process(request: pytest.FixtureRequest, monkeypatch) -> None:
    """A test not marked ``slow`` may start no subprocess (the quick loop stays quick)."""
    if request.node.get_closest_marker("slow") is not None:
        return

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"{request.node.nodeid} starts a subprocess: mark it slow")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


@pytest.fixture(params=CHECKPOINTERS)
async def checkpointer(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Checkpointer]:
    """Every graph test runs under LangGraph's InMemorySaver, a SQLite file, an async
    SQLite file (entered inside the test's event loop) and Postgres (``pg_url``). Each is built with
    the state's serializer (``state.serializer``), as ``checkpoints.py`` builds them."""
    kind = request.param
    if kind == "memory":
        yield Checkpointer(kind, InMemorySaver(serde=serializer()))
    elif kind == "sqlite":
        with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
            yield Checkpointer(kind, saver)
    elif kind == "async_sqlite":
        async with async_sqlite_checkpointer(tmp_path / "checkpoints-async.sqlite") as saver:
            yield Checkpointer(kind, saver)
    else:
        with (
            fresh_database(request.getfixturevalue("pg_url")) as url,
            postgres_checkpointer(url) as saver,
        ):
            yield Checkpointer(kind, saver)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new, empty database on the server of ``url``, dropped after: a test's threads
    never meet another run's in a server that outlives the test session."""
    import uuid

    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A live PostgreSQL server's URL: ``$ORCHESTRATOR_TEST_POSTGRES_URL``, or one started
    here (``.ci/postgres.sh``) for the session and stopped after; skipped when neither."""
    given = os.environ.get(POSTGRES_URL_ENV)
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="orchestrator-pg-")  # under /tmp: the postgres user can enter
    started = subprocess.run(
        [str(POSTGRES_SCRIPT), "start", folder], capture_output=True, text=True, timeout=60
    )
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        reason = (
            f"no PostgreSQL server: {POSTGRES_URL_ENV} is not set and {POSTGRES_SCRIPT.name} "
            f"could not start one ({started.stderr.strip()[-300:]}); "
            "`.ci/postgres.sh install` installs it"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(POSTGRES_SCRIPT), "stop", folder], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[str]:
    """A fresh database of its own on the PostgreSQL server (``fresh_database``)."""
    with fresh_database(pg_url) as url:
        yield url


@pytest.fixture
def pg_ledger(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``pg_url`` with a fresh ledger schema of its own (``$ORCHESTRATOR_LEDGER_SCHEMA``,
    inherited by subprocesses), dropped after the test."""
    import uuid

    import psycopg

    from orchestrator_graph.accounting.ledger.postgres_rows import LEDGER_SCHEMA_ENV

    name = f"ledger_test_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv(LEDGER_SCHEMA_ENV, name)
    yield pg_url
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def main_model() -> SimulatedChatModel:
    """The simulated strong model (priced as gpt-4.1)."""
    return SimulatedChatModel(model_name=MAIN_MODEL)


@pytest.fixture
def worker_model() -> SimulatedChatModel:
    """The simulated cheap model (priced as gpt-4.1-mini)."""
    return SimulatedChatModel(model_name=WORKER_MODEL)


@pytest.fixture
def config(tmp_path: Path) -> OrchestratorConfig:
    """The default config with its ledger in ``tmp_path``."""
    # the model tier by the rules: these tests are about the graph, not the quality model
    return OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite", quality=QualityConfig(min_quality=None)
    )
