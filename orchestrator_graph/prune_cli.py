"""``orchestrator-graph prune THREAD... [--db FILE]``: delete old checkpoints of threads
in a SQLite checkpoint file, keeping each thread resumable (``checkpoints.prune_sqlite``)."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from pathlib import Path

from orchestrator_graph.checkpoints import (
    default_checkpoint_path,
    prune_thread,
    sqlite_checkpointer,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("threads", nargs="+", metavar="THREAD", help="thread ids to prune")
    parser.add_argument(
        "--db", type=Path, default=None, help="checkpoint file (default: $ORCHESTRATOR_CHECKPOINTS "
        "or checkpoints/orchestrator.sqlite)",
    )  # fmt: skip
    parser.add_argument(
        "--keep", type=int, default=1, help="keep at least this many latest checkpoints"
    )
    parser.add_argument("--vacuum", action="store_true", help="give the freed space back")


def run(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    path = args.db or default_checkpoint_path()
    if not path.is_file():
        raise SystemExit(f"{path}: no checkpoint file there")
    before = path.stat().st_size
    with sqlite_checkpointer(path) as saver:
        for thread_id in args.threads:
            report = prune_thread(saver, thread_id, keep=args.keep)
            out(
                f"{thread_id}: kept {report.kept_checkpoints} checkpoints, deleted "
                f"{report.deleted_checkpoints} checkpoints and {report.deleted_writes} writes"
            )
    if args.vacuum:
        conn = sqlite3.connect(path)
        try:  # in WAL mode the vacuumed pages reach the file at the checkpoint
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        out(f"{path}: {before / 1e6:.1f} MB -> {path.stat().st_size / 1e6:.1f} MB")
    return 0
