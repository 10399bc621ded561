"""SQLite savers that find a delta channel's snapshot without reading every ancestor
checkpoint.

LangGraph's ``SqliteSaver.get_delta_channel_history`` deserializes each ancestor
checkpoint (with every decision and profile in it) until one holds a
snapshot of the channel: at 5-10 checkpoints a turn, the biggest cost of a turn
in a long thread. A checkpoint's metadata counts the steps since each delta
channel's last snapshot (``counters_since_delta_snapshot``). These savers read
that count on the target, follow the parent ids that far (ids only: reading the
metadata of every row would page through its checkpoint blob), open the one
checkpoint there, and read the chain's writes as LangGraph does. When that
checkpoint holds no snapshot (a count from ``durability="exit"`` runs, an edited
thread), they fall back to LangGraph's walk, so the result is the same.

The chain's writes are read with one query text per number of channels: the chain's
ids go in as one JSON array (``json_each``), not as one placeholder each. ``sqlite3``
keeps a prepared statement per query text (128 per connection); with LangGraph's
``IN (?, ?, ...)`` every turn had a text of its own, and a turn-800 thread's
connection held about 26 MB of them.

Each saver keeps what it decoded (``Decoded``): a snapshot's value and each
ancestor checkpoint's writes of a delta channel, which never change once the
checkpoint has a child, and the last chain it walked with the writes collected
along it. The next turn of a thread reads and walks only the checkpoints made
since: a turn no longer deserializes the whole chain back to the snapshot (at
turn 400, 27 ms of every turn), nor looks each of its checkpoints up (at turn 800,
12 ms). Turn 800 then costs what turn 10 does (``benchmarks/long_thread.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    DeltaChannelHistory,
    PendingWrite,
    get_checkpoint_id,
    writes_sort_key,
)
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from orchestrator_graph.lru import Lru

_TARGET_SQL = (
    "SELECT checkpoint_id, metadata FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?"
)
_CHAIN_SQL = (
    "WITH RECURSIVE chain(id, parent) AS ("
    " SELECT checkpoint_id, parent_checkpoint_id FROM checkpoints"
    " WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
    " UNION ALL"
    " SELECT c.checkpoint_id, c.parent_checkpoint_id"
    " FROM chain CROSS JOIN checkpoints c ON c.checkpoint_id = chain.parent"
    " WHERE c.thread_id = ? AND c.checkpoint_ns = ?)"
    " SELECT id FROM chain LIMIT ?"
)
_NEW_PARENTS_SQL = (
    "SELECT checkpoint_id, parent_checkpoint_id FROM checkpoints"
    " WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id > ?"
)
_TASK_PATH_SQL = "SELECT count(*) FROM pragma_table_info('writes') WHERE name = 'task_path'"
"""Whether the writes table has ``task_path`` (LangGraph adds it in ``setup``, except to
a read-only file from before the column)."""
_CHECKPOINT_SQL = (
    "SELECT type, checkpoint FROM checkpoints"
    " WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
)
COUNTERS = "counters_since_delta_snapshot"
"""The ``CheckpointMetadata`` key counting each delta channel's steps since its snapshot."""
DECODED_SEEDS = 16
"""Snapshot values a saver keeps decoded (one per thread and delta channel in use)."""
DECODED_THREADS = 64
"""Threads whose checkpoints' parents a saver keeps (ids only)."""
DECODED_WRITES = 4096
"""Checkpoints whose writes of one delta channel a saver keeps decoded. A thread's
chain back to the transcript's snapshot is up to about 1,400 checkpoints (200 turns):
this holds two or three threads' chains; beyond, a turn reads from the file as before."""

_Key = tuple[str, str, str, str]  # thread, namespace, checkpoint id, channel
_Write = tuple[tuple[str, str, int], str, Any]  # sort key, task id, value


@dataclass
class _Parents:
    """A thread's checkpoints read so far: each one's parent, the newest id, and the
    last chain walked (newest first), which the next walk joins."""

    newest: str = ""
    of: dict[str, str | None] = field(default_factory=dict)
    last: list[str] = field(default_factory=list)


