"""The transcript channel: ``messages`` checkpointed as each step's new messages.

A plain reducer channel stores the whole message list in every checkpoint, so a
thread's checkpoints grow with the square of its length. ``TRANSCRIPT`` is a
LangGraph ``DeltaChannel`` (beta in LangGraph 1.2): a checkpoint stores only the
step's writes, plus a full snapshot every ``TRANSCRIPT_SNAPSHOT_EVERY`` updates,
and reading a checkpoint replays the writes since the nearest snapshot through
``add_messages_batch``. Resume, ``get_state_history`` and invoking from an
earlier checkpoint work as before: every checkpoint's value is rebuilt from its
own ancestors. Supported by LangGraph's memory, SQLite and Postgres savers.

Deleting checkpoints of such a thread must keep the ancestors back to a snapshot
(``prune.prune_thread`` does).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from langchain_core.messages import (
    AnyMessage,
    BaseMessage,
    BaseMessageChunk,
    RemoveMessage,
    convert_to_messages,
    message_chunk_to_message,
)
from langgraph.channels.delta import DeltaChannel
from langgraph.graph.message import REMOVE_ALL_MESSAGES

from orchestrator_graph.conversation.tokens import message_text

TRANSCRIPT_SNAPSHOT_EVERY = 400
"""Updates of ``messages`` between two full snapshots (a turn makes two, so about 200
turns). Each snapshot stores the whole transcript again: at LangGraph's default of
100, an 800-turn thread holds 8 copies of it in snapshots; at 400, 2. Reading a
checkpoint replays the writes since the snapshot: up to 400 messages, about 10 ms
with ``DeltaSqliteSaver`` (``benchmarks/long_thread.py``)."""

_ID_NAMESPACE = uuid.UUID("5d1f7e3c-8f0a-4c7e-9d55-0b7c2a6e4f11")


def _as_messages(value: Any) -> list[AnyMessage]:
    items = value if isinstance(value, list) else [value]
    if all(isinstance(m, BaseMessage) and not isinstance(m, BaseMessageChunk) for m in items):
        return list(items)
    # convert_to_messages makes only the concrete message classes that AnyMessage lists
    return cast(
        "list[AnyMessage]", [message_chunk_to_message(m) for m in convert_to_messages(items)]
    )


def _stable_id(position: int, message: BaseMessage) -> str:
    """An id for a message written without one, the same on every replay."""
    key = f"{position}\x00{message.type}\x00{message_text(message)}"
    return str(uuid.uuid5(_ID_NAMESPACE, key))


def _apply(result: list[AnyMessage], index: dict[str, int], write: Any) -> list[AnyMessage]:
    """One write, as LangGraph's ``add_messages(result, write)`` would apply it."""
    right = _as_messages(write)
    for offset, message in enumerate(right):
        if message.id is None:
            message.id = _stable_id(len(result) + offset, message)
    for i in range(len(right) - 1, -1, -1):
        if isinstance(right[i], RemoveMessage) and right[i].id == REMOVE_ALL_MESSAGES:
            result[:] = []
            index.clear()
            right = right[i + 1 :]
            break
    removed: set[str] = set()
    for message in right:
        message_id = message.id
        assert message_id is not None  # every message of the write got an id above
        at = index.get(message_id)
        if at is not None:
            if isinstance(message, RemoveMessage):
                removed.add(message_id)
            else:
                removed.discard(message_id)
                result[at] = message
        elif isinstance(message, RemoveMessage):
            raise ValueError(f"Cannot delete message {message_id!r}: no message has that id")
        else:
            index[message_id] = len(result)
            result.append(message)
    if removed:
        kept = [m for m in result if m.id not in removed]
        result[:] = kept
        index.clear()
        index.update({m.id: i for i, m in enumerate(kept) if m.id is not None})
    return result


def add_messages_batch(state: Any, writes: Sequence[Any]) -> list[AnyMessage]:
    """LangGraph's ``add_messages`` folded over a batch of writes, in one pass.

    The ``DeltaChannel`` reducer: ``reducer(reducer(s, xs), ys) == reducer(s, xs + ys)``
    because it applies the writes one by one; the id index is built once per batch,
    so replaying many writes costs one pass over the transcript, not one per write.
    Messages without an id get one derived from their position and text, so a
    replay rebuilds the same ids as the live run.
    """
    result = _as_messages(state) if state else []
    index = {m.id: i for i, m in enumerate(result) if m.id is not None}
    for write in writes:
        result = _apply(result, index, write)
    return result


TRANSCRIPT: DeltaChannel = DeltaChannel(
    add_messages_batch, list, snapshot_frequency=TRANSCRIPT_SNAPSHOT_EVERY
)
"""The ``messages`` channel of the orchestrator's state (``Annotated[list, TRANSCRIPT]``)."""
