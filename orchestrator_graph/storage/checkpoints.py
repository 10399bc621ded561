"""SQLite checkpointers (sync and async) on WAL files with a busy timeout.

``studio_checkpointer`` is the factory that ``langgraph.json`` names under
``"checkpointer"`` for ``langgraph dev``. This module is loaded by file path
there, so it imports the package absolutely.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from orchestrator_graph.errors import CheckpointDatabaseError, CheckpointFileError
from orchestrator_graph.state import serializer
from orchestrator_graph.storage import database
from orchestrator_graph.storage.compression import CompressedSerializer
from orchestrator_graph.storage.database import BUSY_TIMEOUT_S
from orchestrator_graph.storage.delta_sqlite import AsyncDeltaSqliteSaver, DeltaSqliteSaver

DEFAULT_CHECKPOINT_PATH = Path("checkpoints") / "orchestrator.sqlite"
CHECKPOINT_PATH_ENV = "ORCHESTRATOR_CHECKPOINTS"
# a new file (set before the WAL pragma and the first table) gives back the pages a
# compaction frees on ``PRAGMA incremental_vacuum`` (``schedule``); an existing file
# keeps its mode
AUTO_VACUUM = "PRAGMA auto_vacuum = INCREMENTAL"


def default_checkpoint_path() -> Path:
    """``$ORCHESTRATOR_CHECKPOINTS`` if set, else ``checkpoints/orchestrator.sqlite``."""
    env = os.environ.get(CHECKPOINT_PATH_ENV)
    return Path(env).expanduser() if env else DEFAULT_CHECKPOINT_PATH


def _prepare(path: str | Path | None) -> Path:
    resolved = default_checkpoint_path() if path is None else Path(path)
    if str(resolved) != ":memory:":
        resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved


def _auto_vacuum(conn: sqlite3.Connection) -> None:
    conn.execute(AUTO_VACUUM)


def _file_error(path: Path, exc: sqlite3.DatabaseError) -> CheckpointFileError:
    return CheckpointFileError(
        f"{path} cannot be used for checkpoints: {exc}. It was left as it is: move it away "
        f"(mv {path} {path}.bak) or set {CHECKPOINT_PATH_ENV} to another file."
    )


@contextmanager
def sqlite_checkpointer(
    path: str | Path | None = None, *, serde: SerializerProtocol | None = None
) -> Iterator[SqliteSaver]:
    """A ``SqliteSaver`` on ``path`` (default: ``default_checkpoint_path()``); a
    ``DeltaSqliteSaver``, which reads the transcript's history faster, storing values
    compressed (``CompressedSerializer`` over ``state.serializer()``) unless ``serde``
    is given.

    Example:
        >>> with sqlite_checkpointer("checkpoints/demo.sqlite") as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
    """
    path = _prepare(path)
    conn = database.open_sqlite(path, file_error=_file_error, autocommit=False, check=_auto_vacuum)
    try:
        saver = DeltaSqliteSaver(conn, serde=serde or CompressedSerializer(serializer()))
        try:
            saver.setup()
        except sqlite3.DatabaseError as exc:
            database.raise_mapped(path, exc, _file_error)
        yield saver
    finally:
        conn.close()


@asynccontextmanager
async def async_sqlite_checkpointer(
    path: str | Path | None = None, *, serde: SerializerProtocol | None = None
) -> AsyncIterator[AsyncSqliteSaver]:
    """An ``AsyncSqliteSaver`` (``AsyncDeltaSqliteSaver``) on ``path``; enter it inside the
    event loop that uses it.

    Example:
        >>> async with async_sqlite_checkpointer() as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
        ...     await graph.ainvoke({"messages": [("user", "hi")]}, config)
    """
    path = _prepare(path)
    async with aiosqlite.connect(path, timeout=BUSY_TIMEOUT_S) as conn:
        saver = AsyncDeltaSqliteSaver(conn, serde=serde or CompressedSerializer(serializer()))
        try:
            await conn.execute(AUTO_VACUUM)  # before the WAL pragma, or it has no effect
            for pragma in database.PRAGMAS:
                await conn.execute(pragma)
            await saver.setup()
        except sqlite3.DatabaseError as exc:
            database.raise_mapped(path, exc, _file_error)
        yield saver


@asynccontextmanager
async def studio_checkpointer() -> AsyncIterator[AsyncSqliteSaver]:
    """The ``langgraph dev`` checkpointer: an ``AsyncSqliteSaver`` on ``default_checkpoint_path()``.

    The server calls this factory and enters the async context manager it returns
    once per event loop, and closes it on shutdown.
    """
    async with async_sqlite_checkpointer(default_checkpoint_path()) as saver:
        yield saver


# -- Postgres: one database shared by several processes or machines ----------

POSTGRES_URL_ENV = "ORCHESTRATOR_POSTGRES_URL"
# One process at a time runs LangGraph's table setup (concurrent runs collide creating
# tables). The lock is polled, not waited for: a session blocked on it would be a
# transaction that the setup's CREATE INDEX CONCURRENTLY waits for, a deadlock.
_SETUP_KEY = "hashtextextended('orchestrator checkpoint setup', 0)"
_SETUP_TRY_LOCK = f"SELECT pg_try_advisory_lock({_SETUP_KEY}) AS locked"
_SETUP_UNLOCK = f"SELECT pg_advisory_unlock({_SETUP_KEY})"
_SETUP_POLL_S = 0.05
_SETUP_WAIT_S = 120.0


def _setup_wait_error() -> CheckpointDatabaseError:
    return CheckpointDatabaseError(
        f"Another process has held the checkpoint setup lock for {_SETUP_WAIT_S:.0f} s; "
        "check for a stuck server setting up the same database"
    )


_POSTGRES_EXTRA = "pip install 'orchestrator-graph[postgres]'"


def _postgres_url(url: str | None) -> str:
    resolved = url or os.environ.get(POSTGRES_URL_ENV)
    if not resolved:
        raise CheckpointDatabaseError(
            f"No Postgres URL: pass one (postgresql://user@host:5432/db) or set {POSTGRES_URL_ENV}"
        )
    return resolved


def redacted_url(url: str) -> str:
    """``url`` without its password, for error messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _database_error(url: str, exc: Exception) -> CheckpointDatabaseError:
    return CheckpointDatabaseError(
        f"Postgres checkpoints at {redacted_url(url)} are unavailable: {exc}. Check that the "
        f"server runs and the URL (or {POSTGRES_URL_ENV}) is right."
    )


