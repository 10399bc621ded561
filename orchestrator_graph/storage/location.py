"""Where the orchestrator's shared state lives: one setting, ``ORCHESTRATOR_STATE``.

A folder (one machine) keeps SQLite files: ``orchestrator.sqlite`` (checkpoints: graph
threads, service workers and main conversations), ``ledger.sqlite`` (ledger, budget
holds, adaptive router state) and ``answer_cache.sqlite``. A ``postgresql://`` URL
(several processes or machines) keeps every piece in that database, in the schema
``$ORCHESTRATOR_LEDGER_SCHEMA`` (default ``orchestrator_ledger``), apart from the tables
of a LangGraph server sharing it. Unset: the deployment's own Postgres when the LangGraph
server gives one (``DATABASE_URI``), else the folder ``checkpoints``.

Every entry point reads it through ``state_location()``: the served graph and its
checkpointer factory (``langgraph_checkpointer``, named in ``langgraph.json``), the HTTP
app and the CLI. This module is loaded by file path there, so it imports the package
absolutely.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AsyncExitStack, ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator_graph.accounting.ledger.postgres_rows import ledger_schema
from orchestrator_graph.accounting.ledger.rows import is_postgres_url
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.errors import (
    CheckpointDatabaseError,
    CheckpointFileError,
    LedgerError,
    StateLocationError,
)
from orchestrator_graph.storage.checkpoints import (
    async_postgres_checkpointer,
    async_sqlite_checkpointer,
    postgres_checkpointer,
    redacted_url,
    sqlite_checkpointer,
)

STATE_ENV = "ORCHESTRATOR_STATE"
DEPLOYMENT_ENV = "DATABASE_URI"  # set by a LangGraph deployment to its Postgres
DEFAULT_FOLDER = Path("checkpoints")
CHECKPOINTS_FILE = "orchestrator.sqlite"
LEDGER_FILE = "ledger.sqlite"
RETIRED = ("ORCHESTRATOR_LEDGER", "ORCHESTRATOR_CHECKPOINTS", "ORCHESTRATOR_POSTGRES_URL")
_FILE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_FORMS = "a folder (one machine) or a postgresql://user@host:5432/db URL (several)"


@dataclass(frozen=True)
class StateLocation:
    """A folder of SQLite files, or a Postgres URL; ``source`` is the setting that said so."""

    folder: Path | None = None
    url: str | None = None
    source: str = STATE_ENV

    @classmethod
    def parse(cls, value: str, source: str = STATE_ENV) -> StateLocation:
        """``value`` as a location; ``StateLocationError`` naming ``source`` when it is
        a URL of another scheme or names a file."""
        if _SCHEME.match(value):
            if not is_postgres_url(value):
                raise StateLocationError(
                    f"{source}={redacted_url(value)!r}: only postgresql:// (or postgres://) "
                    f"URLs are supported; give {_FORMS}"
                )
            return cls(url=value, source=source)
        folder = Path(value).expanduser()
        if folder.is_file() or (not folder.exists() and folder.suffix in _FILE_SUFFIXES):
            raise StateLocationError(
                f"{source}={value!r} names a file: give a folder (it will hold "
                f"{CHECKPOINTS_FILE}, {LEDGER_FILE} and answer_cache.sqlite) or a URL"
            )
        return cls(folder=folder, source=source)

    @property
    def shared(self) -> bool:
        """Whether several processes and machines can share it (a Postgres URL)."""
        return self.url is not None

    def __str__(self) -> str:
        return redacted_url(self.url) if self.url is not None else str(self.folder)

    @property
    def checkpoint_path(self) -> Path | None:
        """The SQLite checkpoint file (None with a URL)."""
        return None if self.folder is None else self.folder / CHECKPOINTS_FILE

    @property
    def ledger_location(self) -> str | Path:
        """The ledger's file or URL; the budget holds, the adaptive state and a cache
        with no path of its own are kept with it."""
        return self.url if self.url is not None else self._file(LEDGER_FILE)

    def _file(self, name: str) -> Path:
        if self.folder is None:
            raise ValueError(f"{self} is a database, not a folder of files")
        return self.folder / name

    def config(self, config: OrchestratorConfig | None = None) -> OrchestratorConfig:
        """``config`` (default ``OrchestratorConfig()``) with its ledger here, and with it
        the budget holds, the adaptive router's state and an answer cache that names no
        path of its own."""
        if self.url is not None:
            where: dict[str, Any] = {"ledger_path": None, "ledger_url": self.url}
        else:
            where = {"ledger_path": self.ledger_location, "ledger_url": None}
        return (config or OrchestratorConfig()).updated(where)

    @contextmanager
    def checkpointer(self) -> Iterator[Any]:
        """The checkpointer here (``SqliteSaver`` or ``PostgresSaver``), set up; a
        database that cannot be reached is a ``StateLocationError`` naming the setting."""
        with ExitStack() as stack:
            try:
                if self.url is not None:
                    opened = postgres_checkpointer(self.url, schema=self._schema())
                else:
                    opened = sqlite_checkpointer(self._file(CHECKPOINTS_FILE))
                saver = stack.enter_context(opened)
            except (CheckpointDatabaseError, CheckpointFileError) as exc:
                raise self._error(exc) from exc
            yield saver

    @asynccontextmanager
    async def async_checkpointer(self) -> AsyncIterator[Any]:
        """``checkpointer``'s async twin; enter it inside the event loop that uses it."""
        async with AsyncExitStack() as stack:
            try:
                if self.url is not None:
                    opened = async_postgres_checkpointer(self.url, schema=self._schema())
                else:
                    opened = async_sqlite_checkpointer(self._file(CHECKPOINTS_FILE))
                saver = await stack.enter_async_context(opened)
            except (CheckpointDatabaseError, CheckpointFileError) as exc:
                raise self._error(exc) from exc
            yield saver

    def _schema(self) -> str:
        try:
            return ledger_schema()
        except LedgerError as exc:
            raise self._error(exc) from exc

    def _error(self, cause: Exception) -> StateLocationError:
        return StateLocationError(f"{self.source}={self} cannot be used: {cause}")


def state_location(environ: Mapping[str, str] | None = None) -> StateLocation:
    """Where the shared state lives, from ``environ`` (default ``os.environ``):
    ``ORCHESTRATOR_STATE``, else a LangGraph deployment's ``DATABASE_URI`` (a Postgres
    URL), else the folder ``checkpoints``. A retired setting is an error naming this one."""
    env = os.environ if environ is None else environ
    if retired := [name for name in RETIRED if env.get(name)]:
        raise StateLocationError(
            f"{', '.join(retired)}: no longer read; set {STATE_ENV} instead, to {_FORMS}: "
            "the checkpoints, the ledger, the budget holds and the answer cache all live there"
        )
    if value := env.get(STATE_ENV, "").strip():
        return StateLocation.parse(value, STATE_ENV)
    if is_postgres_url(deployed := env.get(DEPLOYMENT_ENV, "")):
        return StateLocation(url=deployed, source=DEPLOYMENT_ENV)
    return StateLocation(folder=DEFAULT_FOLDER, source=f"{STATE_ENV} (unset)")


@asynccontextmanager
async def langgraph_checkpointer() -> AsyncIterator[Any]:
    """The LangGraph server's checkpointer (``langgraph.json``'s ``checkpointer.path``):
    where ``state_location()`` says. The server enters it once per event loop and closes
    it on shutdown; in a deployment it is the deployment's Postgres (``DATABASE_URI``)."""
    async with state_location().async_checkpointer() as saver:
        yield saver
