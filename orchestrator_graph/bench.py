"""``orchestrator-graph bench``: replay workloads, baseline and orchestrated, side by side.

Every session is replayed twice through the compiled graph with a SQLite
checkpointer, on simulated models that replay the recorded answers: once with
routing forced to the main session (the baseline), once orchestrated. Both runs
use the same models, prices, recorded answers and prompt-cache rules; costs are
the sums of the ledger's calls.

When the orchestrator splits a turn into subtasks, each worker is sent a brief,
not the whole turn. The recorded answer is then split into one part per subtask
(its numbered or bulleted items when their count matches, else its paragraphs
in balanced contiguous runs) and each part is registered as the answer to the
brief of its subtask, and the parts of consecutive subtasks to a brief that
groups them; the merged answer is the recorded one, up to the blank lines
between parts. A request that still has no recorded answer gets an invented
one: ``invented_answers`` counts them.

``context_recall`` and ``starved_rate`` come from the simulated models' request
logs: a ``depends_on`` turn is present when every message of it (question and
answer, in full, not a digest) is in every request made to answer the turn.
``overhead_ms`` is graph time per turn minus model time; ``overhead_ratio``
divides its p50 by that of a one-node ``MessagesState`` graph with the same
SQLite checkpointer, measured in the same run. ``parallel_speedup`` fans N
independent questions out on models with a fixed latency and divides the sum
of the worker calls' times by the wall time of the fan-out.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage
from langgraph.graph import END, START, MessagesState, StateGraph

from orchestrator_graph.checkpoints import sqlite_checkpointer
from orchestrator_graph.classifier import split_subtasks
from orchestrator_graph.config import (
    DEFAULT_MAIN_MODEL,
    DEFAULT_WORKER_MODEL,
    OrchestratorConfig,
    load_config,
)
from orchestrator_graph.context import turns_of
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.ledger import ledger_at, percentile
from orchestrator_graph.providers.simulated import SimulatedChatModel, SimulatedRequest
from orchestrator_graph.tokens import message_text
from orchestrator_graph.workloads import Session, Turn, read_workloads

LATENCY_S = 0.5  # the fixed model latency of the parallel-speedup runs (a short LLM call)
SPEEDUP_REPEATS = 3
_ITEM_PATTERNS = (
    re.compile(r"^\s*(?:\*\*)?\d+[.)]\s", re.M),  # 1. / 2) / **3.
    re.compile(r"^\s*[-*•]\s", re.M),  # bullets
)
_QUESTIONS = (
    "What is the capital of Peru?",
    "Convert 30 degrees Celsius to Fahrenheit.",
    "Who wrote the novel Dune?",
    "Name the largest planet of the solar system.",
    "What is the chemical symbol of gold?",
    "How many minutes are there in a day?",
    "Which ocean lies between Africa and Australia?",
    "What does the acronym HTTP stand for?",
)


@dataclass
class TurnOutcome:
    """One replayed turn: the orchestrated result beside its baseline."""

    session: str
    file: str
    turn: int
    category: str
    route: str
    models: list[str]
    cost_usd: float
    baseline_cost_usd: float
    estimated_usd: float = 0.0
    context_recall: float | None = None
    decision_ms: float = 0.0
    overhead_ms: float = 0.0
    fallbacks: int = 0
    invented: int = 0


@dataclass
class RunResult:
    """One mode's replay: per turn, the ledger's turn and what the models were sent."""

    turns: dict[tuple[str, str, int], dict[str, Any]] = field(default_factory=dict)
    overhead_ms: list[float] = field(default_factory=list)
    invented: int = 0
    exact_splits: int = 0
    approximate_splits: int = 0


def split_answer(answer: str, parts: int) -> tuple[list[str], bool]:
    """``answer`` cut into ``parts`` contiguous pieces; True when they are its own items.

    Its numbered (or bulleted) items when there are exactly ``parts`` of them (any
    text before the first joins the first); else its paragraphs (or lines) spread
    over ``parts`` runs of similar length.
    """
    for pattern in _ITEM_PATTERNS:
        starts = [m.start() for m in pattern.finditer(answer)]
        if len(starts) == parts:
            bounds = [0, *starts[1:], len(answer)]
            return [answer[a:b].strip() for a, b in itertools.pairwise(bounds)], True
    pieces = [p for p in re.split(r"\n\s*\n", answer) if p.strip()]
    if len(pieces) < parts:
        pieces = [p for p in answer.splitlines() if p.strip()]
    if len(pieces) < parts:
        pieces = re.split(r"(?<=[.!?])\s+", answer.strip())
    if len(pieces) < parts:  # too short to cut: the first part carries it all
        return [answer.strip(), *["-"] * (parts - 1)], False
    total, runs, current, done = sum(map(len, pieces)), [], [], 0
    for index, piece in enumerate(pieces):
        current.append(piece)
        done += len(piece)
        left_pieces, left_runs = len(pieces) - index - 1, parts - len(runs) - 1
        if left_runs and (done >= total * (len(runs) + 1) / parts or left_pieces == left_runs):
            runs.append("\n\n".join(current).strip())
            current = []
    runs.append("\n\n".join(current).strip())
    return runs, False


def recorded_answers(turn: Turn, max_workers: int) -> tuple[dict[str, str], bool | None]:
    """The answers registered for a turn: its recorded answer under its text, and the
    answer's parts under the briefs of its subtasks (each run of consecutive subtasks,
    as workers may group them). The flag: exact split, approximate, or None (no split)."""
    if turn.answer is None:
        return {}, None
    answers = {turn.user.strip(): turn.answer}
    subtasks = split_subtasks(turn.user)
    if len(subtasks) < 2:
        return answers, None
    parts, exact = split_answer(turn.answer, len(subtasks))
    for start in range(len(subtasks)):
        for end in range(start + 1, len(subtasks) + 1):
            brief = "\n".join(s.text for s in subtasks[start:end]).strip()
            answers.setdefault(brief, "\n\n".join(parts[start:end]))
    return answers, exact


def last_human(request: SimulatedRequest) -> str:
    for message in reversed(request.messages):
        if isinstance(message, HumanMessage):
            return message_text(message).strip()
    return ""


def context_recall(
    transcript: Sequence[BaseMessage],
    depends_on: Sequence[int] | None,
    requests: Sequence[SimulatedRequest],
) -> float | None:
    """Share of ``depends_on`` turns present in full in every request that answered
    the turn; None for an unlabelled turn, 1 for a self-contained one."""
    if depends_on is None:
        return None
    if not depends_on:
        return 1.0
    turns = turns_of(transcript)
    sent = [{message_text(m) for m in r.messages} for r in requests]
    present = 0
    for index in depends_on:
        needed = {message_text(transcript[p]) for p in turns[index].positions}
        present += bool(sent) and all(needed <= texts for texts in sent)
    return present / len(depends_on)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.label = total, 0, ""

    def step(self, label: str) -> None:
        self.done += 1
        self.label = label
        width = 30
        filled = width * self.done // max(1, self.total)
        bar = "#" * filled + "." * (width - filled)
        sys.stderr.write(f"\rbench [{bar}] {self.done}/{self.total} {label:<24}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


@dataclass(frozen=True)
class BenchSettings:
    """What the bench compares: the two models (by price) and the orchestrator's config."""

    main_model: str = DEFAULT_MAIN_MODEL
    worker_model: str = DEFAULT_WORKER_MODEL
    config: OrchestratorConfig = field(default_factory=OrchestratorConfig)


