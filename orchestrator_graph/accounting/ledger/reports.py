"""What the ledger tells: totals, KPIs, learned answer lengths, session lengths.

``LedgerReports`` is the read side of ``store.CostLedger`` (a mixin over its
connection); ``percentile`` is the nearest-rank percentile the bench reports.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, computed_field

from orchestrator_graph.accounting.ledger.schema import SUBTASK

if TYPE_CHECKING:
    from orchestrator_graph.accounting.ledger.rows import Rows


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


class LedgerReports:
    """Read-only queries over the ledger's turns and calls."""

    if TYPE_CHECKING:  # provided by the ledger this mixes into (``store.CostLedger``)
        rows: Rows

    def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self.rows.transaction(write=False) as tx:
            return tx.query(sql, list(args))

    def totals(self, thread_id: str | None = None) -> LedgerTotals:
        """Turns, actual and baseline cost, savings, turns per route, cost per model."""
        where, args = where_thread(thread_id)
        (sums,) = self._rows(
            "SELECT count(*) AS turns, coalesce(sum(cost_usd), 0) AS cost_usd,"
            " coalesce(sum(baseline_usd), 0) AS baseline_usd,"
            f" coalesce(sum(fallbacks), 0) AS fallbacks FROM turns{where}",
            args,
        )
        by_route = self._rows(
            f"SELECT route, count(*) AS n FROM turns{where} GROUP BY route ORDER BY route", args
        )
        by_model = self._rows(
            f"SELECT model, sum(cost_usd) AS usd FROM calls{where} GROUP BY model ORDER BY model",
            args,
        )
        return LedgerTotals(
            **sums,
            by_route={r["route"]: r["n"] for r in by_route},
            by_model={r["model"]: r["usd"] for r in by_model},
        )

    def spend_by(self, by: Literal["thread", "tenant"]) -> list[dict[str, Any]]:
        """Per thread or per tenant (``None``: runs without one): turns recorded, model
        calls billed and what they cost (``billed_usd``, calls of turns that raised
        included), the turns' cost and baseline, and savings; by key."""
        column = {"thread": "thread_id", "tenant": "tenant"}[by]
        with self.rows.transaction(write=False) as tx:  # one snapshot for both sums
            turns = tx.query(
                f"SELECT {column} AS key, count(*) AS turns, coalesce(sum(cost_usd), 0) AS"
                " cost_usd, coalesce(sum(baseline_usd), 0) AS baseline_usd"
                f" FROM turns GROUP BY {column}"
            )
            calls = tx.query(
                f"SELECT {column} AS key, count(*) AS calls, coalesce(sum(cost_usd), 0)"
                f" AS billed_usd FROM calls GROUP BY {column}"
            )
        rows: dict[str | None, dict[str, Any]] = {}
        for row in [*turns, *calls]:
            rows.setdefault(row["key"], {by: row["key"], **_NO_SPEND}).update(row)
        ordered = sorted(rows.values(), key=lambda r: (r[by] is None, r[by] or ""))
        for row in ordered:
            del row["key"]
            row["savings"] = _savings(row["cost_usd"], row["baseline_usd"])
        return ordered

    def output_tokens_by_category(self) -> dict[str, tuple[float, int]]:
        """Per category, the median output tokens of one-task turns (answered by one call,
        no fallback) and how many turns that median rests on; under ``SUBTASK``, the
        same for one worker of a parallel fan-out."""
        rows = self._rows(
            "SELECT t.category, sum(c.output_tokens) AS output FROM turns t"
            " JOIN calls c ON c.thread_id = t.thread_id AND c.turn = t.turn"
            " AND c.node NOT IN ('shadow', 'judge')"
            " WHERE t.route != 'parallel_workers' AND t.fallbacks = 0"
            " GROUP BY t.thread_id, t.turn HAVING count(*) = 1"
        )
        subtasks = self._rows(
            "SELECT c.output_tokens AS output FROM calls c JOIN turns t"
            " ON c.thread_id = t.thread_id AND c.turn = t.turn"
            " WHERE t.route = 'parallel_workers' AND c.node = 'spawn_subgraph'"
            " AND c.status = 'ok'"
        )
        by_category: defaultdict[str, list[int]] = defaultdict(list)
        for row in rows:
            by_category[row["category"]].append(row["output"])
        by_category[SUBTASK] = [row["output"] for row in subtasks]
        return {c: (float(statistics.median(v)), len(v)) for c, v in by_category.items() if v}

    def session_lengths(self) -> list[int]:
        """Turns recorded per thread (a thread still going counts what it has so far)."""
        rows = self._rows("SELECT max(turn) + 1 AS n FROM turns GROUP BY thread_id")
        return [row["n"] for row in rows]

    def turns_with_quality(self) -> list[dict[str, Any]]:
        """Each turn's arm, cost, baseline and fallbacks, and the mean of its feedback
        scores (over the sources that gave one, the shadow judge's left out: it scores
        the cheap answer, which the turn may not have given; None without)."""
        return self._rows(
            "SELECT t.thread_id, t.turn, t.arm, t.cost_usd, t.baseline_usd, t.fallbacks,"
            " (SELECT avg(f.quality) FROM feedback f WHERE f.thread_id = t.thread_id"
            " AND f.turn = t.turn AND f.quality IS NOT NULL AND f.source != 'shadow') AS quality"
            " FROM turns t ORDER BY t.thread_id, t.turn"
        )

    def kpis(self, thread_id: str | None = None) -> dict[str, Any]:
        """The ledger's KPIs: routing counts, savings, integration success, fallbacks,
        what the answer cache saved, latencies, per model and per category."""
        where, args = where_thread(thread_id)
        turns = self._rows(
            "SELECT route, category, cost_usd, baseline_usd, decision_ms, overhead_ms,"
            " fallbacks, worker_results, workers_accepted, coalesce(saved_usd, 0) AS saved_usd"
            f" FROM turns{where}",
            args,
        )
        models = self._rows(
            "SELECT model, count(*) AS calls, sum(input_tokens) AS input_tokens,"
            " sum(cached_input_tokens) AS cached_input_tokens,"
            " sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,"
            f" sum(latency_ms) AS latency_ms FROM calls{where} GROUP BY model ORDER BY model",
            args,
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
            "cache_saved_usd": sum(t["saved_usd"] for t in turns),  # vs the routes replaced
            **dict(_latencies(turns)),
            "per_model": {m.pop("model"): m for m in models},
            "per_category": {
                c: {**_cost_summary(rows), "routes": _count(r["route"] for r in rows)}
                for c, rows in sorted(categories.items())
            },
        }


