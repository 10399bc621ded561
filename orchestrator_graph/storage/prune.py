"""Pruning and paging: long threads without their whole history.

``prune_thread`` removes a thread's old checkpoints while keeping it resumable;
``compact_thread`` first stores the latest state whole, so that one checkpoint is
all that is kept (``compact_state`` once the state is read; ``schedule`` runs it every
N turns); ``checkpoint_pages`` and ``state_pages`` read a thread's history a
page at a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.channels.delta import DeltaChannel
from langgraph.checkpoint.base import BaseCheckpointSaver, Checkpoint, CheckpointTuple
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.pregel import Pregel
from langgraph.types import Overwrite, StateSnapshot

from orchestrator_graph.storage.delta_sqlite import COUNTERS

TRANSCRIPT_CHANNEL = "messages"


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


def kept_chain(
    chain: Iterable[tuple[str, Checkpoint, Mapping[str, Any]]],
    delta_channels: Sequence[str],
    keep: int,
) -> list[str]:
    """The ids to keep of a thread's root chain, given newest first as (id, checkpoint,
    metadata) and read only as far as needed: the latest and the ancestors it needs,
    at least ``keep`` of them, back to one that stores a value (a snapshot) of every
    delta channel that the latest one has a version of but does not store itself (the
    channels its metadata counts steps since a snapshot for, and ``delta_channels``).
    The oldest kept stores the transcript (``TRANSCRIPT_CHANNEL``), so that every kept
    state rebuilds it whole (the other delta channels, snapshotted more often, may be
    partial in the states older than their latest snapshot). Both backends use it."""
    kept: list[str] = []
    missing: set[str] = set()
    enough = transcript = False
    for checkpoint_id, checkpoint, metadata in chain:
        stored = set(checkpoint["channel_values"])
        if not kept:  # the latest: what it rebuilds from its ancestors' writes
            counted = metadata.get(COUNTERS) or {}
            versioned = set(checkpoint["channel_versions"])
            missing = {c for c in {*counted, *delta_channels} if c in versioned} - stored
            transcript = TRANSCRIPT_CHANNEL in versioned
        else:
            missing -= stored
        kept.append(checkpoint_id)
        whole = not transcript or TRANSCRIPT_CHANNEL in stored
        enough = enough or (not missing and whole)  # from here on, only ``keep`` counts
        if enough and len(kept) >= max(1, keep):
            break
    return kept


def _sqlite_chain(
    conn: sqlite3.Connection, serde: SerializerProtocol, thread_id: str
) -> Iterator[tuple[str, Checkpoint, Mapping[str, Any]]]:
    """A thread's latest root checkpoint and its ancestors, newest first, decoded one
    at a time (``kept_chain`` stops reading where it has enough)."""
    for checkpoint_id, type_, blob, metadata in conn.execute(_CHAIN_SQL, {"thread": thread_id}):
        yield checkpoint_id, serde.loads_typed((type_, blob)), json.loads(metadata or "{}")


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
        kept = kept_chain(_sqlite_chain(conn, serde, thread_id), delta_channels, keep)
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
    return pruner(saver)(thread_id, **options)


def pruner(saver: BaseCheckpointSaver) -> Callable[..., PruneReport]:
    """How ``saver``'s threads are pruned; ``TypeError`` for a saver that cannot be."""
    if isinstance(saver, SqliteSaver):

        def sqlite(thread_id: str, **options: Any) -> PruneReport:
            with saver.lock:
                return prune_sqlite(saver.conn, thread_id, serde=saver.serde, **options)

        return sqlite
    try:
        from langgraph.checkpoint.postgres import PostgresSaver
    except ImportError:  # the postgres extra is not installed: no saver can be one
        pass
    else:
        if isinstance(saver, PostgresSaver):
            from orchestrator_graph.storage.prune_postgres import prune_postgres

            return lambda thread_id, **options: prune_postgres(saver, thread_id, **options)
    raise TypeError(
        f"pruning and compacting work on a SqliteSaver or a PostgresSaver (the sync "
        f"savers of storage.checkpoints), not {type(saver).__name__}"
    )


