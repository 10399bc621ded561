"""Budgets that hold: every model call is reserved before it is made, settled after.

Limits (``config.BudgetLimits``) apply per thread, per turn and per worker call,
in USD and in tokens. Before a call, :func:`guarded_call` reserves its worst
case (the input as counted by tiktoken plus the output cap the call is bound
to) in the ``budget_holds`` table of the ledger's SQLite file, inside one
``BEGIN IMMEDIATE`` transaction: the check and the reservation are atomic
across threads and processes, so parallel workers cannot jointly overspend.
After the call the hold is settled to the actual cost (0 when the call failed).
A hold is keyed by thread, turn and call, so a call re-run after a crash
replaces its hold instead of counting twice.

Over budget:

- before the turn, :func:`fit_route` takes the cheapest route or worker model
  whose forecast fits; when none does, ``cost_estimate`` raises
  :class:`BudgetExceeded` out of ``graph.invoke`` (nothing was called, the thread
  stays resumable with ``invoke(None, config)`` once the limit is raised);
- during the turn, a call whose reservation does not fit raises
  :class:`BudgetExceeded` instead of calling: a worker's subtask falls back to
  the main session, and if that does not fit either, ``merge`` answers with what
  it has and sets ``state["budget_exceeded"]`` (also in the answer's
  ``response_metadata``).

With ``ledger_path=None`` the holds live in memory, per process.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig
from sqlite_utils.db import NotFoundError

from orchestrator_graph import database
from orchestrator_graph.calls import CallOutcome, CallPolicy, call_model
from orchestrator_graph.config import BudgetLimits, OrchestratorConfig, Route
from orchestrator_graph.errors import BudgetExceeded, LedgerError
from orchestrator_graph.pricing import ModelPrice
from orchestrator_graph.state import RoutingDecision
from orchestrator_graph.tokens import count_messages

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
_ROUTES: tuple[Route, ...] = ("main_session", "worker_session", "parallel_workers")
_CHEAP_WORKERS = {"strong_worker_complexity": 6, "strong_categories": frozenset()}


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
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                thread_usd, thread_tokens, turn_usd, turn_tokens = self._sums(thread_id, turn, key)
                checks = [
                    ("thread", "usd", limits.thread_usd, thread_usd, usd),
                    ("thread", "tokens", limits.thread_tokens, thread_tokens, tokens),
                    ("turn", "usd", limits.turn_usd, turn_usd, usd),
                    ("turn", "tokens", limits.turn_tokens, turn_tokens, tokens),
                ]
                if worker:
                    checks += [
                        ("worker", "usd", limits.worker_usd, 0.0, usd),
                        ("worker", "tokens", limits.worker_tokens, 0, tokens),
                    ]
                for scope, unit, limit, used, requested in checks:
                    if limit is not None and used + requested > limit:
                        raise BudgetExceeded(scope, unit, limit, used, requested, what)
                row = {"key": key, "thread_id": thread_id, "turn": turn, "usd": usd}
                row |= {"tokens": tokens, "settled": 0, "updated_at": time.time()}
                self._db.table("budget_holds").upsert(row, pk="key")
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def settle(self, key: str, usd: float, tokens: int) -> None:
        """Replace the hold ``key`` by what the call actually cost."""
        with self._lock:
            row = {"usd": usd, "tokens": tokens, "settled": 1, "updated_at": time.time()}
            with contextlib.suppress(NotFoundError):  # nothing held: nothing to settle
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
            cursor = self._conn.execute(sql + " ORDER BY thread_id, turn, key", args)
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


@cache
def _book_at(path: Path | None) -> BudgetBook:
    return BudgetBook(path)


def book_for(config: OrchestratorConfig) -> BudgetBook:
    """The process's book on the ledger file of ``config`` (in memory without one)."""
    return _book_at(Path(config.ledger_path) if config.ledger_path is not None else None)


def thread_of(config: RunnableConfig) -> str:
    """The thread id of a run ("" when the graph runs without a checkpointer)."""
    return str((config.get("configurable") or {}).get("thread_id", ""))


