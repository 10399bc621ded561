"""SQLite checkpointers (sync and async) on WAL files with a busy timeout.

``studio_checkpointer`` is the factory that ``langgraph.json`` names under
``"checkpointer"`` for ``langgraph dev``. This module is loaded by file path
there, so it imports the package absolutely.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

DEFAULT_CHECKPOINT_PATH = Path("checkpoints") / "orchestrator.sqlite"
CHECKPOINT_PATH_ENV = "ORCHESTRATOR_CHECKPOINTS"
BUSY_TIMEOUT_S = 30.0
_PRAGMAS = (f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}", "PRAGMA journal_mode = WAL")


class CheckpointFileError(RuntimeError):
    """The checkpoint file is not a usable SQLite database."""


def default_checkpoint_path() -> Path:
    """``$ORCHESTRATOR_CHECKPOINTS`` if set, else ``checkpoints/orchestrator.sqlite``."""
    env = os.environ.get(CHECKPOINT_PATH_ENV)
    return Path(env).expanduser() if env else DEFAULT_CHECKPOINT_PATH


def _prepare(path: str | Path | None) -> Path:
    resolved = default_checkpoint_path() if path is None else Path(path)
    if str(resolved) != ":memory:":
        resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved


def _file_error(path: Path, exc: sqlite3.DatabaseError) -> CheckpointFileError:
    return CheckpointFileError(
        f"{path} cannot be used for checkpoints: {exc}. It was left as it is: move it away "
        f"(mv {path} {path}.bak) or set {CHECKPOINT_PATH_ENV} to another file."
    )


@contextmanager
def sqlite_checkpointer(
    path: str | Path | None = None, *, serde: SerializerProtocol | None = None
) -> Iterator[SqliteSaver]:
    """A ``SqliteSaver`` on ``path`` (default: ``default_checkpoint_path()``).

    Example:
        >>> with sqlite_checkpointer("checkpoints/demo.sqlite") as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
    """
    path = _prepare(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    try:
        saver = SqliteSaver(conn, serde=serde)
        try:
            for pragma in _PRAGMAS:
                conn.execute(pragma)
            saver.setup()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            raise _file_error(path, exc) from exc
        yield saver
    finally:
        conn.close()


@asynccontextmanager
async def async_sqlite_checkpointer(
    path: str | Path | None = None, *, serde: SerializerProtocol | None = None
) -> AsyncIterator[AsyncSqliteSaver]:
    """An ``AsyncSqliteSaver`` on ``path``; enter it inside the event loop that uses it.

    Example:
        >>> async with async_sqlite_checkpointer() as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
        ...     await graph.ainvoke({"messages": [("user", "hi")]}, config)
    """
    path = _prepare(path)
    async with aiosqlite.connect(path, timeout=BUSY_TIMEOUT_S) as conn:
        saver = AsyncSqliteSaver(conn, serde=serde)
        try:
            for pragma in _PRAGMAS:
                await conn.execute(pragma)
            await saver.setup()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            raise _file_error(path, exc) from exc
        yield saver


@asynccontextmanager
async def studio_checkpointer() -> AsyncIterator[AsyncSqliteSaver]:
    """The ``langgraph dev`` checkpointer: an ``AsyncSqliteSaver`` on ``default_checkpoint_path()``.

    The server calls this factory and enters the async context manager it returns
    once per event loop, and closes it on shutdown.
    """
    async with async_sqlite_checkpointer(default_checkpoint_path()) as saver:
        yield saver
