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

- before the turn, ``routing.budget_fit.fit_budget`` takes the cheapest route or
  worker model whose forecast fits; when none does, ``cost_estimate`` raises
  :class:`BudgetExceeded` out of ``graph.invoke`` (nothing was called, the thread
  stays resumable with ``invoke(None, config)`` once the limit is raised);
- during the turn, a call whose reservation does not fit raises
  :class:`BudgetExceeded` instead of calling: a worker's subtask falls back to
  the main session, and if that does not fit either, ``merge`` raises it out of
  ``graph.invoke`` as ``main_session`` does (nothing enters the transcript).

With ``ledger_path=None`` the holds live in memory, per process.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig

from orchestrator_graph.calls import CallOutcome, CallPolicy, call_model
from orchestrator_graph.config import BudgetLimits, OrchestratorConfig
from orchestrator_graph.errors import BudgetExceeded
from orchestrator_graph.ledger import BUSY_TIMEOUT_S, LedgerError
from orchestrator_graph.pricing import ModelPrice
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


class BudgetBook:
    """The holds (reserved and settled spend) in a SQLite file, safe across processes."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        target = ":memory:" if self.path is None else self.path
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            raise LedgerError.unusable(self.path, "hold budget reservations", exc) from exc

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
                self._conn.execute(
                    "INSERT OR REPLACE INTO budget_holds VALUES (?, ?, ?, ?, ?, 0, ?)",
                    (key, thread_id, turn, usd, tokens, time.time()),
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def settle(self, key: str, usd: float, tokens: int) -> None:
        """Replace the hold ``key`` by what the call actually cost."""
        with self._lock:
            self._conn.execute(
                "UPDATE budget_holds SET usd = ?, tokens = ?, settled = 1, updated_at = ?"
                " WHERE key = ?",
                (usd, tokens, time.time(), key),
            )

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
