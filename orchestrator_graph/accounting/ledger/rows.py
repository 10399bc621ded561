"""Where the ledger's rows live: a SQLite file (the default) or a Postgres database.

``Rows`` is what the ledger (``store.CostLedger``) and the budget book
(``holds.BudgetBook``) need from a database: short transactions in which to
query, execute and upsert, and tables created from the one declaration in
``schema``. :func:`open_rows` picks the backend from the location: a
``postgresql://`` URL opens ``postgres_rows.PostgresRows``, anything else is a
SQLite file (``sqlite_rows.SqliteRows``).

SQL is written once, in the dialect both speak, with ``?`` placeholders; the
order rows were inserted in is ``Rows.row_order`` (SQLite's ``rowid``, a
``seq`` column in Postgres).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

Tables = Mapping[str, tuple[dict[str, type], tuple[str, ...]]]
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Transaction(Protocol):
    """Statements inside one transaction of a ``Rows``."""

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of ``sql`` as dicts."""
        ...

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run ``sql``; the number of rows it changed."""
        ...

    def upsert(self, table: str, rows: Sequence[dict[str, Any]], pk: tuple[str, ...]) -> None:
        """Insert ``rows``, or update the columns they give where ``pk`` exists."""
        ...


class Rows(Protocol):
    """A database holding ledger tables, safe for several threads and processes."""

    location: str  # the file or the URL without its password, for messages
    row_order: str  # the column that orders rows as they were first inserted

    def transaction(
        self, *, write: bool = True, locks: Sequence[str] = ()
    ) -> AbstractContextManager[Transaction]:
        """One short transaction. A writing one is serialised with every other writer
        touching the same ``locks`` (keys such as ``"thread:abc"``): what it reads
        cannot change before it commits."""
        ...

    def close(self) -> None: ...


def is_postgres_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def open_rows(
    location: str | Path | None, tables: Tables, *, purpose: str, read_only: bool = False
) -> Rows:
    """The tables ``tables`` at ``location`` (created, and older ones given the
    columns added since); ``None`` or ``":memory:"`` is a private in-memory SQLite.
    ``read_only``: a SQLite file is opened to read (``mode=ro``) and must hold the
    tables already; nothing is created or changed (a Postgres database opens as usual).

    ``purpose`` says what the tables are for in error messages ("be opened as a
    cost ledger"). Raises ``LedgerError`` when the location holds tables of the same
    names that are not these, or cannot be used.
    """
    if location is not None and is_postgres_url(location):
        from orchestrator_graph.accounting.ledger.postgres_rows import PostgresRows

        return PostgresRows(str(location), tables, purpose=purpose)
    from orchestrator_graph.accounting.ledger.sqlite_rows import SqliteRows

    return SqliteRows(location, tables, purpose=purpose, read_only=read_only)