@contextmanager
def postgres_checkpointer(
    url: str | None = None, *, serde: SerializerProtocol | None = None
) -> Iterator[Any]:
    """A ``PostgresSaver`` on ``url`` (default ``$ORCHESTRATOR_POSTGRES_URL``), tables set up.

    Needs the ``postgres`` extra. Several processes (or machines) may share one
    database; each thread id is one conversation.

    Example:
        >>> with postgres_checkpointer("postgresql://app@db:5432/app") as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
    """
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
    except ImportError as exc:
        raise ImportError(f"Postgres checkpoints need the extra: {_POSTGRES_EXTRA}") from exc
    url = _postgres_url(url)
    try:
        conn = psycopg.Connection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row
        )
    except psycopg.OperationalError as exc:
        raise _database_error(url, exc) from exc
    with conn:
        saver = PostgresSaver(conn, serde=serde or serializer())
        for _ in range(int(_SETUP_WAIT_S / _SETUP_POLL_S)):
            if (conn.execute(_SETUP_TRY_LOCK).fetchone() or {}).get("locked"):
                break
            time.sleep(_SETUP_POLL_S)
        else:
            raise _setup_wait_error()
        try:
            saver.setup()
        finally:
            conn.execute(_SETUP_UNLOCK)
        yield saver


@asynccontextmanager
async def async_postgres_checkpointer(
    url: str | None = None, *, serde: SerializerProtocol | None = None
) -> AsyncIterator[Any]:
    """An ``AsyncPostgresSaver`` on ``url``; enter it inside the event loop that uses it.

    Example:
        >>> async with async_postgres_checkpointer() as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
    """
    try:
        import psycopg
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg.rows import dict_row
    except ImportError as exc:
        raise ImportError(f"Postgres checkpoints need the extra: {_POSTGRES_EXTRA}") from exc
    url = _postgres_url(url)
    try:
        conn = await psycopg.AsyncConnection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row
        )
    except psycopg.OperationalError as exc:
        raise _database_error(url, exc) from exc
    async with conn:
        saver = AsyncPostgresSaver(conn, serde=serde or serializer())
        for _ in range(int(_SETUP_WAIT_S / _SETUP_POLL_S)):
            if ((await (await conn.execute(_SETUP_TRY_LOCK)).fetchone()) or {}).get("locked"):
                break
            await asyncio.sleep(_SETUP_POLL_S)
        else:
            raise _setup_wait_error()
        try:
            await saver.setup()
        finally:
            await conn.execute(_SETUP_UNLOCK)
        yield saver
