"""Checkpointers: SQLite (sync and async) on WAL files with a busy timeout, and
Postgres (sync and async) over a pool of connections, for several processes.

Where an entry point keeps its checkpoints is ``storage.location`` (``ORCHESTRATOR_STATE``);
these are the factories it calls.
"""

from __future__ import annotations

import asyncio
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

# a new file (set before the WAL pragma and the first table) gives back the pages a
# compaction frees on ``PRAGMA incremental_vacuum`` (``schedule``); an existing file
# keeps its mode
AUTO_VACUUM = "PRAGMA auto_vacuum = INCREMENTAL"


def _prepare(path: str | Path) -> Path:
    resolved = Path(path)
    if str(resolved) != ":memory:":
        resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved


def _auto_vacuum(conn: sqlite3.Connection) -> None:
    conn.execute(AUTO_VACUUM)


def _file_error(path: Path, exc: sqlite3.DatabaseError) -> CheckpointFileError:
    return CheckpointFileError(
        f"{path} cannot be used for checkpoints: {exc}. It was left as it is: move it away "
        f"(mv {path} {path}.bak) or keep the checkpoints somewhere else."
    )


@contextmanager
def sqlite_checkpointer(
    path: str | Path, *, serde: SerializerProtocol | None = None
) -> Iterator[SqliteSaver]:
    """A ``SqliteSaver`` on ``path``; a
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
    path: str | Path, *, serde: SerializerProtocol | None = None
) -> AsyncIterator[AsyncSqliteSaver]:
    """An ``AsyncSqliteSaver`` (``AsyncDeltaSqliteSaver``) on ``path``; enter it inside the
    event loop that uses it.

    Example:
        >>> async with async_sqlite_checkpointer("demo.sqlite") as saver:  # doctest: +SKIP
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


# -- Postgres: one database shared by several processes or machines ----------

# One process at a time runs LangGraph's table setup (concurrent runs collide creating
# tables). The lock is polled, not waited for: a session blocked on it would be a
# transaction that the setup's CREATE INDEX CONCURRENTLY waits for, a deadlock.
_SETUP_KEY = "hashtextextended('orchestrator checkpoint setup', 0)"
_SETUP_TRY_LOCK = f"SELECT pg_try_advisory_lock({_SETUP_KEY}) AS locked"
_SETUP_UNLOCK = f"SELECT pg_advisory_unlock({_SETUP_KEY})"
_SETUP_POLL_S = 0.05
_SETUP_WAIT_S = 120.0
CONNECT_TIMEOUT_S = 10
POOL_SIZE = 8  # connections per checkpointer and process: the server's threads share them


def _setup_wait_error() -> CheckpointDatabaseError:
    return CheckpointDatabaseError(
        f"Another process has held the checkpoint setup lock for {_SETUP_WAIT_S:.0f} s; "
        "check for a stuck server setting up the same database"
    )


_POSTGRES_EXTRA = "pip install 'orchestrator-graph[postgres]'"


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
        "server runs and that the URL is right."
    )


def _connection_kwargs(schema: str | None) -> dict[str, Any]:
    """How every connection of a Postgres saver is opened: LangGraph's settings, and the
    tables looked up in ``schema`` (None: the database's default search path)."""
    from psycopg.rows import dict_row

    kwargs: dict[str, Any] = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
    if schema is not None:
        kwargs["options"] = f"-c search_path={schema}"
    return kwargs


def _schema_sql(schema: str | None) -> str | None:
    return None if schema is None else f"CREATE SCHEMA IF NOT EXISTS {schema}"


@contextmanager
def postgres_checkpointer(
    url: str, *, schema: str | None = None, serde: SerializerProtocol | None = None
) -> Iterator[Any]:
    """A ``PostgresSaver`` on ``url`` over a pool of connections, tables set up (in
    ``schema``, created if missing, when given).

    Needs the ``postgres`` extra. Several processes (or machines) may share one
    database; each thread id is one conversation.

    Example:
        >>> with postgres_checkpointer("postgresql://app@db:5432/app") as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
    """
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg_pool import ConnectionPool
    except ImportError as exc:
        raise ImportError(f"Postgres checkpoints need the extra: {_POSTGRES_EXTRA}") from exc
    kwargs = _connection_kwargs(schema)
    try:  # a wrong URL fails here, with the server's reason, before any pool is made
        conn = psycopg.Connection.connect(url, connect_timeout=CONNECT_TIMEOUT_S, **kwargs)
    except psycopg.OperationalError as exc:
        raise _database_error(url, exc) from exc
    with conn:
        for _ in range(int(_SETUP_WAIT_S / _SETUP_POLL_S)):
            if (conn.execute(_SETUP_TRY_LOCK).fetchone() or {}).get("locked"):
                break
            time.sleep(_SETUP_POLL_S)
        else:
            raise _setup_wait_error()
        try:
            if create := _schema_sql(schema):
                conn.execute(create)
            PostgresSaver(conn).setup()
        finally:
            conn.execute(_SETUP_UNLOCK)
    with ConnectionPool(url, min_size=1, max_size=POOL_SIZE, kwargs=kwargs, open=True) as pool:
        yield PostgresSaver(pool, serde=serde or serializer())  # type: ignore[arg-type]


@asynccontextmanager
async def async_postgres_checkpointer(
    url: str, *, schema: str | None = None, serde: SerializerProtocol | None = None
) -> AsyncIterator[Any]:
    """An ``AsyncPostgresSaver`` on ``url`` over a pool, tables set up (in ``schema``
    when given); enter it inside the event loop that uses it.

    Example:
        >>> async with async_postgres_checkpointer(url) as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
    """
    try:
        import psycopg
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg_pool import AsyncConnectionPool
    except ImportError as exc:
        raise ImportError(f"Postgres checkpoints need the extra: {_POSTGRES_EXTRA}") from exc
    kwargs = _connection_kwargs(schema)
    try:
        conn = await psycopg.AsyncConnection.connect(
            url, connect_timeout=CONNECT_TIMEOUT_S, **kwargs
        )
    except psycopg.OperationalError as exc:
        raise _database_error(url, exc) from exc
    async with conn:
        for _ in range(int(_SETUP_WAIT_S / _SETUP_POLL_S)):
            if ((await (await conn.execute(_SETUP_TRY_LOCK)).fetchone()) or {}).get("locked"):
                break
            await asyncio.sleep(_SETUP_POLL_S)
        else:
            raise _setup_wait_error()
        try:
            if create := _schema_sql(schema):
                await conn.execute(create)
            await AsyncPostgresSaver(conn).setup()
        finally:
            await conn.execute(_SETUP_UNLOCK)
    pool = AsyncConnectionPool(url, min_size=1, max_size=POOL_SIZE, kwargs=kwargs, open=False)
    await pool.open()
    async with pool:
        yield AsyncPostgresSaver(pool, serde=serde or serializer())  # type: ignore[arg-type]
