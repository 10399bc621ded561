"""A ``SqliteSaver`` that finds a delta channel's snapshot without reading every
ancestor checkpoint.

LangGraph's ``SqliteSaver.get_delta_channel_history`` deserializes each ancestor
checkpoint (with every Send payload and decision in it) until one holds a
snapshot of the channel: at 7 checkpoints a turn that is the biggest cost of a
turn in a long thread. Each checkpoint's metadata says how many steps ago its
delta channels were snapshotted (``counters_since_delta_snapshot``, absent once
they are): this saver walks the parent chain reading only that metadata, opens
the one checkpoint where the counter ends, and reads the writes of the chain as
LangGraph does. Whenever that checkpoint does not bear it out, it falls back to
LangGraph's walk, so the result is the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import DeltaChannelHistory, get_checkpoint_id
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite._delta import (
    build_delta_channels_writes_history,
    build_delta_stage2_sql,
)

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
_COUNTERS = "counters_since_delta_snapshot"


class _Fallback(Exception):
    """The metadata does not lead to a snapshot: use LangGraph's walk."""


class DeltaSqliteSaver(SqliteSaver):
    """``SqliteSaver`` with a metadata-guided ``get_delta_channel_history``."""

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        try:
            return self._history_by_counters(config, list(channels))
        except _Fallback:
            return super().get_delta_channel_history(config=config, channels=channels)

    def _target_id(self, thread_id: str, namespace: str, config: RunnableConfig) -> str:
        checkpoint_id = get_checkpoint_id(config)
        if checkpoint_id:
            return checkpoint_id
        with self.cursor(transaction=False) as cur:
            row = cur.execute(
                "SELECT max(checkpoint_id) FROM checkpoints"
                " WHERE thread_id = ? AND checkpoint_ns = ?",
                (thread_id, namespace),
            ).fetchone()
        if row is None or row[0] is None:
            raise _Fallback
        return row[0]

    def _seed_of(self, key: tuple[str, str, str], channel: str) -> tuple[bool, Any]:
        """Whether the checkpoint stores ``channel`` and its value; raises ``_Fallback``
        when the channel has a version there but no stored value. Call it holding
        ``self.lock``."""
        row = self.conn.execute(
            "SELECT type, checkpoint FROM checkpoints"
            " WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?",
            key,
        ).fetchone()
        checkpoint = self.serde.loads_typed((row[0], row[1]))
        if channel in checkpoint["channel_values"]:
            return True, checkpoint["channel_values"][channel]
        if channel in checkpoint["channel_versions"]:
            raise _Fallback
        return False, None  # never written before here: start empty

    def _history_by_counters(
        self, config: RunnableConfig, channels: list[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        if not channels:
            return {}
        thread_id = str(config["configurable"]["thread_id"])
        namespace = config["configurable"].get("checkpoint_ns", "")
        target = self._target_id(thread_id, namespace, config)
        chains: dict[str, list[str]] = {ch: [] for ch in channels}
        seeds: dict[str, Any] = {}
        active = set(channels)
        with self.cursor(transaction=False) as cur:
            rows = cur.execute(_CHAIN_SQL, (thread_id, namespace, target, thread_id, namespace))
            ancestors = ((cid, meta) for cid, meta in rows if cid != target)
            for cid, metadata in ancestors:
                counters = json.loads(metadata or "{}").get(_COUNTERS) or {}
                for channel in list(active):
                    chains[channel].append(cid)
                    if channel not in counters:
                        found, value = self._seed_of((thread_id, namespace, cid), channel)
                        if found:
                            seeds[channel] = value
                        active.discard(channel)
                if not active:
                    break
            # a channel still active reached the root with no snapshot: it starts empty
            walked = [ch for ch in channels if chains[ch]]
            sql = build_delta_stage2_sql(
                has_task_path=self._has_task_path, chain_lens=[len(chains[ch]) for ch in walked]
            )
            params = [p for ch in walked for p in (thread_id, namespace, ch, *chains[ch])]
            rows = self.conn.execute(sql, params).fetchall() if sql else []
        return build_delta_channels_writes_history(
            channels=channels,
            chain_by_ch=chains,
            seed_val_by_ch=seeds,
            seeded=set(seeds),
            stage2_rows=rows,
            serde=self.serde,
        )