def guarded_call(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    settings: OrchestratorConfig,
    thread_id: str,
    turn: int,
    key: str,
    node: str,
    model_name: str,
    price: ModelPrice,
    max_tokens: int | None = None,
) -> CallOutcome:
    """``calls.call_model`` under the budget: reserve the worst case, call, settle.

    Without a budget it is ``call_model`` with the config's retry policy. With one,
    the output is capped at ``max_tokens`` (or ``BudgetLimits.max_output_tokens``),
    so the actual cost cannot pass what was reserved. Raises :class:`BudgetExceeded`
    before calling when the reservation does not fit, ``ModelCallError`` when
    the call fails (its hold is then released).
    """
    policy = CallPolicy.from_config(settings)
    limits = settings.budget
    if limits is None:
        return call_model(
            model,
            messages,
            node=node,
            model_name=model_name,
            price=price,
            max_tokens=max_tokens,
            policy=policy,
        )
    cap = min(max_tokens or limits.max_output_tokens, limits.max_output_tokens)
    input_tokens = count_messages(messages)
    book = book_for(settings)
    hold = f"{thread_id}\0{turn}\0{key}"
    book.reserve(
        hold,
        thread_id=thread_id,
        turn=turn,
        usd=price.cost(input_tokens, cap),
        tokens=input_tokens + cap,
        limits=limits,
        worker=node == "spawn_subgraph",
        what=f"{node} on {model_name} ({input_tokens} input + up to {cap} output tokens)",
    )
    try:
        outcome = call_model(
            model,
            messages,
            node=node,
            model_name=model_name,
            price=price,
            max_tokens=cap,
            policy=policy,
        )
    except BaseException:  # failed, refused or interrupted: release the hold
        book.settle(hold, 0.0, 0)
        raise
    calls = outcome.calls
    book.settle(
        hold,
        sum(c.cost_usd for c in calls),
        sum(c.input_tokens + c.output_tokens for c in calls),
    )
    return outcome


def _fits(
    decision: RoutingDecision, limits: BudgetLimits, usd_left: float, tokens_left: float
) -> bool:
    option = decision.estimate.option(decision.route)
    tokens = option.input_tokens + option.output_tokens
    workers = max(1, len(decision.worker_briefs))
    per_worker = decision.route != "main_session"
    return (
        option.call_usd <= usd_left
        and tokens <= tokens_left
        and not (per_worker and limits.worker_usd and option.call_usd / workers > limits.worker_usd)
        and not (per_worker and limits.worker_tokens and tokens / workers > limits.worker_tokens)
    )


def fit_route(
    decision: RoutingDecision,
    redecide: Callable[[OrchestratorConfig], RoutingDecision],
    settings: OrchestratorConfig,
    *,
    thread_id: str,
    turn: int,
) -> RoutingDecision:
    """The decision if its forecast fits the budget left, else the cheapest that does.

    ``redecide(config)`` re-runs the routing with a config that forces a route
    (and, for the cheaper variants, the worker model for every worker). Raises
    :class:`BudgetExceeded` when no route fits.
    """
    limits = settings.budget
    if limits is None:
        return decision
    book = book_for(settings)
    thread_usd, thread_tokens = book.used(thread_id)
    turn_usd, turn_tokens = book.used(thread_id, turn)
    inf = float("inf")
    usd_left = min((limits.thread_usd or inf) - thread_usd, (limits.turn_usd or inf) - turn_usd)
    tokens_left = min(
        (limits.thread_tokens or inf) - thread_tokens, (limits.turn_tokens or inf) - turn_tokens
    )
    if _fits(decision, limits, usd_left, tokens_left):
        return decision
    candidates = []
    for route in _ROUTES:
        for cheap in ({}, _CHEAP_WORKERS):
            forced = settings.model_copy(update={"force_route": route, **cheap})
            candidate = redecide(forced)
            if candidate.route == route and _fits(candidate, limits, usd_left, tokens_left):
                candidates.append(candidate)
    option = decision.estimate.option(decision.route)
    wanted, wanted_tokens = option.call_usd, option.input_tokens + option.output_tokens
    if not candidates:
        scopes = [
            ("thread", "usd", limits.thread_usd, thread_usd, wanted),
            ("turn", "usd", limits.turn_usd, turn_usd, wanted),
            ("thread", "tokens", limits.thread_tokens, thread_tokens, wanted_tokens),
            ("turn", "tokens", limits.turn_tokens, turn_tokens, wanted_tokens),
            ("worker", "usd", limits.worker_usd, 0.0, wanted),
            ("worker", "tokens", limits.worker_tokens, 0, wanted_tokens),
        ]
        scope, unit, limit, used, requested = next(
            (s for s in scopes if s[2] is not None and s[3] + s[4] > s[2]),
            next(s for s in scopes if s[2] is not None),
        )
        raise BudgetExceeded(
            scope,
            unit,
            float(limit),
            used,
            requested,
            f"the turn ({decision.route}, no route fits)",
        )
    chosen = min(candidates, key=lambda d: d.estimate.option(d.route).call_usd)
    chosen.reasons = [r for r in chosen.reasons if not r.startswith("route forced to")]
    chosen.reasons.append(
        f"budget: {decision.route} (${wanted:.6f}) does not fit the {usd_left:.6g} USD / "
        f"{tokens_left:.6g} tokens left; took {chosen.route} on "
        f"{', '.join(sorted(set(chosen.worker_models))) or 'the main model'} "
        f"(${chosen.estimate.option(chosen.route).call_usd:.6f})"
    )
    return chosen
