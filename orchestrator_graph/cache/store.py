"""The answer cache's entries in a SQLite file, and the lookup: exact, then semantic.

One table, ``answer_cache``: per entry its scope (the tenant key the caller sets;
an entry is never seen from another scope), the hash of the standing instructions
it was answered under, the request and its embedding (float32 bytes), the answer,
its own threshold, the cost of the turn that produced it, when it expires, and why
it was withdrawn ("" while it serves: negative feedback withdraws an entry).
Opened through ``database.open_sqlite`` (WAL, busy timeout), so several processes
may share the file. Each open cache keeps, per scope, the vectors as one numpy
matrix for a cosine search (``screen``: every entry above a floor, exactly); it
reloads them when another connection has written (``PRAGMA data_version``).
Whoever opens a cache closes it: a graph's is opened and closed by its
``resources.Resources``.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from orchestrator_graph.cache.bound import raised
from orchestrator_graph.cache.check import MatchCheck, read, shipped_check
from orchestrator_graph.cache.guards import mismatch
from orchestrator_graph.cache.screen import Screen
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.quality.embedding import DIMENSIONS
from orchestrator_graph.storage import database
from orchestrator_graph.storage.closing import Closing

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
WITHDRAW_BELOW = 0.5  # feedback scoring a cached answer under this withdraws its entry
NEAR = 0.75  # the least similarity at which an entry is a candidate (checked, or reported)
CANDIDATES = 8  # the most similar entries checked by the guards and the check, best first


def request_key(request: str) -> str:
    """The exact-match key: the request lowercased, whitespace and end punctuation folded."""
    folded = re.sub(r"\s+", " ", request.strip().lower()).rstrip(" .?!")
    return hashlib.sha256(folded.encode()).hexdigest()


@dataclass(frozen=True)
class Match:
    """The entry a request matched (a hit) or came nearest to without matching."""

    entry_id: str
    similarity: float  # the cosine of the two requests' embeddings
    threshold: float  # the match check's score threshold (1.0 for an exact match)
    score: float  # the match check's score (1.0 for an exact match)
    exact: bool
    answer: str
    cost_usd: float
    hit: bool


@dataclass
class _ScopeIndex:
    """One scope's live entries in memory: ids, requests, thresholds, expiry, vectors."""

    ids: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_key: dict[tuple[str, str], int] = field(default_factory=dict)
    screen: Screen = field(default_factory=lambda: Screen(DIMENSIONS))

    def add(self, row: dict[str, Any]) -> None:
        self.ids.append(row["entry_id"])
        self.rows.append(row)
        self.by_key[row["context_key"], row["request_key"]] = len(self.rows) - 1
        vector = row["vector"]
        self.screen.add(
            np.frombuffer(vector, dtype=np.float32)
            if vector
            else np.zeros(DIMENSIONS, dtype=np.float32)
        )

    def search(self, vector: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the entries at least ``floor`` similar, and their cosines."""
        return self.screen.at_least(vector, floor)


def _cache_error(path: Path, exc: sqlite3.DatabaseError) -> LedgerError:
    return LedgerError(
        f"{path} cannot be opened as an answer cache: {exc}. It was left as it is: "
        "move it away or set CacheConfig.path to another file."
    )


class AnswerCache(Closing):
    """Earlier answers in the SQLite file ``path``, looked up per scope.

    Example:
        >>> cache = AnswerCache(tmp / "answer_cache.sqlite")  # doctest: +SKIP
        >>> cache.store("user-42", "", "Capital of Peru?", vector, "Lima.", ttl_s=3600)
        >>> cache.lookup("user-42", "", "capital of peru", vector, threshold=0.5).hit
        True
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._loading = threading.Lock()  # one thread loads a scope's index at a time
        self._conn = database.open_sqlite(path, file_error=_cache_error)
        self.db = database.rows_db(self._conn)
        self._indexes: dict[str, _ScopeIndex] = {}
        with self._transaction():
            table = self.db.table(TABLE)
            if not table.exists():
                table.create(COLUMNS, pk="entry_id", not_null={"entry_id", "scope"})
            for column, default in ADDED_LATER.items():
                if column not in table.columns_dict:
                    table.add_column(column, COLUMNS[column], not_null_default=default)
            missing = sorted(set(COLUMNS) - set(table.columns_dict))
            if missing:
                raise _cache_error(self.path, sqlite3.DatabaseError(f"no columns {missing}"))
            table.create_index(["scope", "context_key", "request_key"], if_not_exists=True)
        self._version = self._data_version()

    @contextmanager
    def _transaction(self, mode: str = "IMMEDIATE") -> Iterator[None]:
        with self._lock, database.transaction(self._conn, mode):  # type: ignore[arg-type]
            yield

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _index(self, scope: str) -> _ScopeIndex:
        """The scope's entries in memory, reloaded when another connection wrote."""
        with self._loading:
            return self._load_index(scope)

    def _load_index(self, scope: str) -> _ScopeIndex:
        version = self._data_version()
        if version != self._version:
            self._indexes.clear()
            self._version = version
        index = self._indexes.get(scope)
        if index is None:
            index = _ScopeIndex()
            with self._transaction("DEFERRED"):
                rows = self.db.query(
                    f"SELECT * FROM {TABLE} WHERE scope = ? AND expires_at > ? AND withdrawn = ''"
                    " ORDER BY rowid",
                    [scope, time.time()],
                )
                for row in rows:
                    index.add(row)
            self._indexes[scope] = index
        return index

    def lookup(
        self,
        scope: str,
        context_key: str,
        request: str,
        vector: np.ndarray | None,
        *,
        threshold: float,
        now: float | None = None,
        check: MatchCheck | None = None,
    ) -> Match | None:
        """The entry that answers ``request`` in ``scope`` (under the same standing
        instructions): an exact match, else the most similar live entry that every
        guard accepts, whose similarity reaches its own threshold and whose pair with
        the request ``check`` (the shipped match check by default) scores at least
        ``threshold``. On a miss, the nearest guard-passing entry above ``NEAR``
        with ``hit=False``, or None."""
        now = time.time() if now is None else now
        index = self._index(scope)
        position = index.by_key.get((context_key, request_key(request)))
        if position is not None and index.rows[position]["expires_at"] > now:
            return _match(index.rows[position], 1.0, 1.0, 1.0, exact=True, hit=True)
        if vector is None or not index.rows:
            return None
        check = check or shipped_check()
        positions, similarities = index.search(vector, NEAR)
        best = np.argsort(-similarities)[:CANDIDATES]
        near: Match | None = None
        for position, similarity in zip(
            positions[best].tolist(), similarities[best].tolist(), strict=True
        ):
            row = index.rows[position]
            if row["expires_at"] <= now or row["context_key"] != context_key:
                continue
            if mismatch(request, row["request"]) is not None:
                continue
            score = check.score(request, row["request"], similarity)
            hit = similarity >= row["threshold"] and score >= threshold
            if hit:
                return _match(row, similarity, threshold, score, exact=False, hit=True)
            near = near or _match(row, similarity, threshold, score, exact=False, hit=False)
        return near

    def store(
        self,
        scope: str,
        context_key: str,
        request: str,
        vector: np.ndarray | None,
        answer: str,
        *,
        ttl_s: float,
        cost_usd: float = 0.0,
        model: str = "",
        threshold: float = 0.0,
        now: float | None = None,
    ) -> str:
        """Keep ``answer`` to ``request`` in ``scope`` for ``ttl_s`` seconds; ``vector``
        None keeps it for exact matches only. Returns the entry's id."""
        now = time.time() if now is None else now
        row = {
            "entry_id": uuid.uuid4().hex,
            "scope": scope,
            "context_key": context_key,
            "request": request,
            "request_key": request_key(request),
            "vector": b"" if vector is None else vector.astype(np.float32).tobytes(),
            "answer": answer,
            "threshold": 1.0 if vector is None else threshold,
            "model": model,
            "cost_usd": cost_usd,
            "created_at": now,
            "expires_at": now + ttl_s,
            "hits": 0,
            "withdrawn": "",
        }
        index = self._index(scope)  # loaded before the write, which it then adds
        with self._transaction():
            self._conn.execute(f"DELETE FROM {TABLE} WHERE expires_at <= ?", [now])
            self.db.table(TABLE).insert(row)
        index.add(row)
        if vector is not None:
            read(request)  # its words, read now rather than by the lookup that meets it
        return str(row["entry_id"])

    def count_hit(self, entry_id: str) -> None:
        """Count a hit of an entry."""
        with self._transaction():
            self._conn.execute(f"UPDATE {TABLE} SET hits = hits + 1 WHERE entry_id = ?", [entry_id])

    def raise_threshold(self, scope: str, entry_id: str, neighbour_similarity: float) -> float:
        """A request at ``neighbour_similarity`` proved to ask something else: the entry's
        own threshold rises above it (``bound.raised``). Returns the new threshold."""
        index = self._index(scope)
        row = index.rows[index.ids.index(entry_id)]
        row["threshold"] = raised(row["threshold"], neighbour_similarity)
        with self._transaction():
            self._conn.execute(
                f"UPDATE {TABLE} SET threshold = ? WHERE entry_id = ?", [row["threshold"], entry_id]
            )
        return float(row["threshold"])

    def withdraw(self, entry_id: str, reason: str) -> None:
        """Stop serving an entry (e.g. its answer got negative feedback); ``reason`` is
        kept and told by ``withdrawal`` to the next turn asking the same."""
        with self._transaction():
            self._conn.execute(
                f"UPDATE {TABLE} SET withdrawn = ? WHERE entry_id = ?", [reason, entry_id]
            )
        with self._loading:
            self._indexes.clear()  # this connection's write: reload (others see data_version)

    def withdrawal(
        self, scope: str, context_key: str, request: str, now: float | None = None
    ) -> tuple[str, str] | None:
        """The id and reason of the latest unexpired entry withdrawn that asked exactly
        ``request`` in ``scope``, or None."""
        with self._transaction("DEFERRED"):
            row = self._conn.execute(
                f"SELECT entry_id, withdrawn FROM {TABLE} WHERE scope = ? AND context_key = ?"
                " AND request_key = ? AND withdrawn != '' AND expires_at > ?"
                " ORDER BY rowid DESC LIMIT 1",
                [scope, context_key, request_key(request), time.time() if now is None else now],
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def answer(self, entry_id: str) -> str:
        """The answer of an entry ("" when it is gone)."""
        with self._transaction("DEFERRED"):
            row = self._conn.execute(
                f"SELECT answer FROM {TABLE} WHERE entry_id = ?", [entry_id]
            ).fetchone()
        return "" if row is None else str(row[0])

    def entries(self, scope: str | None = None) -> list[dict[str, Any]]:
        """The stored entries (live or not) as dicts, oldest first, without vectors."""
        where, args = (" WHERE scope = ?", [scope]) if scope is not None else ("", [])
        with self._transaction("DEFERRED"):
            rows = list(self.db.query(f"SELECT * FROM {TABLE}{where} ORDER BY rowid", args))
        return [{k: v for k, v in r.items() if k != "vector"} for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _match(
    row: dict[str, Any], similarity: float, threshold: float, score: float, **kind: bool
) -> Match:
    return Match(
        entry_id=row["entry_id"],
        similarity=similarity,
        threshold=threshold,
        score=score,
        answer=row["answer"],
        cost_usd=row["cost_usd"],
        **kind,
    )
