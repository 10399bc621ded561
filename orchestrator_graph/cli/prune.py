"""``orchestrator-graph prune THREAD... [--db FILE] [--compact]``: delete old checkpoints
of threads where the state is (``ORCHESTRATOR_STATE``: a folder's SQLite file or a
Postgres database), or in the SQLite file ``--db``, keeping each thread resumable
(``prune.prune_thread``);
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
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.storage.location import state_location
from orchestrator_graph.storage.prune import (
    PruneReport,
    compact_thread,
    prune_thread,
    vacuum_sqlite,
)
from orchestrator_graph.testing.simulated import SimulatedChatModel


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("threads", nargs="+", metavar="THREAD", help="thread ids to prune")
    parser.add_argument(
        "--db", type=file_path, default=None, help="a SQLite checkpoint file (default: where "
        "$ORCHESTRATOR_STATE keeps them: its folder's orchestrator.sqlite, or its database)",
    )  # fmt: skip
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


def _open(args: argparse.Namespace) -> tuple[AbstractContextManager[Any], Path | None]:
    """The checkpointer to prune and its SQLite file (None: a Postgres database)."""
    path = args.db
    if path is None:
        location = state_location()
        if location.checkpoint_path is None:
            return location.checkpointer(), None
        path = location.checkpoint_path
    _require_checkpoints(path)
    return sqlite_checkpointer(path), path


def run(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    saver, path = _open(args)
    before = 0 if path is None else path.stat().st_size
    with saver as opened, _orchestrator() as builder:  # the builder closes what it opened
        _require_threads(opened, args.threads, "the database" if path is None else str(path))
        graph = builder.compile(checkpointer=opened) if args.compact else None
        for thread_id in args.threads:
            if graph is None:
                out(_describe(prune_thread(opened, thread_id, keep=args.keep)))
                continue
            try:
                out(_describe(compact_thread(graph, {"configurable": {"thread_id": thread_id}})))
            except ValueError as error:
                raise UsageError(f"{thread_id}: not compacted: {error}") from error
    if args.vacuum and path is not None:
        _vacuum(path)
        out(f"{path}: {before / 1e6:.1f} MB -> {path.stat().st_size / 1e6:.1f} MB")
    return 0
