"""SQLite checkpointers (sync and async) on WAL files with a busy timeout.

``studio_checkpointer`` is the factory that ``langgraph.json`` names under
``"checkpointer"`` for ``langgraph dev``. This module is loaded by file path
there, so it imports the package absolutely.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.pregel import Pregel
from langgraph.types import StateSnapshot

from orchestrator_graph.delta_sqlite import AsyncDeltaSqliteSaver, DeltaSqliteSaver

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
    """A ``SqliteSaver`` on ``path`` (default: ``default_checkpoint_path()``); a
    ``DeltaSqliteSaver``, which reads the transcript's history faster.

    Example:
        >>> with sqlite_checkpointer("checkpoints/demo.sqlite") as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
    """
    path = _prepare(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    try:
        saver = DeltaSqliteSaver(conn, serde=serde)
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
    """An ``AsyncSqliteSaver`` (``AsyncDeltaSqliteSaver``) on ``path``; enter it inside the
    event loop that uses it.

    Example:
        >>> async with async_sqlite_checkpointer() as saver:  # doctest: +SKIP
        ...     graph = create_orchestrator(...).compile(checkpointer=saver)
        ...     await graph.ainvoke({"messages": [("user", "hi")]}, config)
    """
    path = _prepare(path)
    async with aiosqlite.connect(path, timeout=BUSY_TIMEOUT_S) as conn:
        saver = AsyncDeltaSqliteSaver(conn, serde=serde)
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


# -- Postgres: one database shared by several processes or machines ----------

POSTGRES_URL_ENV = "ORCHESTRATOR_POSTGRES_URL"
_POSTGRES_EXTRA = "pip install 'orchestrator-graph[postgres]'"


class CheckpointDatabaseError(RuntimeError):
    """The Postgres checkpoint database cannot be reached or prepared."""


def _postgres_url(url: str | None) -> str:
    resolved = url or os.environ.get(POSTGRES_URL_ENV)
    if not resolved:
        raise CheckpointDatabaseError(
            f"No Postgres URL: pass one (postgresql://user@host:5432/db) or set {POSTGRES_URL_ENV}"
        )
    return resolved


def _redacted(url: str) -> str:
    """``url`` without its password, for error messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _database_error(url: str, exc: Exception) -> CheckpointDatabaseError:
    return CheckpointDatabaseError(
        f"Postgres checkpoints at {_redacted(url)} are unavailable: {exc}. Check that the "
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
        saver = PostgresSaver(conn, serde=serde)
        saver.setup()
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
        saver = AsyncPostgresSaver(conn, serde=serde)
        await saver.setup()
        yield saver


# -- Pruning and paging: long threads without their whole history ----------


@dataclass(frozen=True)
class PruneReport:
    """What ``prune_thread`` kept and removed of one thread."""

    thread_id: str
    kept_checkpoints: int
    deleted_checkpoints: int
    deleted_writes: int


_CHAIN_SQL = (
    "WITH RECURSIVE chain(id, parent, type, checkpoint, metadata) AS ("
    " SELECT checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata FROM checkpoints"
    " WHERE thread_id = :thread AND checkpoint_ns = '' AND checkpoint_id = ("
    "  SELECT max(checkpoint_id) FROM checkpoints WHERE thread_id = :thread AND checkpoint_ns = '')"
    " UNION ALL"
    " SELECT c.checkpoint_id, c.parent_checkpoint_id, c.type, c.checkpoint, c.metadata"
    " FROM chain CROSS JOIN checkpoints c ON c.checkpoint_id = chain.parent"
    " WHERE c.thread_id = :thread AND c.checkpoint_ns = '')"
    " SELECT id, type, checkpoint, metadata FROM chain"
)


def _kept_chain(
    conn: sqlite3.Connection,
    serde: SerializerProtocol,
    thread_id: str,
    delta_channels: Sequence[str],
    keep: int,
) -> list[str]:
    """The latest root checkpoint and the ancestors it needs: at least ``keep`` of
    them, and back to one that stores a value (a snapshot) of every delta channel
    that the latest one has a version of but does not store itself (the channels
    its metadata counts steps since a snapshot for, and ``delta_channels``)."""
    kept: list[str] = []
    missing: set[str] = set()
    rows = conn.execute(_CHAIN_SQL, {"thread": thread_id})
    for checkpoint_id, type_, blob, metadata in rows:
        checkpoint = serde.loads_typed((type_, blob))
        stored = set(checkpoint["channel_values"])
        if not kept:  # the latest: what it rebuilds from its ancestors' writes
            counted = json.loads(metadata or "{}").get("counters_since_delta_snapshot") or {}
            versioned = set(checkpoint["channel_versions"])
            delta = {*counted, *delta_channels}
            missing = {c for c in delta if c in versioned and c not in stored}
        else:
            missing -= stored
        kept.append(checkpoint_id)
        if not missing and len(kept) >= keep:
            break
    return kept


def _kept_namespaces(conn: sqlite3.Connection, thread_id: str, roots: set[str]) -> set[str]:
    """Subgraph namespaces started from a kept root checkpoint (an unfinished or
    interrupted subgraph resumes from them)."""
    kept = set()
    rows = conn.execute(
        "SELECT checkpoint_ns, metadata FROM checkpoints"
        " WHERE thread_id = ? AND checkpoint_ns != ''",
        (thread_id,),
    )
    for namespace, metadata in rows:
        parents = json.loads(metadata or "{}").get("parents") or {}
        if parents.get("") in roots:
            kept.add(namespace)
    return kept


def prune_sqlite(
    conn: sqlite3.Connection,
    thread_id: str,
    *,
    serde: SerializerProtocol | None = None,
    delta_channels: Sequence[str] = (),
    keep: int = 1,
) -> PruneReport:
    """Delete a thread's old checkpoints in a SQLite checkpoint database, in one
    transaction, keeping it resumable.

    Kept: the latest root checkpoint with its pending writes; the ancestors (and
    their writes) back to the nearest one holding a snapshot of every
    ``DeltaChannel`` it rebuilds (the transcript is rebuilt from them; the channels
    are read from its metadata, ``delta_channels`` adds to them);
    at least ``keep`` checkpoints of that chain; and the subgraph checkpoints
    started from a kept one. Everything else of the thread goes, so time travel
    reaches back only as far as what is kept. Forks of the thread are deleted.
    """
    serde = serde or JsonPlusSerializer()
    with conn:  # one transaction: all or nothing
        conn.execute("BEGIN IMMEDIATE")
        kept = _kept_chain(conn, serde, thread_id, delta_channels, max(1, keep))
        namespaces = _kept_namespaces(conn, thread_id, set(kept))
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS prune_keep (ns TEXT, id TEXT)")
        conn.execute("DELETE FROM prune_keep")
        conn.executemany("INSERT INTO prune_keep VALUES ('', ?)", [(k,) for k in kept])
        conn.executemany(
            "INSERT INTO prune_keep SELECT checkpoint_ns, checkpoint_id FROM checkpoints"
            " WHERE thread_id = ? AND checkpoint_ns = ?",
            [(thread_id, ns) for ns in namespaces],
        )
        deleted = {}
        for table in ("checkpoints", "writes"):
            deleted[table] = conn.execute(
                f"DELETE FROM {table} WHERE thread_id = ? AND NOT EXISTS ("
                f" SELECT 1 FROM prune_keep k WHERE k.ns = {table}.checkpoint_ns"
                f" AND k.id = {table}.checkpoint_id)",
                (thread_id,),
            ).rowcount
        conn.execute("DELETE FROM prune_keep")
    return PruneReport(thread_id, len(kept), deleted["checkpoints"], deleted["writes"])


def prune_thread(saver: BaseCheckpointSaver, thread_id: str, **options: Any) -> PruneReport:
    """Delete a thread's old checkpoints, keeping it resumable: ``prune_sqlite`` on a
    ``SqliteSaver``'s database (under the saver's lock), ``prune_postgres.prune_postgres``
    on a ``PostgresSaver``'s. ``options``: ``delta_channels``, ``keep``.

    Example:
        >>> with sqlite_checkpointer("checkpoints/demo.sqlite") as saver:  # doctest: +SKIP
        ...     prune_thread(saver, "thread-1")
    """
    if isinstance(saver, SqliteSaver):
        with saver.lock:
            return prune_sqlite(saver.conn, thread_id, serde=saver.serde, **options)
    try:
        from langgraph.checkpoint.postgres import PostgresSaver
    except ImportError:
        PostgresSaver = None
    if PostgresSaver is not None and isinstance(saver, PostgresSaver):
        from orchestrator_graph.prune_postgres import prune_postgres

        return prune_postgres(saver, thread_id, **options)
    raise TypeError(
        f"prune_thread works on a SqliteSaver or a PostgresSaver, not {type(saver).__name__}"
    )


def checkpoint_pages(
    saver: BaseCheckpointSaver, config: RunnableConfig, *, page_size: int = 50
) -> Iterator[list[CheckpointTuple]]:
    """A thread's checkpoints newest first, ``page_size`` at a time
    (``saver.list(config, limit=, before=)``), never the whole history at once."""
    before: RunnableConfig | None = None
    while True:
        page = list(saver.list(config, limit=page_size, before=before))
        if not page:
            return
        yield page
        if len(page) < page_size:
            return
        before = page[-1].config


def state_pages(
    graph: Pregel, config: RunnableConfig, *, page_size: int = 20
) -> Iterator[list[StateSnapshot]]:
    """A thread's states newest first, ``page_size`` at a time
    (``graph.get_state_history(config, limit=, before=)``): each state's transcript is
    rebuilt only when its page is read."""
    before: RunnableConfig | None = None
    while True:
        page = list(graph.get_state_history(config, limit=page_size, before=before))
        if not page:
            return
        yield page
        if len(page) < page_size:
            return
        before = page[-1].config
