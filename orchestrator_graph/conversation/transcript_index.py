"""Running figures of a transcript: where each turn starts, the tokens (and characters)
of every prefix.

A decision needs the history's token total, the number of turns and where a named
turn starts; walking the transcript for them costs O(history) a turn. A
``TranscriptIndex`` keeps them for the transcript last seen and is extended with
the new messages only. It is found by the thread's first message (id and
fingerprint) and used only while the messages it holds still open the transcript:
checked by identity, else by equality (one list comparison in C), so an edited
transcript, or another one opening the same way, is indexed again from where it
differs. Token counts and fingerprints are the shared ``TokenCounter``'s.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from orchestrator_graph.conversation.tokens import FINGERPRINT_BYTES, shared_counter
from orchestrator_graph.lru import Lru

MAX_INDEXES = 64  # transcripts (threads) indexed at once, the least recently used dropped


@dataclass(frozen=True)
class TurnSpan:
    """One turn: its index and the positions of its messages in the transcript."""

    index: int
    start: int  # the human message
    end: int  # one past the turn's last message

    @property
    def positions(self) -> range:
        return range(self.start, self.end)


class TranscriptIndex:
    """Prefix token totals, turn starts and fingerprints of the messages it holds."""

    __slots__ = ("chars", "fingerprints", "ids", "messages", "packed", "starts", "totals")

    def __init__(self) -> None:
        self.messages: list[BaseMessage] = []
        self.totals: list[int] = [0]  # totals[i]: tokens of messages[:i]
        self.chars: list[int] = [0]  # chars[i]: characters of the text of messages[:i]
        self.starts: list[int] = []  # positions of the human messages
        self.fingerprints: list[str] = []
        self.packed = bytearray()  # the fingerprints as ``tokens.packed_fingerprints``
        self.ids: dict[str, int] = {}  # message id -> position

    def sync(self, messages: Sequence[BaseMessage]) -> TranscriptIndex:
        """Cover ``messages``: keep the prefix they share with what is held, index the rest.
        A shorter transcript that opens the same way is answered from what is held.
        Another transcript from some point gets a new index sharing the prefix, returned:
        this one is never cut, as another thread may still be reading it."""
        known = min(len(self.messages), len(messages))
        head = list(messages[:known])
        if self.messages[:known] != head:
            pairs = enumerate(zip(self.messages, head, strict=False))
            known = next(i for i, (a, b) in pairs if a is not b and a != b)
        self.messages[:known] = head[:known]  # equal copies: identity checks from now on
        if known == len(messages):
            return self
        index = self if known == len(self.messages) else self._prefix(known)
        index._extend(messages, known)
        return index

    def _prefix(self, known: int) -> TranscriptIndex:
        """A new index of the first ``known`` messages held."""
        index = TranscriptIndex()
        index.messages = self.messages[:known]
        index.fingerprints = self.fingerprints[:known]
        index.packed = self.packed[: known * FINGERPRINT_BYTES]
        index.totals, index.chars = self.totals[: known + 1], self.chars[: known + 1]
        index.starts = self.starts[: bisect_left(self.starts, known)]
        index.ids = {i: p for i, p in self.ids.items() if p < known}
        return index

    def _extend(self, messages: Sequence[BaseMessage], known: int) -> None:
        """Index ``messages[known:]`` after the ``known`` messages held."""
        counter = shared_counter()
        for position in range(known, len(messages)):
            message = messages[position]
            text = str(message.text)
            fingerprint, tokens = counter.entry(message.type, message.name, text)
            self.messages.append(message)
            self.totals.append(self.totals[-1] + tokens)
            self.chars.append(self.chars[-1] + len(text))
            self.fingerprints.append(fingerprint)
            self.packed += bytes.fromhex(fingerprint[: 2 * FINGERPRINT_BYTES])
            if message.type == "human":
                self.starts.append(position)
            if message.id is not None:
                self.ids.setdefault(message.id, position)

    def tokens_before(self, end: int) -> int:
        """Tokens of the messages before position ``end`` (without the reply priming)."""
        return self.totals[end]

    def chars_before(self, end: int) -> int:
        """Characters of the text of the messages before position ``end``."""
        return self.chars[end]

    def tokens_at(self, position: int) -> int:
        """Tokens of the message at ``position``."""
        return self.totals[position + 1] - self.totals[position]

    def turn_count(self, end: int) -> int:
        """Turns (human messages) before position ``end``."""
        return bisect_left(self.starts, end)

    def turn(self, index: int, end: int) -> TurnSpan:
        """The span of turn ``index`` in the transcript cut at ``end``
        (``0 <= index < turn_count(end)``)."""
        after = self.starts[index + 1] if index + 1 < self.turn_count(end) else end
        return TurnSpan(index, self.starts[index], after)


_INDEXES: Lru[tuple[str | None, str], TranscriptIndex] = Lru(MAX_INDEXES)
_LOCK = threading.Lock()


def transcript_index(messages: Sequence[BaseMessage]) -> TranscriptIndex:
    """The index of ``messages``, extended to cover them (empty for no messages); query
    it with ``end=len(messages)``: it may hold a longer transcript that opens the same way.

    Threads opening with the same message (ids are derived from the content) share an
    index until they differ; the one that differs gets its own, so a thread reading
    the index it was given is never cut short by another."""
    if not messages:
        return TranscriptIndex()
    key = (messages[0].id, shared_counter().fingerprint(messages[0]))
    with _LOCK:
        index = (_INDEXES.recent(key) or TranscriptIndex()).sync(messages)
        _INDEXES.keep(key, index)
    return index
