"""Context views: what a model is sent, built from the whole transcript.

A *turn* is a human message and the answers that follow it; turn indices count
human messages from 0. Standing instructions are the system messages before
the first turn. The main view shows offloaded turns as their digests unless the
request refers to them; a worker view holds only the standing instructions, the
turns the task refers to, and the brief.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage

from orchestrator_graph.tokens import encoding, message_text


@dataclass(frozen=True)
class Turn:
    """One turn: its index and the positions of its messages in the transcript."""

    index: int
    start: int  # the human message
    end: int  # one past the turn's last message

    @property
    def positions(self) -> range:
        return range(self.start, self.end)


def turns_of(messages: Sequence[BaseMessage]) -> list[Turn]:
    """The turns of a transcript, in order."""
    starts = [i for i, m in enumerate(messages) if m.type == "human"]
    if not starts:
        return []
    ends = [*starts[1:], len(messages)]
    return [Turn(n, s, e) for n, (s, e) in enumerate(zip(starts, ends, strict=True))]


def instruction_positions(messages: Sequence[BaseMessage]) -> list[int]:
    """Positions of the standing instructions: system messages before the first turn."""
    positions = []
    for i, message in enumerate(messages):
        if message.type == "human":
            break
        if message.type == "system":
            positions.append(i)
    return positions


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def make_digest(text: str, max_tokens: int, *, label: str) -> str:
    """A short, stable stand-in for a long text: its opening words and its size.

    Deterministic, so a main view built from digests keeps a cacheable prefix.
    """
    enc = encoding()
    tokens = enc.encode(text, disallowed_special=())
    if len(tokens) <= max_tokens:
        return text
    head = enc.decode(tokens[:max_tokens]).strip()
    cut = [m.start() for m in _SENTENCE_END.finditer(head)]
    if cut and cut[-1] > len(head) // 2:
        head = head[: cut[-1]].strip()
    return f"[{label}; digest of {len(tokens)} tokens, full text in the transcript] {head} …"


def main_view(
    messages: Sequence[BaseMessage],
    digests: Mapping[str, str],
    expand: Collection[int] = (),
) -> list[BaseMessage]:
    """The main session's view: digested messages stand in for offloaded ones,
    except in the turns listed in ``expand``."""
    if not digests:
        return list(messages)
    expanded = {p for t in turns_of(messages) if t.index in expand for p in t.positions}
    view: list[BaseMessage] = []
    for position, message in enumerate(messages):
        digest = digests.get(message.id or "")
        if digest is None or position in expanded:
            view.append(message)
        else:
            view.append(message.model_copy(update={"content": digest}))
    return view


def worker_positions(
    messages: Sequence[BaseMessage], refers_to: Collection[int], *, instructions: bool = True
) -> list[int]:
    """Positions a worker is sent: the standing instructions and the referred turns."""
    positions = instruction_positions(messages) if instructions else []
    for turn in turns_of(messages):
        if turn.index in refers_to:
            positions.extend(turn.positions)
    return positions


def worker_view(
    messages: Sequence[BaseMessage], positions: Sequence[int], brief: str
) -> list[BaseMessage]:
    """A worker's minimal view: the given transcript positions, then the brief."""
    return [*(messages[p] for p in positions), HumanMessage(content=brief)]


def latest_request(messages: Sequence[BaseMessage]) -> tuple[int, str]:
    """The position and text of the request being decided: the last message, a human one.

    Raises ``InvalidTurnError`` when there is none or it has no text.
    """
    if not messages or messages[-1].type != "human":
        raise InvalidTurnError(
            "the last message must be the user's request (a HumanMessage); "
            "pass {'messages': [HumanMessage(...)]} to the graph"
        )
    text = message_text(messages[-1])
    if not text.strip():
        raise InvalidTurnError(
            "the user's request is empty or only whitespace; send a request with text"
        )
    return len(messages) - 1, text


class InvalidTurnError(ValueError):
    """The request cannot be routed as given; the message says what to fix."""
