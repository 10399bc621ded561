"""The A/B comparison of the ledger's arms (``report --ab``).

Threads are the unit of assignment (``ab.assign_arm``), so they are the unit of the
statistics too: confidence intervals come from a bootstrap over each arm's threads
(``RESAMPLES`` draws, seeded), never over turns, which are not independent within
a thread. Per arm: threads, turns, cost, baseline, savings (1 - cost / baseline),
cost per turn, quality (the mean feedback score, 0-1, of the turns that have one,
over the sources that gave one) and fallbacks per turn. Each other arm is compared
with the first by name (the control: name it so, e.g. ``a-control``): the difference
and its interval, and whether it is significant (the interval excludes 0) or not yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from orchestrator_graph.accounting.ledger.store import CostLedger

RESAMPLES = 2000
LEVEL = 0.95
NO_ARM = "(no arm)"
# the figures compared: name -> (numerator, denominator) of per-thread sums, and how
# the ratio reads (``savings`` is 1 - cost / baseline)
FIGURES: dict[str, tuple[str, str]] = {
    "savings": ("cost_usd", "baseline_usd"),
    "cost_per_turn": ("cost_usd", "turns"),
    "quality": ("quality_sum", "quality_n"),
    "fallbacks_per_turn": ("fallbacks", "turns"),
}
COLUMNS = ("turns", "cost_usd", "baseline_usd", "fallbacks", "quality_sum", "quality_n")


def _thread_sums(ledger: CostLedger) -> dict[str, dict[str, np.ndarray]]:
    """Per arm, one row per thread of the sums in ``COLUMNS``."""
    rows = ledger.turns_with_quality()
    threads: defaultdict[tuple[str, str], dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(COLUMNS, 0.0)
    )
    for r in rows:
        sums = threads[r["arm"] or NO_ARM, r["thread_id"]]
        sums["turns"] += 1
        sums["cost_usd"] += r["cost_usd"]
        sums["baseline_usd"] += r["baseline_usd"]
        sums["fallbacks"] += r["fallbacks"]
        if r["quality"] is not None:
            sums["quality_sum"] += r["quality"]
            sums["quality_n"] += 1
    arms: defaultdict[str, list[dict[str, float]]] = defaultdict(list)
    for (arm, _), sums in sorted(threads.items()):
        arms[arm].append(sums)
    return {arm: {c: np.array([t[c] for t in ts]) for c in COLUMNS} for arm, ts in arms.items()}


def _figure(name: str, sums: dict[str, np.ndarray], picks: np.ndarray | None) -> np.ndarray:
    """The figure ``name`` of the threads (each resample of ``picks`` a row), NaN where
    its denominator is 0."""
    top, bottom = FIGURES[name]
    a, b = sums[top], sums[bottom]
    num = a.sum() if picks is None else a[picks].sum(axis=-1)
    den = b.sum() if picks is None else b[picks].sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    return 1 - ratio if name == "savings" else ratio


def _interval(values: np.ndarray) -> list[float] | None:
    finite = values[np.isfinite(values)]
    if finite.size < RESAMPLES // 2:  # mostly undefined (no baseline, no feedback)
        return None
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return [float(low), float(high)]


def _value(x: np.ndarray | float) -> float | None:
    value = float(x)
    return value if np.isfinite(value) else None


def ab_report(ledger: CostLedger, *, seed: int = 0) -> dict[str, Any]:
    """Per arm its figures with intervals, and each arm against the first."""
    arms = _thread_sums(ledger)
    rng = np.random.default_rng(seed)
    draws = {
        arm: rng.integers(0, len(s["turns"]), size=(RESAMPLES, len(s["turns"])))
        for arm, s in arms.items()
    }
    report: dict[str, Any] = {"level": LEVEL, "resamples": RESAMPLES, "arms": {}, "versus": {}}
    boot: dict[str, dict[str, np.ndarray]] = {}
    for arm, sums in arms.items():
        boot[arm] = {f: _figure(f, sums, draws[arm]) for f in FIGURES}
        report["arms"][arm] = {
            "threads": len(sums["turns"]),
            "turns": int(sums["turns"].sum()),
            "cost_usd": float(sums["cost_usd"].sum()),
            "baseline_usd": float(sums["baseline_usd"].sum()),
            "fallbacks": int(sums["fallbacks"].sum()),
            "scored_turns": int(sums["quality_n"].sum()),
            **{
                f: {"value": _value(_figure(f, sums, None)), "ci": _interval(boot[arm][f])}
                for f in FIGURES
            },
        }
    names = list(arms)
    for arm in names[1:]:
        control = names[0]
        report["versus"][f"{arm} - {control}"] = {
            f: _difference(
                report["arms"][arm][f]["value"],
                report["arms"][control][f]["value"],
                boot[arm][f] - boot[control][f],
            )
            for f in FIGURES
        }
    return report


def _difference(a: float | None, b: float | None, boot: np.ndarray) -> dict[str, Any]:
    ci = _interval(boot)
    value = None if a is None or b is None else a - b
    significant = ci is not None and (ci[0] > 0 or ci[1] < 0)
    return {"value": value, "ci": ci, "significant": significant}


def _cell(figure: dict[str, Any], fmt: Callable[[float], str]) -> str:
    if figure["value"] is None:
        return "-"
    ci = figure["ci"]
    return fmt(figure["value"]) + ("" if ci is None else f" [{fmt(ci[0])}, {fmt(ci[1])}]")


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _usd(x: float) -> str:
    return f"{x:.5f}"


def _num(x: float) -> str:
    return f"{x:.3f}"


FORMATS: dict[str, Callable[[float], str]] = {
    "savings": _pct,
    "cost_per_turn": _usd,
    "quality": _num,
    "fallbacks_per_turn": _num,
}


def format_ab(report: dict[str, Any]) -> str:
    """The A/B report as text: one block per arm, then each arm against the first."""
    level = f"{report['level']:.0%}"
    lines = [f"A/B by arm ({level} intervals: bootstrap over threads, {report['resamples']} draws)"]
    if not report["arms"]:
        return lines[0] + "\nno turns recorded"
    for arm, a in report["arms"].items():
        lines += [
            f"{arm}: {a['threads']} threads, {a['turns']} turns, cost ${a['cost_usd']:.5f}, "
            f"baseline ${a['baseline_usd']:.5f}, fallbacks {a['fallbacks']}",
            f"  savings {_cell(a['savings'], _pct)}; cost per turn $"
            f"{_cell(a['cost_per_turn'], _usd)}",
            f"  quality {_cell(a['quality'], _num)} over {a['scored_turns']} turns with "
            f"feedback; fallbacks per turn {_cell(a['fallbacks_per_turn'], _num)}",
        ]
    for pair, diffs in report["versus"].items():
        lines.append(f"{pair}:")
        for figure, d in diffs.items():
            if d["value"] is None:
                lines.append(f"  {figure}: no data on both arms")
                continue
            verdict = "significant" if d["significant"] else "not significant yet"
            lines.append(f"  {figure} {_cell(d, FORMATS[figure])}: {verdict}")
    return "\n".join(lines)
