"""``Closing``: what holds an open connection closes it at the end of a ``with`` block,
as a checkpointer does (the ledger, the budget book, the answer cache, the graph's
``Resources``, the graph's builder and the service)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Closing(ABC):
    """A context manager whose exit is :meth:`close` (which must be idempotent)."""

    @abstractmethod
    def close(self) -> None:
        """Release what this object opened."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
