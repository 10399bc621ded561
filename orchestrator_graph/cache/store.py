"""The answer cache: earlier answers per scope, and the lookup: exact, then semantic.

The entries are kept by ``entries.Entries`` (a SQLite file, or the ledger's
Postgres database shared by several processes). Each open cache keeps, per scope,
the live entries in memory: their requests by exact key, and their vectors for a
cosine search (``screen``: every entry above a floor, exactly). A lookup reads
nothing from the database while no other process has written: before it, the
entries another process changed are taken in (on Postgres, those it named; on
SQLite, whose file only says that it changed, the scope is read again); a hit is
read again before it is served, so an entry withdrawn a moment ago elsewhere is
never served. Whoever opens a cache closes it: a graph's is opened and closed by
its ``resources.Resources``.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from orchestrator_graph.cache.bound import raised
from orchestrator_graph.cache.check import MatchCheck, read, shipped_check
from orchestrator_graph.cache.entries import Entries
from orchestrator_graph.cache.guards import mismatch
from orchestrator_graph.cache.screen import Screen
from orchestrator_graph.quality.embedding import DIMENSIONS
from orchestrator_graph.storage.closing import Closing

WITHDRAW_BELOW = 0.5  # feedback scoring a cached answer under this withdraws its entry
NEAR = 0.75  # the least similarity at which an entry is a candidate (checked, or reported)
CANDIDATES = 8  # the most similar entries checked by the guards and the check, best first
Key = tuple[str, str]  # (context_key, request_key)


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
    request: str  # the entry's request
    answer: str
    cost_usd: float
    hit: bool


@dataclass
class _ScopeIndex:
    """One scope's unexpired entries in memory (withdrawn ones too, never served): the
    rows by position, the positions of the serving ones by exact key, their vectors,
    the latest withdrawn row by key."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    by_key: dict[Key, int] = field(default_factory=dict)
    withdrawn: dict[Key, dict[str, Any]] = field(default_factory=dict)
    screen: Screen = field(default_factory=lambda: Screen(DIMENSIONS))

    def take(self, row: dict[str, Any]) -> None:
        """An entry as it is stored now: added, or the copy in memory replaced."""
        key = row["context_key"], row["request_key"]
        position = self.positions.get(row["entry_id"])
        if position is not None:
            self.rows[position] = row
        else:
            position = self.positions[row["entry_id"]] = len(self.rows)
            self.rows.append(row)
            if not row["withdrawn"]:
                self.by_key[key] = position
            vector = row["vector"]
            self.screen.add(
                np.frombuffer(vector, dtype=np.float32)
                if vector
                else np.zeros(DIMENSIONS, dtype=np.float32)
            )
        if row["withdrawn"]:
            if self.by_key.get(key) == position:
                del self.by_key[key]
            latest = self.withdrawn.get(key)
            if latest is None or latest["created_at"] <= row["created_at"]:
                self.withdrawn[key] = row

    def search(self, vector: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the entries at least ``floor`` similar, and their cosines."""
        return self.screen.at_least(vector, floor)


def _serves(row: dict[str, Any], now: float) -> bool:
    return not row["withdrawn"] and row["expires_at"] > now


class AnswerCache(Closing):
    """Earlier answers at ``location`` (a SQLite file or a ``postgresql://`` URL),
    looked up per scope.

    Example:
        >>> cache = AnswerCache(tmp / "answer_cache.sqlite")  # doctest: +SKIP
        >>> cache.store("user-42", "", "Capital of Peru?", vector, "Lima.", ttl_s=3600)
        >>> cache.lookup("user-42", "", "capital of peru", vector, threshold=0.5).hit
        True
    """

    def __init__(self, location: str | Path) -> None:
        self._entries = Entries(location)
        self.location = self._entries.location  # the file, or the URL without its password
        self.rows = self._entries.rows
        self._memory = threading.Lock()  # the indexes: one thread reads or changes them
        self._indexes: dict[str, _ScopeIndex] = {}

    def _index(self, scope: str) -> _ScopeIndex:
        """The scope's entries in memory, with what other holders changed taken in."""
        with self._memory:
            changed = self._entries.changed()
            if changed is None:
                self._indexes.clear()
            elif changed and self._indexes:
                for row in self._entries.by_id(list(dict.fromkeys(changed))):
                    if (loaded := self._indexes.get(row["scope"])) is not None:
                        loaded.take(row)
            index = self._indexes.get(scope)
            if index is None:
                index = self._indexes[scope] = _ScopeIndex()
                for row in self._entries.unexpired(scope, time.time()):
                    index.take(row)
            return index

    def _still_serves(self, index: _ScopeIndex, row: dict[str, Any], now: float) -> bool:
        """Whether the entry of ``row`` serves as kept in memory, read again; what
        changed (withdrawn, threshold raised, deleted) is taken in."""
        stored = self._entries.by_id([row["entry_id"]])
        fresh = stored[0] if stored else {**row, "expires_at": 0.0}
        same = all(fresh[k] == row[k] for k in ("threshold", "withdrawn", "expires_at"))
        if not same:
            with self._memory:
                index.take(fresh)
        return same and _serves(fresh, now)

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
        with ``hit=False``, or None. A hit is read again from the database first."""
        now = time.time() if now is None else now
        index = self._index(scope)
        for _ in range(CANDIDATES + 1):  # each retry follows a change taken in
            match = self._search(index, context_key, request, vector, threshold, now, check)
            if match is None or not match.hit:
                return match
            if self._still_serves(index, index.rows[index.positions[match.entry_id]], now):
                return match
        return None

    def _search(
        self,
        index: _ScopeIndex,
        context_key: str,
        request: str,
        vector: np.ndarray | None,
        threshold: float,
        now: float,
        check: MatchCheck | None,
    ) -> Match | None:
        """``lookup`` in the entries in memory."""
        position = index.by_key.get((context_key, request_key(request)))
        if position is not None and _serves(index.rows[position], now):
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
            if not _serves(row, now) or row["context_key"] != context_key:
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
        index = self._index(scope)  # loaded before the write, which it then takes in
        self._entries.insert(row, now)
        with self._memory:
            index.take(row)
        if vector is not None:
            read(request)  # its words, read now rather than by the lookup that meets it
        return str(row["entry_id"])

    def count_hit(self, entry_id: str) -> None:
        """Count a hit of an entry."""
        self._entries.count_hit(entry_id)

    def raise_threshold(self, scope: str, entry_id: str, neighbour_similarity: float) -> float:
        """A request at ``neighbour_similarity`` proved to ask something else: the entry's
        own threshold rises above it (``bound.raised``). Returns the new threshold."""
        index = self._index(scope)
        position = index.positions.get(entry_id)
        if position is None:  # expired and deleted since it was found: nothing to raise
            return raised(0.0, neighbour_similarity)
        row = index.rows[position]
        threshold = raised(row["threshold"], neighbour_similarity)
        self._entries.update(entry_id, threshold=threshold)
        with self._memory:
            index.take({**row, "threshold": threshold})
        return float(threshold)

    def withdraw(self, entry_id: str, reason: str) -> None:
        """Stop serving an entry (e.g. its answer got negative feedback); ``reason`` is
        kept and told by ``withdrawal`` to the next turn asking the same."""
        self._entries.update(entry_id, withdrawn=reason)
        with self._memory:
            for index in self._indexes.values():
                if (position := index.positions.get(entry_id)) is not None:
                    index.take({**index.rows[position], "withdrawn": reason})

    def withdrawal(
        self, scope: str, context_key: str, request: str, now: float | None = None
    ) -> tuple[str, str] | None:
        """The id and reason of the latest unexpired entry withdrawn that asked exactly
        ``request`` in ``scope``, or None."""
        row = self._index(scope).withdrawn.get((context_key, request_key(request)))
        if row is None or row["expires_at"] <= (time.time() if now is None else now):
            return None
        return str(row["entry_id"]), str(row["withdrawn"])

    def answer(self, entry_id: str) -> str:
        """The answer of an entry ("" when it is gone)."""
        stored = self._entries.by_id([entry_id])
        return str(stored[0]["answer"]) if stored else ""

    def entries(self, scope: str | None = None) -> list[dict[str, Any]]:
        """The stored entries (live or not) as dicts, oldest first, without vectors."""
        return [{k: v for k, v in r.items() if k != "vector"} for r in self._entries.all(scope)]

    def close(self) -> None:
        self._entries.close()


def _match(
    row: dict[str, Any], similarity: float, threshold: float, score: float, **kind: bool
) -> Match:
    return Match(
        entry_id=row["entry_id"],
        similarity=similarity,
        threshold=threshold,
        score=score,
        request=row["request"],
        answer=row["answer"],
        cost_usd=row["cost_usd"],
        **kind,
    )