def replay(
    sessions: Sequence[tuple[str, Session]],
    *,
    mode: str,
    workdir: Path,
    progress: Progress,
    latency_s: float = 0.0,
    settings: BenchSettings | None = None,
) -> RunResult:
    """Replay every session in ``mode`` (``baseline`` or ``orchestrated``)."""
    settings = settings or BenchSettings()
    ledger_path = workdir / f"ledger-{mode}.sqlite"
    config = settings.config.model_copy(
        update={
            "ledger_path": ledger_path,
            "force_route": "main_session" if mode == "baseline" else None,
        }
    )
    main = SimulatedChatModel(model_name=settings.main_model, latency_s=latency_s)
    worker = SimulatedChatModel(model_name=settings.worker_model, latency_s=latency_s)
    graph_builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    result = RunResult()
    with sqlite_checkpointer(workdir / f"checkpoints-{mode}.sqlite") as saver:
        graph = graph_builder.compile(checkpointer=saver)
        for file, session in sessions:
            thread_id = f"{mode}:{file}:{session.id}"
            thread = {"configurable": {"thread_id": thread_id}}
            for model in (main, worker):
                model.reset()
                model.answers.clear()
            sent: list[list[SimulatedRequest]] = []
            walls: list[float] = []
            for index, turn in enumerate(session.turns):
                answers, exact = recorded_answers(turn, config.max_parallel_workers)
                if exact is not None and mode == "orchestrated":
                    result.exact_splits += exact
                    result.approximate_splits += not exact
                for model in (main, worker):
                    model.answers.update(answers)
                before = (len(main.requests), len(worker.requests))
                started = time.perf_counter()
                graph.invoke({"messages": session.new_messages(index)}, thread)
                walls.append((time.perf_counter() - started) * 1000)
                requests = [*main.requests[before[0] :], *worker.requests[before[1] :]]
                result.invented += sum(last_human(r) not in answers for r in requests)
                sent.append(requests)
                progress.step(f"{mode} {session.id}")
            transcript = graph.get_state(thread).values["messages"]
            records = {r.turn: r for r in ledger_at(ledger_path).turns(thread_id)}
            for index, turn in enumerate(session.turns):
                record = records[index]
                overhead = max(0.0, walls[index] - record.model_ms)
                result.overhead_ms.append(overhead)
                result.turns[file, session.id, index] = {
                    "record": record,
                    "cost_usd": sum(c.cost_usd for c in record.calls),
                    "models": list(dict.fromkeys(c.model for c in record.calls)),
                    "recall": context_recall(transcript, turn.depends_on, sent[index]),
                    "overhead_ms": overhead,
                }
    return result


