"""Where the ledger's rows live: a SQLite file (the default) or a Postgres database.

``Rows`` is what the ledger (``store.CostLedger``), the budget book
(``holds.BudgetBook``) and the answer cache (``cache.entries``) need from a
database: short transactions in which to query, execute and upsert (or one
statement alone, ``Rows.query``), and tables created from one declaration (the
ledger's in ``schema``). :func:`open_rows` picks the backend from the location: a
``postgresql://`` URL opens ``postgres_rows.PostgresRows``, anything else is a
SQLite file (``sqlite_rows.SqliteRows``).

SQL is written once, in the dialect both speak, with ``?`` placeholders; the
order rows were inserted in is ``Rows.row_order`` (SQLite's ``rowid``, a
``seq`` column in Postgres).

A holder that keeps rows in memory (the answer cache) learns what other
connections changed from a ``Watch``: SQLite's ``PRAGMA data_version`` says that
something changed; Postgres delivers what a writer named (``Transaction.notify``,
``LISTEN``/``NOTIFY``), read from the listening connection's socket without a
round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from orchestrator_graph.accounting.ledger import schema

Tables = Mapping[str, tuple[dict[str, type], tuple[str, ...]]]
Indexes = Mapping[str, Sequence[tuple[str, ...]]]  # per table, the columns of each index
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

    def notify(self, channel: str, payload: str) -> None:
        """Tell the watchers of ``channel`` on other connections ``payload`` when this
        transaction commits (Postgres; SQLite's watchers see that the file changed)."""
        ...


class Watch(Protocol):
    """What other connections (other ``Rows``, other processes) changed."""

    def changes(self) -> list[str] | None:
        """The payloads notified on the channel through other ``Rows`` since the last
        call, oldest first; None when what changed is not known (something may have):
        whoever keeps rows in memory reads them again."""
        ...

    def close(self) -> None: ...


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

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of one statement run on its own (in Postgres one round trip, where a
        transaction takes four)."""
        ...

    def watch(self, channel: str) -> Watch:
        """A watch on ``channel``, closed by whoever asked for it."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class TableSet:
    """What a backend creates and checks: the tables, what they are for (in error
    messages: "be opened as a cost ledger"), their indexes, the columns added later
    with their default."""

    tables: Tables
    purpose: str
    indexes: Indexes
    added_later: Mapping[str, Any]
    setting: str = "ledger_path"  # what names another SQLite file, in error messages


def is_postgres_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def open_rows(
    location: str | Path | None,
    tables: Tables,
    *,
    purpose: str,
    read_only: bool = False,
    indexes: Indexes | None = None,
    added_later: Mapping[str, Any] | None = None,
    setting: str = "ledger_path",
    connections: int | None = None,
) -> Rows:
    """The tables ``tables`` at ``location`` (created, and older ones given the
    columns added since); ``None`` or ``":memory:"`` is a private in-memory SQLite.
    ``indexes`` (default: the ledger's, ``schema.INDEXES``) are created with them;
    ``added_later`` are the columns an older table may lack, with the value its rows
    get (default: the ledger's ``schema.ADDED_LATER``, NULL). ``setting`` names what
    points at another SQLite file in error messages.
    ``read_only``: a SQLite file is opened to read (``mode=ro``) and must hold the
    tables already; nothing is created or changed (a Postgres database opens as usual).

    ``connections``: at most this many Postgres connections at once (default
    ``postgres_rows.POOL_SIZE``).

    ``purpose`` says what the tables are for in error messages ("be opened as a
    cost ledger"). Raises ``LedgerError`` when the location holds tables of the same
    names that are not these, or cannot be used.
    """
    table_set = TableSet(
        tables,
        purpose,
        schema.INDEXES if indexes is None else indexes,
        dict.fromkeys(schema.ADDED_LATER) if added_later is None else added_later,
        setting,
    )
    if location is not None and is_postgres_url(location):
        from orchestrator_graph.accounting.ledger.postgres_rows import PostgresRows

        return PostgresRows(str(location), table_set, connections=connections)
    from orchestrator_graph.accounting.ledger.sqlite_rows import SqliteRows

    return SqliteRows(location, table_set, read_only=read_only)
