"""Replaying workloads through the compiled graph on simulated models.

What the bench measures with: each session replayed twice (forced to the main
session, then orchestrated) on models that replay the recorded answers, the
answers split per subtask, context recall read from the models' request logs,
the overhead of a one-node reference graph and the speedup of parallel workers.
See ``orchestrator_graph.lab.bench`` for the figures it reports.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any, Literal

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, MessagesState, StateGraph
from tqdm import tqdm

from orchestrator_graph.config import (
    DEFAULT_MAIN_MODEL,
    DEFAULT_WORKER_MODEL,
    OrchestratorConfig,
    RoutingConfig,
    RunContext,
)
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.views import turns_of
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.lab.workloads import Session, Turn
from orchestrator_graph.quality.roles import answering_roles
from orchestrator_graph.routing.classify import split_subtasks
from orchestrator_graph.state import serializer
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel, SimulatedRequest

Role = Literal["strong", "weak"]
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
    source: str = ""
    roles: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """One mode's replay: per turn, the ledger's turn and what the models were sent."""

    turns: dict[tuple[str, str, int], dict[str, Any]] = field(default_factory=dict)
    transcripts: dict[tuple[str, str], list[BaseMessage]] = field(default_factory=dict)
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
    total, done = sum(map(len, pieces)), 0
    runs: list[str] = []
    current: list[str] = []
    for index, piece in enumerate(pieces):
        current.append(piece)
        done += len(piece)
        left_pieces, left_runs = len(pieces) - index - 1, parts - len(runs) - 1
        if left_runs and (done >= total * (len(runs) + 1) / parts or left_pieces == left_runs):
            runs.append("\n\n".join(current).strip())
            current = []
    runs.append("\n\n".join(current).strip())
    return runs, False


def role_answer(turn: Turn, role: Role) -> str | None:
    """The recorded answer of ``role`` (``answers[role]``), else the turn's ``answer``."""
    return (turn.answers or {}).get(role) or turn.answer


def recorded_answers(
    turn: Turn, max_workers: int, role: Role = "strong"
) -> tuple[dict[str, str], bool | None]:
    """The answers registered for a turn on the model of ``role``: that role's recorded
    answer under the turn's text, and the answer's parts under the briefs of its subtasks
    (each run of consecutive subtasks, as workers may group them). The flag: exact
    split, approximate, or None (no split)."""
    answer = role_answer(turn, role)
    if answer is None:
        return {}, None
    answers = {turn.user.strip(): answer}
    subtasks = split_subtasks(turn.user)
    if len(subtasks) < 2:
        return answers, None
    parts, exact = split_answer(answer, len(subtasks))
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
    progress: tqdm,
    latency_s: float = 0.0,
    settings: BenchSettings | None = None,
    context: RunContext | None = None,
) -> RunResult:
    """Replay every session in ``mode`` (``baseline`` or ``orchestrated``); ``context``
    is passed to every run (e.g. one answer-cache scope for all sessions)."""
    settings = settings or BenchSettings()
    ledger_path = workdir / f"ledger-{mode}.sqlite"
    config = settings.config.updated(
        {
            "ledger_path": ledger_path,
            "force_route": "main_session" if mode == "baseline" else None,
        }
    )
    main = SimulatedChatModel(model_name=settings.main_model, latency_s=latency_s)
    worker = SimulatedChatModel(model_name=settings.worker_model, latency_s=latency_s)
    graph_builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    result = RunResult()
    with graph_builder, sqlite_checkpointer(workdir / f"checkpoints-{mode}.sqlite") as saver:
        graph = graph_builder.compile(checkpointer=saver)
        ledger = graph_builder.resources.ledger()
        assert ledger is not None, "the replay keeps a ledger"
        for file, session in sessions:
            thread_id = f"{mode}:{file}:{session.id}"
            thread: RunnableConfig = {"configurable": {"thread_id": thread_id}}
            for model in (main, worker):
                model.reset()
                model.answers.clear()
            sent: list[list[SimulatedRequest]] = []
            walls: list[float] = []
            for index, turn in enumerate(session.turns):
                strong, exact = recorded_answers(
                    turn, config.routing.max_parallel_workers, "strong"
                )
                weak, _ = recorded_answers(turn, config.routing.max_parallel_workers, "weak")
                if exact is not None and mode == "orchestrated":
                    result.exact_splits += exact
                    result.approximate_splits += not exact
                main.answers.update(strong)  # the main model is the strong role
                worker.answers.update(weak)
                before = (len(main.requests), len(worker.requests))
                started = time.perf_counter()
                graph.invoke({"messages": session.new_messages(index)}, thread, context=context)
                walls.append((time.perf_counter() - started) * 1000)
                new_main, new_worker = main.requests[before[0] :], worker.requests[before[1] :]
                result.invented += sum(last_human(r) not in strong for r in new_main)
                result.invented += sum(last_human(r) not in weak for r in new_worker)
                sent.append([*new_main, *new_worker])
                progress.set_postfix_str(f"{mode} {session.id}", refresh=False)
                progress.update()
            transcript = graph.get_state(thread).values["messages"]
            result.transcripts[file, session.id] = transcript
            records = {r.turn: r for r in ledger.turns(thread_id)}
            _collect(result, (file, session), transcript, records, walls, sent, settings)
    return result


