"""Budget holds: the spend reserved before each model call and settled after it.

The holds live in the ``budget_holds`` table (``ledger.schema.HOLDS``) where the
ledger is: its SQLite file (in memory without one) or its Postgres database
(``ledger_url``), so every server pointing there shares one budget. A
reservation checks every limit and writes its hold inside one transaction that
is serialised with every other reservation on the same thread or tenant
(SQLite: ``BEGIN IMMEDIATE``; Postgres: advisory locks), so parallel workers and
concurrent requests in several threads, processes or machines cannot jointly
overspend.

A call's output is not reserved at a fixed maximum: :meth:`BudgetBook.reserve_call`
caps it at what the limits still allow (``output_room``) and refuses the call
only when not even ``min_output`` tokens fit.

A tenant (``RunContext.tenant``: a user, team or customer) is limited across all
of its threads per UTC calendar day or month (``BudgetLimits.tenant_period``):
its holds since the period began count.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from orchestrator_graph.accounting.ledger.rows import Rows, Transaction, is_postgres_url, open_rows
from orchestrator_graph.accounting.ledger.schema import BOOK_TABLES
from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.errors import BudgetExceeded
from orchestrator_graph.storage.closing import Closing


def period_start(period: Literal["day", "month"], now: float | None = None) -> float:
    """When the UTC calendar day or month holding ``now`` (default: now) began."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return (start.replace(day=1) if period == "month" else start).timestamp()


@dataclass(frozen=True)
class Spent:
    """USD and tokens spent or held by a thread, one of its turns and its tenant."""

    thread: tuple[float, int] = (0.0, 0)
    turn: tuple[float, int] = (0.0, 0)
    tenant: tuple[float, int] = (0.0, 0)


@dataclass(frozen=True)
class BudgetScope:
    """One limit and what is already spent or held against it."""

    scope: str  # thread, turn, worker or tenant
    unit: str  # usd or tokens
    limit: float
    used: float


@dataclass(frozen=True)
class OutputRoom:
    """The most output tokens a call may be given, and the limit that sets it
    (None when only the wanted cap does)."""

    tokens: int
    binding: BudgetScope | None


def _scopes(
    limits: BudgetLimits, spent: Spent, worker: bool, tenant: bool
) -> Iterator[BudgetScope]:
    candidates: list[tuple[str, str, float | None, float]] = [
        ("thread", "usd", limits.thread_usd, spent.thread[0]),
        ("thread", "tokens", limits.thread_tokens, spent.thread[1]),
        ("turn", "usd", limits.turn_usd, spent.turn[0]),
        ("turn", "tokens", limits.turn_tokens, spent.turn[1]),
    ]
    if tenant:
        candidates += [
            ("tenant", "usd", limits.tenant_usd, spent.tenant[0]),
            ("tenant", "tokens", limits.tenant_tokens, spent.tenant[1]),
        ]
    if worker:
        candidates += [
            ("worker", "usd", limits.worker_usd, 0.0),
            ("worker", "tokens", limits.worker_tokens, 0),
        ]
    for scope, unit, limit, used in candidates:
        if limit is not None:
            yield BudgetScope(scope, unit, float(limit), used)


