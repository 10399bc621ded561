"""Compaction on a schedule: ``StorageConfig.compact_every``.

A node cannot compact its own thread: its run's checkpoints (the input checkpoint,
each step's) are children of the thread's latest and are being written. So a thread
is compacted just before a turn starts, while it is idle: ``CompactionSchedule`` is a
callback handler the compiled graph carries (beside ``InputCheck``), and its
``on_chain_start`` for the graph's own run comes before LangGraph reads the thread's
latest checkpoint. When the thread has taken ``compact_every`` turns since it was
last compacted (it keeps no older input checkpoint), ``prune.compact_state`` stores
the latest state whole in one checkpoint and deletes the others; the turn then starts
from that checkpoint. Time travel reaches back to the last compaction.

Left alone, so that they work as without the setting: a resume (``Command``) or a
``None`` input (a turn waiting at an interrupt, or cut by a crash), new input to a
thread whose turn is still in progress, a run from a past checkpoint
(``checkpoint_id``: time travel, a fork), and the graph run as a subgraph. A
compaction that fails is logged and the turn goes on (nothing of the state is lost:
the prune is one transaction, after the whole state was written).
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.pregel import Pregel

from orchestrator_graph.storage.prune import compact_state, pruner

logger = logging.getLogger(__name__)

_INPUTS_SQL = (
    "SELECT count(*) FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ''"
    " AND json_extract(CAST(metadata AS TEXT), '$.source') = 'input'"
)


def turns_since_compaction(saver: BaseCheckpointSaver, thread_id: str) -> int:
    """The thread's runs with input (its input checkpoints) since it was last compacted,
    or since it started: compaction keeps none of the older ones. One count query."""
    if isinstance(saver, SqliteSaver):
        saver.setup()  # a new file has no tables yet
        with saver.lock:
            (count,) = saver.conn.execute(_INPUTS_SQL, (thread_id,)).fetchone()
        return int(count)
    from orchestrator_graph.storage.prune_postgres import count_inputs_postgres

    return count_inputs_postgres(saver, thread_id)  # type: ignore[arg-type]


class CompactionSchedule(BaseCallbackHandler):
    """Compacts the thread of a run about to start every ``every`` turns (see the module
    docstring). Built by ``OrchestratorGraph.compile``; ``TypeError`` there when the
    graph's checkpointer is not a ``SqliteSaver`` or ``PostgresSaver``."""

    run_inline = True

    def __init__(self, graph: Pregel[Any, Any, Any, Any], every: int) -> None:
        try:
            pruner(graph.checkpointer)  # type: ignore[arg-type]
        except TypeError as exc:
            raise TypeError(
                f"compact_every needs the graph compiled with a checkpointer it can "
                f"compact: {exc}. Leave compact_every None and compact with "
                f"storage.prune.compact_thread yourself, or give such a saver"
            ) from exc
        self.graph, self.every = graph, every

    def on_chain_start(
        self,
        serialized: Any,
        inputs: Any,
        *,
        parent_run_id: UUID | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        metadata = metadata or {}
        thread_id = metadata.get("thread_id")
        if (
            parent_run_id is not None  # a node's run, or the graph as a subgraph
            or not isinstance(inputs, dict)  # a resume (Command) or None
            or not thread_id
            or metadata.get("checkpoint_id")  # a run from a past checkpoint
            or metadata.get("checkpoint_ns")
        ):
            return
        try:
            self.compact_if_due(str(thread_id))
        except Exception:  # the turn goes on with the thread as it was
            logger.warning("scheduled compaction of thread %r failed", thread_id, exc_info=True)

    def compact_if_due(self, thread_id: str) -> bool:
        """Compact the thread if it took ``every`` turns since it was last compacted and
        has no turn in progress; whether it was compacted."""
        saver = self.graph.checkpointer
        assert isinstance(saver, BaseCheckpointSaver)
        if turns_since_compaction(saver, thread_id) < self.every:
            return False
        state = self.graph.get_state({"configurable": {"thread_id": thread_id}})
        if state.next:  # waiting at an interrupt, or cut by a crash: kept for its resume
            return False
        report = compact_state(self.graph, state)
        if isinstance(saver, SqliteSaver):  # the freed pages back to the disk, if it can
            with saver.lock:  # (a script: a statement would free one page a step)
                saver.conn.executescript("PRAGMA incremental_vacuum;")
        logger.debug("compacted thread %r: %s", thread_id, report)
        return True
