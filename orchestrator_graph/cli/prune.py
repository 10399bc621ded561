"""``orchestrator-graph prune THREAD... [--db FILE | --postgres URL] [--compact]``: delete
old checkpoints of threads, keeping each thread resumable (``prune.prune_thread``);
``--compact`` keeps one checkpoint per thread (``prune.compact_thread``, on the
orchestrator's graph: threads it wrote, as ``langgraph dev`` serves it).

A file without checkpoint tables (a cost ledger, an empty file) is refused before it
is opened for writing, and so is a thread with no checkpoint: nothing is changed."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from orchestrator_graph.cli import UsageError
from orchestrator_graph.cli.arguments import file_path, int_at_least
from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL
from orchestrator_graph.errors import CheckpointFileError
from orchestrator_graph.graph import OrchestratorGraph, create_orchestrator
from orchestrator_graph.storage import database
from orchestrator_graph.storage.checkpoints import (
    default_checkpoint_path,
    postgres_checkpointer,
    sqlite_checkpointer,
)
from orchestrator_graph.storage.prune import (
    PruneReport,
    compact_thread,
    prune_thread,
    vacuum_sqlite,
)
from orchestrator_graph.testing.simulated import SimulatedChatModel


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("threads", nargs="+", metavar="THREAD", help="thread ids to prune")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db", type=file_path, default=None, help="SQLite checkpoint file (default: "
        "$ORCHESTRATOR_CHECKPOINTS or checkpoints/orchestrator.sqlite)",
    )  # fmt: skip
    where.add_argument("--postgres", metavar="URL", help="a Postgres checkpoint database")
    parser.add_argument(
        "--keep",
        type=int_at_least(1),
        default=1,
        help="keep at least this many latest checkpoints (1 or more)",
    )
    parser.add_argument("--vacuum", action="store_true", help="SQLite: give the freed space back")
    parser.add_argument(
        "--compact",
        action="store_true",
        help="keep one checkpoint per thread, holding its latest state whole",
    )


def _orchestrator() -> OrchestratorGraph:
    """The orchestrator's graph, to read and write its threads' state: compacting calls
    no model, so simulated ones stand in."""
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL),
        worker_model=SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL),
    )


def _vacuum(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        vacuum_sqlite(conn)
    finally:
        conn.close()


def _describe(report: PruneReport) -> str:
    return (
        f"{report.thread_id}: kept {report.kept_checkpoints} checkpoints, deleted "
        f"{report.deleted_checkpoints} checkpoints and {report.deleted_writes} writes"
    )


def _require_checkpoints(path: Path) -> None:
    """Refuse ``path`` unless it is a SQLite file with checkpoint tables; read only."""
    if not path.is_file():
        raise UsageError(f"{path}: no checkpoint file there")

    def file_error(path: Path, exc: sqlite3.DatabaseError) -> CheckpointFileError:
        return CheckpointFileError(f"{path} cannot be pruned: {exc}")

    tables = database.tables_in(path, file_error=file_error)
    if not {"checkpoints", "writes"} <= tables:
        raise CheckpointFileError(
            f"{path} is {database.kind_of(tables)}, not a checkpoint file: nothing pruned, "
            "the file was left as it is"
        )


def _require_threads(saver: Any, threads: list[str], where: str) -> None:
    """Refuse the threads that have no checkpoint, before any is pruned."""
    unknown = [t for t in threads if saver.get_tuple({"configurable": {"thread_id": t}}) is None]
    if unknown:
        raise UsageError(
            f"{where} has no checkpoint of thread {', '.join(unknown)}: nothing pruned"
        )


def run(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    path = args.db or default_checkpoint_path()
    saver: AbstractContextManager[Any]
    if args.postgres:
        saver = postgres_checkpointer(args.postgres)
    else:
        _require_checkpoints(path)
        saver = sqlite_checkpointer(path)
    before = 0 if args.postgres else path.stat().st_size
    with saver as opened, _orchestrator() as builder:  # the builder closes what it opened
        _require_threads(opened, args.threads, "the database" if args.postgres else str(path))
        graph = builder.compile(checkpointer=opened) if args.compact else None
        for thread_id in args.threads:
            if graph is None:
                out(_describe(prune_thread(opened, thread_id, keep=args.keep)))
                continue
            try:
                out(_describe(compact_thread(graph, {"configurable": {"thread_id": thread_id}})))
            except ValueError as error:
                raise UsageError(f"{thread_id}: not compacted: {error}") from error
    if args.vacuum and not args.postgres:
        _vacuum(path)
        out(f"{path}: {before / 1e6:.1f} MB -> {path.stat().st_size / 1e6:.1f} MB")
    return 0
