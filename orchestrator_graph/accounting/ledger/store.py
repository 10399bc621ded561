"""The cost ledger: one row per turn and one per model call, in a SQLite file or,
for several servers, a Postgres database (``rows.open_rows``).

It also keeps each turn's classifier feature vector (numbers, no request text)
and feedback on turns (``record_feedback``: did the turn need earlier turns?),
which ``orchestrator-graph train --ledger`` learns from.

Safe for several threads and processes: short transactions (SQLite: WAL, a 30 s
busy timeout, ``BEGIN IMMEDIATE``; Postgres: pooled connections). Recording a
turn is an upsert, so recording it again after a crash and resume never
double-counts.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from orchestrator_graph.accounting.ledger.reports import LedgerReports, where_thread
from orchestrator_graph.accounting.ledger.rows import Rows, Transaction, is_postgres_url, open_rows
from orchestrator_graph.accounting.ledger.schema import (
    BILLED_AT_CALL_NODES,
    CALLS,
    FEEDBACK,
    FEEDBACK_PK,
    JSON_COLUMNS,
    LABELS,
    LABELS_PK,
    TABLES,
    TRIMS_PK,
    TURN_PK,
    TURNS,
    UNANSWERED_PREFIXES,
    Feedback,
    Label,
    TurnRecord,
)
from orchestrator_graph.errors import AlreadyIntegratedError, IntegrationInProgressError
from orchestrator_graph.state import ModelCall
from orchestrator_graph.storage.closing import Closing

# how long a claim on workers (``claim_workers``) holds without its merge: after it, the
# integration is taken to have died and another may claim them (a merge takes well
# under a second)
CLAIM_LEASE_S = 60.0


class CostLedger(LedgerReports, Closing):
    """The cost ledger at ``location``: a SQLite file (created with its folder if
    missing) or a ``postgresql://`` URL (its tables created in the database).
    ``read_only``: a SQLite file that must already be a cost ledger, opened to read
    (reports): nothing is created or changed.

    Whoever opens a ledger closes it (``close``, or a ``with`` block). A graph's own
    ledger is opened by its ``resources.Resources`` on ``rows`` it shares with the
    budget book; the ledger then leaves closing them to the holder.

    Example:
        >>> with CostLedger(tmp / "ledger.sqlite") as ledger:  # doctest: +SKIP
        ...     ledger.record_turn(record)
        ...     ledger.totals().savings
    """

    def __init__(
        self, location: str | Path, *, rows: Rows | None = None, read_only: bool = False
    ) -> None:
        self.writes = 0  # turns recorded through this object (lets readers refresh caches)
        # the SQLite file; None in Postgres
        self.path = None if is_postgres_url(location) else Path(location)
        self._owns_rows = rows is None
        purpose = "be read as a cost ledger" if read_only else "be opened as a cost ledger"
        self.rows = rows or open_rows(
            self.path or location, TABLES, purpose=purpose, read_only=read_only
        )
        self.location = self.rows.location  # the file, or the URL without its password

    def record_turn(self, record: TurnRecord) -> None:
        """Upsert the turn and its calls in one transaction; they replace the turn's calls
        (except attempts billed while their node raised: those stay on the bill)."""
        row = record.model_dump(mode="json", exclude={"calls"})
        for column in JSON_COLUMNS:
            row[column] = None if row[column] is None else json.dumps(row[column])
        calls = _call_rows(record.thread_id, record.turn, record.calls, record.tenant)
        kept = " AND ".join("status NOT LIKE ?" for _ in UNANSWERED_PREFIXES)
        kept += f" AND node NOT IN ({', '.join(repr(n) for n in BILLED_AT_CALL_NODES)})"
        ids = [c["call_id"] for c in calls]
        replaced = f" AND call_id NOT IN ({', '.join('?' * len(ids))})" if ids else ""
        with self.rows.transaction() as tx:
            tx.upsert("turns", [row], TURN_PK)
            tx.execute(
                f"DELETE FROM calls WHERE thread_id = ? AND turn = ? AND {kept}{replaced}",
                [record.thread_id, record.turn, *(f"{p}%" for p in UNANSWERED_PREFIXES), *ids],
            )
            tx.upsert("calls", calls, ("call_id",))
        self.writes += 1

    def record_calls(
        self, thread_id: str, turn: int, calls: Iterable[ModelCall], tenant: str | None = None
    ) -> None:
        """Keep calls billed before their turn is recorded: the attempts of a call that
        gave up (its node raised), or a worker run alone (``spawn_worker_session``)
        before it is integrated. The turn's record, once written, adds to them (same
        call ids: upserted, never counted twice)."""
        rows = _call_rows(thread_id, turn, calls, tenant)
        if rows:
            with self.rows.transaction() as tx:
                tx.upsert("calls", rows, ("call_id",))

    def record_trim(self, thread_id: str, turn: int, key: str, note: str) -> None:
        """Keep what the call ``key`` of a turn cut from its view to fit the window
        (``context.FittedView.note``); the turn's ``trimmed`` lists it."""
        row = {"thread_id": thread_id, "turn": turn, "key": key, "note": note}
        with self.rows.transaction() as tx:
            tx.upsert("trims", [row], TRIMS_PK)

    def turns(self, thread_id: str | None = None) -> list[TurnRecord]:
        """The recorded turns with their calls and trims, by thread and turn."""
        where, args = where_thread(thread_id)
        with self.rows.transaction(write=False) as tx:
            rows = tx.query(
                f"SELECT {', '.join(TURNS)} FROM turns{where} ORDER BY thread_id, turn", args
            )
            call_rows = self._call_rows(tx, thread_id)
            trim_rows = tx.query(
                f"SELECT thread_id, turn, note FROM trims{where} ORDER BY {self.rows.row_order}",
                args,
            )
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
        with self.rows.transaction(locks=[f"feedback:{thread_id}:{turn}:{source}"]) as tx:
            before = tx.query(
                "SELECT quality FROM feedback WHERE thread_id = ? AND turn = ? AND source = ?",
                [thread_id, turn, source],
            )
            tx.upsert("feedback", [row], FEEDBACK_PK)
        return quality is not None and (not before or before[0]["quality"] != float(quality))

    def claim_workers(
        self,
        worker_ids: Sequence[str],
        thread_id: str,
        *,
        merged: Callable[[str, Sequence[str]], bool] | None = None,
    ) -> None:
        """Mark the service's workers ``worker_ids`` as merged into ``thread_id``, all or
        none, in one transaction that holds each worker's lock: two processes cannot
        both claim a worker. A worker claimed before raises ``AlreadyIntegratedError``,
        unless ``merged(thread, workers)`` (is the merge of any of ``workers`` in the
        conversation ``thread`` a claim names?) says its claim was never merged: then
        the claim is in progress (``IntegrationInProgressError``) until it is
        ``CLAIM_LEASE_S`` old, and taken over after (its process died in between)."""
        repeated = sorted({w for w in worker_ids if list(worker_ids).count(w) > 1})
        if repeated:
            raise AlreadyIntegratedError(f"worker {repeated[0]!r} is listed twice")
        marks = ", ".join("?" * len(worker_ids))
        with self.rows.transaction(locks=[f"integrate:{w}" for w in worker_ids]) as tx:
            done = tx.query(
                "SELECT worker_id, thread_id, integrated_at FROM integrations"
                f" WHERE worker_id IN ({marks})",
                list(worker_ids),
            )
            if done:
                _refuse_claimed(done, worker_ids, merged)
            now = time.time()
            rows = [
                {"worker_id": w, "thread_id": thread_id, "integrated_at": now} for w in worker_ids
            ]
            tx.upsert("integrations", rows, ("worker_id",))

    def release_workers(self, worker_ids: Sequence[str]) -> None:
        """Undo ``claim_workers`` (an integration that failed before it merged)."""
        marks = ", ".join("?" * len(worker_ids))
        with self.rows.transaction() as tx:
            tx.execute(f"DELETE FROM integrations WHERE worker_id IN ({marks})", list(worker_ids))

    def turn_record(self, thread_id: str, turn: int | None = None) -> TurnRecord | None:
        """Turn ``turn`` of ``thread_id`` as recorded (its last one when None), or None."""
        records = self.turns(thread_id)
        if turn is None:
            return records[-1] if records else None
        return next((r for r in records if r.turn == turn), None)

    def adaptive_state(self, key: str) -> dict[str, Any] | None:
        """The router's learned state under ``key`` (``adaptive``), None before any."""
        with self.rows.transaction(write=False) as tx:
            rows = tx.query("SELECT state FROM adaptive WHERE key = ?", [key])
        return json.loads(rows[0]["state"]) if rows else None

    def update_adaptive(
        self, key: str, update: Callable[[dict[str, Any] | None], dict[str, Any]]
    ) -> dict[str, Any]:
        """Read, ``update`` and write the learned state under ``key`` in one transaction
        (several processes learning at once lose no update)."""
        with self.rows.transaction(locks=[f"adaptive:{key}"]) as tx:
            rows = tx.query("SELECT state FROM adaptive WHERE key = ?", [key])
            state = update(json.loads(rows[0]["state"]) if rows else None)
            row = {"key": key, "state": json.dumps(state), "updated_at": time.time()}
            tx.upsert("adaptive", [row], ("key",))
        return state

    def feedback(self, thread_id: str | None = None) -> list[Feedback]:
        """The feedback rows with their turns' stored feature vectors, oldest first."""
        where, args = where_thread(thread_id)
        columns = ", ".join(f"f.{c}" for c in FEEDBACK)
        sql = (
            f"SELECT {columns}, t.features, t.features_version FROM feedback f"
            " LEFT JOIN turns t ON t.thread_id = f.thread_id AND t.turn = f.turn"
            f"{where.replace('thread_id', 'f.thread_id')}"
            f" ORDER BY f.recorded_at, f.{self.rows.row_order}"
        )
        with self.rows.transaction(write=False) as tx:
            rows = tx.query(sql, args)
        return [
            Feedback.model_validate(
                {**r, "features": json.loads(r["features"]) if r["features"] else None}
            )
            for r in rows
        ]

    def record_label(self, label: Label) -> None:
        """Keep a labelled turn (a verdict given again replaces the first)."""
        row = label.model_dump(mode="json")
        row["cheap_answered"] = int(label.cheap_answered)
        row["verdicts"] = json.dumps(label.verdicts)
        with self.rows.transaction() as tx:
            tx.upsert("labels", [row], LABELS_PK)

    def labels(self, tenant: str | None = None, source: str | None = None) -> list[Label]:
        """The labelled turns (of one tenant, of one source), oldest first."""
        clauses = [(c, v) for c, v in (("tenant", tenant), ("source", source)) if v is not None]
        where = " WHERE " + " AND ".join(f"{c} = ?" for c, _ in clauses) if clauses else ""
        with self.rows.transaction(write=False) as tx:
            rows = tx.query(
                f"SELECT {', '.join(LABELS)} FROM labels{where} ORDER BY recorded_at",
                [v for _, v in clauses],
            )
        return [Label.model_validate({**r, "verdicts": json.loads(r["verdicts"])}) for r in rows]

    def calls(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """The recorded model calls as dicts (``ModelCall`` fields plus thread_id and turn)."""
        with self.rows.transaction(write=False) as tx:
            return self._call_rows(tx, thread_id)

    def _call_rows(self, tx: Transaction, thread_id: str | None) -> list[dict[str, Any]]:
        where, args = where_thread(thread_id)
        order = f"thread_id, turn, {self.rows.row_order}"
        return tx.query(f"SELECT {', '.join(CALLS)} FROM calls{where} ORDER BY {order}", args)

    def close(self) -> None:
        """Close the connection this ledger opened (idempotent); shared rows are closed
        by their holder."""
        if self._owns_rows:
            self.rows.close()


def _refuse_claimed(
    claims: list[dict[str, Any]],
    worker_ids: Sequence[str],
    merged: Callable[[str, Sequence[str]], bool] | None,
) -> None:
    """Raise for ``claims`` on ``worker_ids`` unless each is older than the lease and its
    conversation has no merge of them (a claim whose process died before merging)."""
    first = min(claims, key=lambda row: list(worker_ids).index(row["worker_id"]))
    by_thread: defaultdict[str, list[str]] = defaultdict(list)
    for claim in claims:
        by_thread[claim["thread_id"]].append(claim["worker_id"])
    if merged is None or any(merged(thread, ids) for thread, ids in by_thread.items()):
        raise AlreadyIntegratedError(
            f"worker {first['worker_id']!r} was already integrated into "
            f"{first['thread_id']!r}; its answer and calls are there, "
            "so it is not merged (nor billed) again",
            first["thread_id"],
        )
    age = time.time() - max(claim["integrated_at"] for claim in claims)
    if age < CLAIM_LEASE_S:
        raise IntegrationInProgressError(
            f"worker {first['worker_id']!r} is being integrated into {first['thread_id']!r} "
            f"(claimed {age:.0f} s ago, not merged yet); if that integration never merges "
            f"it, its claim lapses {CLAIM_LEASE_S:.0f} s after it was made: retry then",
            first["thread_id"],
        )


def _call_rows(
    thread_id: str, turn: int, calls: Iterable[ModelCall], tenant: str | None
) -> list[dict[str, Any]]:
    where = {"thread_id": thread_id, "turn": turn, "tenant": tenant}
    return [{**c.model_dump(mode="json"), **where} for c in calls]
