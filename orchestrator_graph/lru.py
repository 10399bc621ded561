"""``Lru``: a dict of at most ``size`` entries that drops its least recently used
first; the one bounded cache of the package (tokens, message features, transcript
indexes, embeddings, the checkpoint saver's decoded values)."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import suppress
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(OrderedDict[K, V]):
    """An ``OrderedDict`` bounded to ``size`` entries, the least recently used dropped
    first. Threads may share one without a lock: an entry another thread has just
    dropped is a miss, never an error."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def recent(self, key: K) -> V | None:
        """The value of ``key`` (None when absent), marked as just used."""
        found = self.get(key)
        if found is not None:
            with suppress(KeyError):  # another thread may have just dropped it
                self.move_to_end(key)
        return found

    def keep(self, key: K, value: V) -> V:
        """Store ``value`` as the most recently used, drop what is over ``size``;
        ``value`` back."""
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            with suppress(KeyError):  # another thread may have emptied it first
                self.popitem(last=False)
        return value