def _collect(
    result: RunResult,
    where: tuple[str, Session],
    transcript: list[BaseMessage],
    records: dict[int, Any],
    walls: list[float],
    sent: list[list[SimulatedRequest]],
    settings: BenchSettings,
) -> None:
    """Each turn of a replayed session from the ledger's record and the request logs."""
    file, session = where
    for index, turn in enumerate(session.turns):
        record = records[index]
        overhead = max(0.0, walls[index] - record.model_ms)
        result.overhead_ms.append(overhead)
        result.turns[file, session.id, index] = {
            "record": record,
            "cost_usd": sum(c.cost_usd for c in record.calls),
            "models": list(dict.fromkeys(c.model for c in record.calls)),
            "roles": answering_roles(record.calls, settings.main_model),
            "recall": context_recall(transcript, turn.depends_on, sent[index]),
            "overhead_ms": overhead,
        }


def reference_overheads(
    sessions: Sequence[tuple[str, Session]], *, workdir: Path, progress: tqdm
) -> list[float]:
    """Graph time minus model time per turn of a one-node ``MessagesState`` graph on the
    same SQLite saver with LangGraph's own serializer (no compression: the graph as a
    user has it without the orchestrator), on the same sessions and recorded answers."""
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
    plain = serializer()
    with sqlite_checkpointer(workdir / "checkpoints-reference.sqlite", serde=plain) as saver:
        graph = builder.compile(checkpointer=saver)
        for file, session in sessions:
            thread: RunnableConfig = {
                "configurable": {"thread_id": f"reference:{file}:{session.id}"}
            }
            model.reset()
            model.answers.clear()
            for index, turn in enumerate(session.turns):
                model.answers.update(recorded_answers(turn, 1, "strong")[0])
                model_ms.clear()
                started = time.perf_counter()
                graph.invoke({"messages": session.new_messages(index)}, thread)
                wall = (time.perf_counter() - started) * 1000
                overheads.append(max(0.0, wall - sum(model_ms)))
                progress.set_postfix_str(f"reference {session.id}", refresh=False)
                progress.update()
    return overheads


def parallel_speedups(
    *, workdir: Path, max_workers: int, latency_s: float = LATENCY_S
) -> dict[int, float]:
    """Per N (2..max_workers), the median over repeats of the fan-out's speedup:
    the sum of the N worker calls' times / the wall time from the first call's start
    to the last one's end, on models that take ``latency_s`` per call."""
    config = OrchestratorConfig(
        ledger_path=None,
        routing=RoutingConfig(force_route="parallel_workers", max_parallel_workers=max_workers),
    )
    main = SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL, latency_s=latency_s)
    worker = SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL, latency_s=latency_s)
    builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    speedups: dict[int, float] = {}
    with builder, sqlite_checkpointer(workdir / "checkpoints-parallel.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        for n in range(2, max_workers + 1):
            questions = [_QUESTIONS[i % len(_QUESTIONS)] for i in range(n)]
            request = "\n".join(f"{i + 1}. {q}" for i, q in enumerate(questions))
            runs = []
            for repeat in range(SPEEDUP_REPEATS):
                main.reset()
                worker.reset()
                thread: RunnableConfig = {"configurable": {"thread_id": f"parallel-{n}-{repeat}"}}
                graph.invoke({"messages": [HumanMessage(request)]}, thread)
                calls = [*main.requests, *worker.requests]
                if len(calls) < 2:
                    continue
                wall = max(c.ended for c in calls) - min(c.started for c in calls)
                runs.append(sum(c.ended - c.started for c in calls) / wall)
            if runs:
                speedups[n] = median(runs)
    return speedups
