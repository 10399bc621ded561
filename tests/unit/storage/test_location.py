"""Where the shared state lives: ``ORCHESTRATOR_STATE`` parsed once, read by every entry
point (the served graph and its checkpointer factory, the HTTP app, the CLI)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from orchestrator_graph.cli import main
from orchestrator_graph.config import CacheConfig, OrchestratorConfig
from orchestrator_graph.errors import StateLocationError
from orchestrator_graph.server.environment import config_from_env
from orchestrator_graph.server.http_api import create_app
from orchestrator_graph.storage.location import (
    DEFAULT_FOLDER,
    DEPLOYMENT_ENV,
    RETIRED,
    STATE_ENV,
    StateLocation,
    langgraph_checkpointer,
    server_location,
    state_location,
)

ROOT = Path(__file__).resolve().parents[3]
URL = "postgresql://app:s3cret@db.internal:5432/app"


def test_a_folder_holds_every_file(tmp_path: Path) -> None:
    location = state_location({STATE_ENV: str(tmp_path / "state")})
    assert (location.folder, location.url, location.shared) == (tmp_path / "state", None, False)
    assert location.checkpoint_path == tmp_path / "state" / "orchestrator.sqlite"
    config = location.config(OrchestratorConfig(cache=CacheConfig()))
    assert config.ledger_path == tmp_path / "state" / "ledger.sqlite"
    assert config.ledger_url is None
    assert config.cache_location() == tmp_path / "state" / "answer_cache.sqlite"


def test_a_url_holds_everything_in_postgres() -> None:
    location = state_location({STATE_ENV: URL})
    assert (location.url, location.folder, location.checkpoint_path) == (URL, None, None)
    assert location.shared and str(location) == "postgresql://app:***@db.internal:5432/app"
    config = location.config(OrchestratorConfig(ledger_path=Path("old.sqlite")))
    assert (config.ledger_url, config.ledger_path, config.ledger_location) == (URL, None, URL)


def test_unset_is_the_deployments_postgres_else_the_default_folder() -> None:
    assert state_location({}).folder == DEFAULT_FOLDER == Path("checkpoints")
    # `langgraph dev` sets DATABASE_URI to ":memory:": one machine, the default folder
    assert state_location({DEPLOYMENT_ENV: ":memory:"}).folder == DEFAULT_FOLDER
    deployed = state_location({DEPLOYMENT_ENV: URL})
    assert (deployed.url, deployed.source) == (URL, DEPLOYMENT_ENV)
    chosen = state_location({DEPLOYMENT_ENV: URL, STATE_ENV: "/srv/state"})
    assert (chosen.folder, chosen.source) == (Path("/srv/state"), STATE_ENV)


@pytest.mark.parametrize("retired", RETIRED)
def test_a_retired_setting_fails_naming_the_new_one(retired: str) -> None:
    with pytest.raises(StateLocationError, match=f"{retired}: no longer read; set {STATE_ENV}"):
        state_location({retired: "anything", STATE_ENV: "/srv/state"})
    with pytest.raises(StateLocationError, match=STATE_ENV):  # the entry points read it
        config_from_env({retired: "anything"})


def test_a_url_of_another_scheme_is_refused_naming_the_setting() -> None:
    with pytest.raises(StateLocationError, match=r"ORCHESTRATOR_STATE=.*only postgresql://") as e:
        state_location({STATE_ENV: "mysql://app:s3cret@db/app"})
    assert "s3cret" not in str(e.value)


def test_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ledger.sqlite").write_text("")
    for value in (tmp_path / "ledger.sqlite", tmp_path / "new.sqlite"):
        with pytest.raises(StateLocationError, match="names a file: give a folder"):
            StateLocation.parse(str(value))


def test_the_checkpointer_is_a_sqlite_file_in_the_folder(tmp_path: Path) -> None:
    with state_location({STATE_ENV: str(tmp_path)}).checkpointer() as saver:
        assert isinstance(saver, SqliteSaver)
    assert (tmp_path / "orchestrator.sqlite").is_file()


def test_an_unusable_file_fails_naming_the_setting(tmp_path: Path) -> None:
    (tmp_path / "orchestrator.sqlite").write_bytes(b"garbage" * 200)
    location = state_location({STATE_ENV: str(tmp_path)})
    expected = f"{STATE_ENV}={tmp_path} cannot be used"
    with pytest.raises(StateLocationError, match=expected), location.checkpointer():
        pass


async def test_the_langgraph_checkpointer_follows_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The server calls the factory (``langgraph.json``) and enters what it returns."""
    monkeypatch.setenv(STATE_ENV, str(tmp_path))
    async with langgraph_checkpointer() as saver:
        assert isinstance(saver, AsyncSqliteSaver)
    assert (tmp_path / "orchestrator.sqlite").is_file()
    named = json.loads((ROOT / "langgraph.json").read_text())["checkpointer"]["path"]
    assert named == "./orchestrator_graph/storage/location.py:langgraph_checkpointer"


def test_a_langgraph_server_that_gives_no_database_needs_the_setting() -> None:
    """``langgraph dev`` sets DATABASE_URI=:memory: (SQLite on one machine), a deployment
    its Postgres; a server that sets neither must not fall back to a file per replica."""
    assert server_location({DEPLOYMENT_ENV: ":memory:"}).folder == DEFAULT_FOLDER
    assert server_location({DEPLOYMENT_ENV: URL}).url == URL
    assert server_location({STATE_ENV: "/srv/state"}).folder == Path("/srv/state")
    with pytest.raises(StateLocationError, match=f"gives no {DEPLOYMENT_ENV}: set {STATE_ENV}"):
        server_location({})


def test_the_http_app_keeps_workers_where_the_setting_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path))
    task = {"task_id": "1-0", "turn": 1, "brief": "Capital of Peru?", "tier": "worker",
            "model": "gpt-4.1-mini", "max_tokens": 256}  # fmt: skip
    with TestClient(create_app()) as client:
        spawned = client.post("/orchestrator/workers", json={"task": task})
    assert spawned.status_code == 201
    worker_id = spawned.json()["worker_id"]
    with sqlite3.connect(tmp_path / "orchestrator.sqlite") as conn:
        threads = {row[0] for row in conn.execute("SELECT thread_id FROM checkpoints")}
    assert worker_id in threads
    with sqlite3.connect(tmp_path / "ledger.sqlite") as conn:
        assert conn.execute(
            "SELECT count(*) FROM calls WHERE thread_id = ?", [worker_id]
        ).fetchone()[0]


def test_the_http_app_refuses_to_start_on_a_retired_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_CHECKPOINTS", "old.sqlite")
    with pytest.raises(StateLocationError, match=STATE_ENV), TestClient(create_app()):
        pass


def test_the_cli_reads_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path))
    assert main(["report"]) == 2  # no ledger there yet: said, nothing created
    assert f"{tmp_path / 'ledger.sqlite'}: no cost ledger there" in capsys.readouterr().err
    assert main(["prune", "t"]) == 2
    assert f"{tmp_path / 'orchestrator.sqlite'}: no checkpoint file" in capsys.readouterr().err
    monkeypatch.setenv("ORCHESTRATOR_LEDGER", "old.sqlite")
    assert main(["report"]) == 2
    assert f"no longer read; set {STATE_ENV}" in capsys.readouterr().err