@dataclass
class _Collected:
    """A channel's writes along the last chain read (oldest first), and that chain's
    newest checkpoint and length: the next turn's chain ends with it, and adds only
    the checkpoints made since."""

    head: str
    length: int
    writes: list[PendingWrite]


class Decoded:
    """What a saver has decoded, least recently used dropped first: snapshot values
    and each checkpoint's writes of a channel, by (thread, namespace, checkpoint,
    channel), and each thread's parent ids (checkpoint ids grow with time, so the
    checkpoints made since are those with a greater id)."""

    def __init__(self) -> None:
        self.seeds: Lru[_Key, Any] = Lru(DECODED_SEEDS)
        self.writes: Lru[_Key, list[_Write]] = Lru(DECODED_WRITES)
        self.parents: Lru[tuple[str, str], _Parents] = Lru(DECODED_THREADS)
        self.collected: Lru[tuple[str, str, str], _Collected] = Lru(DECODED_THREADS)


def _writes_sql(channels: int, has_task_path: bool) -> str:
    """LangGraph's query of a chain's writes (``build_delta_stage2_sql``, the same rows)
    with each channel's checkpoint ids one JSON array parameter."""
    task_path = "task_path" if has_task_path else "''"
    branch = (
        f"SELECT checkpoint_id, channel, task_id, idx, type, value, {task_path} FROM writes"
        " WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ?"
        " AND checkpoint_id IN (SELECT value FROM json_each(?))"
    )
    return " UNION ALL ".join([branch] * channels)


class _Fallback(Exception):
    """The counters do not lead to a snapshot: use LangGraph's walk."""


def _target_query(config: RunnableConfig) -> tuple[str, tuple[str, ...]]:
    """The target checkpoint's id and metadata: the one named, else the latest."""
    configurable = config["configurable"]
    ids = (str(configurable["thread_id"]), configurable.get("checkpoint_ns", ""))
    if checkpoint_id := get_checkpoint_id(config):
        return _TARGET_SQL + " AND checkpoint_id = ?", (*ids, checkpoint_id)
    return _TARGET_SQL + " ORDER BY checkpoint_id DESC LIMIT 1", ids