def output_room(
    scopes: Iterator[BudgetScope], input_tokens: int, price: ModelPrice, wanted: int
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


class BudgetBook(Closing):
    """The holds (reserved and settled spend) at ``location``: a SQLite file (None: in
    memory) or a Postgres URL; safe across threads, processes and servers.

    A graph's book is opened by its ``resources.Resources`` on the ``rows`` of the
    ledger (one connection per file); the book then leaves closing them to the holder.
    """

    def __init__(self, location: str | Path | None = None, *, rows: Rows | None = None) -> None:
        if location is not None and not is_postgres_url(location):
            location = Path(location)
        self._owns_rows = rows is None
        self.rows = rows or open_rows(location, BOOK_TABLES, purpose="hold budget reservations")

    @staticmethod
    def _spent(
        tx: Transaction, key: str, thread_id: str, turn: int, tenant: str | None, since: float
    ) -> Spent:
        """What is spent or held, the hold ``key`` left out (a call re-run replaces it)."""
        (row,) = tx.query(
            "SELECT coalesce(sum(usd), 0) AS usd, coalesce(sum(tokens), 0) AS tokens,"
            " coalesce(sum(CASE WHEN turn = ? THEN usd END), 0) AS turn_usd,"
            " coalesce(sum(CASE WHEN turn = ? THEN tokens END), 0) AS turn_tokens"
            " FROM budget_holds WHERE thread_id = ? AND key != ?",
            [turn, turn, thread_id, key],
        )
        spent = Spent((row["usd"], row["tokens"]), (row["turn_usd"], row["turn_tokens"]))
        if tenant is None:
            return spent
        (t,) = tx.query(
            "SELECT coalesce(sum(usd), 0) AS usd, coalesce(sum(tokens), 0) AS tokens"
            " FROM budget_holds WHERE tenant = ? AND reserved_at >= ? AND key != ?",
            [tenant, since, key],
        )
        return Spent(spent.thread, spent.turn, (t["usd"], t["tokens"]))

    @staticmethod
    def _hold(
        tx: Transaction,
        key: str,
        thread_id: str,
        turn: int,
        usd: float,
        tokens: int,
        tenant: str | None,
    ) -> None:
        now = time.time()
        row = {"key": key, "thread_id": thread_id, "turn": turn, "usd": usd, "tokens": tokens}
        row |= {"settled": 0, "updated_at": now, "tenant": tenant, "reserved_at": now}
        tx.upsert("budget_holds", [row], ("key",))

    def _reservation(
        self, thread_id: str, tenant: str | None
    ) -> AbstractContextManager[Transaction]:
        """The transaction of a reservation: one at a time per thread and per tenant."""
        locks = [f"budget-thread:{thread_id}"]
        if tenant is not None:
            locks.append(f"budget-tenant:{tenant}")
        return self.rows.transaction(locks=locks)

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
        tenant: str | None = None,
        what: str = "the call",
    ) -> None:
        """Check every limit and hold ``usd`` and ``tokens`` under ``key``, atomically.

        Raises :class:`BudgetExceeded` (and holds nothing) when one would be passed.
        """
        since = period_start(limits.tenant_period)
        with self._reservation(thread_id, tenant) as tx:
            spent = self._spent(tx, key, thread_id, turn, tenant, since)
            for s in _scopes(limits, spent, worker, tenant is not None):
                requested = usd if s.unit == "usd" else tokens
                if s.used + requested > s.limit:
                    raise BudgetExceeded(s.scope, s.unit, s.limit, s.used, requested, what)
            self._hold(tx, key, thread_id, turn, usd, tokens, tenant)

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
        tenant: str | None = None,
    ) -> OutputRoom:
        """The output cap a call of ``input_tokens`` would get now (nothing is held)."""
        since = period_start(limits.tenant_period)
        with self.rows.transaction(write=False) as tx:
            spent = self._spent(tx, key, thread_id, turn, tenant, since)
        scopes = _scopes(limits, spent, worker, tenant is not None)
        return output_room(scopes, input_tokens, price, wanted)

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
        tenant: str | None = None,
        what: str = "the call",
    ) -> int:
        """Hold a call of ``input_tokens`` with the largest output cap (up to ``wanted``)
        that every limit allows, atomically, and return that cap.

        Raises :class:`BudgetExceeded` (and holds nothing) when fewer than
        ``min_output`` output tokens fit.
        """
        since = period_start(limits.tenant_period)
        with self._reservation(thread_id, tenant) as tx:
            spent = self._spent(tx, key, thread_id, turn, tenant, since)
            room = output_room(
                _scopes(limits, spent, worker, tenant is not None), input_tokens, price, wanted
            )
            if room.tokens < min_output and room.binding is not None:
                s = room.binding
                requested = (
                    price.cost(input_tokens, min_output)
                    if s.unit == "usd"
                    else input_tokens + min_output
                )
                raise BudgetExceeded(s.scope, s.unit, s.limit, s.used, requested, what)
            cap = max(room.tokens, 0)
            usd, tokens = price.cost(input_tokens, cap), input_tokens + cap
            self._hold(tx, key, thread_id, turn, usd, tokens, tenant)
        return cap

    def settle(self, key: str, usd: float, tokens: int) -> None:
        """Replace the hold ``key`` by what the call actually cost (nothing held: nothing
        to settle)."""
        with self.rows.transaction() as tx:
            tx.execute(
                "UPDATE budget_holds SET usd = ?, tokens = ?, settled = 1, updated_at = ?"
                " WHERE key = ?",
                [usd, tokens, time.time(), key],
            )

    def used(self, thread_id: str, turn: int | None = None) -> tuple[float, int]:
        """USD and tokens spent or reserved by a thread (or one of its turns)."""
        sql = "SELECT coalesce(sum(usd), 0) AS usd, coalesce(sum(tokens), 0) AS tokens"
        sql += " FROM budget_holds WHERE thread_id = ?" + (
            " AND turn = ?" if turn is not None else ""
        )
        with self.rows.transaction(write=False) as tx:
            (row,) = tx.query(sql, [thread_id] if turn is None else [thread_id, turn])
        return row["usd"], row["tokens"]

    def tenant_used(self, tenant: str, since: float) -> tuple[float, int]:
        """USD and tokens spent or reserved by a tenant since ``since`` (a POSIX time)."""
        with self.rows.transaction(write=False) as tx:
            (row,) = tx.query(
                "SELECT coalesce(sum(usd), 0) AS usd, coalesce(sum(tokens), 0) AS tokens"
                " FROM budget_holds WHERE tenant = ? AND reserved_at >= ?",
                [tenant, since],
            )
        return row["usd"], row["tokens"]

    def holds(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """The holds as dicts (key, thread_id, turn, usd, tokens, settled, tenant)."""
        sql = "SELECT key, thread_id, turn, usd, tokens, settled, tenant FROM budget_holds"
        args: list[str] = []
        if thread_id is not None:
            sql, args = sql + " WHERE thread_id = ?", [thread_id]
        with self.rows.transaction(write=False) as tx:
            return tx.query(sql + " ORDER BY thread_id, turn, key", args)

    def close(self) -> None:
        """Close the connection this book opened (idempotent); shared rows are closed by
        their holder."""
        if self._owns_rows:
            self.rows.close()
