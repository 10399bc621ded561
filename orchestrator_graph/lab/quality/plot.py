"""The cost-quality curve as a PNG (matplotlib, imported only when drawing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from orchestrator_graph.lab.quality.metrics import RunSummary
from orchestrator_graph.lab.quality.report import SourceReport

CURRENT: dict[str, Any] = {"marker": "X", "color": "purple", "label": "current routing"}


def plot_curves(
    reports: Sequence[SourceReport],
    path: str | Path,
    *,
    label: str = "quality router (CV)",
    routing: Mapping[str, RunSummary] | None = None,
) -> Path:
    """Two panels per source: PGR over strong share (RouteLLM's view) and quality
    retained over savings, with the all-weak, all-strong, random, oracle, category-rule
    and target points, and the current routing's point per source when given."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(reports), 2, figsize=(11, 4.2 * len(reports)), squeeze=False)
    for row, report in zip(axes, reports, strict=True):
        share, gain = row
        share.plot(report.curve.strong_share, report.curve.pgr, label=label)
        share.plot(report.oracle_curve.strong_share, report.oracle_curve.pgr, ":", label="oracle")
        share.plot([0, 1], [0, 1], "--", color="grey", label="random")
        share.scatter(
            [report.operating.strong_share],
            [report.operating.pgr],
            color="red",
            zorder=3,
            label=f"min_quality {report.target:.2f}",
        )
        _ends(share, (0.0, 0.0), (1.0, 1.0))
        current = (routing or {}).get(report.source)
        if current is not None:
            share.scatter(current.strong_share, current.pgr, **CURRENT)
        share.set(xlabel="strong share", ylabel="PGR", title=f"{report.source}: PGR")
        share.set_ylim(-0.1, max(1.2, float(report.oracle_curve.pgr.max()) + 0.05))
        share.legend(loc="lower right", fontsize=8)
        gain.plot(report.curve.savings, report.curve.quality_retained, label=label)
        categories = [run for chosen, run in report.categories]
        gain.scatter(
            [run.savings for run in categories],
            [run.quality_retained for run in categories],
            marker="s",
            color="green",
            label="whole categories to strong",
        )
        gain.scatter(
            [report.operating.savings],
            [report.operating.quality_retained],
            color="red",
            zorder=3,
            label=f"min_quality {report.target:.2f}",
        )
        _ends(gain, (report.all_weak.savings, report.all_weak.quality_retained), (0.0, 1.0))
        if current is not None:
            gain.scatter(current.savings, current.quality_retained, **CURRENT)
        gain.set(xlabel="savings", ylabel="quality retained", title=f"{report.source}: cost")
        gain.legend(loc="lower left", fontsize=8)
    figure.tight_layout()
    target = Path(path)
    figure.savefig(target, dpi=110)
    plt.close(figure)
    return target


def _ends(axis: Any, weak: tuple[float, float], strong: tuple[float, float]) -> None:
    """The all-weak and all-strong points, labelled."""
    for name, point, marker in (("all-weak", weak, "v"), ("all-strong", strong, "^")):
        axis.scatter(*point, marker=marker, color="black", zorder=3, label=name)
