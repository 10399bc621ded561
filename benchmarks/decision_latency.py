"""Decision latency on synthetic 100-message sessions: prints decision_ms p50 / p99.

Each session alternates 50 requests and answers (a mix of new questions, follow-ups,
named references and pasted material); the decision for the last request is timed
with ``evaluate_task`` (classify + price + route, no model call), after the decision
of the turn before it, as in a running graph (token counts are cached per message). The
process's first decision (its cold start: the token encoding and the quality model load)
is printed apart and kept out of the percentiles. Not a test: it prints the figures
against the goal (p99 <= 2 ms).

    .venv/bin/python benchmarks/decision_latency.py [--sessions 200]
"""

from __future__ import annotations

import argparse
import random
import statistics

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from orchestrator_graph import OrchestratorConfig, evaluate_task

REQUESTS = [
    "Write a Python function `parse_row_{n}` that splits a CSV line into fields.",
    "Now add unit tests for that function.",
    "What is the capital of country number {n}?",
    "Why did they decide that?",
    "Summarize this memo for executives:\n\n" + "Costs rose in region {n} by 12%. " * 60,
    "Explain the difference between a process and a thread in two short paragraphs.",
    "Make the email more formal.",
    "What is the time complexity of parse_row_{n}?",
    "1. Capital of Peru?\n2. Convert 30 C to F.\n3. Who wrote Dune?",
]
ANSWER = "Here is a detailed answer about item {n}. " * 12


def session(rng: random.Random, messages: int) -> list[BaseMessage]:
    """Standing instructions, then requests and answers, then the request: ``messages`` long."""
    out: list[BaseMessage] = [SystemMessage("You are a concise assistant.")]
    for n in range((messages - 2) // 2):
        out.append(HumanMessage(rng.choice(REQUESTS).format(n=n)))
        out.append(AIMessage(ANSWER.format(n=n)))
    out.append(HumanMessage(rng.choice(REQUESTS).format(n=messages)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    config = OrchestratorConfig(ledger_path=None)
    sessions = [session(rng, args.messages) for _ in range(args.sessions)]
    cold = evaluate_task(sessions[0][:2], config=config).decision_ms  # the loads, once
    warm = evaluate_task(sessions[0][:2], config=config).decision_ms
    print(
        f"cold start: the process's first decision {cold:.1f} ms, the same again {warm:.2f} ms "
        "(create_orchestrator warms up at build; not in the percentiles)"
    )
    once, best = [], []
    for messages in sessions:
        assert len(messages) == args.messages
        # as in the graph, the previous turn's decision has already counted the earlier
        # messages (token counts are cached per message); time the decision at 100 messages
        evaluate_task(messages[:-2], config=config)
        runs = [evaluate_task(messages, config=config).decision_ms for _ in range(3)]
        once.append(runs[0])
        best.append(min(runs))  # best of 3: without preemption by other processes
    for name, timings in (("first run", once), ("best of 3", best)):
        timings.sort()
        p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
        print(
            f"{len(sessions)} sessions of {args.messages} messages, {name}: decision_ms "
            f"p50 {statistics.median(timings):.3f}  p99 {p99:.3f}  (goal p99 <= 2 ms)"
        )


if __name__ == "__main__":
    main()