@dataclass
class _Walk:
    """The chain from a target checkpoint back to its channels' snapshots."""

    thread_id: str
    namespace: str
    target: str
    distance: dict[str, int]  # steps from the target back to each channel's snapshot
    chain: list[str] = field(default_factory=list)  # the target's ancestors, nearest first
    seeds: dict[str, Any] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)  # ids whose writes to read
    new: dict[str, list[str]] = field(default_factory=dict)  # each chain's part not collected
    reused: dict[str, list[PendingWrite]] = field(default_factory=dict)  # the part collected
    known: dict[_Key, list[_Write]] = field(default_factory=dict)  # writes decoded before

    @classmethod
    def of(
        cls, config: RunnableConfig, channels: Sequence[str], row: tuple[str, Any] | None
    ) -> _Walk:
        if row is None:
            raise _Fallback
        counters = json.loads(row[1] or "{}").get(COUNTERS) or {}
        if any(ch not in counters or int(counters[ch][1]) < 1 for ch in channels):
            raise _Fallback  # the target holds the snapshot itself: nothing to walk
        configurable = config["configurable"]
        return cls(
            str(configurable["thread_id"]),
            configurable.get("checkpoint_ns", ""),
            row[0],
            {ch: int(counters[ch][1]) for ch in channels},
        )

    @property
    def chain_params(self) -> tuple[Any, ...]:
        ids = (self.thread_id, self.namespace)
        return (*ids, self.target, *ids, max(self.distance.values()) + 1)

    def parents(self, decoded: Decoded) -> _Parents:
        key = (self.thread_id, self.namespace)
        parents = decoded.parents.recent(key)
        return parents if parents is not None else decoded.parents.keep(key, _Parents())

    def new_parents_params(self, decoded: Decoded) -> tuple[str, str, str]:
        """The query's parameters for the checkpoints made since the newest one seen."""
        return (self.thread_id, self.namespace, self.parents(decoded).newest)

    def chain_of(
        self, rows: Sequence[tuple[str, str | None]], decoded: Decoded
    ) -> list[str] | None:
        """The target and its ancestors from the parents seen; None when one is missing
        (a checkpoint written out of order): then the recursive query."""
        parents = self.parents(decoded)
        parents.of.update(rows)
        parents.newest = max([parents.newest, *(cid for cid, _ in rows)])
        chain, limit = [self.target], max(self.distance.values()) + 1
        while len(chain) < limit:
            if parents.last and chain[-1] == parents.last[0]:
                chain.extend(parents.last[1 : limit - len(chain) + 1])
                if len(chain) == limit or parents.of.get(chain[-1], "") is None:
                    break
            if chain[-1] not in parents.of:
                return None
            parent = parents.of[chain[-1]]
            if parent is None:
                break
            chain.append(parent)
        parents.last = chain
        return chain

    def snapshot_ids(self, chain: list[str]) -> dict[str, str]:
        """Keep the ancestors; the checkpoint each channel's snapshot should be in
        (none for a channel whose chain reaches the root first: it starts empty)."""
        self.chain = chain[1:]
        return {ch: self.chain[d - 1] for ch, d in self.distance.items() if d <= len(self.chain)}

    def chains(self) -> dict[str, list[str]]:
        return {ch: self.chain[:d] for ch, d in self.distance.items()}

    def key(self, checkpoint_id: str, channel: str) -> _Key:
        return (self.thread_id, self.namespace, checkpoint_id, channel)

    def stage2(self, has_task_path: bool, decoded: Decoded) -> tuple[str, list[Any]]:
        """The query of the chain's writes not decoded yet, and its parameters; the
        others are taken from ``decoded`` now."""
        missing: dict[str, list[str]] = {}
        for ch, chain in self.chains().items():
            self.new[ch] = self.uncollected(ch, chain, decoded)
            for cid in self.new[ch]:
                known = decoded.writes.recent(self.key(cid, ch))
                if known is None:
                    missing.setdefault(ch, []).append(cid)
                else:
                    self.known[self.key(cid, ch)] = known
        self.missing = missing
        ids = (self.thread_id, self.namespace)
        params = [p for ch, chain in missing.items() for p in (*ids, ch, json.dumps(chain))]
        return (_writes_sql(len(missing), has_task_path) if missing else ""), params

    def uncollected(self, channel: str, chain: list[str], decoded: Decoded) -> list[str]:
        """The newest part of ``chain`` whose writes the last turn did not collect."""
        last = decoded.collected.recent((self.thread_id, self.namespace, channel))
        cut = len(chain) - last.length if last is not None else -1
        if last is not None and cut >= 0 and chain[cut] == last.head:
            self.reused[channel] = last.writes
            return chain[:cut]
        return chain

    def history(
        self, rows: Sequence[Any], serde: SerializerProtocol, decoded: Decoded
    ) -> dict[str, DeltaChannelHistory]:
        """Decode the new rows and keep them; each channel's seed and writes (oldest
        first; within a checkpoint in ``writes_sort_key`` order, as LangGraph's)."""
        fresh: dict[_Key, list[_Write]] = {
            self.key(cid, ch): [] for ch, chain in self.missing.items() for cid in chain
        }
        for cid, ch, task_id, idx, type_, value, task_path in rows:
            order = writes_sort_key(task_path, task_id, idx)
            fresh[self.key(cid, ch)].append((order, task_id, serde.loads_typed((type_, value))))
        for key, writes in fresh.items():
            writes.sort(key=lambda write: write[0])
            decoded.writes.keep(key, writes)
        self.known.update(fresh)
        result: dict[str, DeltaChannelHistory] = {}
        for ch, chain in self.chains().items():
            collected: list[PendingWrite] = [
                *self.reused.get(ch, ()),
                *(
                    (task_id, ch, value)
                    for cid in reversed(self.new[ch])
                    for _, task_id, value in self.known[self.key(cid, ch)]
                ),
            ]
            if chain:
                last = _Collected(chain[0], len(chain), collected)
                decoded.collected.keep((self.thread_id, self.namespace, ch), last)
            entry: DeltaChannelHistory = {"writes": collected}
            if ch in self.seeds:
                entry["seed"] = self.seeds[ch]
            result[ch] = entry
        return result

    def seed(self, channel: str, checkpoint_id: str, decoded: Decoded) -> bool:
        """Take ``channel``'s snapshot from ``decoded``; False when not decoded yet."""
        seed = decoded.seeds.recent(self.key(checkpoint_id, channel))
        if seed is not None:
            self.seeds[channel] = seed
        return seed is not None

    def found(
        self, channel: str, checkpoint_id: str, checkpoint: Mapping[str, Any], decoded: Decoded
    ) -> None:
        """The checkpoint where ``channel``'s snapshot should be (deserialized)."""
        if channel in checkpoint["channel_values"]:
            self.seeds[channel] = checkpoint["channel_values"][channel]
            decoded.seeds.keep(self.key(checkpoint_id, channel), self.seeds[channel])
        elif channel in checkpoint["channel_versions"]:
            raise _Fallback  # a version but no value: not a snapshot after all


