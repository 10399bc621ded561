"""Token counts calibrated by what the provider reports, per thread and model.

The cost estimates and the baseline count tokens with tiktoken; a provider with
another tokenizer bills other counts. After every answered call the guarded
call (``budget.guarded_call``) stores, for its thread and model, the ratio of
the reported input and output tokens to the counted ones (the latest call's).
``pricing.calibrated_cost`` applies a ``TokenRatio`` to counted tokens, so the
baseline of a main-session turn, priced from the same transcript the call was
sent, costs exactly what the provider billed.

The ratios live in the ``token_calibration`` table of the ledger's file (in
memory without a ledger), opened by ``database.open_sqlite``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.pricing import ModelPrice, TokenRatio, calibrated_cost
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import count_text, shared_counter
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.state import ModelCall
from orchestrator_graph.storage import database

_COLUMNS = {
    "thread_id": str,
    "model": str,
    "counted_input": int,
    "reported_input": int,
    "counted_output": int,
    "reported_output": int,
    "updated_at": float,
}
_PK = ("thread_id", "model")


def _error(path: Path, exc: sqlite3.DatabaseError) -> LedgerError:
    return LedgerError.unusable(path, "keep token calibration", exc)


class UsageCalibration:
    """The latest reported/counted token ratios per thread and model."""

    def __init__(self, path: str | Path | None) -> None:
        self._lock = threading.Lock()
        self._conn = database.open_sqlite(path, file_error=_error)
        self._db = database.rows_db(self._conn)
        try:
            self._conn.execute("PRAGMA synchronous = NORMAL")  # a lost ratio is re-learnt
            with database.transaction(self._conn):
                self._db.table("token_calibration").create(_COLUMNS, pk=_PK, if_not_exists=True)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            database.raise_mapped(Path(path or ":memory:"), exc, _error)

    def observe(
        self, thread_id: str, call: ModelCall, *, counted_input: int, counted_output: int
    ) -> None:
        """Keep the ratio of ``call``'s reported tokens to the counted ones (a call whose
        usage was estimated, or with nothing counted, teaches nothing)."""
        if call.status == "usage_estimated" or counted_input <= 0:
            return
        row = {"thread_id": thread_id, "model": call.model, "counted_input": counted_input}
        row |= {"reported_input": call.input_tokens, "counted_output": counted_output}
        row |= {"reported_output": call.output_tokens, "updated_at": time.time()}
        with self._lock, database.transaction(self._conn):
            self._db.table("token_calibration").upsert(row, pk=_PK)

    def ratio(self, thread_id: str, model: str) -> TokenRatio:
        """The thread's ratio for ``model``; 1:1 before any call was observed."""
        with self._lock:
            rows = list(
                self._db.query(
                    "SELECT * FROM token_calibration WHERE thread_id = ? AND model = ?",
                    [thread_id, model],
                )
            )
        if not rows:
            return TokenRatio()
        row = rows[0]
        return TokenRatio.of(
            row["counted_input"],
            row["reported_input"],
            row["counted_output"],
            row["reported_output"],
        )


@cache
def _calibration_at(path: Path | None) -> UsageCalibration:
    return UsageCalibration(path)


def calibration_for(config: OrchestratorConfig) -> UsageCalibration:
    """The process's calibration on the ledger file of ``config`` (in memory without one)."""
    return _calibration_at(Path(config.ledger_path) if config.ledger_path is not None else None)


def token_ratio(config: OrchestratorConfig, thread_id: str, model: str) -> TokenRatio:
    """Reported/counted tokens of the latest ``model`` call in ``thread_id``."""
    return calibration_for(config).ratio(thread_id, model)


def calibrated_baseline_usd(
    config: OrchestratorConfig,
    thread_id: str,
    *,
    model_name: str,
    price: ModelPrice,
    transcript_before: Sequence[BaseMessage],
    request: BaseMessage,
    answer: str,
    previous_request_tokens: int,
) -> float:
    """The baseline of a turn (the main session with the whole transcript) in the
    provider's token counts: ``estimate.baseline_usd`` scaled by the thread's
    reported/counted ratio for the main model (1:1 before any call).

    A main-session turn whose view was the whole transcript costs exactly this;
    the prompt-cache read is the cache rule applied to the scaled previous request.
    """
    counted_input = shared_counter().count_messages([*transcript_before, request])
    return calibrated_cost(
        price,
        input_tokens=counted_input,
        output_tokens=count_text(answer),
        cached_prefix_tokens=previous_request_tokens,
        cache_min_tokens=config.routing.prompt_cache_min_tokens,
        ratio=token_ratio(config, thread_id, model_name),
    )
