"""The graph's state and the pydantic models passed between nodes.

The state holds plain JSON-able dicts (``model.model_dump(mode="json")``) next to
the LangChain messages, so every checkpointer (memory, SQLite, Postgres, the
LangGraph server) stores it without custom serializers; nodes read them back
with ``Model.model_validate``.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from orchestrator_graph.config import Route
from orchestrator_graph.transcript import TRANSCRIPT

Category = Literal[
    "follow_up",
    "code_generation",
    "data_analysis",
    "summarization",
    "math",
    "reasoning",
    "writing",
    "extraction",
    "translation",
    "qa",
]
Scope = Literal["instructions", "referenced", "conversation"]
WorkerStatus = Literal["ok", "empty", "truncated", "refused", "failed"]


class Subtask(BaseModel):
    """One independent part of a request."""

    text: str
    needs: list[int] = Field(default_factory=list, description="subtasks whose result it needs")
    category: Category = "qa"
    complexity: int = Field(default=2, ge=1, le=5)


class TaskProfile(BaseModel):
    """What ``classify`` learned about the request."""

    context_dependency: float = Field(ge=0, le=1)
    complexity: int = Field(ge=1, le=5)
    category: Category
    refers_to: list[int] = Field(default_factory=list, description="earlier turn indices")
    needs_instructions: bool = False
    subtasks: list[Subtask] = Field(default_factory=list)
    confidence: float = Field(ge=0, le=1)
    signals: list[str] = Field(default_factory=list, description="what the score rests on")
    tier: str = "rules"
    classify_ms: float = 0.0
    features: list[float] = Field(
        default_factory=list,
        repr=False,
        description="the trained tier's feature vector (``classifier.trained.FEATURES``), "
        "stored in the ledger to learn from feedback",
    )


class OptionCost(BaseModel):
    """The priced forecast of one route."""

    route: Route
    models: list[str]
    input_tokens: int = Field(ge=0)
    cached_input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)
    call_usd: float = Field(ge=0, description="the calls of this turn")
    growth_usd: float = Field(ge=0, description="what the turn adds to later main calls")

    @property
    def total_usd(self) -> float:
        return self.call_usd + self.growth_usd


class CostEstimate(BaseModel):
    """Each option priced before any call is made."""

    main: OptionCost
    worker: OptionCost | None = None
    parallel: OptionCost | None = None
    remaining_turns: float

    def option(self, route: Route) -> OptionCost:
        chosen = {
            "main_session": self.main,
            "worker_session": self.worker,
            "parallel_workers": self.parallel,
        }[route]
        if chosen is None:
            raise ValueError(f"no estimate for route {route!r}")
        return chosen


class RoutingDecision(BaseModel):
    """Where the turn runs, why, and what each worker would be sent."""

    route: Route
    reasons: list[str]
    confidence: float = Field(ge=0, le=1)
    profile: TaskProfile
    estimate: CostEstimate
    worker_context: list[list[int]] = Field(
        default_factory=list, description="per worker, the message indices it is sent"
    )
    worker_briefs: list[str] = Field(default_factory=list)
    worker_tiers: list[Literal["main", "worker"]] = Field(default_factory=list)
    worker_models: list[str] = Field(default_factory=list)
    scope: Scope = "instructions"
    expanded_turns: list[int] = Field(
        default_factory=list, description="offloaded turns shown in full in the main view"
    )
    decision_ms: float = 0.0
    picked_by_person: Route | None = Field(
        default=None, description="the route a person chose at the interrupt, if one did"
    )


class ModelCall(BaseModel):
    """One model call as billed: tokens, cost and latency."""

    call_id: str
    node: str
    model: str
    input_tokens: int = Field(ge=0)
    cached_input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(ge=0)
    cost_usd: float = Field(ge=0)
    latency_ms: float = Field(ge=0)
    status: str = "ok"


class WorkerTask(BaseModel):
    """A worker's input: the brief, the model tier and its budget.

    The messages of its minimal view travel beside it (``WorkerInput.context``).
    """

    task_id: str
    turn: int
    index: int = 0
    brief: str
    tier: Literal["main", "worker"]
    model: str
    max_tokens: int
    context_indices: list[int] = Field(default_factory=list)
    estimated_usd: float = 0.0


class WorkerResult(BaseModel):
    """A worker's output."""

    task_id: str
    index: int = 0
    text: str
    status: WorkerStatus
    call: ModelCall | None = None
    error: str | None = None


def per_turn(
    left: list[dict[str, Any]] | None, right: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """Accumulate within a turn; ``None`` starts the next turn afresh, and so does a
    list whose first item is ``None`` (the rest then opens the new turn)."""
    if right is None:
        return []
    if right and right[0] is None:
        return [r for r in right[1:] if r is not None]
    return [*(left or []), *right]


def merge_dicts(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """Later keys win."""
    return {**(left or {}), **(right or {})}


class OrchestratorInput(TypedDict):
    """What a caller passes in: a ``MessagesState``."""

    messages: Annotated[list[AnyMessage], TRANSCRIPT]


class OrchestratorState(TypedDict, total=False):
    """The whole state. ``messages`` is the transcript and stays whole."""

    messages: Annotated[list[AnyMessage], TRANSCRIPT]
    profile: dict[str, Any] | None
    decision: dict[str, Any] | None
    worker_results: Annotated[list[dict[str, Any]], per_turn]
    calls: Annotated[list[dict[str, Any]], per_turn]
    digests: Annotated[dict[str, str], merge_dicts]
    prompts: Annotated[dict[str, list[str]], merge_dicts]
    turn_started: float
    cost_usd: Annotated[float, operator.add]
    baseline_cost_usd: Annotated[float, operator.add]
    budget_exceeded: dict[str, Any] | None  # BudgetExceeded.as_dict() of the turn, if any


class WorkerInput(TypedDict):
    """What one ``Send`` carries to ``spawn_subgraph``."""

    task: dict[str, Any]
    context: list[AnyMessage]


class WorkerOutput(TypedDict):
    """What a worker hands back to the parent graph."""

    worker_results: Annotated[list[dict[str, Any]], per_turn]
    calls: Annotated[list[dict[str, Any]], per_turn]


class WorkerState(WorkerInput, WorkerOutput):
    """The worker subgraph's own state."""