_NO_SPEND = {"turns": 0, "calls": 0, "billed_usd": 0.0, "cost_usd": 0.0, "baseline_usd": 0.0}


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank, 0-100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return float(ordered[int(min(rank, len(ordered))) - 1])


def _latencies(turns: list[dict[str, Any]]) -> Iterator[tuple[str, float | None]]:
    for column in ("decision_ms", "overhead_ms"):
        for q in (50, 99):
            yield f"{column}_p{q}", percentile([t[column] for t in turns], q)


def _count(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _cost_summary(turns: list[dict[str, Any]]) -> dict[str, Any]:
    cost = sum(t["cost_usd"] for t in turns)
    baseline = sum(t["baseline_usd"] for t in turns)
    return {
        "turns": len(turns),
        "cost_usd": cost,
        "baseline_usd": baseline,
        "savings": _savings(cost, baseline),
    }


def _savings(cost: float, baseline: float) -> float | None:
    """``1 - cost / baseline``; None without a baseline."""
    return 1 - cost / baseline if baseline else None


def where_thread(thread_id: str | None) -> tuple[str, list[str]]:
    """The ``WHERE`` clause (and its argument) that limits a query to one thread."""
    return (" WHERE thread_id = ?", [thread_id]) if thread_id is not None else ("", [])
