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

from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage
from langgraph.graph.message import Messages, add_messages

from orchestrator_graph.errors import InvalidTurnError
from orchestrator_graph.tokens import count_messages, encoding, message_text, shared_counter


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
            "the last message must be the user's request, a HumanMessage with text (an empty, "
            "whitespace-only or image-only request is dropped and never enters the thread); "
            "pass {'messages': [HumanMessage('...')]} to the graph"
        )
    text = message_text(messages[-1])
    if not text.strip():
        raise InvalidTurnError(
            "the user's request is empty or only whitespace; send a request with text"
        )
    return len(messages) - 1, text


# -- bad input: requests with no text, contexts larger than the model's window --

# Context windows in tokens by model-name prefix (the longest matching prefix wins).
CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-4.1": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "gpt-5": 400_000,
    "o1": 200_000,
    "o3": 200_000,
    "o4-mini": 200_000,
    "gpt-3.5-turbo": 16_385,
}
DEFAULT_CONTEXT_WINDOW = 128_000  # an unknown model: a conservative window
OUTPUT_RESERVE_TOKENS = 4096  # room left in the window for the answer


def context_window_for(model: str, configured: int | None = None) -> int:
    """The context window of ``model``: ``configured`` if given, else the table above
    (a ``provider:`` prefix is ignored), else ``DEFAULT_CONTEXT_WINDOW``."""
    if configured is not None:
        return configured
    name = model.rpartition(":")[2].lower()
    known = [prefix for prefix in CONTEXT_WINDOWS if name.startswith(prefix)]
    return CONTEXT_WINDOWS[max(known, key=len)] if known else DEFAULT_CONTEXT_WINDOW


def _cut_middle(text: str, keep_tokens: int) -> str:
    enc = encoding()
    tokens = enc.encode(text, disallowed_special=())
    if len(tokens) <= keep_tokens:
        return text
    head, tail = keep_tokens * 2 // 3, keep_tokens // 3
    cut = len(tokens) - head - tail
    return (
        f"{enc.decode(tokens[:head])}\n[... {cut} tokens cut: the request exceeds the model's "
        f"context window; the full text is in the transcript ...]\n{enc.decode(tokens[-tail:])}"
    )


def fit_to_window(
    view: Sequence[BaseMessage], window: int, reserve: int = OUTPUT_RESERVE_TOKENS
) -> list[BaseMessage]:
    """The view trimmed to ``window - reserve`` tokens: a documented fallback, never an error.

    The oldest turns are dropped first (the standing instructions and the last
    turn stay); if the last turn alone is still too long, the middle of its
    longest messages is cut with a marker. The transcript itself is not touched.
    """
    limit = max(window - min(reserve, window // 2), 64)
    view = list(view)
    total = count_messages(view)
    if total <= limit:
        return view
    counter = shared_counter()
    dropped: set[int] = set()
    for turn in turns_of(view)[:-1]:
        if total <= limit:
            break
        dropped.update(turn.positions)
        total -= sum(counter.count_message(view[p]) for p in turn.positions)
    view = [m for p, m in enumerate(view) if p not in dropped]
    while total > limit:
        longest = max(range(len(view)), key=lambda p: counter.count_message(view[p]))
        size = counter.count_message(view[longest])
        keep = max(16, size - (total - limit) - 64)
        if keep >= size - 8:
            break
        view[longest] = view[longest].model_copy(
            update={"content": _cut_middle(message_text(view[longest]), keep)}
        )
        total = count_messages(view)
    return view


def add_request_messages(left: Messages, right: Messages) -> list[AnyMessage]:
    """``add_messages`` that drops a new user message with no text before it enters the state.

    An empty or whitespace-only request (or one made only of non-text blocks) is
    never stored, so the thread stays as it was; ``classify`` then finds no
    request to route and raises :class:`InvalidTurnError` out of ``graph.invoke``.
    """
    merged = add_messages(left, right)
    known = {m.id for m in merged[: len(left)]} if isinstance(left, list) else set()
    return [m for m in merged if m.type != "human" or m.id in known or message_text(m).strip()]