def reference_overheads(
    sessions: Sequence[tuple[str, Session]], *, workdir: Path, progress: Progress
) -> list[float]:
    """Graph time minus model time per turn of a one-node ``MessagesState`` graph with
    the same SQLite checkpointer, on the same sessions and recorded answers."""
    model = SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL)
    model_ms: list[float] = []

    def respond(state: MessagesState) -> dict[str, Any]:
        started = time.perf_counter()
        answer = model.invoke(state["messages"])
        model_ms.append((time.perf_counter() - started) * 1000)
        return {"messages": [answer]}

    builder = StateGraph(MessagesState)
    builder.add_node("respond", respond)
    builder.add_edge(START, "respond")
    builder.add_edge("respond", END)
    overheads = []
    with sqlite_checkpointer(workdir / "checkpoints-reference.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        for file, session in sessions:
            thread = {"configurable": {"thread_id": f"reference:{file}:{session.id}"}}
            model.reset()
            model.answers.clear()
            for index, turn in enumerate(session.turns):
                model.answers.update(recorded_answers(turn, 1)[0])
                model_ms.clear()
                started = time.perf_counter()
                graph.invoke({"messages": session.new_messages(index)}, thread)
                wall = (time.perf_counter() - started) * 1000
                overheads.append(max(0.0, wall - sum(model_ms)))
                progress.step(f"reference {session.id}")
    return overheads


def parallel_speedups(
    *, workdir: Path, max_workers: int, latency_s: float = LATENCY_S
) -> dict[int, float]:
    """Per N (2..max_workers), the median over repeats of the fan-out's speedup:
    the sum of the N worker calls' times / the wall time from the first call's start
    to the last one's end, on models that take ``latency_s`` per call."""
    config = OrchestratorConfig(
        ledger_path=None, force_route="parallel_workers", max_parallel_workers=max_workers
    )
    main = SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL, latency_s=latency_s)
    worker = SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL, latency_s=latency_s)
    builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    speedups: dict[int, float] = {}
    with sqlite_checkpointer(workdir / "checkpoints-parallel.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        for n in range(2, max_workers + 1):
            questions = [_QUESTIONS[i % len(_QUESTIONS)] for i in range(n)]
            request = "\n".join(f"{i + 1}. {q}" for i, q in enumerate(questions))
            runs = []
            for repeat in range(SPEEDUP_REPEATS):
                main.reset()
                worker.reset()
                thread = {"configurable": {"thread_id": f"parallel-{n}-{repeat}"}}
                graph.invoke({"messages": [HumanMessage(request)]}, thread)
                calls = [*main.requests, *worker.requests]
                if len(calls) < 2:
                    continue
                wall = max(c.ended for c in calls) - min(c.started for c in calls)
                runs.append(sum(c.ended - c.started for c in calls) / wall)
            if runs:
                speedups[n] = median(runs)
    return speedups


def _savings(baseline: float, orchestrated: float) -> float | None:
    return 1 - orchestrated / baseline if baseline else None


def _costs(outcomes: Sequence[TurnOutcome]) -> dict[str, Any]:
    baseline = sum(o.baseline_cost_usd for o in outcomes)
    orchestrated = sum(o.cost_usd for o in outcomes)
    return {
        "turns": len(outcomes),
        "baseline_cost_usd": baseline,
        "orchestrated_cost_usd": orchestrated,
        "savings": _savings(baseline, orchestrated),
        "routes": dict(sorted(Counter(o.route for o in outcomes).items())),
    }


def run_bench(
    paths: Sequence[str | Path],
    *,
    workdir: Path,
    speedup: bool = True,
    reference: bool = True,
    settings: BenchSettings | None = None,
) -> dict[str, Any]:
    """Replay the workloads at ``paths`` and return the report (the JSON of ``--json``)."""
    settings = settings or BenchSettings()
    sessions = [(Path(p).stem, s) for p in paths for s in read_workloads([p])]
    total_turns = sum(len(s.turns) for _, s in sessions)
    progress = Progress(total_turns * (3 if reference else 2))
    try:
        baseline = replay(
            sessions, mode="baseline", workdir=workdir, progress=progress, settings=settings
        )
        orchestrated = replay(
            sessions, mode="orchestrated", workdir=workdir, progress=progress, settings=settings
        )
        ref = reference_overheads(sessions, workdir=workdir, progress=progress) if reference else []
    finally:
        progress.close()
    max_workers = OrchestratorConfig().max_parallel_workers
    speedups = parallel_speedups(workdir=workdir, max_workers=max_workers) if speedup else {}

    outcomes: list[TurnOutcome] = []
    for file, session in sessions:
        for index, turn in enumerate(session.turns):
            done = orchestrated.turns[file, session.id, index]
            base = baseline.turns[file, session.id, index]
            record = done["record"]
            outcomes.append(
                TurnOutcome(
                    session=session.id,
                    file=file,
                    turn=index,
                    category=turn.category or record.category,
                    route=record.route,
                    models=done["models"],
                    cost_usd=done["cost_usd"],
                    baseline_cost_usd=base["cost_usd"],
                    estimated_usd=record.estimated_usd,
                    context_recall=done["recall"],
                    decision_ms=record.decision_ms,
                    overhead_ms=done["overhead_ms"],
                    fallbacks=record.fallbacks,
                )
            )
    recalls = [o.context_recall for o in outcomes if o.context_recall is not None]
    errors = [abs(o.estimated_usd - o.cost_usd) / o.cost_usd for o in outcomes if o.cost_usd > 0]
    overhead_p50 = percentile(orchestrated.overhead_ms, 50)
    ref_p50 = percentile(ref, 50)
    by_file: defaultdict[str, list[TurnOutcome]] = defaultdict(list)
    by_category: defaultdict[str, list[TurnOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_file[outcome.file].append(outcome)
        by_category[outcome.category].append(outcome)
    totals = _costs(outcomes)
    return {
        "main_model": settings.main_model,
        "worker_model": settings.worker_model,
        "sessions": len(sessions),
        "turn_count": len(outcomes),
        "baseline_cost_usd": totals["baseline_cost_usd"],
        "orchestrated_cost_usd": totals["orchestrated_cost_usd"],
        "savings": totals["savings"],
        "routes": totals["routes"],
        "per_file": {f: _costs(o) for f, o in sorted(by_file.items())},
        "per_category": {c: _costs(o) for c, o in sorted(by_category.items())},
        "context_recall": sum(recalls) / len(recalls) if recalls else None,
        "starved_rate": sum(r < 1 for r in recalls) / len(recalls) if recalls else None,
        "labelled_turns": len(recalls),
        "estimate_error_median": median(errors) if errors else None,
        "decision_ms_p50": percentile([o.decision_ms for o in outcomes], 50),
        "decision_ms_p99": percentile([o.decision_ms for o in outcomes], 99),
        "overhead_ms_p50": overhead_p50,
        "overhead_ms_p99": percentile(orchestrated.overhead_ms, 99),
        "reference_overhead_ms_p50": ref_p50,
        "overhead_ratio": overhead_p50 / ref_p50 if overhead_p50 is not None and ref_p50 else None,
        "parallel_speedup": {str(n): s for n, s in speedups.items()},
        "parallel_latency_s": LATENCY_S,
        "invented_answers": baseline.invented + orchestrated.invented,
        "fallbacks": sum(o.fallbacks for o in outcomes),
        "answer_splits": {
            "exact": orchestrated.exact_splits,
            "approximate": orchestrated.approximate_splits,
        },
        "turns": [
            {
                k: v
                for k, v in asdict(o).items()
                if k
                in (
                    "session",
                    "turn",
                    "route",
                    "models",
                    "cost_usd",
                    "baseline_cost_usd",
                    "context_recall",
                    "category",
                    "estimated_usd",
                )
            }
            for o in outcomes
        ],
    }


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(report: dict[str, Any]) -> str:
    """The report as the terminal table."""
    lines = [
        f"{report['sessions']} sessions, {report['turn_count']} turns; main model "
        f"{report['main_model']}, worker model {report['worker_model']}",
        "",
        f"{'':<22} {'turns':>5} {'baseline $':>11} {'orchestr. $':>11} {'savings':>8}  routes",
    ]

    def row(name: str, costs: dict[str, Any]) -> str:
        routes = ", ".join(f"{k.split('_')[0]} {v}" for k, v in costs["routes"].items())
        return (
            f"{name[:22]:<22} {costs['turns']:>5} {costs['baseline_cost_usd']:>11.4f} "
            f"{costs['orchestrated_cost_usd']:>11.4f} {_fmt(costs['savings'], '>8.1%')}  {routes}"
        )

    lines.append(row("all", {**report, "turns": report["turn_count"]}))
    for title in ("per_file", "per_category"):
        lines.append(f"-- {title.replace('_', ' ')}")
        lines.extend(row(name, costs) for name, costs in report[title].items())
    speedup = ", ".join(f"N={n}: {s:.2f}" for n, s in report["parallel_speedup"].items())
    lines += [
        "",
        f"{'savings':<24} {_fmt(report['savings'], '.1%'):>10}   goal >= 75%",
        f"{'context_recall':<24} {_fmt(report['context_recall'], '.3f'):>10}   "
        f"over {report['labelled_turns']} labelled turns",
        f"{'starved_rate':<24} {_fmt(report['starved_rate'], '.3f'):>10}   goal <= 0.01",
        f"{'estimate_error_median':<24} {_fmt(report['estimate_error_median'], '.3f'):>10}"
        "   goal <= 0.10",
        f"{'decision_ms p50 / p99':<24} {_fmt(report['decision_ms_p50'], '.2f'):>10} / "
        f"{_fmt(report['decision_ms_p99'], '.2f')}",
        f"{'overhead_ms p50 / p99':<24} {_fmt(report['overhead_ms_p50'], '.2f'):>10} / "
        f"{_fmt(report['overhead_ms_p99'], '.2f')}   one-node graph p50 "
        f"{_fmt(report['reference_overhead_ms_p50'], '.2f')}",
        f"{'overhead_ratio':<24} {_fmt(report['overhead_ratio'], '.2f'):>10}   goal <= 2.0",
        f"{'parallel_speedup':<24} {speedup or '-'}   goal >= 0.9 N "
        f"(latency {report['parallel_latency_s']} s per call)",
        f"{'invented answers':<24} {report['invented_answers']:>10}   fallbacks "
        f"{report['fallbacks']}; answer splits exact {report['answer_splits']['exact']}, "
        f"approximate {report['answer_splits']['approximate']}",
    ]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workload", nargs="+", required=True, type=Path, help="workload JSON Lines files"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the report as JSON here")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the ledgers and checkpoints here (default: a temporary folder)",
    )
    parser.add_argument(
        "--no-speedup", action="store_true", help="skip the parallel-speedup measurement"
    )
    parser.add_argument("--main-model", default=DEFAULT_MAIN_MODEL, help="priced as this model")
    parser.add_argument("--worker-model", default=DEFAULT_WORKER_MODEL, help="the cheap model")
    parser.add_argument(
        "--config", type=Path, default=None, help="an OrchestratorConfig as a JSON file"
    )


def run(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    def bench(workdir: Path) -> dict[str, Any]:
        settings = BenchSettings(args.main_model, args.worker_model, load_config(args.config))
        return run_bench(
            args.workload, workdir=workdir, speedup=not args.no_speedup, settings=settings
        )

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if any(args.workdir.glob("*.sqlite")):
            raise SystemExit(f"{args.workdir} already holds bench files: give an empty folder")
        report = bench(args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="orchestrator-bench-") as tmp:
            report = bench(Path(tmp))
    out(format_table(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
        out(f"\nJSON report: {args.json}")
    return 0
