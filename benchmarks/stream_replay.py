"""The stream replay of issue 21: the router learning each tenant's traffic from
shadow-judge verdicts (``orchestrator_graph.lab.stream``).

Each scored source of the quality data is replayed as one tenant's stream of turns
in shuffled order (seeds 1-5); the recorded answers and judge scores stand in for
the shadow call and the judge, whose verdicts are flipped at random for 0, 15 and 30%
of the turns. Then the model pair change on arena-bench-v1: from turn 150 the cheap
model is Mistral-7B-Instruct-v0.1 (its grades from ``meta.all_scores``). Not a test:
it prints the figures against the goals, and plots them (``--plot``, outside git).
The learner's penalties and cold start were set on seeds 6-8, its change detection,
the threshold's Beta prior and floor on seeds 6-10; the threshold's blend
(``learner.learned_threshold``) was chosen between two quick runs of seeds 1-2, so
the figures on seeds 1-5 are not fully held out.

    .venv/bin/python benchmarks/stream_replay.py ../shared/data/quality_dev.jsonl \
        ../shared/data/quality_chat.jsonl [--quick]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from orchestrator_graph.lab.stream.data import source_stream
from orchestrator_graph.lab.stream.replay import StreamSettings, replay, rules_line
from orchestrator_graph.lab.stream.report import format_stream, plot_stream
from orchestrator_graph.lab.workloads import read_workloads
from orchestrator_graph.quality import load_quality_model

OUTPUT = Path(__file__).parent / "output"
CHANGE_SOURCE = "arena-bench-v1"
CHANGE_MODEL = "mistralai/Mistral-7B-Instruct-v0.1"
CHANGE_AT = 150


def weak_after_change(paths: list[str], session_ids: list[str]) -> np.ndarray:
    """Per turn of ``CHANGE_SOURCE`` (by session id), ``CHANGE_MODEL``'s grade (a
    missing grade: 1, the lowest)."""
    grades = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            row = json.loads(line)
            if row.get("source") == CHANGE_SOURCE:
                grades[row["id"]] = row["meta"]["all_scores"].get(CHANGE_MODEL)
    return np.array([grades.get(s) or 1.0 for s in session_ids], dtype=float)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="+", help="scored workloads (quality_dev, quality_chat)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--flips", type=float, nargs="+", default=[0.0, 0.15, 0.3])
    parser.add_argument("--turns", type=int, default=300, help="each stream's length at most")
    parser.add_argument("--min-quality", type=float, default=0.95)
    parser.add_argument(
        "--strong-share",
        type=float,
        default=StreamSettings.strong_share,
        help="the sampler's rate on cheap-answered turns as a share of its rate",
    )
    parser.add_argument("--quick", action="store_true", help="2 seeds, flips 0 and 15%%, 200 turns")
    parser.add_argument("--plot", type=Path, default=OUTPUT / "stream_replay.png")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.flips, args.turns = args.seeds[:2], [0.0, 0.15], 200
    started = time.perf_counter()
    model = load_quality_model()
    sessions = read_workloads(args.workloads)
    runs = []
    for source in sorted({s.source for s in sessions}):
        stream = source_stream(
            sessions, source, model, min_quality=args.min_quality, cache=OUTPUT / "cache"
        )
        rules = rules_line(stream)
        checkpoints = tuple(c for c in (50, 100, 150, 200, 300) if c <= args.turns)
        for flip in args.flips:
            for seed in args.seeds:
                settings = StreamSettings(
                    seed=seed, flip=flip, min_quality=args.min_quality, turns=args.turns,
                    checkpoints=checkpoints, strong_share=args.strong_share,
                )  # fmt: skip
                runs.append(replay(stream, model, settings, rules=rules))
        if source == CHANGE_SOURCE:
            weak = weak_after_change(args.workloads, [t.session for t in stream.turns])
            for flip in args.flips[:2]:
                for seed in args.seeds:
                    settings = StreamSettings(
                        seed=seed, flip=flip, min_quality=args.min_quality,
                        pair_change=CHANGE_AT, turns=len(stream.turns), checkpoints=(),
                        strong_share=args.strong_share,
                    )  # fmt: skip
                    runs.append(replay(stream, model, settings, rules=rules, weak_after=weak))
    print(format_stream(runs, args.min_quality))
    plot_stream(runs, args.plot)
    print(f"\nplot: {args.plot}; {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
