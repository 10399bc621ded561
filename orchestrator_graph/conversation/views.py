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

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, trim_messages

from orchestrator_graph.conversation.tokens import (
    FINGERPRINT_BYTES,
    REPLY_PRIMING,
    as_packed,
    count_messages,
    encoding,
    shared_counter,
    shared_messages,
)
from orchestrator_graph.conversation.transcript_index import TurnSpan, transcript_index
from orchestrator_graph.errors import InvalidTurnError


def turns_of(messages: Sequence[BaseMessage]) -> list[TurnSpan]:
    """The turns of a transcript, in order."""
    starts = [i for i, m in enumerate(messages) if m.type == "human"]
    if not starts:
        return []
    ends = [*starts[1:], len(messages)]
    return [TurnSpan(n, s, e) for n, (s, e) in enumerate(zip(starts, ends, strict=True))]


def last_turn(messages: Sequence[BaseMessage]) -> TurnSpan:
    """The latest turn of a transcript (``turns_of(messages)[-1]``, without the walk);
    ``IndexError`` when it has none."""
    index, end = transcript_index(messages), len(messages)
    count = index.turn_count(end)
    if not count:
        raise IndexError("the transcript has no turn (no human message)")
    return index.turn(count - 1, end)


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
    index, end = transcript_index(messages), len(messages)
    turns = {i for i in expand if 0 <= i < index.turn_count(end)}
    expanded = {p for i in turns for p in index.turn(i, end).positions}
    view: list[BaseMessage] = []
    for position, message in enumerate(messages):
        digest = digests.get(message.id or "")
        if digest is None or position in expanded:
            view.append(message)
        else:
            view.append(message.model_copy(update={"content": digest}))
    return view


def main_view_tokens(
    messages: Sequence[BaseMessage],
    digests: Mapping[str, str],
    expand: Collection[int] = (),
    previous: bytes | Sequence[str] = b"",
) -> tuple[int, int]:
    """The input tokens of ``main_view(messages, digests, expand)`` (reply priming
    included) and those of its longest run of whole messages shared with a previous
    request (``previous``: ``tokens.packed_fingerprints``), from the transcript's
    running figures: no view is built and no earlier message is read again."""
    index, end = transcript_index(messages), len(messages)
    expanded = {i for i in expand if 0 <= i < index.turn_count(end)}
    shown: dict[int, tuple[str, int]] = {}  # digested position -> (fingerprint, tokens)
    counter = shared_counter()
    for message_id, digest in digests.items():
        position = index.ids.get(message_id, end)
        if position < end and index.turn_count(position + 1) - 1 not in expanded:
            message = messages[position]
            shown[position] = counter.entry(message.type, message.name, digest)
    total = REPLY_PRIMING + index.tokens_before(end)
    total += sum(tokens - index.tokens_at(p) for p, (_, tokens) in shown.items())
    packed = index.packed[: end * FINGERPRINT_BYTES]
    for position, (fingerprint, _) in shown.items():
        at = position * FINGERPRINT_BYTES
        packed[at : at + FINGERPRINT_BYTES] = bytes.fromhex(fingerprint[: 2 * FINGERPRINT_BYTES])
    length = shared_messages(packed, as_packed(previous))
    shared = index.tokens_before(length)
    shared += sum(tokens - index.tokens_at(p) for p, (_, tokens) in shown.items() if p < length)
    return total, shared


def worker_positions(
    messages: Sequence[BaseMessage], refers_to: Collection[int], *, instructions: bool = True
) -> list[int]:
    """Positions a worker is sent: the standing instructions and the referred turns."""
    positions = instruction_positions(messages) if instructions else []
    index, end = transcript_index(messages), len(messages)
    for turn in sorted({i for i in refers_to if 0 <= i < index.turn_count(end)}):
        positions.extend(index.turn(turn, end).positions)
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
            "the last message must be the user's request, a HumanMessage with text; "
            "pass {'messages': [HumanMessage('...')]} to the graph"
        )
    return len(messages) - 1, request_text(messages[-1])


