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
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import DeltaChannelHistory, get_checkpoint_id
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite._delta import build_delta_channels_writes_history
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

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
_CHECKPOINT_SQL = (
    "SELECT type, checkpoint FROM checkpoints"
    " WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
)
_COUNTERS = "counters_since_delta_snapshot"


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

    @classmethod
    def of(
        cls, config: RunnableConfig, channels: Sequence[str], row: tuple[str, Any] | None
    ) -> _Walk:
        if row is None:
            raise _Fallback
        counters = json.loads(row[1] or "{}").get(_COUNTERS) or {}
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

    def snapshot_ids(self, chain: list[str]) -> dict[str, str]:
        """Keep the ancestors; the checkpoint each channel's snapshot should be in
        (none for a channel whose chain reaches the root first: it starts empty)."""
        self.chain = chain[1:]
        return {ch: self.chain[d - 1] for ch, d in self.distance.items() if d <= len(self.chain)}

    def found(self, channel: str, checkpoint: Mapping[str, Any]) -> None:
        """The checkpoint where ``channel``'s snapshot should be (deserialized)."""
        if channel in checkpoint["channel_values"]:
            self.seeds[channel] = checkpoint["channel_values"][channel]
        elif channel in checkpoint["channel_versions"]:
            raise _Fallback  # a version but no value: not a snapshot after all

    def chains(self) -> dict[str, list[str]]:
        return {ch: self.chain[:d] for ch, d in self.distance.items()}

    def stage2(self, has_task_path: bool) -> tuple[str, list[Any]]:
        """LangGraph's query of the chain's writes, and its parameters."""
        chains = {ch: ids for ch, ids in self.chains().items() if ids}
        ids = (self.thread_id, self.namespace)
        params = [p for ch, chain in chains.items() for p in (*ids, ch, json.dumps(chain))]
        return _writes_sql(len(chains), has_task_path), params

    def history(self, rows: Sequence[Any], serde: SerializerProtocol) -> dict[str, Any]:
        return build_delta_channels_writes_history(
            channels=list(self.distance),
            chain_by_ch=self.chains(),
            seed_val_by_ch=self.seeds,
            seeded=set(self.seeds),
            stage2_rows=rows,
            serde=serde,
        )


class DeltaSqliteSaver(SqliteSaver):
    """``SqliteSaver`` with a counter-guided ``get_delta_channel_history``."""

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        if not channels:
            return {}
        try:
            with self.cursor(transaction=False) as cur:
                walk = _Walk.of(config, channels, cur.execute(*_target_query(config)).fetchone())
                chain = [cid for (cid,) in cur.execute(_CHAIN_SQL, walk.chain_params)]
                for channel, checkpoint_id in walk.snapshot_ids(chain).items():
                    key = (walk.thread_id, walk.namespace, checkpoint_id)
                    type_, blob = cur.execute(_CHECKPOINT_SQL, key).fetchone()
                    walk.found(channel, self.serde.loads_typed((type_, blob)))
                sql, params = walk.stage2(self._has_task_path)
                rows = cur.execute(sql, params).fetchall() if sql else []
        except _Fallback:
            return super().get_delta_channel_history(config=config, channels=channels)
        return walk.history(rows, self.serde)


class AsyncDeltaSqliteSaver(AsyncSqliteSaver):
    """``AsyncSqliteSaver`` with a counter-guided ``aget_delta_channel_history``."""

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
                target = await self._fetch(*_target_query(config))
                walk = _Walk.of(config, channels, target[0] if target else None)
                chain = [cid for (cid,) in await self._fetch(_CHAIN_SQL, walk.chain_params)]
                for channel, checkpoint_id in walk.snapshot_ids(chain).items():
                    key = (walk.thread_id, walk.namespace, checkpoint_id)
                    [(type_, blob)] = await self._fetch(_CHECKPOINT_SQL, key)
                    walk.found(channel, self.serde.loads_typed((type_, blob)))
                sql, params = walk.stage2(self._has_task_path)
                rows = await self._fetch(sql, params) if sql else []
        except _Fallback:
            return await super().aget_delta_channel_history(config=config, channels=channels)
        return walk.history(rows, self.serde)
