"""One SQLite opener for the ledger, the budget holds and the checkpointers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from orchestrator_graph.accounting.budget import BudgetBook
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.errors import CheckpointFileError, LedgerError
from orchestrator_graph.storage import database
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]


def test_every_file_is_opened_in_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    ledger = CostLedger(tmp_path / "a" / "ledger.sqlite")
    book = BudgetBook(tmp_path / "b" / "holds.sqlite")
    for conn in (ledger.rows._conn, book.rows._conn):  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    with sqlite_checkpointer(tmp_path / "c" / "cp.sqlite") as saver:
        assert saver.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    for name in ("a/ledger.sqlite", "b/holds.sqlite", "c/cp.sqlite"):
        assert _journal_mode(tmp_path / name) == "wal"


@pytest.mark.parametrize(
    ("open_file", "error"),
    [
        (CostLedger, LedgerError),
        (BudgetBook, LedgerError),
        (lambda p: sqlite_checkpointer(p).__enter__(), CheckpointFileError),
    ],
)
def test_a_file_that_is_not_sqlite_is_a_typed_error_and_left_alone(
    tmp_path: Path, open_file: object, error: type[Exception]
) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"not a database, just notes " * 100)
    with pytest.raises(error, match=r"mv .*notes\.sqlite"):
        open_file(path)  # type: ignore[operator]
    assert path.read_bytes() == b"not a database, just notes " * 100


def test_a_busy_database_is_not_reported_as_a_bad_file(tmp_path: Path) -> None:
    busy = sqlite3.OperationalError("database is locked")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        database.raise_mapped(tmp_path / "x", busy, lambda p, e: LedgerError(str(e)))


def test_many_threads_opening_a_new_file_at_once_all_get_a_connection(tmp_path: Path) -> None:
    """Setting WAL on a new file does not wait on SQLite's busy timeout: the first
    turn's parallel workers each opened the ledger and one failed 'database is locked'."""
    import threading

    def error(path: Path, exc: sqlite3.DatabaseError) -> Exception:
        return RuntimeError(f"{path}: {exc}")

    failures: list[sqlite3.OperationalError] = []
    for attempt in range(200):  # a race: it showed in about 1 in 8 new files
        path = tmp_path / f"fresh-{attempt}.sqlite"
        start = threading.Barrier(4)

        def open_and_write(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                conn = database.open_sqlite(path, file_error=error)
                with database.transaction(conn):
                    conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
                    conn.execute("INSERT INTO t VALUES (1)")
                conn.close()
            except sqlite3.OperationalError as exc:
                failures.append(exc)

        threads = [threading.Thread(target=open_and_write) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
