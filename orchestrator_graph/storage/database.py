"""The one way this package opens a SQLite file: WAL journal, a busy timeout, errors mapped.

The cost ledger, the budget holds and the checkpointers
all open their files here, so every file gets the same settings: a write-ahead
log (readers never block the writer, several processes may share the file), a
30 s busy timeout (a writer waits for another instead of failing), and a file
that is not a usable database raised as the caller's own error
(``LedgerError``, ``CheckpointFileError``) with the file left as it is. A
database that is merely busy ("locked") is not the file's fault and is raised
unchanged. Rows are written with sqlite-utils (``Database.table(...).upsert_all``),
always inside :func:`transaction` (``BEGIN IMMEDIATE``): a write that starts as a
read inside sqlite-utils' own savepoint could not wait for another writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import sqlite_utils
from tenacity import retry, retry_if_exception, stop_after_delay, wait_random_exponential

BUSY_TIMEOUT_S = 30.0
PRAGMAS = (f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}", "PRAGMA journal_mode = WAL")

FileError = Callable[[Path, sqlite3.DatabaseError], Exception]


def in_memory(path: str | Path | None) -> bool:
    return path is None or str(path) == ":memory:"


def raise_mapped(path: Path, exc: sqlite3.DatabaseError, file_error: FileError) -> None:
    """Raise ``exc`` as ``file_error(path, exc)`` unless the database is only busy."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        raise exc
    raise file_error(path, exc) from exc


def open_sqlite(
    path: str | Path | None,
    *,
    file_error: FileError,
    autocommit: bool = True,
    check: Callable[[sqlite3.Connection], None] | None = None,
) -> sqlite3.Connection:
    """A connection to ``path`` (its folder created; ``None`` or ``":memory:"`` in memory).

    ``check(conn)`` runs before the WAL pragma (which rewrites the file header), so a
    file that is not what the caller expects is refused untouched. ``autocommit``
    leaves transactions to the caller (``BEGIN IMMEDIATE`` ... ``COMMIT``); without it
    Python's default transaction handling applies (what ``SqliteSaver`` expects).
    Usable from several threads (the caller serialises access).
    """
    target = Path(":memory:") if path is None or in_memory(path) else Path(path)
    if not in_memory(path):
        target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    if autocommit:  # no implicit BEGIN: what ``isolation_level=None`` passed to connect does
        conn.isolation_level = None
    try:
        conn.execute(PRAGMAS[0])
        if check is not None:
            check(conn)
        _switch_to_wal(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise_mapped(target, exc, file_error)
    except BaseException:
        conn.close()
        raise
    return conn


@retry(
    retry=retry_if_exception(lambda exc: "locked" in str(exc)),
    wait=wait_random_exponential(multiplier=0.005, max=0.2),
    stop=stop_after_delay(BUSY_TIMEOUT_S),
    reraise=True,
)
def _switch_to_wal(conn: sqlite3.Connection) -> None:
    """``PRAGMA journal_mode = WAL``, retried while another connection holds the file:
    SQLite does not apply its busy timeout to a journal-mode change, so connections
    opening a new file at once (parallel workers on the first turn) would fail."""
    conn.execute(PRAGMAS[1])


def rows_db(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """The sqlite-utils view of ``conn`` through which rows are written and read."""
    return sqlite_utils.Database(conn, execute_plugins=False)


@contextmanager
def transaction(
    conn: sqlite3.Connection, mode: Literal["IMMEDIATE", "DEFERRED"] = "IMMEDIATE"
) -> Iterator[None]:
    """One short transaction on an autocommit connection; IMMEDIATE takes the write lock
    up front (no deadlock upgrading a reader to a writer)."""
    conn.execute(f"BEGIN {mode}")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def open_read_only(
    path: Path, *, file_error: FileError, snapshot: bool = False
) -> sqlite3.Connection:
    """A connection that only reads the existing file ``path`` (SQLite ``mode=ro``):
    it creates no table and leaves the journal mode as it is; a WAL file gets its
    ``-wal`` and ``-shm`` companions, as with any reader. ``snapshot``: when no
    ``-wal`` file exists (no connection is open on the file), read it as immutable,
    which leaves no companion behind (for a quick look, not a long read). Raises
    ``file_error`` when ``path`` is not a SQLite database."""
    immutable = snapshot and not path.with_name(f"{path.name}-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.isolation_level = None
    try:
        conn.execute(PRAGMAS[0])
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()  # reads the header
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise_mapped(path, exc, file_error)
    return conn


def tables_in(path: Path, *, file_error: FileError) -> set[str]:
    """The names of the tables in the SQLite file ``path``, read without changing it."""
    conn = open_read_only(path, file_error=file_error, snapshot=True)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows}


def kind_of(tables: set[str]) -> str:
    """What a SQLite file holding ``tables`` is, for messages ("a checkpoint file")."""
    if not tables:
        return "an empty SQLite database"
    if {"checkpoints", "writes"} <= tables:
        return "a checkpoint file"
    if {"turns", "calls"} <= tables:
        return "a cost ledger"
    if "budget_holds" in tables:
        return "a budget book"
    return f"a SQLite database with the tables {', '.join(sorted(tables))}"
