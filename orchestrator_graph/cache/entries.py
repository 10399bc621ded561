"""Where the answer cache's entries are kept: a SQLite file, or a Postgres database.

One table, ``answer_cache``: per entry its scope (the tenant key the caller sets;
an entry is never seen from another scope), the hash of the standing instructions
it was answered under, the request and its embedding (float32 bytes), the answer,
its own threshold, the cost of the turn that produced it, when it expires, and why
it was withdrawn ("" while it serves: negative feedback withdraws an entry).

Kept through the ledger's ``Rows`` (``accounting.ledger.rows.open_rows``): a SQLite
file (WAL, busy timeout: several processes may share it) or, at a ``postgresql://``
URL, a table in the ledger's schema (``$ORCHESTRATOR_LEDGER_SCHEMA``) shared by
every process pointed at it. Each write names the entry it changed on a ``Watch``
channel, so that each process's entries in memory (``store.AnswerCache``) take in
what the others wrote: on Postgres the entries named (``NOTIFY``); on SQLite, whose
``PRAGMA data_version`` says only that the file changed, everything is read again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orchestrator_graph.accounting.ledger.rows import open_rows

TABLE = "answer_cache"
COLUMNS: dict[str, type] = {
    "entry_id": str,
    "scope": str,
    "context_key": str,
    "request": str,
    "request_key": str,
    "vector": bytes,
    "answer": str,
    "threshold": float,
    "model": str,
    "cost_usd": float,
    "created_at": float,
    "expires_at": float,
    "hits": int,
    "withdrawn": str,
}
ADDED_LATER = {"withdrawn": ""}  # columns newer than the first caches, with their default
INDEXES = {TABLE: (("scope", "context_key", "request_key"), ("expires_at",))}
CHANNEL = "answer_cache"  # the watch channel: each payload is an entry id
PURPOSE = "be opened as an answer cache"
CONNECTIONS = 2
"""Postgres connections of a holder's pool at most (and one more that listens): a
lookup reads the entries held in memory, and a turn writes at most one entry."""
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"


class Entries:
    """The ``answer_cache`` table at ``location`` (a SQLite file or a Postgres URL)."""

    def __init__(self, location: str | Path) -> None:
        self.rows = open_rows(
            location,
            {TABLE: (COLUMNS, ("entry_id",))},
            purpose=PURPOSE,
            indexes=INDEXES,
            added_later=ADDED_LATER,
            setting="CacheConfig.path",
            connections=CONNECTIONS,
        )
        self.location = self.rows.location
        try:
            self._watch = self.rows.watch(CHANNEL)
        except BaseException:
            self.rows.close()
            raise

    def changed(self) -> list[str] | None:
        """The ids of the entries other holders changed since the last call, or None
        when that is not known (any may have changed)."""
        return self._watch.changes()

    def unexpired(self, scope: str, now: float) -> list[dict[str, Any]]:
        """The scope's unexpired entries (withdrawn ones too), oldest first."""
        return self.rows.query(
            f"{_SELECT} WHERE scope = ? AND expires_at > ? ORDER BY {self.rows.row_order}",
            [scope, now],
        )

    def by_id(self, entry_ids: list[str]) -> list[dict[str, Any]]:
        """The entries of ``entry_ids`` that are still stored, oldest first."""
        if not entry_ids:
            return []
        marks = ", ".join("?" * len(entry_ids))
        return self.rows.query(
            f"{_SELECT} WHERE entry_id IN ({marks}) ORDER BY {self.rows.row_order}", entry_ids
        )

    def insert(self, row: dict[str, Any], now: float) -> None:
        """Add an entry; the expired ones are deleted."""
        with self.rows.transaction() as tx:
            tx.execute(f"DELETE FROM {TABLE} WHERE expires_at <= ?", [now])
            tx.upsert(TABLE, [row], ("entry_id",))
            tx.notify(CHANNEL, row["entry_id"])

    def update(self, entry_id: str, **values: Any) -> None:
        """Set the columns ``values`` of an entry."""
        names = ", ".join(f"{column} = ?" for column in values)
        with self.rows.transaction() as tx:
            tx.execute(
                f"UPDATE {TABLE} SET {names} WHERE entry_id = ?", [*values.values(), entry_id]
            )
            tx.notify(CHANNEL, entry_id)

    def count_hit(self, entry_id: str) -> None:
        """Count a hit of an entry (no one is told: a count changes no lookup)."""
        with self.rows.transaction() as tx:
            tx.execute(f"UPDATE {TABLE} SET hits = hits + 1 WHERE entry_id = ?", [entry_id])

    def all(self, scope: str | None) -> list[dict[str, Any]]:
        """The stored entries (live or not, of ``scope`` or all), oldest first."""
        where, args = (" WHERE scope = ?", [scope]) if scope is not None else ("", [])
        return self.rows.query(f"{_SELECT}{where} ORDER BY {self.rows.row_order}", args)

    def close(self) -> None:
        self._watch.close()
        self.rows.close()