def compact_thread(
    graph: Pregel[Any, Any, Any, Any], config: RunnableConfig, *, vacuum: bool = False
) -> PruneReport:
    """Keep only a thread's latest state, in one checkpoint that stores it whole.

    ``prune_thread`` must keep the chain back to the transcript's last snapshot (up
    to about 200 turns). Here the latest state's ``DeltaChannel`` values (the
    transcript, digests, prompts) are first written back as ``Overwrite``s
    (``graph.update_state``), which makes LangGraph store a snapshot of each in a
    new checkpoint; then every other checkpoint of the thread is deleted. The thread
    resumes from it as before; its earlier states are gone (time travel starts
    there). ``vacuum`` gives the freed pages of a SQLite file back to the disk.

    Raises:
        TypeError: the graph's saver is not a ``SqliteSaver`` or ``PostgresSaver``.
        ValueError: the thread has a turn in progress or waiting at an interrupt
            (``next`` is not empty; finish or resume it first), or it was written by
            another graph (nodes or channels ``graph`` does not have). Nothing is
            changed then.
    """
    saver = graph.checkpointer
    if not isinstance(saver, BaseCheckpointSaver):
        raise TypeError("compact_thread needs a graph compiled with a checkpointer")
    prune = pruner(saver)  # a saver that cannot be pruned is refused before any write
    if (saved := saver.get_tuple(config)) is not None:
        _check_written_by(graph, saved, config)
    state = graph.get_state(config)
    if state.next:
        raise ValueError(
            f"thread {config['configurable']['thread_id']!r} has a turn in progress "
            f"(next: {', '.join(state.next)}); finish or resume it before compacting"
        )
    report = compact_state(graph, state, prune)
    if vacuum and isinstance(saver, SqliteSaver):
        with saver.lock:
            vacuum_sqlite(saver.conn)
    return report


def compact_state(
    graph: Pregel[Any, Any, Any, Any],
    state: StateSnapshot,
    prune: Callable[..., PruneReport] | None = None,
) -> PruneReport:
    """``compact_thread`` of a thread whose latest state (``state``, with no turn in
    progress) was read and checked: its ``DeltaChannel`` values written back whole, then
    every other checkpoint deleted (``prune``, else the saver's pruner)."""
    deltas = [k for k, ch in graph.channels.items() if isinstance(ch, DeltaChannel)]
    whole = {k: Overwrite(state.values[k]) for k in deltas if k in state.values}
    if whole:
        graph.update_state(state.config, whole)
    if prune is None:
        assert isinstance(graph.checkpointer, BaseCheckpointSaver)
        prune = pruner(graph.checkpointer)
    return prune(str(state.config["configurable"]["thread_id"]), keep=1)


def vacuum_sqlite(conn: sqlite3.Connection) -> None:
    """Give a SQLite file's freed pages back to the disk (outside any transaction; in
    WAL mode they reach the file at the checkpoint)."""
    conn.commit()
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _check_written_by(
    graph: Pregel[Any, Any, Any, Any], saved: CheckpointTuple, config: RunnableConfig
) -> None:
    """The thread's nodes and channels are ``graph``'s. Not counted: LangGraph tasks
    (``worker``), which see no channel, and a route's trigger channel
    (``branch:to:cache_answer`` of a graph with the answer cache holds nothing between
    turns)."""
    checkpoint = saved.checkpoint
    nodes = {n for n, seen in checkpoint["versions_seen"].items() if seen}
    channels = {c for c in checkpoint["channel_versions"] if not c.startswith("branch:to:")}
    foreign = sorted((nodes - {*graph.nodes, "__input__"}) | (channels - set(graph.channels)))
    if foreign:
        raise ValueError(
            f"thread {config['configurable']['thread_id']!r} was written by another graph "
            f"(it has {', '.join(foreign)}); compact it with the graph that wrote it"
        )


PageItem = TypeVar("PageItem", CheckpointTuple, StateSnapshot)


def checkpoint_pages(
    saver: BaseCheckpointSaver, config: RunnableConfig, *, page_size: int = 50
) -> Iterator[list[CheckpointTuple]]:
    """A thread's checkpoints newest first, ``page_size`` at a time
    (``saver.list(config, limit=, before=)``), never the whole history at once."""
    return _pages(
        lambda before: list(saver.list(config, limit=page_size, before=before)), page_size
    )


def state_pages(
    graph: Pregel, config: RunnableConfig, *, page_size: int = 20
) -> Iterator[list[StateSnapshot]]:
    """A thread's states newest first, ``page_size`` at a time
    (``graph.get_state_history(config, limit=, before=)``): each state's transcript is
    rebuilt only when its page is read."""
    return _pages(
        lambda before: list(graph.get_state_history(config, limit=page_size, before=before)),
        page_size,
    )


def _pages(
    fetch: Callable[[RunnableConfig | None], list[PageItem]], page_size: int
) -> Iterator[list[PageItem]]:
    """Pages from ``fetch(before)`` until one comes back short or empty."""
    before: RunnableConfig | None = None
    while page := fetch(before):
        yield page
        if len(page) < page_size:
            return
        before = page[-1].config
