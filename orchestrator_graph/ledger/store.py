"""The cost ledger: one row per turn and one per model call, in a SQLite file.

It also keeps each turn's classifier feature vector (numbers, no request text)
and feedback on turns (``record_feedback``: did the turn need earlier turns?),
which ``orchestrator-graph train --ledger`` learns from.

Safe for several threads (one connection behind a lock) and several processes
(``database.open_sqlite``: WAL journal, a 30 s busy timeout; short
``BEGIN IMMEDIATE`` transactions). Recording a turn is an upsert, so recording
it again after a crash and resume never double-counts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from orchestrator_graph import database
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.ledger.reports import LedgerReports, where_thread
from orchestrator_graph.ledger.schema import (
    ADDED_LATER,
    FEEDBACK_PK,
    JSON_COLUMNS,
    TABLES,
    TRIMS_PK,
    TURN_PK,
    UNANSWERED_PREFIXES,
    Feedback,
    TurnRecord,
)
from orchestrator_graph.state import ModelCall


def _ledger_error(path: Path, exc: sqlite3.DatabaseError) -> LedgerError:
    return LedgerError.unusable(path, "be opened as a cost ledger", exc)


class CostLedger(LedgerReports):
    """The cost ledger in the SQLite file ``path`` (created with its folder if missing).

    Example:
        >>> with CostLedger(tmp / "ledger.sqlite") as ledger:  # doctest: +SKIP
        ...     ledger.record_turn(record)
        ...     ledger.totals().savings
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.writes = 0  # turns recorded through this object (lets readers refresh caches)
        self._conn = database.open_sqlite(path, file_error=_ledger_error, check=self._check)
        self.db = database.rows_db(self._conn)
        try:
            # WAL + NORMAL: no fsync per turn; a power cut may lose the last turns, never
            # corrupt the file (the checkpointer, not the ledger, is what resumes a thread)
            self._conn.execute("PRAGMA synchronous = NORMAL")
            with self._transaction():
                self._ensure_schema(create=True)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            database.raise_mapped(self.path, exc, _ledger_error)
        except BaseException:
            self._conn.close()
            raise

    def _check(self, conn: sqlite3.Connection) -> None:
        """Refuse a file that is not a cost ledger before WAL rewrites its header."""
        self.db = database.rows_db(conn)
        with database.transaction(conn, "DEFERRED"):
            self._ensure_schema(create=False)

    def _ensure_schema(self, *, create: bool) -> None:
        for name, (columns, pk) in TABLES.items():
            table = self.db.table(name)
            if not table.exists():
                if create:
                    table.create(columns, pk=pk if len(pk) > 1 else pk[0], not_null=set(pk))
                continue
            missing = sorted(set(columns) - set(table.columns_dict))
            if create:
                for column in [c for c in missing if c in ADDED_LATER]:
                    table.add_column(column, columns[column])
            missing = [c for c in missing if c not in ADDED_LATER]
            if missing or tuple(table.pks) != pk:
                raise LedgerError(
                    f"{self.path} has a table {name!r} that is not a cost ledger's "
                    f"(missing columns {missing}, primary key {table.pks}, expected {list(pk)}). "
                    f"It was left as it is: move it away (mv {self.path} {self.path}.bak) "
                    "or set ledger_path to another file."
                )
        if create:
            self.db.table("calls").create_index(["thread_id", "turn"], if_not_exists=True)

    @contextmanager
    def _transaction(self, mode: Literal["IMMEDIATE", "DEFERRED"] = "IMMEDIATE") -> Iterator[None]:
        """One short transaction under the connection's lock."""
        with self._lock, database.transaction(self._conn, mode):
            yield

    def record_turn(self, record: TurnRecord) -> None:
        """Upsert the turn and its calls in one transaction; they replace the turn's calls
        (except attempts billed while their node raised: those stay on the bill)."""
        row = record.model_dump(mode="json", exclude={"calls"})
        for column in JSON_COLUMNS:
            row[column] = None if row[column] is None else json.dumps(row[column])
        calls = _call_rows(record.thread_id, record.turn, record.calls)
        kept = " AND ".join("status NOT LIKE ?" for _ in UNANSWERED_PREFIXES)
        with self._transaction():
            self.db.table("turns").upsert(row, pk=TURN_PK)
            self._conn.execute(
                f"DELETE FROM calls WHERE thread_id = ? AND turn = ? AND {kept}"
                " AND call_id NOT IN (SELECT value FROM json_each(?))",
                [
                    record.thread_id,
                    record.turn,
                    *(f"{p}%" for p in UNANSWERED_PREFIXES),
                    json.dumps([c["call_id"] for c in calls]),
                ],
            )
            self.db.table("calls").upsert_all(calls, pk="call_id")
        self.writes += 1

    def record_failed_calls(self, thread_id: str, turn: int, calls: Iterable[ModelCall]) -> None:
        """Keep the attempts of a call that gave up (its node raised, so no turn is
        recorded yet): the turn's record, once it completes, adds to them."""
        rows = _call_rows(thread_id, turn, calls)
        if rows:
            with self._transaction():
                self.db.table("calls").upsert_all(rows, pk="call_id")

    def record_trim(self, thread_id: str, turn: int, key: str, note: str) -> None:
        """Keep what the call ``key`` of a turn cut from its view to fit the window
        (``context.FittedView.note``); the turn's ``trimmed`` lists it."""
        row = {"thread_id": thread_id, "turn": turn, "key": key, "note": note}
        with self._transaction():
            self.db.table("trims").upsert(row, pk=TRIMS_PK)

    def turns(self, thread_id: str | None = None) -> list[TurnRecord]:
        """The recorded turns with their calls and trims, by thread and turn."""
        where, args = where_thread(thread_id)
        with self._transaction("DEFERRED"):
            rows = list(self.db.query(f"SELECT * FROM turns{where} ORDER BY thread_id, turn", args))
            call_rows = self._call_rows(thread_id)
            trim_rows = list(self.db.query(f"SELECT * FROM trims{where} ORDER BY rowid", args))
        calls: defaultdict[tuple[str, int], list[ModelCall]] = defaultdict(list)
        for c in call_rows:
            calls[c["thread_id"], c["turn"]].append(ModelCall.model_validate(c))
        trims: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
        for t in trim_rows:
            trims[t["thread_id"], t["turn"]].append(t["note"])
        records = []
        for r in rows:
            key = (r["thread_id"], r["turn"])
            decoded = {c: json.loads(r[c]) if r.get(c) else None for c in JSON_COLUMNS}
            decoded["trimmed"] = list(dict.fromkeys([*(decoded["trimmed"] or []), *trims[key]]))
            records.append(TurnRecord.model_validate({**r, **decoded, "calls": calls[key]}))
        return records

    def record_feedback(
        self,
        thread_id: str,
        turn: int,
        *,
        needed_earlier_turns: bool | None = None,
        quality: float | None = None,
        source: str = "user",
    ) -> bool:
        """Say whether turn ``turn`` of ``thread_id`` needed earlier turns and how good its
        answer was (0-1); one row per thread, turn and source (recording again replaces
        what it says, keeps what it does not). True when ``quality`` is new or changed."""
        if turn < 0 or not source:
            raise ValueError(f"feedback needs a turn >= 0 and a source, not {turn!r}, {source!r}")
        if needed_earlier_turns is None and quality is None:
            raise ValueError("feedback says nothing: give needed_earlier_turns or quality")
        if quality is not None and not 0 <= quality <= 1:
            raise ValueError(f"quality is a score from 0 to 1, not {quality!r}")
        row: dict[str, Any] = {
            "thread_id": thread_id,
            "turn": turn,
            "source": source,
            "recorded_at": time.time(),
        }
        if needed_earlier_turns is not None:
            row["needed_earlier_turns"] = int(bool(needed_earlier_turns))
        if quality is not None:
            row["quality"] = float(quality)
        with self._transaction():
            before = list(
                self.db.query(
                    "SELECT quality FROM feedback WHERE thread_id = ? AND turn = ? AND source = ?",
                    [thread_id, turn, source],
                )
            )
            self.db.table("feedback").upsert(row, pk=FEEDBACK_PK)
        return quality is not None and (not before or before[0]["quality"] != float(quality))

    def turn_record(self, thread_id: str, turn: int | None = None) -> TurnRecord | None:
        """Turn ``turn`` of ``thread_id`` as recorded (its last one when None), or None."""
        records = self.turns(thread_id)
        if turn is None:
            return records[-1] if records else None
        return next((r for r in records if r.turn == turn), None)

    def adaptive_state(self, key: str) -> dict[str, Any] | None:
        """The router's learned state under ``key`` (``adaptive``), None before any."""
        with self._transaction("DEFERRED"):
            rows = list(self.db.query("SELECT state FROM adaptive WHERE key = ?", [key]))
        return json.loads(rows[0]["state"]) if rows else None

    def update_adaptive(
        self, key: str, update: Callable[[dict[str, Any] | None], dict[str, Any]]
    ) -> dict[str, Any]:
        """Read, ``update`` and write the learned state under ``key`` in one transaction
        (several processes learning at once lose no update)."""
        with self._transaction():
            rows = list(self.db.query("SELECT state FROM adaptive WHERE key = ?", [key]))
            state = update(json.loads(rows[0]["state"]) if rows else None)
            row = {"key": key, "state": json.dumps(state), "updated_at": time.time()}
            self.db.table("adaptive").upsert(row, pk="key")
        return state

    def feedback(self, thread_id: str | None = None) -> list[Feedback]:
        """The feedback rows with their turns' stored feature vectors, oldest first."""
        where, args = where_thread(thread_id)
        sql = (
            "SELECT f.*, t.features, t.features_version FROM feedback f"
            " LEFT JOIN turns t ON t.thread_id = f.thread_id AND t.turn = f.turn"
            f"{where.replace('thread_id', 'f.thread_id')} ORDER BY f.recorded_at, f.rowid"
        )
        with self._transaction("DEFERRED"):
            rows = list(self.db.query(sql, args))
        return [
            Feedback.model_validate(
                {**r, "features": json.loads(r["features"]) if r["features"] else None}
            )
            for r in rows
        ]

    def calls(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """The recorded model calls as dicts (``ModelCall`` fields plus thread_id and turn)."""
        with self._transaction("DEFERRED"):
            return self._call_rows(thread_id)

    def _call_rows(self, thread_id: str | None) -> list[dict[str, Any]]:
        where, args = where_thread(thread_id)
        sql = f"SELECT * FROM calls{where} ORDER BY thread_id, turn, rowid"
        return list(self.db.query(sql, args))

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _call_rows(thread_id: str, turn: int, calls: Iterable[ModelCall]) -> list[dict[str, Any]]:
    return [{**c.model_dump(mode="json"), "thread_id": thread_id, "turn": turn} for c in calls]


@cache
def ledger_at(path: Path) -> CostLedger:
    """One open ledger per file and process."""
    return CostLedger(path)
