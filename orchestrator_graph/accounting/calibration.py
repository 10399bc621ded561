"""Token counts calibrated by what the provider reports, per thread and model.

The cost estimates and the baseline count tokens with tiktoken; a provider with
another tokenizer bills other counts. After every answered call the guarded
call (``budget.guarded_call``) stores, for its thread and model, the ratio of
the reported input and output tokens to the counted ones (the latest call's).
``pricing.calibrated_cost`` applies a ``TokenRatio`` to counted tokens, so the
baseline of a main-session turn, priced from the same transcript the call was
sent, costs exactly what the provider billed.

The ratios live in the ``token_calibration`` table where the ledger is (its
SQLite file or Postgres database; in memory without a ledger), on the connection
the graph's ``resources.Resources`` opened for the ledger.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.ledger.rows import Rows, Tables, open_rows
from orchestrator_graph.accounting.pricing import ModelPrice, TokenRatio, calibrated_cost
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import count_text, shared_counter
from orchestrator_graph.state import ModelCall

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
CALIBRATION_TABLES: Tables = {"token_calibration": (_COLUMNS, _PK)}


class UsageCalibration:
    """The latest reported/counted token ratios per thread and model, in the
    ``token_calibration`` table of ``rows`` (a graph's ``resources.Resources`` opens
    them with the ledger's), or of a private in-memory database."""

    def __init__(self, rows: Rows | None = None) -> None:
        self._owns_rows = rows is None
        self.rows = rows or open_rows(None, CALIBRATION_TABLES, purpose="keep token calibration")

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
        with self.rows.transaction() as tx:
            tx.upsert("token_calibration", [row], _PK)

    def ratio(self, thread_id: str, model: str) -> TokenRatio:
        """The thread's ratio for ``model``; 1:1 before any call was observed."""
        with self.rows.transaction(write=False) as tx:
            rows = tx.query(
                "SELECT * FROM token_calibration WHERE thread_id = ? AND model = ?",
                [thread_id, model],
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

    def close(self) -> None:
        """Close the database this calibration opened (shared rows: their holder)."""
        if self._owns_rows:
            self.rows.close()


def calibrated_baseline_usd(
    config: OrchestratorConfig,
    calibration: UsageCalibration,
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
        cache_min_tokens=config.prompt_cache_min_tokens,
        ratio=calibration.ratio(thread_id, model_name),
    )
