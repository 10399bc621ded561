"""The stream replay's printout against the goals of issue 21, and its plot.

Per source and judge flip rate, the mean over seeds at each checkpoint (on the turns
not yet seen): the static default's quality retained and savings, the learner's
ranking, the in-domain 5-fold router and the category rules at that savings, the
share of the gap closed, the learner's own operating point; then per seed the whole
stream's quality retained, savings, shadow cost share, labels, and how the router's
choices changed (cheap share of the static default against the learner's, per part of
the stream); then the goals, each with the figure that meets or misses it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from orchestrator_graph.lab.stream.replay import Checkpoint, StreamRun

GOAL_TURN = 300


def _mean(values: Sequence[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return float(np.mean(kept)) if kept else math.nan


def _groups(runs: Sequence[StreamRun]) -> dict[tuple[str, float], list[StreamRun]]:
    groups: dict[tuple[str, float], list[StreamRun]] = defaultdict(list)
    for run in runs:
        if run.settings.pair_change is None:
            groups[(run.source, run.settings.flip)].append(run)
    return groups


def _checkpoint_lines(runs: Sequence[StreamRun]) -> list[str]:
    lines = [
        f"{'turn':>5} {'labels':>6} {'static q/sav':>13} {'learned':>8} {'ceiling':>8} "
        f"{'rules':>7} {'gap closed':>10} {'learner own q/sav':>18} {'sav@target l/ceil':>18}"
    ]
    for k, first in enumerate(runs[0].checkpoints):
        points = [r.checkpoints[k] for r in runs if len(r.checkpoints) > k]

        def mean(get: Callable[[Checkpoint], float], points: list[Checkpoint] = points) -> float:
            return _mean([get(c) for c in points])

        pairs = [
            (mean(lambda c: c.static[0]), mean(lambda c: c.static[1])),
            (mean(lambda c: c.operating[0]), mean(lambda c: c.operating[1])),
            (mean(lambda c: c.savings_at_target[0]), mean(lambda c: c.savings_at_target[1])),
        ]
        static, own, target = (f"{a:.1%}/{b:.1%}" for a, b in pairs)
        lines.append(
            f"{first.turn:>5} {mean(lambda c: c.labels):>6.0f} {static:>13} "
            f"{mean(lambda c: c.learned):>8.1%} {mean(lambda c: c.ceiling):>8.1%} "
            f"{mean(lambda c: c.rules):>7.1%} {mean(lambda c: c.gap_closed):>10.2f} "
            f"{own:>18} {target:>18}"
        )
    return lines


def _baseline_line(runs: Sequence[StreamRun]) -> str:
    last = [r.checkpoints[-1] for r in runs if r.checkpoints]
    if not last:
        return ""
    weak_q, weak_s, random, oracle = (_mean([c.baselines[k] for c in last]) for k in range(4))
    return (
        f"  baselines on the unseen turns at turn {last[0].turn}: all-strong 100%/0%, "
        f"all-weak {weak_q:.1%}/{weak_s:.1%}; at the static default's savings random "
        f"{random:.1%}, oracle {oracle:.1%}"
    )


def _choices(run: StreamRun) -> str:
    """The cheap share of the static default / of the router, per third of the stream."""
    n = len(run.cheap)
    parts = [slice(0, n // 3), slice(n // 3, 2 * n // 3), slice(2 * n // 3, n)]
    return "  ".join(f"{run.static_cheap[p].mean():.0%}->{run.cheap[p].mean():.0%}" for p in parts)


def _seed_lines(runs: Sequence[StreamRun]) -> list[str]:
    lines = [
        f"{'seed':>4} {'turns':>5} {'retained':>8} {'savings':>8} {'shadow':>7} {'labels':>6} "
        f"{'ready at':>8} {'changes':>7}  cheap share static->router per third"
    ]
    for r in runs:
        lines.append(
            f"{r.settings.seed:>4} {len(r.cheap):>5} {r.retained():>8.1%} {r.savings():>8.1%} "
            f"{r.shadow_share():>7.1%} {int(r.labelled.sum()):>6} "
            f"{'-' if r.learner_ready_at is None else r.learner_ready_at:>8} "
            f"{r.drift_fired:>7}  {_choices(r)}"
        )
    return lines


def _at_goal_turn(run: StreamRun) -> Checkpoint | None:
    kept = [c for c in run.checkpoints if c.turn <= GOAL_TURN]
    return kept[-1] if kept else None


def _goals(runs: Sequence[StreamRun], min_quality: float) -> list[str]:
    groups = _groups(runs)
    lines = ["goals (issue 21):"]
    shadow = max(r.shadow_share() for r in runs)
    lines.append(f"  shadow + judge cost <= 5% of all-strong (worst run)  {shadow:.1%}")
    for (source, flip), group in sorted(groups.items()):
        at = [c for c in (_at_goal_turn(r) for r in group) if c is not None]
        if flip == 0.0:
            closed = _mean([c.gap_closed for c in at])
            lines.append(
                f"  {source}: gap to the 5-fold router closed by turn {at[0].turn if at else '-'} "
                f"(noiseless judge, mean of seeds; NaN: no gap)  {closed:.2f}   goal >= 0.50"
            )
        if flip == 0.15:
            worst = min(
                (c.learned - c.rules for r in group for c in r.checkpoints), default=math.nan
            )
            lines.append(
                f"  {source}: worst checkpoint below the category rules (15% flips)  "
                f"{-worst * 100:+.1f} points   goal <= +1.0"
            )
        low = min(r.retained() for r in group)
        lines.append(
            f"  {source} flips {flip:.0%}: whole-stream quality retained (worst seed)  {low:.1%} "
            f"(savings {min(r.savings() for r in group):.1%}-{max(r.savings() for r in group):.1%})"
            f"   goal >= {min_quality - 0.01:.0%}"
        )
    return lines


def _change_lines(runs: Sequence[StreamRun], min_quality: float) -> list[str]:
    changed = [r for r in runs if r.settings.pair_change is not None]
    if not changed:
        return []
    at = changed[0].settings.pair_change
    assert at is not None
    lines = [
        "",
        f"model pair change on {changed[0].source} at turn {at} (a much weaker cheap model): "
        "quality retained per stretch",
        f"{'seed':>4} {'flips':>5} {'before':>8} {f'{at}-{at + 100}':>9} {f'{at + 100}-':>8} "
        f"{'changes detected':>16}",
    ]
    for r in changed:
        lines.append(
            f"{r.settings.seed:>4} {r.settings.flip:>5.0%} {r.retained(0, at):>8.1%} "
            f"{r.retained(at, at + 100):>9.1%} {r.retained(at + 100):>8.1%} {r.drift_fired:>16}"
        )
    worst = min(r.retained(at + 100) for r in changed)
    lines.append(
        f"  adapted within 100 turns: quality from turn {at + 100} on (worst)  {worst:.1%}   "
        f"goal >= {min_quality - 0.01:.0%}"
    )
    return lines


def format_stream(runs: Sequence[StreamRun], min_quality: float) -> str:
    """The whole printout (see the module docstring)."""
    lines = [
        "stream replay: each source as one tenant's shuffled traffic; measured on the "
        "turns not yet seen, at the static default's savings; mean over seeds",
    ]
    for (source, flip), group in sorted(_groups(runs).items()):
        lines += ["", f"{source}, judge verdicts flipped {flip:.0%} ({len(group)} seeds)"]
        lines += [*_checkpoint_lines(group), _baseline_line(group), *_seed_lines(group)]
    lines += _change_lines(runs, min_quality)
    lines += ["", *_goals(runs, min_quality)]
    return "\n".join(lines)


def plot_stream(runs: Sequence[StreamRun], path: Path) -> None:
    """Per source: quality retained at the static default's savings over the stream
    (learner per flip rate, static, ceiling, rules) and the shadow cost share."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = _groups(runs)
    sources = sorted({s for s, _ in groups})
    fig, axes = plt.subplots(2, len(sources), figsize=(4 * len(sources), 6), squeeze=False)
    for col, source in enumerate(sources):
        top, bottom = axes[0][col], axes[1][col]
        for (name, flip), group in sorted(groups.items()):
            if name != source:
                continue
            turns = [c.turn for c in group[0].checkpoints]
            learned = [_mean([r.checkpoints[k].learned for r in group]) for k in range(len(turns))]
            top.plot(turns, learned, marker="o", label=f"learner, {flip:.0%} flips")
            spent = np.mean([np.cumsum(r.shadow_cost) / np.cumsum(r.strong_cost) for r in group], 0)
            bottom.plot(spent, label=f"{flip:.0%} flips")
            if flip == 0.0:
                for field in ("ceiling", "rules"):
                    values = [
                        getattr(r.checkpoints[k], field) for r in group for k in range(len(turns))
                    ]
                    top.plot(turns, np.reshape(values, (len(group), -1)).mean(0), "--", label=field)
                static = [
                    _mean([r.checkpoints[k].static[0] for r in group]) for k in range(len(turns))
                ]
                top.plot(turns, static, ":", label="static default")
        top.set_title(source)
        top.set_xlabel("turns seen")
        top.set_ylabel("quality retained (unseen turns)")
        bottom.set_xlabel("turn")
        bottom.set_ylabel("shadow cost / all-strong")
        top.legend(fontsize=7)
        bottom.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
