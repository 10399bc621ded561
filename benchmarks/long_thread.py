"""One long thread through the orchestrator and a one-node ``MessagesState`` graph, side
by side on SQLite checkpoint files: storage, per-turn overhead and memory. The
one-node graph's saver uses LangGraph's own serializer (uncompressed), as a user has it.

The thread is the project's workloads joined into one thread (``joining``), its
recorded answers replayed by the simulated models. Each turn runs in both graphs,
one after the other, so both see the same machine load. Printed at the marks
(default turns 10, 100, 400, 800), per graph:

- ``file_MB``: the checkpoint file (with its WAL), ``x_text``: that over the
  transcript's text bytes (UTF-8 of every message) — goal <= 3; ``x_stored``: over
  the transcript serialized once as a checkpoint holds it (ids, metadata, usage);
- ``ckpts``: checkpoints stored for the thread so far, ``blob_MB``/``writes_MB``:
  bytes in the ``checkpoints`` and ``writes`` tables;
- ``overhead_ms``: the median over the 9 turns up to the mark of wall time minus
  model time (goal: turn 800 <= 1.5x turn 10; orchestrator <= 2x the one-node graph),
  ``min_ms`` their minimum; ``cpu_ms`` the median CPU time of the process per turn
  (graph and simulated models together: the figure least moved by other jobs);
- ``rss_MB``: the process's resident memory (both graphs but with ``--only``; goal:
  flat); ``trim_MB``: the same after ``gc.collect()`` and ``malloc_trim`` (what is
  really held);
  ``sqlite_MB``: SQLite's own heap in the process (page caches, prepared statements).

    .venv/bin/python benchmarks/long_thread.py [--turns 800] [--marks 10,100,400,800]

``--only orchestrator`` (or ``one-node``) runs one graph alone, so the memory columns
are that graph's own. ``--trace-memory`` adds ``py_MB``, the Python objects alive
(``tracemalloc``: a few times slower, and the RSS columns then count its own
bookkeeping), and prints the allocations that grew most between the last two marks,
by traceback: what to look at when memory is not flat.

``--compact-every N`` compacts the orchestrator's thread every N turns
(``prune.compact_thread``: its latest state in one checkpoint, the file vacuumed),
outside the timed turns; the time it takes is printed at the end. The marks then
show the file under that retention policy: no history before the last compaction.

``--compact-setting N`` sets ``StorageConfig(compact_every=N)`` instead: the graph
compacts the thread itself at the start of every Nth turn (no vacuum: SQLite reuses
the freed pages), inside the timed turn; the time of the turns that compacted is
printed at the end.

``--snapshot-every`` sets the transcript's snapshot frequency.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from langchain_core.messages import AnyMessage, BaseMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import Durability
from typing_extensions import TypedDict

from orchestrator_graph import OrchestratorConfig, StorageConfig, create_orchestrator
from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.transcript import TRANSCRIPT
from orchestrator_graph.lab.joining import join_sessions
from orchestrator_graph.lab.replay import recorded_answers
from orchestrator_graph.lab.workloads import Session, read_workloads
from orchestrator_graph.state import ModelCall, serializer
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.storage.prune import compact_thread
from orchestrator_graph.testing.simulated import SimulatedChatModel

WORKLOADS = Path(__file__).resolve().parent / "workloads"
SOURCES = ["analysis", "assistants", "coding", "documents", "mixed"]
WINDOW = 9
SERDE = JsonPlusSerializer()


@dataclass
class Track:
    """What one graph measured so far."""

    name: str
    path: Path
    overhead_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    messages: list[BaseMessage] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[tracemalloc.Snapshot] = field(default_factory=list)
    compact_ms: list[float] = field(default_factory=list)  # each compaction's time


def long_thread(turns: int, seed: int) -> Session:
    """The project's own workloads joined into one thread of at least ``turns`` turns."""
    sessions = read_workloads(WORKLOADS / f"{name}.jsonl" for name in SOURCES)
    [thread] = join_sessions(sessions, seed=seed, threads=1, min_turns=turns, min_tokens=0)
    return thread


