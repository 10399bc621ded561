"""Pruning a thread in a Postgres checkpoint database without breaking its delta channels.

LangGraph's ``PostgresSaver.prune(strategy="keep_latest")`` refuses threads that use a
``DeltaChannel`` (the latest checkpoint rebuilds the transcript from older ones).
``prune_postgres`` keeps the latest root checkpoint and its ancestors back to the
snapshot of every delta channel it rebuilds, and deletes the thread's older
checkpoints, their writes, the blobs only they used, and the subgraph calls they
started. Checkpoints newer than the kept chain's oldest (a run saving meanwhile, a
fork) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import Checkpoint

from orchestrator_graph.storage.prune import PruneReport, kept_chain

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg import Cursor
    from psycopg.rows import DictRow

_OLD_CHECKPOINTS_SQL = """
WITH deleted AS (
    DELETE FROM checkpoints
    WHERE thread_id = %s AND checkpoint_ns = '' AND checkpoint_id < %s
    RETURNING checkpoint_id, checkpoint -> 'channel_versions' AS versions
)
SELECT d.checkpoint_id, v.key AS channel, v.value AS version
FROM deleted d CROSS JOIN LATERAL jsonb_each_text(d.versions) AS v
"""
_OLD_WRITES_SQL = """
DELETE FROM checkpoint_writes
WHERE thread_id = %s AND checkpoint_ns = '' AND checkpoint_id < %s
"""
_OLD_CALLS_SQL = """
SELECT DISTINCT checkpoint_ns FROM checkpoints
WHERE thread_id = %s AND checkpoint_ns <> '' AND position(':' in checkpoint_ns) > 0
AND metadata -> 'parents' ->> '' < %s
"""
_KEPT_VERSIONS_SQL = """
SELECT DISTINCT v.key AS channel, v.value AS version FROM checkpoints c
CROSS JOIN LATERAL jsonb_each_text(c.checkpoint -> 'channel_versions') AS v
WHERE c.thread_id = %s AND c.checkpoint_ns = ''
"""
_BLOBS_SQL = """
DELETE FROM checkpoint_blobs
WHERE thread_id = %s AND checkpoint_ns = '' AND channel = %s AND version = ANY(%s)
"""
_CALL_SQL = (
    "DELETE FROM checkpoints WHERE thread_id = %s AND checkpoint_ns = ANY(%s)",
    "DELETE FROM checkpoint_writes WHERE thread_id = %s AND checkpoint_ns = ANY(%s)",
    "DELETE FROM checkpoint_blobs WHERE thread_id = %s AND checkpoint_ns = ANY(%s)",
)


def _postgres_chain(
    saver: PostgresSaver, thread_id: str
) -> Iterator[tuple[str, Checkpoint, Mapping[str, Any]]]:
    """A thread's latest root checkpoint and its ancestors, newest first
    (``saver.get_tuple`` along ``parent_config``), read one at a time."""
    config: Any = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
    while config is not None and (tup := saver.get_tuple(config)) is not None:
        yield tup.config["configurable"]["checkpoint_id"], tup.checkpoint, tup.metadata
        config = tup.parent_config


@contextmanager
def _transaction(saver: PostgresSaver) -> Iterator[Cursor[DictRow]]:
    """A dict-row cursor in one transaction on the saver's connection (its ``conn``, a
    connection or a pool), under the saver's ``lock`` as its own queries run."""
    import psycopg
    from psycopg.rows import dict_row

    with saver.lock, ExitStack() as stack:
        conn = saver.conn
        if not isinstance(conn, psycopg.Connection):  # a pool: borrow a connection
            conn = stack.enter_context(conn.connection())
        stack.enter_context(conn.transaction())
        yield stack.enter_context(conn.cursor(row_factory=dict_row))


def prune_postgres(
    saver: PostgresSaver, thread_id: str, *, delta_channels: Sequence[str] = (), keep: int = 1
) -> PruneReport:
    """Delete a thread's checkpoints older than what its latest one needs, in one
    transaction (``saver``: a ``PostgresSaver``)."""
    kept = kept_chain(_postgres_chain(saver, thread_id), delta_channels, keep)
    if not kept:
        return PruneReport(thread_id, 0, 0, 0)
    oldest = min(kept)
    with _transaction(saver) as cur:
        cur.execute(_OLD_CALLS_SQL, (thread_id, oldest))
        calls = [row["checkpoint_ns"] for row in cur.fetchall()]
        for sql in _CALL_SQL if calls else ():
            cur.execute(sql, (thread_id, calls))
        writes = cur.execute(_OLD_WRITES_SQL, (thread_id, oldest)).rowcount
        cur.execute(_OLD_CHECKPOINTS_SQL, (thread_id, oldest))
        freed = cur.fetchall()
        cur.execute(_KEPT_VERSIONS_SQL, (thread_id,))
        used = {(row["channel"], row["version"]) for row in cur.fetchall()}
        garbage: dict[str, list[str]] = {}
        for row in freed:
            if (row["channel"], row["version"]) not in used:
                garbage.setdefault(row["channel"], []).append(row["version"])
        for channel, versions in garbage.items():
            cur.execute(_BLOBS_SQL, (thread_id, channel, versions))
    deleted = len({row["checkpoint_id"] for row in freed})
    return PruneReport(thread_id, len(kept), deleted, writes)


_INPUTS_SQL = """
SELECT count(*) AS inputs FROM checkpoints
WHERE thread_id = %s AND checkpoint_ns = '' AND metadata ->> 'source' = 'input'
"""


def count_inputs_postgres(saver: PostgresSaver, thread_id: str) -> int:
    """The thread's input checkpoints (``schedule.turns_since_compaction``)."""
    with _transaction(saver) as cur:
        row = cur.execute(_INPUTS_SQL, (thread_id,)).fetchone()
    return int(row["inputs"]) if row else 0
