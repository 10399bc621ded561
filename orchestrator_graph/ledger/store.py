"""The cost ledger: one row per turn and one per model call, in a SQLite file.

It also keeps each turn's classifier feature vector (numbers, no request text)
and feedback on turns (``record_feedback``: did the turn need earlier turns?),
which ``orchestrator-graph train --ledger`` learns from.

Safe for several threads (one connection behind a lock) and several processes
(WAL journal, a 30 s busy timeout, short ``BEGIN IMMEDIATE`` transactions).
Recording a turn is an upsert, so recording it again after a crash and resume
never double-counts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import sqlite_utils
from pydantic import BaseModel, Field, computed_field

from orchestrator_graph.errors import LedgerError
from orchestrator_graph.state import ModelCall

SUBTASK = "subtask"  # the learned output of one worker of a parallel fan-out
BUSY_TIMEOUT_S = 30.0

_TURN_PK = ("thread_id", "turn")
_TURNS: dict[str, type] = {
    "thread_id": str,
    "turn": int,
    "route": str,
    "reasons": str,
    "confidence": float,
    "category": str,
    "complexity": int,
    "context_dependency": float,
    "estimated_usd": float,
    "estimate": str,
    "cost_usd": float,
    "baseline_usd": float,
    "decision_ms": float,
    "overhead_ms": float,
    "model_ms": float,
    "fallbacks": int,
    "worker_results": int,
    "workers_accepted": int,
    "recorded_at": float,
    "features": str,
    "features_version": str,
}
# columns newer than the first ledgers: a file without them gets them by ALTER TABLE
_ADDED_LATER = frozenset({"features", "features_version"})
_FEEDBACK_PK = ("thread_id", "turn", "source")
_FEEDBACK: dict[str, type] = {
    "thread_id": str,
    "turn": int,
    "source": str,
    "needed_earlier_turns": int,
    "recorded_at": float,
}
_CALLS: dict[str, type] = {
    "call_id": str,
    "thread_id": str,
    "turn": int,
    "node": str,
    "model": str,
    "input_tokens": int,
    "cached_input_tokens": int,
    "output_tokens": int,
    "cost_usd": float,
    "latency_ms": float,
    "status": str,
}
_SCHEMA: dict[str, tuple[dict[str, type], tuple[str, ...]]] = {
    "turns": (_TURNS, _TURN_PK),
    "calls": (_CALLS, ("call_id",)),
    "feedback": (_FEEDBACK, _FEEDBACK_PK),
}


@cache
def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    """``INSERT ... ON CONFLICT DO UPDATE`` for named parameters (one statement per
    table and column set, prepared once: a turn is recorded in well under a ms)."""
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in pk)
    keys = ", ".join(f'"{c}"' for c in pk)
    return (
        f'INSERT INTO "{table}" ({names}) VALUES ({values})'
        f" ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )


class TurnRecord(BaseModel):
    """One turn as decided, estimated and billed."""

    thread_id: str
    turn: int = Field(ge=0)
    route: str
    reasons: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0, le=1)
    category: str
    complexity: int
    context_dependency: float = Field(ge=0, le=1)
    estimated_usd: float = Field(ge=0, description="estimate of the chosen route")
    estimate: dict[str, Any] = Field(default_factory=dict, description="the CostEstimate dump")
    cost_usd: float = Field(ge=0, description="actual: the sum of the calls")
    baseline_usd: float = Field(ge=0, description="main session with the whole transcript")
    decision_ms: float = Field(default=0.0, ge=0)
    overhead_ms: float = Field(default=0.0, ge=0)
    model_ms: float = Field(default=0.0, ge=0)
    fallbacks: int = Field(default=0, ge=0)
    worker_results: int = Field(default=0, ge=0)
    workers_accepted: int = Field(default=0, ge=0)
    calls: list[ModelCall] = Field(default_factory=list)
    recorded_at: float = Field(default_factory=time.time)
    features: list[float] | None = Field(
        default=None, description="the classifier's feature vector of the request"
    )
    features_version: str | None = Field(
        default=None, description="its layout (``classifier.trained.FEATURES_VERSION``)"
    )


class Feedback(BaseModel):
    """Whether a turn needed earlier turns, said by ``source``, with the turn's stored
    feature vector (None when the turn was not recorded or predates feature storage)."""

    thread_id: str
    turn: int = Field(ge=0)
    source: str
    needed_earlier_turns: bool
    recorded_at: float
    features: list[float] | None = None
    features_version: str | None = None


class LedgerTotals(BaseModel):
    """Sums over the recorded turns."""

    turns: int = 0
    cost_usd: float = 0.0
    baseline_usd: float = 0.0
    by_route: dict[str, int] = Field(default_factory=dict, description="turns per route")
    by_model: dict[str, float] = Field(default_factory=dict, description="cost per model")
    fallbacks: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def savings(self) -> float:
        """``1 - cost / baseline``; 0 when there is no baseline."""
        return 1.0 - self.cost_usd / self.baseline_usd if self.baseline_usd else 0.0


class CostLedger:
    """The cost ledger in the SQLite file ``path`` (created with its folder if missing).

    Example:
        >>> with CostLedger(tmp / "ledger.sqlite") as ledger:  # doctest: +SKIP
        ...     ledger.record_turn(record)
        ...     ledger.totals().savings
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.writes = 0  # turns recorded through this object (lets readers refresh caches)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
            )
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._conn = conn
            self.db = sqlite_utils.Database(conn, execute_plugins=False)
            with self._transaction("DEFERRED"):  # check before WAL rewrites the header
                self._ensure_schema(create=False)
            conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: no fsync per turn; a power cut may lose the last turns, never
            # corrupt the file (the checkpointer, not the ledger, is what resumes a thread)
            conn.execute("PRAGMA synchronous = NORMAL")
            with self._transaction():
                self._ensure_schema(create=True)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            raise LedgerError.unusable(self.path, "be opened as a cost ledger", exc) from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise

    def _ensure_schema(self, *, create: bool) -> None:
        for name, (columns, pk) in _SCHEMA.items():
            table = self.db.table(name)
            if not table.exists():
                if create:
                    table.create(columns, pk=pk if len(pk) > 1 else pk[0], not_null=set(pk))
                continue
            missing = sorted(set(columns) - set(table.columns_dict))
            if create:
                for column in [c for c in missing if c in _ADDED_LATER]:
                    table.add_column(column, columns[column])
            missing = [c for c in missing if c not in _ADDED_LATER]
            if missing or tuple(table.pks) != pk:
                raise LedgerError(
                    f"{self.path} has a table {name!r} that is not a cost ledger's "
                    f"(missing columns {missing}, primary key {table.pks}, expected {list(pk)}). "
                    f"It was left as it is: move it away (mv {self.path} {self.path}.bak) "
                    "or set ledger_path to another file."
                )
        if create:
            self.db.table("calls").create_index(["thread_id", "turn"], if_not_exists=True)

    @contextmanager
    def _transaction(self, mode: Literal["IMMEDIATE", "DEFERRED"] = "IMMEDIATE") -> Iterator[None]:
        """One short transaction; IMMEDIATE takes the write lock up front (no upgrade deadlock)."""
        with self._lock:
            self._conn.execute(f"BEGIN {mode}")
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def record_turn(self, record: TurnRecord) -> None:
        """Upsert the turn and its calls in one transaction; they replace the turn's calls."""
        row = record.model_dump(mode="json", exclude={"calls"})
        row["reasons"] = json.dumps(row["reasons"])
        row["estimate"] = json.dumps(row["estimate"])
        row["features"] = None if record.features is None else json.dumps(record.features)
        key = {"thread_id": record.thread_id, "turn": record.turn}
        calls = [{**call.model_dump(mode="json"), **key} for call in record.calls]
        with self._transaction():
            self._conn.execute(_upsert_sql("turns", tuple(row), _TURN_PK), row)
            self._conn.execute(  # failed attempts of a run that raised stay on the bill
                "DELETE FROM calls WHERE thread_id = ? AND turn = ?"
                " AND status NOT LIKE 'retry:%' AND status NOT LIKE 'failed:%'"
                " AND call_id NOT IN (SELECT value FROM json_each(?))",
                [record.thread_id, record.turn, json.dumps([c["call_id"] for c in calls])],
            )
            if calls:
                self._conn.executemany(_upsert_sql("calls", tuple(calls[0]), ("call_id",)), calls)
        self.writes += 1

    def turns(self, thread_id: str | None = None) -> list[TurnRecord]:
        """The recorded turns with their calls, by thread and turn."""
        where, args = _where(thread_id)
        with self._transaction("DEFERRED"):
            rows = list(self.db.query(f"SELECT * FROM turns{where} ORDER BY thread_id, turn", args))
            call_rows = self._call_rows(thread_id)
        calls: defaultdict[tuple[str, int], list[ModelCall]] = defaultdict(list)
        for c in call_rows:
            calls[c["thread_id"], c["turn"]].append(ModelCall.model_validate(c))
        return [
            TurnRecord.model_validate(
                {
                    **r,
                    "reasons": json.loads(r["reasons"]),
                    "estimate": json.loads(r["estimate"]),
                    "features": json.loads(r["features"]) if r.get("features") else None,
                    "calls": calls[r["thread_id"], r["turn"]],
                }
            )
            for r in rows
        ]

    def record_failed_calls(self, thread_id: str, turn: int, calls: Iterable[ModelCall]) -> None:
        """Keep the attempts of a call that gave up (its node raised, so no turn is
        recorded yet): the turn's record, once it completes, adds to them."""
        rows = [{**c.model_dump(mode="json"), "thread_id": thread_id, "turn": turn} for c in calls]
        if rows:
            with self._transaction():
                self._conn.executemany(_upsert_sql("calls", tuple(rows[0]), ("call_id",)), rows)

    def record_feedback(
        self, thread_id: str, turn: int, *, needed_earlier_turns: bool, source: str = "user"
    ) -> None:
        """Say whether turn ``turn`` of ``thread_id`` needed earlier turns; one row per
        thread, turn and source (recording again replaces it)."""
        if turn < 0 or not source:
            raise ValueError(f"feedback needs a turn >= 0 and a source, not {turn!r}, {source!r}")
        row = {
            "thread_id": thread_id,
            "turn": turn,
            "source": source,
            "needed_earlier_turns": int(bool(needed_earlier_turns)),
            "recorded_at": time.time(),
        }
        with self._transaction():
            self.db.table("feedback").upsert(row, pk=_FEEDBACK_PK)

    def feedback(self, thread_id: str | None = None) -> list[Feedback]:
        """The feedback rows with their turns' stored feature vectors, oldest first."""
        where, args = _where(thread_id)
        sql = (
            "SELECT f.*, t.features, t.features_version FROM feedback f"
            " LEFT JOIN turns t ON t.thread_id = f.thread_id AND t.turn = f.turn"
            f"{where.replace('thread_id', 'f.thread_id')} ORDER BY f.recorded_at, f.rowid"
        )
        with self._transaction("DEFERRED"):
            rows = list(self.db.query(sql, args))
        return [
            Feedback.model_validate(
                {**r, "features": json.loads(r["features"]) if r["features"] else None}
            )
            for r in rows
        ]

    def calls(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """The recorded model calls as dicts (``ModelCall`` fields plus thread_id and turn)."""
        with self._transaction("DEFERRED"):
            return self._call_rows(thread_id)

    def _call_rows(self, thread_id: str | None) -> list[dict[str, Any]]:
        where, args = _where(thread_id)
        sql = f"SELECT * FROM calls{where} ORDER BY thread_id, turn, rowid"
        return list(self.db.query(sql, args))

    def totals(self, thread_id: str | None = None) -> LedgerTotals:
        """Turns, actual and baseline cost, savings, turns per route, cost per model."""
        where, args = _where(thread_id)
        with self._transaction("DEFERRED"):
            turns, cost, baseline, fallbacks = self._conn.execute(
                "SELECT count(*), coalesce(sum(cost_usd), 0), coalesce(sum(baseline_usd), 0),"
                f" coalesce(sum(fallbacks), 0) FROM turns{where}",
                args,
            ).fetchone()
            by_route = self._conn.execute(
                f"SELECT route, count(*) FROM turns{where} GROUP BY route ORDER BY route", args
            ).fetchall()
            by_model = self._conn.execute(
                f"SELECT model, sum(cost_usd) FROM calls{where} GROUP BY model ORDER BY model", args
            ).fetchall()
        return LedgerTotals(
            turns=turns,
            cost_usd=cost,
            baseline_usd=baseline,
            by_route=dict(by_route),
            by_model=dict(by_model),
            fallbacks=fallbacks,
        )

    def output_tokens_by_category(self) -> dict[str, tuple[float, int]]:
        """Per category, the median output tokens of one-task turns (answered by one call,
        no fallback) and how many turns that median rests on; under ``SUBTASK``, the
        same for one worker of a parallel fan-out."""
        sql = (
            "SELECT t.category, sum(c.output_tokens) AS output FROM turns t"
            " JOIN calls c ON c.thread_id = t.thread_id AND c.turn = t.turn"
            " WHERE t.route != 'parallel_workers' AND t.fallbacks = 0"
            " GROUP BY t.thread_id, t.turn HAVING count(*) = 1"
        )
        with self._transaction("DEFERRED"):
            rows = self._conn.execute(sql).fetchall()
            subtasks = self._conn.execute(
                "SELECT c.output_tokens FROM calls c JOIN turns t"
                " ON c.thread_id = t.thread_id AND c.turn = t.turn"
                " WHERE t.route = 'parallel_workers' AND c.node = 'spawn_subgraph'"
                " AND c.status = 'ok'"
            ).fetchall()
        by_category: defaultdict[str, list[int]] = defaultdict(list)
        for category, output in rows:
            by_category[category].append(output)
        by_category[SUBTASK] = [output for (output,) in subtasks]
        return {c: (_median(v), len(v)) for c, v in by_category.items() if v}

    def session_lengths(self) -> list[int]:
        """Turns recorded per thread (a thread still going counts what it has so far)."""
        with self._transaction("DEFERRED"):
            rows = self._conn.execute("SELECT max(turn) + 1 FROM turns GROUP BY thread_id")
            return [n for (n,) in rows.fetchall()]

    def kpis(self, thread_id: str | None = None) -> dict[str, Any]:
        """The ledger's KPIs: routing counts, savings, integration success, fallbacks,
        latencies, per model and per category."""
        where, args = _where(thread_id)
        with self._transaction("DEFERRED"):
            turns = list(
                self.db.query(
                    "SELECT route, category, cost_usd, baseline_usd, decision_ms, overhead_ms,"
                    f" fallbacks, worker_results, workers_accepted FROM turns{where}",
                    args,
                )
            )
            models = list(
                self.db.query(
                    "SELECT model, count(*) AS calls, sum(input_tokens) AS input_tokens,"
                    " sum(cached_input_tokens) AS cached_input_tokens,"
                    " sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,"
                    f" sum(latency_ms) AS latency_ms FROM calls{where} GROUP BY model"
                    " ORDER BY model",
                    args,
                )
            )
        results = sum(t["worker_results"] for t in turns)
        categories: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        for t in turns:
            categories[t["category"]].append(t)
        return {
            **_cost_summary(turns),
            "routes": _count(t["route"] for t in turns),
            "integration_success_rate": (
                sum(t["workers_accepted"] for t in turns) / results if results else None
            ),
            "worker_results": results,
            "fallbacks": sum(t["fallbacks"] for t in turns),
            "decision_ms_p50": percentile([t["decision_ms"] for t in turns], 50),
            "decision_ms_p99": percentile([t["decision_ms"] for t in turns], 99),
            "overhead_ms_p50": percentile([t["overhead_ms"] for t in turns], 50),
            "overhead_ms_p99": percentile([t["overhead_ms"] for t in turns], 99),
            "per_model": {m.pop("model"): m for m in models},
            "per_category": {
                c: {**_cost_summary(rows), "routes": _count(r["route"] for r in rows)}
                for c, rows in sorted(categories.items())
            },
        }

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@cache
def ledger_at(path: Path) -> CostLedger:
    """One open ledger per file and process."""
    return CostLedger(path)


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank, 0-100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return float(ordered[int(min(rank, len(ordered))) - 1])


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2)


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _cost_summary(turns: list[dict[str, Any]]) -> dict[str, Any]:
    cost = sum(t["cost_usd"] for t in turns)
    baseline = sum(t["baseline_usd"] for t in turns)
    return {
        "turns": len(turns),
        "cost_usd": cost,
        "baseline_usd": baseline,
        "savings": 1 - cost / baseline if baseline else None,
    }


def _where(thread_id: str | None) -> tuple[str, list[str]]:
    return (" WHERE thread_id = ?", [thread_id]) if thread_id is not None else ("", [])
