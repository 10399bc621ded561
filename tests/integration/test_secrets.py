"""The API key never reaches a checkpoint, the ledger or a log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

from orchestrator_graph import OrchestratorConfig, RetryConfig, create_orchestrator
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.openai_server import OpenAICompatibleServer

pytestmark = [pytest.mark.integration]  # an OpenAI-compatible server on 127.0.0.1

KEY = "sk-test-Secret-7f3a9c1e5b"


def test_the_key_is_in_no_sqlite_file_and_no_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    caplog.set_level(logging.DEBUG)  # openai and httpx log their requests at DEBUG
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite", retries=RetryConfig(max_retries=1)
    )
    with OpenAICompatibleServer() as server:
        main = ChatOpenAI(model="gpt-4.1", base_url=server.base_url, max_retries=0)
        worker = ChatOpenAI(model="gpt-4.1-mini", base_url=server.base_url, max_retries=0)
        builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
        server.inject(429)  # an error path is logged too
        with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
            graph = builder.compile(checkpointer=saver)
            thread = {"configurable": {"thread_id": "s"}}
            for ask in ("Say hi.", "1. Capital of Peru?\n2. Capital of Chile?"):
                graph.invoke({"messages": [HumanMessage(ask)]}, thread, durability="sync")
            assert len(graph.get_state(thread).values["messages"]) == 4
    files = sorted(tmp_path.glob("*.sqlite*"))
    assert {f.name for f in files} >= {"cp.sqlite", "ledger.sqlite"}
    for path in files:  # the databases and their -wal / -shm files
        data = path.read_bytes()
        assert KEY.encode() not in data and b"Bearer" not in data, path.name
    assert caplog.records  # something was logged, and none of it holds the key
    assert KEY not in caplog.text and "Bearer" not in caplog.text
