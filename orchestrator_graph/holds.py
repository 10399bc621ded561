"""Budget holds: the spend reserved before each model call and settled after it.

The holds live in the ``budget_holds`` table of the ledger's SQLite file (in
memory without one), opened by ``database.open_sqlite``. A reservation checks
every limit and writes its hold inside one ``BEGIN IMMEDIATE`` transaction, so
parallel workers in several threads or processes cannot jointly overspend.

A call's output is not reserved at a fixed maximum: :meth:`BudgetBook.reserve_call`
caps it at what the limits still allow (``output_room``) and refuses the call
only when not even ``min_output`` tokens fit.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlite_utils.db import NotFoundError

from orchestrator_graph import database
from orchestrator_graph.config import BudgetLimits, OrchestratorConfig
from orchestrator_graph.errors import BudgetExceeded, LedgerError
from orchestrator_graph.pricing import ModelPrice

_SCHEMA = """
CREATE TABLE IF NOT EXISTS budget_holds (
    key TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    turn INTEGER NOT NULL,
    usd REAL NOT NULL,
    tokens INTEGER NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS budget_holds_thread ON budget_holds (thread_id, turn);
"""


@dataclass(frozen=True)
class Scope:
    """One limit and what is already spent or held against it."""

    scope: str  # thread, turn or worker
    unit: str  # usd or tokens
    limit: float
    used: float


@dataclass(frozen=True)
class OutputRoom:
    """The most output tokens a call may be given, and the limit that sets it
    (None when only the wanted cap does)."""

    tokens: int
    binding: Scope | None


def _scopes(
    limits: BudgetLimits, sums: tuple[float, int, float, int], worker: bool
) -> Iterator[Scope]:
    thread_usd, thread_tokens, turn_usd, turn_tokens = sums
    candidates = [
        ("thread", "usd", limits.thread_usd, thread_usd),
        ("thread", "tokens", limits.thread_tokens, thread_tokens),
        ("turn", "usd", limits.turn_usd, turn_usd),
        ("turn", "tokens", limits.turn_tokens, turn_tokens),
    ]
    if worker:
        candidates += [
            ("worker", "usd", limits.worker_usd, 0.0),
            ("worker", "tokens", limits.worker_tokens, 0),
        ]
    for scope, unit, limit, used in candidates:
        if limit is not None:
            yield Scope(scope, unit, float(limit), used)


def output_room(
    scopes: Iterator[Scope], input_tokens: int, price: ModelPrice, wanted: int
) -> OutputRoom:
    """How many output tokens fit every limit once ``input_tokens`` are paid, up to
    ``wanted``."""
    room = OutputRoom(wanted, None)
    for scope in scopes:
        left = scope.limit - scope.used
        if scope.unit == "tokens":
            fits = left - input_tokens
        elif price.output_rate > 0:
            fits = (left - price.cost(input_tokens, 0)) / price.output_rate
        else:
            fits = math.inf if price.cost(input_tokens, 0) <= left else -1
        if fits < room.tokens:
            room = OutputRoom(math.floor(fits), scope)
    return room


def _book_error(path: Path, exc: sqlite3.DatabaseError) -> LedgerError:
    return LedgerError.unusable(path, "hold budget reservations", exc)


class BudgetBook:
    """The holds (reserved and settled spend) in a SQLite file, safe across processes."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._conn = database.open_sqlite(path, file_error=_book_error)
        try:
            self._conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            database.raise_mapped(self.path or Path(":memory:"), exc, _book_error)
        self._db = database.rows_db(self._conn)

    def _sums(self, thread_id: str, turn: int, key: str) -> tuple[float, int, float, int]:
        return self._conn.execute(
            "SELECT coalesce(sum(usd), 0), coalesce(sum(tokens), 0),"
            " coalesce(sum(CASE WHEN turn = ? THEN usd END), 0),"
            " coalesce(sum(CASE WHEN turn = ? THEN tokens END), 0)"
            " FROM budget_holds WHERE thread_id = ? AND key != ?",
            (turn, turn, thread_id, key),
        ).fetchone()

    def _hold(self, key: str, thread_id: str, turn: int, usd: float, tokens: int) -> None:
        row = {"key": key, "thread_id": thread_id, "turn": turn, "usd": usd, "tokens": tokens}
        row |= {"settled": 0, "updated_at": time.time()}
        self._db.table("budget_holds").upsert(row, pk="key")

    def reserve(
        self,
        key: str,
        *,
        thread_id: str,
        turn: int,
        usd: float,
        tokens: int,
        limits: BudgetLimits,
        worker: bool = False,
        what: str = "the call",
    ) -> None:
        """Check every limit and hold ``usd`` and ``tokens`` under ``key``, atomically.

        Raises :class:`BudgetExceeded` (and holds nothing) when one would be passed.
        """
        with self._lock, database.transaction(self._conn):
            for s in _scopes(limits, self._sums(thread_id, turn, key), worker):
                requested = usd if s.unit == "usd" else tokens
                if s.used + requested > s.limit:
                    raise BudgetExceeded(s.scope, s.unit, s.limit, s.used, requested, what)
            self._hold(key, thread_id, turn, usd, tokens)

    def output_room(
        self,
        key: str,
        *,
        thread_id: str,
        turn: int,
        input_tokens: int,
        price: ModelPrice,
        wanted: int,
        limits: BudgetLimits,
        worker: bool = False,
    ) -> OutputRoom:
        """The output cap a call of ``input_tokens`` would get now (nothing is held)."""
        with self._lock:
            sums = self._sums(thread_id, turn, key)
        return output_room(_scopes(limits, sums, worker), input_tokens, price, wanted)

    def reserve_call(
        self,
        key: str,
        *,
        thread_id: str,
        turn: int,
        input_tokens: int,
        price: ModelPrice,
        wanted: int,
        min_output: int,
        limits: BudgetLimits,
        worker: bool = False,
        what: str = "the call",
    ) -> int:
        """Hold a call of ``input_tokens`` with the largest output cap (up to ``wanted``)
        that every limit allows, atomically, and return that cap.

        Raises :class:`BudgetExceeded` (and holds nothing) when fewer than
        ``min_output`` output tokens fit.
        """
        with self._lock, database.transaction(self._conn):
            scopes = _scopes(limits, self._sums(thread_id, turn, key), worker)
            room = output_room(scopes, input_tokens, price, wanted)
            if room.tokens < min_output and room.binding is not None:
                s = room.binding
                requested = (
                    price.cost(input_tokens, min_output)
                    if s.unit == "usd"
                    else input_tokens + min_output
                )
                raise BudgetExceeded(s.scope, s.unit, s.limit, s.used, requested, what)
            cap = max(room.tokens, 0)
            self._hold(key, thread_id, turn, price.cost(input_tokens, cap), input_tokens + cap)
        return cap

    def settle(self, key: str, usd: float, tokens: int) -> None:
        """Replace the hold ``key`` by what the call actually cost."""
        row = {"usd": usd, "tokens": tokens, "settled": 1, "updated_at": time.time()}
        # nothing held: nothing to settle
        with self._lock, database.transaction(self._conn), contextlib.suppress(NotFoundError):
            self._db.table("budget_holds").update(key, row)

    def used(self, thread_id: str, turn: int | None = None) -> tuple[float, int]:
        """USD and tokens spent or reserved by a thread (or one of its turns)."""
        sql = "SELECT coalesce(sum(usd), 0), coalesce(sum(tokens), 0) FROM budget_holds"
        sql += " WHERE thread_id = ?" + (" AND turn = ?" if turn is not None else "")
        args = (thread_id,) if turn is None else (thread_id, turn)
        with self._lock:
            return self._conn.execute(sql, args).fetchone()

    def holds(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """The holds as dicts (key, thread_id, turn, usd, tokens, settled)."""
        sql = "SELECT key, thread_id, turn, usd, tokens, settled FROM budget_holds"
        args: tuple[str, ...] = ()
        if thread_id is not None:
            sql, args = sql + " WHERE thread_id = ?", (thread_id,)
        with self._lock:
            return list(self._db.query(sql + " ORDER BY thread_id, turn, key", args))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


@cache
def _book_at(path: Path | None) -> BudgetBook:
    return BudgetBook(path)


def book_for(config: OrchestratorConfig) -> BudgetBook:
    """The process's book on the ledger file of ``config`` (in memory without one)."""
    return _book_at(Path(config.ledger_path) if config.ledger_path is not None else None)