def rss_mb() -> float:
    """The process's resident memory now (not its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def trimmed_rss_mb() -> float:
    """Resident memory after a collection and glibc's ``malloc_trim``: what the process
    still holds, without the freed pages the allocator keeps for reuse."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: RSS as it is
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mb()


def sqlite_mb() -> float:
    """What SQLite holds in the process (``sqlite3_memory_used``; 0 where its library
    cannot be opened by name)."""
    with contextlib.suppress(OSError, AttributeError):
        used = ctypes.CDLL("libsqlite3.so.0").sqlite3_memory_used
        used.restype = ctypes.c_int64
        return float(used()) / 1e6
    return 0.0


def transcript_bytes(messages: list[BaseMessage]) -> tuple[int, int]:
    """The transcript's text (UTF-8) and the transcript stored once, as the checkpoint
    serializer writes it (ids, metadata and usage included)."""
    text = sum(len(message_text(m).encode()) for m in messages)
    return text, len(SERDE.dumps_typed(messages)[1])


class DeltaMessagesState(TypedDict):
    """``MessagesState`` with the orchestrator's transcript channel."""

    messages: Annotated[list[AnyMessage], TRANSCRIPT]


def plain_graph(
    model: SimulatedChatModel, saver: Any, timer: list[float], *, delta: bool = False
) -> Any:
    """The one-node ``MessagesState`` graph: the model on the whole transcript."""

    def answer(state: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        reply = model.invoke(state["messages"])
        timer.append((time.perf_counter() - started) * 1000)
        return {"messages": [reply]}

    builder = StateGraph(DeltaMessagesState if delta else MessagesState)
    builder.add_node("answer", answer)
    builder.add_edge(START, "answer")
    return builder.compile(checkpointer=saver)


def model_ms(calls: list[ModelCall]) -> float:
    """Model time of a turn as ``record`` counts it: parallel workers overlap."""
    workers = [c.latency_ms for c in calls if c.node == "spawn_subgraph"]
    return max(workers, default=0.0) + sum(
        c.latency_ms for c in calls if c.node != "spawn_subgraph"
    )


def storage(path: Path, thread_id: str) -> dict[str, float]:
    """File bytes (database and WAL) and what the thread's rows hold."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL's pages into the file
        size = sum(f.stat().st_size for f in (path, Path(f"{path}-wal")) if f.exists())
        count, blobs = conn.execute(
            "SELECT count(*), coalesce(sum(length(checkpoint)), 0) FROM checkpoints "
            "WHERE thread_id = ?",
            (thread_id,),
        ).fetchone()
        (writes,) = conn.execute(
            "SELECT coalesce(sum(length(value)), 0) FROM writes WHERE thread_id = ?",
            (thread_id,),
        ).fetchone()
    return {"file": size, "ckpts": count, "blobs": blobs, "writes": writes}


def mark(track: Track, turn: int, thread_id: str) -> None:
    stored = storage(track.path, thread_id)
    text, serialized = transcript_bytes(track.messages)
    track.rows.append(
        {
            "turn": turn,
            "file_MB": stored["file"] / 1e6,
            "text_KB": text / 1e3,
            "x_text": stored["file"] / max(1, text),
            "x_stored": stored["file"] / max(1, serialized),
            "ckpts": stored["ckpts"],
            "blob_MB": stored["blobs"] / 1e6,
            "writes_MB": stored["writes"] / 1e6,
            "overhead_ms": statistics.median(track.overhead_ms[-WINDOW:]),
            "min_ms": min(track.overhead_ms[-WINDOW:]),
            "cpu_ms": statistics.median(track.cpu_ms[-WINDOW:]),
            "rss_MB": rss_mb(),
            "trim_MB": trimmed_rss_mb(),
            "sqlite_MB": sqlite_mb(),
        }
    )
    if tracemalloc.is_tracing():
        track.rows[-1]["py_MB"] = tracemalloc.get_traced_memory()[0] / 1e6
        track.snapshots.append(tracemalloc.take_snapshot())


def print_growth(track: Track, top: int = 12) -> None:
    """The allocations that grew most between the last two marks, by traceback."""
    if len(track.snapshots) < 2:
        return
    first, last = track.rows[-2]["turn"], track.rows[-1]["turn"]
    print(f"\n{track.name}: Python allocations grown from turn {first} to {last}")
    for stat in track.snapshots[-1].compare_to(track.snapshots[-2], "traceback")[:top]:
        print(f"{stat.size_diff / 1e6:+8.2f} MB {stat.count_diff:+8d} blocks")
        for line in stat.traceback.format(limit=4):
            print(f"    {line}")


def print_table(track: Track) -> None:
    print(f"\n{track.name}")
    keys = list(track.rows[0])
    print("  ".join(f"{k:>11}" for k in keys))
    for row in track.rows:
        print(
            "  ".join(f"{v:>11.2f}" if isinstance(v, float) else f"{v:>11}" for v in row.values())
        )
    first, last = track.rows[0], track.rows[-1]
    ratio = last["overhead_ms"] / max(first["overhead_ms"], 1e-9)
    low = last["min_ms"] / max(first["min_ms"], 1e-9)
    cpu = last["cpu_ms"] / max(first["cpu_ms"], 1e-9)
    print(
        f"  turn {last['turn']}: file {last['x_text']:.2f}x text (goal <= 3), "
        f"{last['x_stored']:.2f}x the stored transcript, overhead {ratio:.2f}x turn "
        f"{first['turn']}'s (goal <= 1.5; minimum {low:.2f}x, cpu {cpu:.2f}x), rss "
        f"{last['rss_MB'] - first['rss_MB']:+.0f} MB since turn {first['turn']} (trimmed "
        f"{last['trim_MB'] - first['trim_MB']:+.0f} MB)"
    )


def run(
    turns: int,
    marks: list[int],
    workdir: Path,
    seed: int,
    *,
    durability: Durability = "sync",
    plain_delta: bool = False,
    only: str | None = None,
    compact_every: int = 0,
    compact_setting: int | None = None,
) -> list[Track]:
    thread = long_thread(turns, seed)
    config = OrchestratorConfig(
        ledger_path=None, storage=StorageConfig(compact_every=compact_setting)
    )
    main = SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL)
    worker = SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL)
    plain_model = SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL)
    orch = Track(f"orchestrator (durability={durability})", workdir / "orch.sqlite")
    plain = Track(
        f"one-node MessagesState graph ({'delta transcript' if plain_delta else 'add_messages'})",
        workdir / "plain.sqlite",
    )
    tracks = [t for key, t in (("orchestrator", orch), ("one-node", plain)) if only in (None, key)]
    for track in tracks:
        track.name += "" if only is None else ", alone in the process"
    timer: list[float] = []
    config_of = {"configurable": {"thread_id": "long"}}
    builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    with (
        sqlite_checkpointer(orch.path) as orch_saver,
        sqlite_checkpointer(plain.path, serde=serializer()) as saver,  # as LangGraph stores
    ):
        graph = builder.compile(checkpointer=orch_saver)
        baseline = plain_graph(plain_model, saver, timer, delta=plain_delta)
        for index in range(turns):
            messages = thread.new_messages(index)
            answers, _ = recorded_answers(thread.turns[index], config.routing.max_parallel_workers)
            for model in (main, worker, plain_model):
                model.reset()  # the simulator's request log would grow with the thread
                model.answers.clear()
                model.answers.update(answers)
            if only != "one-node":
                started, cpu = time.perf_counter(), time.process_time()
                out = graph.invoke({"messages": messages}, config_of, durability=durability)
                wall = (time.perf_counter() - started) * 1000
                orch.cpu_ms.append((time.process_time() - cpu) * 1000)
                orch.overhead_ms.append(wall - model_ms(out.get("calls") or []))
                if compact_setting and index and index % compact_setting == 0:
                    orch.compact_ms.append(orch.overhead_ms[-1])  # the turn that compacted
                orch.messages = out["messages"]
                del out  # what a caller keeps between turns is its own
                if compact_every and (index + 1) % compact_every == 0:
                    started = time.perf_counter()
                    compact_thread(graph, config_of, vacuum=True)
                    orch.compact_ms.append((time.perf_counter() - started) * 1000)
            if only != "orchestrator":
                started, cpu = time.perf_counter(), time.process_time()
                result = baseline.invoke({"messages": messages}, config_of)
                wall = (time.perf_counter() - started) * 1000
                plain.cpu_ms.append((time.process_time() - cpu) * 1000)
                plain.overhead_ms.append(wall - timer.pop())
                plain.messages = result["messages"]
                del result
            if index + 1 in marks:
                for track in tracks:
                    mark(track, index + 1, "long")
                    print(f"turn {index + 1}: {track.name} {track.rows[-1]}", flush=True)
    return tracks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=800)
    parser.add_argument("--marks", default="10,100,400,800", help="turns to report at")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--dir", type=Path, default=None, help="keep the files here")
    parser.add_argument("--snapshot-every", type=int, default=None)
    parser.add_argument("--durability", default="sync", choices=["sync", "async", "exit"])
    parser.add_argument(
        "--plain-delta", action="store_true", help="the one-node graph on the delta transcript"
    )
    parser.add_argument("--only", choices=["orchestrator", "one-node"], help="one graph alone")
    parser.add_argument("--compact-every", type=int, default=0, help="compact every N turns")
    parser.add_argument(
        "--compact-setting", type=int, default=None, help="StorageConfig(compact_every=N)"
    )
    parser.add_argument("--trace-memory", action="store_true", help="tracemalloc at the marks")
    args = parser.parse_args()
    if args.trace_memory:
        tracemalloc.start(12)
    if args.snapshot_every:
        TRANSCRIPT.snapshot_frequency = args.snapshot_every
    print(f"transcript snapshot every {TRANSCRIPT.snapshot_frequency} writes")
    marks = sorted(m for m in map(int, args.marks.split(",")) if m <= args.turns)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.dir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        tracks = run(
            args.turns,
            marks,
            workdir,
            args.seed,
            durability=args.durability,
            plain_delta=args.plain_delta,
            only=args.only,
            compact_every=args.compact_every,
            compact_setting=args.compact_setting,
        )
    for track in tracks:
        print_table(track)
        print_growth(track)
        if track.compact_ms and args.compact_setting:
            print(
                f"  compacted by the graph every {args.compact_setting} turns: "
                f"{len(track.compact_ms)} times; those turns' overhead median "
                f"{statistics.median(track.compact_ms):.0f} ms, max {max(track.compact_ms):.0f} ms"
            )
        elif track.compact_ms:
            print(
                f"  compacted every {args.compact_every} turns: {len(track.compact_ms)} times, "
                f"median {statistics.median(track.compact_ms):.0f} ms, "
                f"max {max(track.compact_ms):.0f} ms"
            )
    if len(tracks) < 2:
        return
    last, base = tracks[0].rows[-1], tracks[1].rows[-1]
    ratio = last["overhead_ms"] / max(base["overhead_ms"], 1e-9)
    low = last["min_ms"] / max(base["min_ms"], 1e-9)
    cpu = last["cpu_ms"] / max(base["cpu_ms"], 1e-9)
    print(
        f"\norchestrator overhead at turn {last['turn']}: {ratio:.2f}x the one-node graph's "
        f"(goal <= 2; minimum {low:.2f}x, cpu {cpu:.2f}x)"
    )


if __name__ == "__main__":
    main()
