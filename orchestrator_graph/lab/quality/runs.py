"""The quality of a routing run as ``bench`` and ``eval`` report it, per source.

Each scored turn scores the role that answered it (a split turn its lowest, see
:func:`metrics.summarize_answered`). Scales differ between sources, so every
figure is computed within a source; the overall quality retained and PGR are the
means over sources, the overall strong share the share of all scored turns. The
baselines stand next to the figures: all-strong keeps 100% (PGR 1) at no savings,
all-weak keeps ``all_weak_retained`` (PGR 0), and a random router with the same
strong share recovers PGR = strong share.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from orchestrator_graph.lab.quality import metrics
from orchestrator_graph.lab.quality.dataset import Prices, turn_costs
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.workloads import Session

FIGURES = ("quality_retained", "pgr", "strong_share", "savings")


def scored_turn(
    session: Session, index: int, category: str | None = None, prices: Prices | None = None
) -> ScoredTurn | None:
    """Turn ``index``'s scores as a :class:`ScoredTurn`, with each role's call priced
    when ``prices`` are given; None unless both roles are scored."""
    turn = session.turns[index]
    if not turn.scored:
        return None
    assert turn.scores is not None
    strong_cost, weak_cost = turn_costs(session, index, prices) if prices else (0.0, 0.0)
    return ScoredTurn(
        source=session.source or "unknown",
        session=session.id,
        strong=turn.scores["strong"],
        weak=turn.scores["weak"],
        strong_cost=strong_cost,
        weak_cost=weak_cost,
        category=category or turn.category or "unknown",
    )


def _source_figures(
    turns: Sequence[ScoredTurn], answered_by: Sequence[Collection[str]], savings: float | None
) -> dict[str, Any]:
    run = metrics.summarize_answered(turns, answered_by)
    all_weak = metrics.summarize(turns, [False] * len(turns))
    return {
        "turns": len(turns),
        "quality_retained": run.quality_retained,
        "pgr": run.pgr,
        "strong_share": run.strong_share,
        "savings": run.savings if savings is None else savings,
        "all_weak_retained": all_weak.quality_retained,
    }


def quality_report(
    turns: Sequence[ScoredTurn],
    answered_by: Sequence[Collection[str]],
    *,
    savings: Mapping[str, float | None] | None = None,
    overall_savings: float | None = None,
) -> dict[str, Any] | None:
    """Per source and overall: quality retained, PGR, strong share and savings (from
    ``savings[source]`` and ``overall_savings`` when given, such as the ledger's, else
    the turns' own costs), with the all-weak baseline. None when no turn is scored."""
    if not turns:
        return None
    if savings is None:
        overall_savings = metrics.summarize_answered(turns, answered_by).savings
    rows: defaultdict[str, list[int]] = defaultdict(list)
    for index, turn in enumerate(turns):
        rows[turn.source].append(index)
    sources = {
        source: _source_figures(
            [turns[i] for i in picked],
            [answered_by[i] for i in picked],
            (savings or {}).get(source),
        )
        for source, picked in sorted(rows.items())
    }
    mean = metrics.mean_over_sources
    overall = {
        "turns": len(turns),
        "quality_retained": mean({s: f["quality_retained"] for s, f in sources.items()}),
        "pgr": mean({s: f["pgr"] for s, f in sources.items()}),
        "strong_share": sum("strong" in roles for roles in answered_by) / len(turns),
        "savings": overall_savings,
        "all_weak_retained": mean({s: f["all_weak_retained"] for s, f in sources.items()}),
    }
    return _finite({"sources": sources, "overall": overall})


def _finite(value: Any) -> Any:
    """NaN (no gap between the roles, no cost) as None, so the report is valid JSON."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return None if isinstance(value, float) and math.isnan(value) else value


def _cell(value: float | None, spec: str) -> str:
    """``value`` formatted by ``spec``; a missing one as "-" of the same width."""
    if value is not None:
        return format(value, spec)
    return format("-", spec.split(".")[0] or "")


def format_quality(report: Mapping[str, Any] | None) -> str:
    """The quality rows: one per source (when more than one) and the overall one."""
    if report is None:
        return "quality: no turn carries scores for both roles"
    header = (
        f"{'quality (scored turns)':<24} {'turns':>5} {'retained':>9} {'PGR':>7} "
        f"{'strong':>7} {'savings':>8}   baseline all-weak retained"
    )
    lines = [header]

    def row(name: str, f: Mapping[str, Any]) -> str:
        return (
            f"{name[:24]:<24} {f['turns']:>5} {_cell(f['quality_retained'], '>9.1%')} "
            f"{_cell(f['pgr'], '>7.3f')} {f['strong_share']:>7.1%} "
            f"{_cell(f['savings'], '>8.1%')}   {_cell(f['all_weak_retained'], '.1%')}"
        )

    sources = report["sources"]
    if len(sources) > 1:
        lines.extend(row(name, f) for name, f in sources.items())
    lines.append(row("all (mean over sources)", report["overall"]))
    lines.append(
        "  all-strong keeps 100.0% (PGR 1.000) at 0% savings; a random router with the same "
        "strong share has PGR = strong share"
    )
    return "\n".join(lines)
