"""Ledger tables in a SQLite file: one connection behind a lock, ``BEGIN IMMEDIATE`` writes.

The file is opened by ``database.open_sqlite`` (WAL journal, a 30 s busy
timeout), so several processes may share it; SQLite has one writer at a time,
so a writing transaction is serialised with every other whatever its locks.
Rows are written with sqlite-utils.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orchestrator_graph.accounting.ledger.rows import TableSet
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.storage import database


class SqliteTransaction:
    """Statements on the connection inside one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._db = database.rows_db(conn)

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return list(self._db.query(sql, list(args)))

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        return self._conn.execute(sql, list(args)).rowcount

    def upsert(self, table: str, rows: Sequence[dict[str, Any]], pk: tuple[str, ...]) -> None:
        if rows:
            self._db.table(table).upsert_all(rows, pk=pk if len(pk) > 1 else pk[0])

    def notify(self, channel: str, payload: str) -> None:
        """Nothing to send: another connection's watch sees that the file changed."""


class SqliteWatch:
    """Whether another connection wrote to the file (``PRAGMA data_version`` of this one)."""

    def __init__(self, rows: SqliteRows) -> None:
        self._rows = rows
        self._version = self._read()

    def _read(self) -> int:
        with self._rows._lock:
            return int(self._rows._conn.execute("PRAGMA data_version").fetchone()[0])

    def changes(self) -> list[str] | None:
        """``[]`` while no other connection has committed, else None (what is unknown)."""
        version = self._read()
        if version == self._version:
            return []
        self._version = version
        return None

    def close(self) -> None:
        """Nothing of its own to close: it reads the rows' connection."""


class SqliteRows:
    """The tables ``tables`` in the SQLite file ``path`` (``None``: in memory)."""

    row_order = "rowid"

    def __init__(
        self, path: str | Path | None, tables: TableSet, *, read_only: bool = False
    ) -> None:
        self.path = Path(path) if path is not None else Path(":memory:")
        self.location = str(self.path)
        self._set = tables
        self._tables, self._purpose = tables.tables, tables.purpose
        purpose = tables.purpose
        self._lock = threading.Lock()

        if read_only:
            self._conn = self._open_read_only()
            return

        def file_error(path: Path, exc: sqlite3.DatabaseError) -> LedgerError:
            return LedgerError.unusable(path, purpose, exc, tables.setting)

        self._conn = database.open_sqlite(path, file_error=file_error, check=self._check)
        try:
            # WAL + NORMAL: no fsync per write; a power cut may lose the last rows, never
            # corrupt the file (the checkpointer, not the ledger, is what resumes a thread)
            self._conn.execute("PRAGMA synchronous = NORMAL")
            with self.transaction():
                self._ensure_tables(self._conn, create=True)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            database.raise_mapped(self.path, exc, file_error)
        except BaseException:
            self._conn.close()
            raise

    def _open_read_only(self) -> sqlite3.Connection:
        """The existing file, read-only, refused unless it holds every one of the tables."""
        if self.path.is_dir() or not self.path.exists():
            what = "a directory" if self.path.is_dir() else "not there"
            raise LedgerError(f"{self.path} is {what}: it cannot {self._purpose}")

        def file_error(path: Path, exc: sqlite3.DatabaseError) -> LedgerError:
            return LedgerError(f"{path} cannot {self._purpose}: {exc}")

        tables = database.tables_in(self.path, file_error=file_error)
        if missing := [name for name in self._tables if name not in tables]:
            raise LedgerError(
                f"{self.path} is {database.kind_of(tables)}, with no {', '.join(missing)} "
                f"tables: it cannot {self._purpose}. It was left as it is."
            )
        conn = database.open_read_only(self.path, file_error=file_error)
        try:
            self._check(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            database.raise_mapped(self.path, exc, file_error)
        except BaseException:
            conn.close()
            raise
        return conn

    def _check(self, conn: sqlite3.Connection) -> None:
        """Refuse a file whose tables are not these before WAL rewrites its header."""
        with database.transaction(conn, "DEFERRED"):
            self._ensure_tables(conn, create=False)

    def _ensure_tables(self, conn: sqlite3.Connection, *, create: bool) -> None:
        db = database.rows_db(conn)
        for name, (columns, pk) in self._tables.items():
            table = db.table(name)
            if not table.exists():
                if create:
                    table.create(columns, pk=pk if len(pk) > 1 else pk[0], not_null=set(pk))
                continue
            missing = sorted(set(columns) - set(table.columns_dict))
            added_later = self._set.added_later
            if create:
                for column in [c for c in missing if c in added_later]:
                    table.add_column(column, columns[column], not_null_default=added_later[column])
            missing = [c for c in missing if c not in added_later]
            if missing or tuple(table.pks) != pk:
                raise LedgerError(
                    f"{self.path} has a table {name!r} that cannot {self._purpose} "
                    f"(missing columns {missing}, primary key {table.pks}, expected {list(pk)}). "
                    f"It was left as it is: move it away (mv {self.path} {self.path}.bak) "
                    f"or set {self._set.setting} to another file."
                )
        if create:
            for name in self._tables:
                for index in self._set.indexes.get(name, ()):
                    db.table(name).create_index(list(index), if_not_exists=True)

    @contextmanager
    def transaction(
        self, *, write: bool = True, locks: Sequence[str] = ()
    ) -> Iterator[SqliteTransaction]:
        """One short transaction under the connection's lock; a writing one takes the
        file's write lock up front (``BEGIN IMMEDIATE``), which covers any ``locks``."""
        with self._lock, database.transaction(self._conn, "IMMEDIATE" if write else "DEFERRED"):
            yield SqliteTransaction(self._conn)

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """One statement under the connection's lock (a read transaction of its own)."""
        with self.transaction(write=False) as tx:
            return tx.query(sql, args)

    def watch(self, channel: str) -> SqliteWatch:
        """Whether another connection wrote (SQLite cannot say what: any ``channel``)."""
        return SqliteWatch(self)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()
