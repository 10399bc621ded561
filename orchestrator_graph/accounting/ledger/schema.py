"""The ledger's tables and records: turns, calls, feedback, trims, the learned routing
state, budget holds.

``TurnRecord`` is one turn as decided, estimated and billed; ``Feedback`` is what
was said about a turn (its quality, whether it needed earlier turns); ``adaptive``
holds the router's learned state per arm and category (``orchestrator_graph.quality.adaptive``).
The column tables below are the one declaration of the schema: both backends
(``sqlite_rows``, ``postgres_rows``) create their tables from it and add the
``ADDED_LATER`` columns to older ones.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field, field_validator

from orchestrator_graph.state import ModelCall

SUBTASK = "subtask"  # the learned output of one worker of a parallel fan-out

TURN_PK = ("thread_id", "turn")
TURNS: dict[str, type] = {
    "thread_id": str,
    "turn": int,
    "route": str,
    "reasons": str,
    "confidence": float,
    "category": str,
    "complexity": int,
    "context_dependency": float,
    "estimated_usd": float,
    "estimate": str,
    "cost_usd": float,
    "baseline_usd": float,
    "decision_ms": float,
    "overhead_ms": float,
    "model_ms": float,
    "fallbacks": int,
    "worker_results": int,
    "workers_accepted": int,
    "recorded_at": float,
    "features": str,
    "features_version": str,
    "trimmed": str,
    "quality": str,
    "arm": str,
    "tenant": str,
    "saved_usd": float,
    "cache_entry": str,
}
# columns newer than the first ledgers (in any table: "quality" is also feedback's,
# "tenant" also calls' and budget_holds'): a table without them gets them by ALTER TABLE
ADDED_LATER = frozenset(
    {
        "features",
        "features_version",
        "trimmed",
        "quality",
        "arm",
        "tenant",
        "reserved_at",
        "saved_usd",
        "cache_entry",
    }
)
JSON_COLUMNS = ("reasons", "estimate", "features", "trimmed", "quality")
FEEDBACK_PK = ("thread_id", "turn", "source")
FEEDBACK: dict[str, type] = {
    "thread_id": str,
    "turn": int,
    "source": str,
    "needed_earlier_turns": int,
    "recorded_at": float,
    "quality": float,
}
# the router's learned state (``adaptive.ArmState`` as JSON) per A/B arm and category
ADAPTIVE: dict[str, type] = {"key": str, "state": str, "updated_at": float}
CALLS: dict[str, type] = {
    "call_id": str,
    "thread_id": str,
    "turn": int,
    "node": str,
    "model": str,
    "input_tokens": int,
    "cached_input_tokens": int,
    "output_tokens": int,
    "cost_usd": float,
    "latency_ms": float,
    "status": str,
    "tenant": str,
}
# what a guarded call cut from a view to fit its model's window, by call key
TRIMS_PK = ("thread_id", "turn", "key")
TRIMS: dict[str, type] = {"thread_id": str, "turn": int, "key": str, "note": str}
# each worker of the service merged into a conversation, once (``CostLedger.claim_workers``)
INTEGRATIONS: dict[str, type] = {"worker_id": str, "thread_id": str, "integrated_at": float}
# labelled turns, what a refit of the request model needs (``quality.shadow``;
# ``orchestrator-graph quality train --ledger``): one row per turn and source
LABELS_PK = ("thread_id", "turn", "source")
LABELS: dict[str, type] = {
    "thread_id": str,
    "turn": int,
    "source": str,
    "tenant": str,
    "recorded_at": float,
    "request": str,
    "category": str,
    "score": float,
    "better": float,
    "p_cheap_ok": float,
    "threshold": float,
    "min_quality": float,
    "cheap_answered": int,
    "probability": float,
    "cheap_model": str,
    "strong_model": str,
    "judge_model": str,
    "cheap_usd": float,
    "strong_usd": float,
    "verdicts": str,
}
# the nodes whose calls are written to the ledger when they are made, not with their
# turn's state (the shadow judge's, after the turn; the cache confirmation's, which a
# resumed turn may make again): kept on the bill when their turn is recorded again
BILLED_AT_CALL_NODES = ("shadow", "judge", "cache_confirm")
TABLES: dict[str, tuple[dict[str, type], tuple[str, ...]]] = {
    "labels": (LABELS, LABELS_PK),
    "turns": (TURNS, TURN_PK),
    "calls": (CALLS, ("call_id",)),
    "feedback": (FEEDBACK, FEEDBACK_PK),
    "trims": (TRIMS, TRIMS_PK),
    "adaptive": (ADAPTIVE, ("key",)),
    "integrations": (INTEGRATIONS, ("worker_id",)),
}
# secondary indexes by table: the columns of each
INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "calls": (("thread_id", "turn"),),
    "labels": (("tenant", "recorded_at"),),
    "budget_holds": (("thread_id", "turn"), ("tenant", "reserved_at")),
}
# the budget book's one table (``holds.BudgetBook``): what each call reserved, then cost
HOLDS: dict[str, type] = {
    "key": str,
    "thread_id": str,
    "turn": int,
    "usd": float,
    "tokens": int,
    "settled": int,
    "updated_at": float,
    "tenant": str,
    "reserved_at": float,
}
BOOK_TABLES: dict[str, tuple[dict[str, type], tuple[str, ...]]] = {
    "budget_holds": (HOLDS, ("key",)),
}
# calls billed although their node raised: a turn recorded later keeps them
UNANSWERED_PREFIXES = ("retry:", "failed:", "billed_unknown:")


class TurnRecord(BaseModel):
    """One turn as decided, estimated and billed."""

    thread_id: str
    turn: int = Field(ge=0)
    route: str
    reasons: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0, le=1)
    category: str
    complexity: int
    context_dependency: float = Field(ge=0, le=1)
    estimated_usd: float = Field(ge=0, description="estimate of the chosen route")
    estimate: dict[str, Any] = Field(default_factory=dict, description="the CostEstimate dump")
    cost_usd: float = Field(ge=0, description="actual: the sum of the calls")
    baseline_usd: float = Field(ge=0, description="main session with the whole transcript")
    decision_ms: float = Field(default=0.0, ge=0)
    overhead_ms: float = Field(default=0.0, ge=0)
    model_ms: float = Field(default=0.0, ge=0)
    fallbacks: int = Field(default=0, ge=0)
    worker_results: int = Field(default=0, ge=0)
    workers_accepted: int = Field(default=0, ge=0)
    calls: list[ModelCall] = Field(default_factory=list)
    recorded_at: float = Field(default_factory=time.time)
    features: list[float] | None = Field(
        default=None, description="the classifier's feature vector of the request"
    )
    features_version: str | None = Field(
        default=None, description="its layout (``classifier.trained.FEATURES_VERSION``)"
    )
    tenant: str | None = Field(
        default=None, description="the run's budget key (``RunContext.tenant``)"
    )
    saved_usd: float = Field(
        default=0.0,
        ge=0,
        description="route ``cache``: the estimated calls of the route the reused answer "
        "replaced (the turn itself costs 0)",
    )
    trimmed: list[str] = Field(
        default_factory=list,
        description="what was cut from a view to fit a model's window (``FittedView.note``);"
        " read back with the notes the guarded calls of the turn stored",
    )
    quality: dict[str, Any] | None = Field(
        default=None,
        description="what the quality feedback is learned against (``adaptive.TurnQuality``)",
    )
    arm: str | None = Field(default=None, description="the A/B arm of the thread (``ab``)")
    cache_entry: str | None = Field(
        default=None, description="route ``cache``: the answer cache entry that answered"
    )

    @field_validator("saved_usd", mode="before")
    @classmethod
    def _none_saved(cls, value: Any) -> Any:
        """A turn recorded before the column existed reads back NULL: nothing saved."""
        return 0.0 if value is None else value


class Feedback(BaseModel):
    """What ``source`` said about a turn: whether it needed earlier turns, the quality of
    its answer (0-1; thumbs up 1, down 0), None where it said nothing; with the turn's
    stored feature vector (None when the turn was not recorded or predates it)."""

    thread_id: str
    turn: int = Field(ge=0)
    source: str
    needed_earlier_turns: bool | None = None
    quality: float | None = Field(default=None, ge=0, le=1)
    recorded_at: float
    features: list[float] | None = None
    features_version: str | None = None


class Label(BaseModel):
    """One labelled turn: is the cheap model's answer to the request as good as the strong
    model's, as a judge said (``source``) in both orders, with the quality model's
    prediction and what each answer cost."""

    thread_id: str
    turn: int = Field(ge=0)
    source: str = "shadow"
    tenant: str | None = None
    recorded_at: float = Field(default_factory=time.time)
    request: str = Field(description="the request's text (what a refit embeds)")
    category: str
    score: float = Field(ge=0, le=1, description="cheap as good: 1, 0.5 (orders disagree), 0")
    better: float = Field(default=0.0, ge=0, le=1, description="share of orders cheap won")
    p_cheap_ok: float | None = Field(default=None, ge=0, le=1)
    threshold: float | None = Field(default=None, ge=0, le=1)
    min_quality: float | None = Field(default=None, ge=0, le=1)
    cheap_answered: bool = Field(description="the cheap model answered the turn")
    probability: float = Field(gt=0, le=1, description="the chance it was sampled")
    cheap_model: str
    strong_model: str
    judge_model: str
    cheap_usd: float = Field(ge=0, description="the cheap answer's call")
    strong_usd: float = Field(ge=0, description="the strong answer's call")
    verdicts: list[str] = Field(
        default_factory=list, description="the judge's verdict per order (cheap first, then second)"
    )
