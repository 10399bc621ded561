"""Ledger tables in a Postgres database, shared by every server that points at it.

The tables live in their own Postgres schema (``$ORCHESTRATOR_LEDGER_SCHEMA``, default
``orchestrator_ledger``: one per deployment sharing a database), apart from the
checkpointer's and the application's, and are created from the declaration in
``ledger.schema`` (``str`` is ``text``, ``int`` ``bigint``, ``float`` ``double
precision``, plus a ``seq`` column that orders rows as inserted). Connections
come from a ``psycopg_pool.ConnectionPool`` (the ``postgres`` extra). A writing
transaction takes a transaction-level advisory lock per key it names
(``locks``), in sorted order, so two budget reservations on one thread or one
tenant run one after the other in whichever processes they are made, and
reservations on unrelated keys run side by side. A ``PostgresWatch`` listens on a
connection of its own for what other holders notified (``Transaction.notify``).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from typing import Any

from orchestrator_graph.accounting.ledger.rows import TableSet
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.storage.checkpoints import redacted_url

LEDGER_SCHEMA = "orchestrator_ledger"
LEDGER_SCHEMA_ENV = "ORCHESTRATOR_LEDGER_SCHEMA"
POOL_SIZE = 8  # connections per ledger or book and process: parallel workers, threads
CONNECT_TIMEOUT_S = 10
_TYPES = {str: "text", int: "bigint", float: "double precision", bytes: "bytea"}
_EXTRA = "pip install 'orchestrator-graph[postgres]'"
_SENDER = " "  # between the sending holder's token and the payload of a notification


@cache
def _dialect(sql: str) -> str:
    """``sql`` with psycopg's ``%s`` placeholders for ``?`` (and ``%`` escaped)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _number(value: Any) -> Any:
    """A ``numeric`` (what ``sum`` of a ``bigint`` is) as the int or float SQLite gives."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def ledger_schema() -> str:
    """``$ORCHESTRATOR_LEDGER_SCHEMA`` if set, else ``LEDGER_SCHEMA``."""
    name = os.environ.get(LEDGER_SCHEMA_ENV) or LEDGER_SCHEMA
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise LedgerError(f"{LEDGER_SCHEMA_ENV}={name!r}: use lowercase letters, digits and _")
    return name


class PostgresTransaction:
    """Statements on one pooled connection inside one transaction."""

    def __init__(self, conn: Any, rows: PostgresRows) -> None:
        self._conn = conn
        self._rows = rows

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        rows = self._conn.execute(_dialect(sql), list(args)).fetchall()
        return [{k: _number(v) for k, v in row.items()} for row in rows]

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        return int(self._conn.execute(_dialect(sql), list(args)).rowcount)

    def upsert(self, table: str, rows: Sequence[dict[str, Any]], pk: tuple[str, ...]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c not in pk)
        names = ", ".join(f'"{c}"' for c in columns)
        sql = (
            f"INSERT INTO {table} ({names})"
            f" VALUES ({', '.join(['%s'] * len(columns))})"
            f" ON CONFLICT ({', '.join(pk)}) DO {f'UPDATE SET {updates}' if updates else 'NOTHING'}"
        )
        with self._conn.cursor() as cur:
            cur.executemany(sql, [[row[c] for c in columns] for row in rows])

    def notify(self, channel: str, payload: str) -> None:
        """``NOTIFY``, sent at commit, naming the rows that sent it (``PostgresWatch``)."""
        self._conn.execute(
            "SELECT pg_notify(%s, %s)",
            [self._rows.channel(channel), f"{self._rows.token}{_SENDER}{payload}"],
        )


class PostgresRows:
    """The tables ``tables`` in the Postgres database at ``url``."""

    row_order = "seq"

    def __init__(self, url: str, tables: TableSet, *, connections: int | None = None) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool
        except ImportError as exc:
            raise ImportError(f"A Postgres ledger needs the extra: {_EXTRA}") from exc
        self.location = redacted_url(url)
        self.schema = ledger_schema()
        self.token = uuid.uuid4().hex  # names this holder's notifications
        self._url = url
        self._purpose = purpose = tables.purpose
        kwargs: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}
        try:  # the first connection surfaces a wrong URL at once, with the server's reason
            with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, **kwargs) as conn:
                self._ensure_tables(conn, tables)
        except psycopg.OperationalError as exc:
            raise LedgerError(
                f"Postgres at {self.location} cannot {purpose}: {exc}. Check that the "
                "server runs and that the URL (OrchestratorConfig.ledger_url) is right."
            ) from exc
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=connections or POOL_SIZE,
            kwargs={**kwargs, "row_factory": dict_row},
            configure=self._use_schema,
            open=True,
            name=f"orchestrator-ledger {self.location}",
        )

    @property
    def max_connections(self) -> int:
        """The most connections its pool opens at once."""
        return int(self._pool.max_size)

    def _use_schema(self, conn: Any) -> None:
        """Each pooled connection reads and writes the ledger's schema."""
        conn.execute(f"SET search_path TO {self.schema}")

    def channel(self, name: str) -> str:
        """The ``NOTIFY`` channel of ``name`` in this schema (an identifier under 64 bytes)."""
        return "og_" + hashlib.sha256(f"{self.schema}/{name}".encode()).hexdigest()[:32]

    def _ensure_tables(self, conn: Any, tables: TableSet) -> None:
        """Create the schema and the tables, add the columns added since; one process
        at a time (an advisory lock), so servers starting together do not collide."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [self.schema])
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            for name, (columns, pk) in tables.tables.items():
                defined = ", ".join(
                    f'"{c}" {_TYPES[t]}{" NOT NULL" if c in pk else ""}' for c, t in columns.items()
                )
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.schema}.{name}"
                    f" (seq bigserial, {defined}, PRIMARY KEY ({', '.join(pk)}))"
                )
                present = {
                    row[0]
                    for row in conn.execute(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_schema = %s AND table_name = %s",
                        [self.schema, name],
                    )
                }
                missing = sorted(set(columns) - present)
                for column in [c for c in missing if c in tables.added_later]:
                    conn.execute(
                        f'ALTER TABLE {self.schema}.{name} ADD COLUMN "{column}"'
                        f" {_TYPES[columns[column]]}{_default(tables.added_later[column])}"
                    )
                if missing := [c for c in missing if c not in tables.added_later]:
                    raise LedgerError(
                        f"Postgres at {self.location} has a table {self.schema}.{name} that "
                        f"cannot {self._purpose} (missing columns {missing}). It was left as it "
                        "is: rename it or point ledger_url at another database."
                    )
                for index in tables.indexes.get(name, ()):
                    conn.execute(
                        f"CREATE INDEX IF NOT EXISTS {name}_{'_'.join(index)}"
                        f" ON {self.schema}.{name} ({', '.join(index)})"
                    )

    @contextmanager
    def transaction(
        self, *, write: bool = True, locks: Sequence[str] = ()
    ) -> Iterator[PostgresTransaction]:
        """One transaction on a pooled connection: a writing one first takes an advisory
        lock per key of ``locks``; a reading one sees one snapshot (repeatable read)."""
        with self._pool.connection() as conn, conn.transaction():
            if not write:
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for key in sorted(set(locks)):
                conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
            yield PostgresTransaction(conn, self)

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """One statement on a pooled connection, in its own implicit transaction."""
        with self._pool.connection() as conn:
            return PostgresTransaction(conn, self).query(sql, args)

    def watch(self, channel: str) -> PostgresWatch:
        """A connection of its own listening on ``channel``."""
        return PostgresWatch(self._url, self.channel(channel), self.token)

    def close(self) -> None:
        """Close the pool (idempotent)."""
        self._pool.close()


class PostgresWatch:
    """The notifications of other holders on one channel: a connection of its own that
    ``LISTEN``s; the server pushes each notification to its socket, so looking is a
    poll of the socket, not a round trip. A broken connection is opened again, and
    what changed meanwhile is unknown (None)."""

    def __init__(self, url: str, channel: str, token: str) -> None:
        self._url, self._channel, self._token = url, channel, token
        self._conn: Any = self._listen()

    def _listen(self) -> Any:
        import psycopg

        conn = psycopg.connect(
            self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, prepare_threshold=None
        )
        conn.execute(f'LISTEN "{self._channel}"')
        return conn

    def changes(self) -> list[str] | None:
        """The payloads other holders notified since the last call, or None after the
        connection broke (it is opened again here or on the next call)."""
        import psycopg

        try:
            if self._conn is None:
                self._conn = self._listen()
                return None
            # twice: a connection the server ended first yields its last message, and
            # only the next look at the socket finds it closed
            notes = [*self._conn.notifies(timeout=0.0), *self._conn.notifies(timeout=0.0)]
        except psycopg.Error:
            self.close()
            return None
        payloads = (note.payload.partition(_SENDER) for note in notes)
        return [payload for token, _, payload in payloads if token != self._token]

    def close(self) -> None:
        """Close the listening connection (idempotent)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def _default(value: Any) -> str:
    """The ``DEFAULT`` clause of a column added later (NULL when ``value`` is None)."""
    if value is None:
        return ""
    from psycopg import sql

    return f" NOT NULL DEFAULT {sql.Literal(value).as_string()}"