def request_text(request: BaseMessage) -> str:
    """The text of the user's request ``request``: the one check that a request has text.

    Raises ``InvalidTurnError`` when it is empty, whitespace-only or image-only.
    """
    text = request.text
    if not text.strip():
        raise InvalidTurnError(
            "the user's request has no text (it is empty, whitespace-only or image-only); "
            "send a HumanMessage with text. It was refused before it entered the thread."
        )
    return text


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


def model_context_window(
    model: BaseChatModel | None, name: str, configured: int | None = None
) -> int:
    """The window a view for ``model`` must fit: ``configured`` if given, else the chat
    model's ``profile["max_input_tokens"]`` (langchain-core's model profiles), else
    the name table (:func:`context_window_for`)."""
    if configured is not None:
        return configured
    profile = getattr(model, "profile", None) or {}
    window = profile.get("max_input_tokens")
    return int(window) if window else context_window_for(name)


@dataclass(frozen=True)
class FittedView:
    """A view fitted to a window, and what fitting it cost: the messages of earlier
    turns dropped and the tokens cut from the middle of over-long messages."""

    messages: list[BaseMessage]
    window: int
    tokens_before: int
    tokens_after: int
    dropped_messages: int = 0
    cut_tokens: int = 0

    @property
    def trimmed(self) -> bool:
        return self.tokens_after < self.tokens_before

    def note(self, what: str) -> str | None:
        """One line for ``decision.reasons`` and the ledger; None when nothing was cut."""
        if not self.trimmed:
            return None
        parts = [f"{self.dropped_messages} earlier message(s) dropped"] * bool(
            self.dropped_messages
        )
        parts += [f"{self.cut_tokens} tokens cut from the middle"] * bool(self.cut_tokens)
        return (
            f"context: {what} trimmed from {self.tokens_before} to {self.tokens_after} tokens "
            f"to fit a {self.window}-token window ({', '.join(parts) or 'trimmed'}); "
            "the transcript keeps everything"
        )


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


def _drop_earlier_turns(view: list[BaseMessage], limit: int) -> list[BaseMessage]:
    """The standing instructions and the latest turns that fit ``limit`` whole
    (``trim_messages``, from the end, starting on a user message); at least the last turn."""
    instructions = [view[p] for p in instruction_positions(view)]
    turns = turns_of(view)
    rest = view[turns[0].start :] if turns else view[len(instructions) :]
    room = limit - (count_messages(instructions) - REPLY_PRIMING)
    kept = trim_messages(
        rest,
        max_tokens=max(room, 0),
        token_counter=count_messages,
        strategy="last",
        start_on="human",
        allow_partial=False,
    )
    last_turn = view[turns[-1].start :] if turns else rest[-1:]
    if len(kept) < len(last_turn):  # even the last turn alone is too long: cut it below
        kept = last_turn
    return [*instructions, *kept]


def fit_view(
    view: Sequence[BaseMessage], window: int, reserve: int = OUTPUT_RESERVE_TOKENS
) -> FittedView:
    """The view trimmed to ``window - reserve`` tokens, with what was trimmed.

    The oldest turns are dropped first (the standing instructions and the last
    turn stay); if the last turn alone is still too long, the middle of its
    longest messages is cut with a marker. The transcript itself is not touched.
    """
    limit = max(window - min(reserve, window // 2), 64)
    view = list(view)
    before = count_messages(view)
    if before <= limit:
        return FittedView(view, window, before, before)
    fitted = _drop_earlier_turns(view, limit)
    dropped = len(view) - len(fitted)
    total = kept = count_messages(fitted)
    counter = shared_counter()
    while total > limit:
        longest = max(range(len(fitted)), key=lambda p: counter.count_message(fitted[p]))
        size = counter.count_message(fitted[longest])
        keep = max(16, size - (total - limit) - 64)
        if keep >= size - 8:
            break
        fitted[longest] = fitted[longest].model_copy(
            update={"content": _cut_middle(fitted[longest].text, keep)}
        )
        total = count_messages(fitted)
    return FittedView(fitted, window, before, total, dropped, kept - total)
