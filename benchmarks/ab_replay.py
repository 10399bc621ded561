"""An A/B test replayed: the per-arm figures of ``report --ab`` against each strategy
run alone on its threads.

The workloads (and a seeded sample of the sessions of a scored workload) are replayed
once through a graph whose config splits threads 50/50 between two routing strategies
(``ABTest``: the default target ``min_quality`` 0.95, and a thriftier 0.90), then each
strategy alone on the threads the hash gave it, with the same thread ids, models and
recorded answers. Feedback: every turn whose ``scores`` hold both roles gets thumbs up
when the role that answered it scored at least what the strong role scored. Not a
test: it prints both reports and whether the per-arm figures agree.

    .venv/bin/python benchmarks/ab_replay.py benchmarks/workloads/mixed.jsonl \
        --scored ../shared/data/quality_dev.jsonl --scored-sessions 200
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
from pathlib import Path
from typing import Any

from tqdm import tqdm

from orchestrator_graph.accounting.feedback import record_outcome
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.accounting.ledger.arms import FIGURES, NO_ARM, ab_report, format_ab
from orchestrator_graph.config import ABArm, ABTest, OrchestratorConfig
from orchestrator_graph.lab.replay import BenchSettings, RunResult, replay
from orchestrator_graph.lab.workloads import Session, read_workloads
from orchestrator_graph.routing.ab import assign_arm

TEST = ABTest(
    arms={
        "default": ABArm(share=0.5),
        "thrifty": ABArm(share=0.5, options={"min_quality": 0.9}),
    },
    salt="bench",
)
MODE = "orchestrated"  # replay's thread ids: f"{MODE}:{file}:{session id}"


def _run(
    sessions: list[tuple[str, Session]], config: OrchestratorConfig, workdir: Path
) -> dict[str, Any]:
    """Replay, give the scored turns their thumbs, and return ``report --ab``'s data."""
    workdir.mkdir(parents=True)
    with tqdm(disable=True) as progress:
        result = replay(
            sessions, mode=MODE, workdir=workdir, progress=progress,
            settings=BenchSettings(config=config),
        )  # fmt: skip
    ledger = workdir / f"ledger-{MODE}.sqlite"
    _feedback(sessions, result, ledger)
    with CostLedger(ledger) as opened:
        return ab_report(opened)


def _feedback(sessions: list[tuple[str, Session]], result: RunResult, ledger: Path) -> None:
    for file, session in sessions:
        for index, turn in enumerate(session.turns):
            if not turn.scored or turn.scores is None:
                continue
            roles = result.turns[file, session.id, index]["roles"] or ["strong"]
            score = min(turn.scores[r] for r in roles)
            thumbs = "up" if score >= turn.scores["strong"] else "down"
            record_outcome(ledger, f"{MODE}:{file}:{session.id}", index, thumbs=thumbs, adapt=False)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", type=Path)
    parser.add_argument("--scored", type=Path, default=None, help="a scored workload")
    parser.add_argument("--scored-sessions", type=int, default=200, help="sampled from it")
    args = parser.parse_args()
    sessions = [(p.stem, s) for p in args.workloads for s in read_workloads([p])]
    if args.scored is not None:
        scored = read_workloads([args.scored])
        random.Random(0).shuffle(scored)
        sessions += [(args.scored.stem, s) for s in scored[: args.scored_sessions]]
    with tempfile.TemporaryDirectory(prefix="orchestrator-ab-") as tmp:
        split = _run(sessions, OrchestratorConfig(ab=TEST), Path(tmp) / "ab")
        print(format_ab(split))
        print("\neach strategy alone on its threads:")
        agree = True
        for name, arm in TEST.arms.items():
            mine = [(f, s) for f, s in sessions if assign_arm(TEST, f"{MODE}:{f}:{s.id}") == name]
            config = OrchestratorConfig().updated(dict(arm.options))
            alone = _run(mine, config, Path(tmp) / name)["arms"][NO_ARM]
            in_split = split["arms"][name]
            keys = ["threads", "turns", "cost_usd", "baseline_usd", "fallbacks", "scored_turns"]
            same = all(_same(in_split[k], alone[k]) for k in keys) and all(
                _same(in_split[f]["value"], alone[f]["value"]) for f in FIGURES
            )
            agree &= same
            quality = alone["quality"]["value"]
            print(
                f"  {name}: {alone['threads']} threads, {alone['turns']} turns, cost "
                f"${alone['cost_usd']:.5f}, savings {alone['savings']['value']:.1%}, quality "
                f"{'-' if quality is None else format(quality, '.3f')}"
                f", fallbacks {alone['fallbacks']}: {'agrees' if same else 'DIFFERS'} with its arm"
            )
        print(f"\nper-arm figures agree with each strategy alone: {'yes' if agree else 'NO'}"
              "   goal: yes")  # fmt: skip


if __name__ == "__main__":
    main()