class DeltaSqliteSaver(SqliteSaver):
    """``SqliteSaver`` with a counter-guided ``get_delta_channel_history``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decoded = Decoded()
        self.task_path: bool | None = None  # read from the file on the first use

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        if not channels:
            return {}
        try:
            with self.lock, closing(self.conn.cursor()) as cur:
                self.setup()
                if self.task_path is None:
                    self.task_path = bool(cur.execute(_TASK_PATH_SQL).fetchone()[0])
                walk = _Walk.of(config, channels, cur.execute(*_target_query(config)).fetchone())
                parents = cur.execute(_NEW_PARENTS_SQL, walk.new_parents_params(self.decoded))
                chain = walk.chain_of(parents.fetchall(), self.decoded) or [
                    cid for (cid,) in cur.execute(_CHAIN_SQL, walk.chain_params)
                ]
                for channel, checkpoint_id in walk.snapshot_ids(chain).items():
                    if walk.seed(channel, checkpoint_id, self.decoded):
                        continue
                    key = (walk.thread_id, walk.namespace, checkpoint_id)
                    type_, blob = cur.execute(_CHECKPOINT_SQL, key).fetchone()
                    checkpoint = self.serde.loads_typed((type_, blob))
                    walk.found(channel, checkpoint_id, checkpoint, self.decoded)
                sql, params = walk.stage2(self.task_path, self.decoded)
                rows = cur.execute(sql, params).fetchall() if sql else []
                return walk.history(rows, self.serde, self.decoded)
        except _Fallback:
            return super().get_delta_channel_history(config=config, channels=channels)


class AsyncDeltaSqliteSaver(AsyncSqliteSaver):
    """``AsyncSqliteSaver`` with a counter-guided ``aget_delta_channel_history``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decoded = Decoded()
        self.task_path: bool | None = None  # read from the file on the first use

    async def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        async with self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def aget_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        if not channels:
            return {}
        await self.setup()
        try:
            async with self.lock:
                if self.task_path is None:
                    self.task_path = bool((await self._fetch(_TASK_PATH_SQL, ()))[0][0])
                target = await self._fetch(*_target_query(config))
                walk = _Walk.of(config, channels, target[0] if target else None)
                parents = await self._fetch(_NEW_PARENTS_SQL, walk.new_parents_params(self.decoded))
                chain = walk.chain_of(parents, self.decoded) or [
                    cid for (cid,) in await self._fetch(_CHAIN_SQL, walk.chain_params)
                ]
                for channel, checkpoint_id in walk.snapshot_ids(chain).items():
                    if walk.seed(channel, checkpoint_id, self.decoded):
                        continue
                    key = (walk.thread_id, walk.namespace, checkpoint_id)
                    [(type_, blob)] = await self._fetch(_CHECKPOINT_SQL, key)
                    checkpoint = self.serde.loads_typed((type_, blob))
                    walk.found(channel, checkpoint_id, checkpoint, self.decoded)
                sql, params = walk.stage2(self.task_path, self.decoded)
                rows = await self._fetch(sql, params) if sql else []
                return walk.history(rows, self.serde, self.decoded)
        except _Fallback:
            return await super().aget_delta_channel_history(config=config, channels=channels)
