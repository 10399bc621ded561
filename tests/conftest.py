"""Shared fixtures: the checkpointer under test, simulated models and a config.

Markers (registered in pyproject.toml): ``slow`` (a server, a subprocess or a
notebook: ``pytest -m "not slow"`` is the quick loop) and ``integration``
(an HTTP server on 127.0.0.1: the LangGraph server or the OpenAI-compatible one).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StateSnapshot

from orchestrator_graph.checkpoints import (
    async_sqlite_checkpointer,
    postgres_checkpointer,
    sqlite_checkpointer,
)
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.state import serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel

POSTGRES_URL_ENV = "ORCHESTRATOR_TEST_POSTGRES_URL"
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
        self, graph: CompiledStateGraph, value: Any, config: dict[str, Any]
    ) -> dict[str, Any]:
        if self.is_async:
            return await graph.ainvoke(value, config)
        return graph.invoke(value, config)

    async def state(self, graph: CompiledStateGraph, config: dict[str, Any]) -> StateSnapshot:
        if self.is_async:
            return await graph.aget_state(config)
        return graph.get_state(config)


@pytest.fixture(params=["memory", "sqlite", "async_sqlite", "postgres"])
async def checkpointer(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Checkpointer]:
    """Every graph test runs under LangGraph's InMemorySaver, a SQLite file, an async
    SQLite file (entered inside the test's event loop) and, when
    ``$ORCHESTRATOR_TEST_POSTGRES_URL`` names a server, Postgres. Each is built with
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
        url = os.environ.get(POSTGRES_URL_ENV)
        if not url:
            pytest.skip(f"set {POSTGRES_URL_ENV} to run the graph tests under Postgres")
        with postgres_checkpointer(url) as saver:
            yield Checkpointer(kind, saver)


@pytest.fixture
def main_model() -> SimulatedChatModel:
    """The simulated strong model (priced as gpt-4.1)."""
    return SimulatedChatModel(model_name=MAIN_MODEL)


@pytest.fixture
def worker_model() -> SimulatedChatModel:
    """The simulated cheap model (priced as gpt-4.1-mini)."""
    return SimulatedChatModel(model_name=WORKER_MODEL)


@pytest.fixture
def thread() -> dict[str, Any]:
    """A thread config with an id of its own for the test."""
    return {"configurable": {"thread_id": "test"}}


@pytest.fixture
def config(tmp_path: Path) -> OrchestratorConfig:
    """The default config with its ledger in ``tmp_path``."""
    return OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
