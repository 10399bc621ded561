"""The cost ledger: turns and calls as billed (``store``), their schema (``schema``)
and what they tell (``reports``)."""

from orchestrator_graph.accounting.ledger.reports import LedgerTotals, percentile
from orchestrator_graph.accounting.ledger.schema import SUBTASK, Feedback, Label, TurnRecord
from orchestrator_graph.accounting.ledger.store import CostLedger
from orchestrator_graph.errors import LedgerError

__all__ = [
    "SUBTASK",
    "CostLedger",
    "Feedback",
    "Label",
    "LedgerError",
    "LedgerTotals",
    "TurnRecord",
    "percentile",
]
