"""SQLite savers that find a delta channel's snapshot without reading every ancestor
checkpoint.

LangGraph's ``SqliteSaver.get_delta_channel_history`` deserializes each ancestor
checkpoint (with every Send payload and decision in it) until one holds a
snapshot of the channel: at 7 checkpoints a turn that is the biggest cost of a
turn in a long thread. Each checkpoint's metadata counts the steps since its
delta channels were snapshotted (``counters_since_delta_snapshot``; the entry is
absent where they were): these savers walk the parent chain reading only that
metadata, open the one checkpoint where a channel's counter ends, and read the
writes of the chain as LangGraph does. Where that checkpoint does not bear the
counter out, they fall back to LangGraph's walk, so the result is the same.
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
from langgraph.checkpoint.sqlite._delta import (
    build_delta_channels_writes_history,
    build_delta_stage2_sql,
)
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

_CHAIN_SQL = (
    "WITH RECURSIVE chain(id, parent, metadata) AS ("
    " SELECT checkpoint_id, parent_checkpoint_id, metadata FROM checkpoints"
    " WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
    " UNION ALL"
    " SELECT c.checkpoint_id, c.parent_checkpoint_id, c.metadata"
    " FROM chain CROSS JOIN checkpoints c ON c.checkpoint_id = chain.parent"
    " WHERE c.thread_id = ? AND c.checkpoint_ns = ?)"
    " SELECT id, metadata FROM chain"
)
_LATEST_SQL = "SELECT max(checkpoint_id) FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?"
_CHECKPOINT_SQL = (
    "SELECT type, checkpoint FROM checkpoints"
    " WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
)
_COUNTERS = "counters_since_delta_snapshot"


class _Fallback(Exception):
    """The metadata does not lead to a snapshot: use LangGraph's walk."""


@dataclass
class _Walk:
    """One walk up the parent chain, fed one (id, metadata) row at a time."""

    thread_id: str
    namespace: str
    target: str
    channels: list[str]
    chains: dict[str, list[str]] = field(default_factory=dict)
    seeds: dict[str, Any] = field(default_factory=dict)
    active: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.chains = {ch: [] for ch in self.channels}
        self.active = set(self.channels)

    @property
    def chain_params(self) -> tuple[str, str, str, str, str]:
        return (self.thread_id, self.namespace, self.target, self.thread_id, self.namespace)

    def step(self, checkpoint_id: str, metadata: str | bytes | None) -> list[str]:
        """Add an ancestor; the channels whose snapshot should be in it."""
        if checkpoint_id == self.target:
            return []
        counters = json.loads(metadata or "{}").get(_COUNTERS) or {}
        for channel in self.active:
            self.chains[channel].append(checkpoint_id)
        return [ch for ch in self.active if ch not in counters]

    def found(self, channel: str, checkpoint: Mapping[str, Any]) -> None:
        """The snapshot checkpoint of ``channel`` (deserialized)."""
        if channel in checkpoint["channel_values"]:
            self.seeds[channel] = checkpoint["channel_values"][channel]
        elif channel in checkpoint["channel_versions"]:
            raise _Fallback  # a version but no value: not a snapshot after all
        self.active.discard(channel)  # else never written before here: starts empty

    def stage2(self, has_task_path: bool) -> tuple[str, list[Any]]:
        """LangGraph's query of the chain's writes, and its parameters."""
        walked = [ch for ch in self.channels if self.chains[ch]]
        sql = build_delta_stage2_sql(
            has_task_path=has_task_path, chain_lens=[len(self.chains[ch]) for ch in walked]
        )
        ids = (self.thread_id, self.namespace)
        return sql, [p for ch in walked for p in (*ids, ch, *self.chains[ch])]

    def history(self, rows: Sequence[Any], serde: SerializerProtocol) -> dict[str, Any]:
        return build_delta_channels_writes_history(
            channels=self.channels,
            chain_by_ch=self.chains,
            seed_val_by_ch=self.seeds,
            seeded=set(self.seeds),
            stage2_rows=rows,
            serde=serde,
        )


def _walk_of(config: RunnableConfig, channels: Sequence[str], target: str) -> _Walk:
    configurable = config["configurable"]
    namespace = configurable.get("checkpoint_ns", "")
    return _Walk(str(configurable["thread_id"]), namespace, target, list(channels))


def _ids(config: RunnableConfig) -> tuple[str, str]:
    return str(config["configurable"]["thread_id"]), config["configurable"].get("checkpoint_ns", "")


class DeltaSqliteSaver(SqliteSaver):
    """``SqliteSaver`` with a metadata-guided ``get_delta_channel_history``."""

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        if not channels:
            return {}
        try:
            with self.cursor(transaction=False) as cur:
                target = (
                    get_checkpoint_id(config)
                    or cur.execute(_LATEST_SQL, _ids(config)).fetchone()[0]
                )
                if target is None:
                    raise _Fallback
                walk = _walk_of(config, channels, target)
                for checkpoint_id, metadata in cur.execute(_CHAIN_SQL, walk.chain_params):
                    for channel in walk.step(checkpoint_id, metadata):
                        key = (walk.thread_id, walk.namespace, checkpoint_id)
                        row = self.conn.execute(_CHECKPOINT_SQL, key).fetchone()
                        walk.found(channel, self.serde.loads_typed((row[0], row[1])))
                    if not walk.active:
                        break
                sql, params = walk.stage2(self._has_task_path)
                rows = self.conn.execute(sql, params).fetchall() if sql else []
        except _Fallback:
            return super().get_delta_channel_history(config=config, channels=channels)
        return walk.history(rows, self.serde)


class AsyncDeltaSqliteSaver(AsyncSqliteSaver):
    """``AsyncSqliteSaver`` with a metadata-guided ``aget_delta_channel_history``."""

    async def aget_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        if not channels:
            return {}
        await self.setup()
        try:
            async with self.lock:
                target = get_checkpoint_id(config)
                if not target:
                    async with self.conn.execute(_LATEST_SQL, _ids(config)) as cur:
                        target = (await cur.fetchone())[0]
                if target is None:
                    raise _Fallback
                walk = _walk_of(config, channels, target)
                async with self.conn.execute(_CHAIN_SQL, walk.chain_params) as chain:
                    async for checkpoint_id, metadata in chain:
                        for channel in walk.step(checkpoint_id, metadata):
                            key = (walk.thread_id, walk.namespace, checkpoint_id)
                            async with self.conn.execute(_CHECKPOINT_SQL, key) as cur:
                                row = await cur.fetchone()
                            walk.found(channel, self.serde.loads_typed((row[0], row[1])))
                        if not walk.active:
                            break
                sql, params = walk.stage2(self._has_task_path)
                rows: list[Any] = []
                if sql:
                    async with self.conn.execute(sql, params) as cur:
                        rows = list(await cur.fetchall())
        except _Fallback:
            return await super().aget_delta_channel_history(config=config, channels=channels)
        return walk.history(rows, self.serde)
