"""Decision latency at turn 200 of a 50,000-token thread: classify alone and the whole
decision (``evaluate_task``), p50 / p99, as in a running graph (the turn before has
been decided, so per-message caches hold the earlier messages). ``decision`` is timed
after the turn's first decision (``first``: the new answer and request not seen yet,
the request's embedding computed when the quality model is on).

Threads are labelled sessions joined by ``joined_threads.py`` with answers
lengthened to about 50,000 tokens per 200 turns. Not a test: it prints figures
against the goal (decision p99 <= 2 ms).

    .venv/bin/python benchmarks/long_thread_latency.py [--threads 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from joined_threads import join_sessions, thread_tokens

from orchestrator_graph import OrchestratorConfig, evaluate_task
from orchestrator_graph.lab.workloads import read_workloads
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.warmup import warm_up

FILES = ("structflowbench.jsonl", "mt_bench_101.jsonl", "canard_dev.jsonl", "sparc_dev.jsonl")


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--threads", type=int, default=5)
    parser.add_argument("--turn", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20, help="decisions timed per thread")
    parser.add_argument("--profile", action="store_true", help="cProfile the last thread")
    args = parser.parse_args()
    sessions = read_workloads([args.data / name for name in FILES])
    threads = join_sessions(
        sessions, seed=11, min_turns=args.turn + 1, count=args.threads, long_answers=True
    )
    config = OrchestratorConfig(ledger_path=None)
    print(f"cold start: warm-up {warm_up(config):.2f} s (not in the percentiles)")
    classify_ms: list[float] = []
    decision_ms: list[float] = []
    first_ms: list[float] = []  # the turn's first decision: its new messages not seen yet
    for thread in threads:
        messages = thread.session.transcript(args.turn)
        evaluate_task(messages[:-2], config=config)  # the turn before, decided
        first_ms.append(evaluate_task(messages, config=config).decision_ms)
        for _ in range(args.repeat):
            started = time.perf_counter()
            classify_request(messages, config=config)
            classify_ms.append((time.perf_counter() - started) * 1000)
            decision_ms.append(evaluate_task(messages, config=config).decision_ms)
    tokens = statistics.mean(thread_tokens(t.session) for t in threads)
    print(f"{len(threads)} threads, turn {args.turn}, ~{tokens:,.0f} tokens per thread")
    measured = (("classify", classify_ms), ("decision", decision_ms), ("first", first_ms))
    for name, values in measured:
        print(f"{name}: p50 {statistics.median(values):.3f} ms  p99 {p99(values):.3f} ms")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            evaluate_task(messages, config=config)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
