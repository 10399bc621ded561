"""The graph's state and the pydantic models passed between nodes.

``profile`` and ``decision`` are pydantic models in the state, validated once
where they are made. Checkpointers store them with LangGraph's serializer; so
that it knows them (no "unregistered type" warning, and allowed under
``LANGGRAPH_STRICT_MSGPACK``), build the checkpointer with :func:`serializer`
(``checkpoints.py`` does) or pass ``STATE_TYPES`` to your own serializer's
``allowed_msgpack_modules``.

Channels: ``messages`` is the transcript (whole); it, ``digests`` and ``prompts`` are
``DeltaChannel``s (a checkpoint stores a step's writes, not the whole value); ``cost_usd`` and
``baseline_cost_usd`` are the *turn's* figures (a parent graph that declares them
with ``operator.add`` sums its turns, with or without the orchestrator's own
checkpointer); ``thread_cost_usd`` and ``thread_baseline_cost_usd`` add up over
the thread. The rest are internal to a turn: ``classify`` starts them and each later
node writes them whole (``nodes.so_far``), so an update in ``stream_mode="updates"``
is a plain value (no reducer, no ``Overwrite``); ``OrchestratorOutput`` keeps them from
callers.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Annotated, Any, Literal, NotRequired

from langchain_core.messages import AnyMessage
from langgraph.channels.delta import DeltaChannel
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import TypedDict

from orchestrator_graph.conversation.transcript import TRANSCRIPT

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
# where a turn runs; a decision may also answer it from the answer cache (``"cache"``)
Route = Literal["main_session", "worker_session", "parallel_workers"]
Scope = Literal["instructions", "segment", "referenced", "conversation"]
Tier = Literal["main", "worker"]
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

    route: Route | Literal["cache"]
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

    def option(self, route: Route | Literal["cache"]) -> OptionCost:
        if route == "cache":  # no call; the answer still rides along in later main calls
            return OptionCost(
                route="cache", models=[], input_tokens=0, cached_input_tokens=0,
                output_tokens=0, call_usd=0.0, growth_usd=self.main.growth_usd,
            )  # fmt: skip
        chosen = {
            "main_session": self.main,
            "worker_session": self.worker,
            "parallel_workers": self.parallel,
        }[route]
        if chosen is None:
            raise ValueError(f"no estimate for route {route!r}")
        return chosen


class QualityPrediction(BaseModel):
    """The quality model's prediction for a turn, and the threshold of the target."""

    p_cheap_ok: float = Field(ge=0, le=1, description="P(the cheap answer is as good)")
    threshold: float = Field(ge=0, le=1)
    min_quality: float = Field(ge=0, le=1)
    in_domain: bool = Field(
        default=True, description="False: unlike the training data, the model abstained"
    )


class CacheMatch(BaseModel):
    """The answer cache's entry for the request: a hit (the turn is answered with it),
    or the nearest entry that passed the guards but not its threshold (a miss)."""

    entry_id: str
    similarity: float = Field(ge=-1, le=1)
    threshold: float = Field(ge=0, le=1)
    exact: bool
    hit: bool
    replaced: Route = Field(description="the route the decision had chosen")
    saved_usd: float = Field(ge=0, description="on a hit, that route's estimated calls")
    answer: str = Field(default="", repr=False, description="on a hit, the answer reused")


class RoutingDecision(BaseModel):
    """Where the turn runs, why, and the task of each worker (none in the main session)."""

    route: Route | Literal["cache"]
    reasons: list[str]
    confidence: float = Field(ge=0, le=1)
    profile: TaskProfile
    estimate: CostEstimate
    tasks: list[WorkerTask] = Field(default_factory=list)
    scope: Scope = "instructions"
    expanded_turns: list[int] = Field(
        default_factory=list, description="offloaded turns shown in full in the main view"
    )
    quality: QualityPrediction | None = Field(
        default=None, description="the quality model's verdict, with a quality target"
    )
    decision_ms: float = 0.0
    picked_by_person: Route | None = Field(
        default=None, description="the route a person chose at the interrupt, if one did"
    )
    cache: CacheMatch | None = Field(default=None, description="the answer cache's match")
    arm: str | None = Field(default=None, description="the thread's A/B arm (``ab``)")

    @property
    def worker_briefs(self) -> list[str]:
        return [t.brief for t in self.tasks]

    @property
    def worker_context(self) -> list[list[int]]:
        """Per worker, the transcript positions it is sent."""
        return [t.context_indices for t in self.tasks]

    @property
    def worker_tiers(self) -> list[Tier]:
        return [t.tier for t in self.tasks]

    @property
    def worker_models(self) -> list[str]:
        return [t.model for t in self.tasks]


class TurnFeedback(BaseModel):
    """What a user (or a judge) says about a turn: a quality score (0-1) or thumbs up or
    down, and whether it needed earlier turns. The graph input ``feedback`` and
    ``feedback.record_outcome`` take it; ``turn`` None is the thread's latest."""

    model_config = ConfigDict(extra="forbid")

    turn: int | None = Field(default=None, ge=0)
    quality: float | None = Field(default=None, ge=0, le=1)
    thumbs: Literal["up", "down"] | None = None
    needed_earlier_turns: bool | None = None
    source: str = Field(default="user", min_length=1)

    @model_validator(mode="after")
    def _says_something(self) -> TurnFeedback:
        if self.quality is not None and self.thumbs is not None:
            raise ValueError("give a quality score or thumbs, not both")
        if self.score is None and self.needed_earlier_turns is None:
            raise ValueError("feedback says nothing: give quality, thumbs or needed_earlier_turns")
        return self

    @property
    def score(self) -> float | None:
        """The quality as a score in 0-1 (thumbs up 1, down 0), None when not given."""
        if self.thumbs is not None:
            return 1.0 if self.thumbs == "up" else 0.0
        return self.quality


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
    """A worker's input: the brief, the model it runs on, its budget and its view.

    The messages of its minimal view are ``context_indices``, positions in the
    transcript: ``spawn_subgraph`` reads them from the state (``WorkerInput.context``
    for the worker graph run alone).
    """

    task_id: str
    turn: int
    index: int = 0
    brief: str
    tier: Tier
    model: str
    max_tokens: int
    context_indices: list[int] = Field(default_factory=list)
    estimated_usd: float = 0.0
    thread_id: str = Field(default="", description="the run's thread, for the budget holds")


class WorkerResult(BaseModel):
    """A worker's output."""

    task_id: str
    index: int = 0
    text: str
    status: WorkerStatus
    call: ModelCall | None = None
    error: str | None = None
    message_id: str | None = Field(
        default=None, description="the answer's message id, as streamed to a consumer"
    )


def merge_dicts_batch(state: dict[str, Any] | None, writes: Sequence[Any]) -> dict[str, Any]:
    """The writes merged into ``state`` in order, later keys winning: the reducer of a
    ``DeltaChannel``."""
    merged = dict(state or {})
    for write in writes:
        merged.update(write or {})
    return merged


DIGESTS_SNAPSHOT_EVERY = 400
"""Updates of ``digests`` (or ``prompts``) between two full snapshots. ``classify``
updates both every turn (an empty update when nothing changes), and a worker turn's
``merge`` again: a snapshot every 200 to 400 turns, about as often as the transcript's.
Each snapshot stores every digest of the thread: one every 10 updates made them grow
with the square of the thread (8 of the 40 MB of an 800-turn file). The saver keeps
the writes it decoded (``delta_sqlite``), so the longer walk back costs a turn little.
As a plain channel, each checkpoint stored every digest of the thread again."""


def delta_dict() -> DeltaChannel:
    """A dict channel (later keys win) checkpointed as each step's writes."""
    return DeltaChannel(merge_dicts_batch, dict, snapshot_frequency=DIGESTS_SNAPSHOT_EVERY)


DIGESTS, PROMPTS = delta_dict(), delta_dict()


STATE_TYPES: tuple[tuple[str, str], ...] = tuple(
    (model.__module__, model.__name__)
    for model in (
        Subtask,
        TaskProfile,
        OptionCost,
        CostEstimate,
        QualityPrediction,
        CacheMatch,
        RoutingDecision,
        TurnFeedback,
        ModelCall,
        WorkerTask,
        WorkerResult,
    )
)


def serializer() -> JsonPlusSerializer:
    """LangGraph's serializer with the state's pydantic models allowed."""
    return JsonPlusSerializer(allowed_msgpack_modules=STATE_TYPES)


class OrchestratorInput(TypedDict):
    """What a caller passes in: a ``MessagesState``, and feedback on earlier turns
    (alone, or with the next request)."""

    messages: Annotated[list[AnyMessage], TRANSCRIPT]
    feedback: NotRequired[list[TurnFeedback] | None]


class OrchestratorOutput(TypedDict, total=False):
    """What a caller (or a parent graph) receives."""

    messages: Annotated[list[AnyMessage], TRANSCRIPT]
    profile: TaskProfile | None
    decision: RoutingDecision | None
    cost_usd: float
    baseline_cost_usd: float
    thread_cost_usd: Annotated[float, operator.add]
    thread_baseline_cost_usd: Annotated[float, operator.add]
    calls: list[ModelCall]  # the turn's model calls, priced
    # input; the node ``feedback`` records it and hands back None (a parent's copy is
    # cleared, so the same report is not sent again with the next turn)
    feedback: list[TurnFeedback] | None


class OrchestratorState(OrchestratorOutput, total=False):
    """The whole state: the output and the turn's internal channels."""

    thread_id: str  # the run's thread (a run without one gets its own id)
    worker_results: list[WorkerResult]
    digests: Annotated[dict[str, str], DIGESTS]
    prompts: Annotated[dict[str, bytes], PROMPTS]  # packed_fingerprints, by model
    overhead_ms: float  # the turn's time outside model calls


def last_write(state: list[Any] | None, writes: Sequence[Any]) -> list[Any]:
    """The last write wins: a ``DeltaChannel`` reducer for a value set once."""
    return list(writes[-1]) if writes else list(state or [])


WORKER_CONTEXT = DeltaChannel(last_write, list, snapshot_frequency=1000)
"""A worker's view in the worker graph run alone (``build_worker_graph``), written once:
stored in that write only, not again in each of its checkpoints."""


class WorkerInput(TypedDict):
    """A worker's input: its task and the messages of its view."""

    task: WorkerTask
    context: Annotated[list[AnyMessage], WORKER_CONTEXT]


class WorkerOutput(TypedDict):
    """What a worker hands back to the parent graph."""

    thread_id: str  # the run's thread (a run without one gets its own id)
    worker_results: Annotated[list[WorkerResult], operator.add]
    calls: Annotated[list[ModelCall], operator.add]
    overhead_ms: Annotated[float, operator.add]


class WorkerState(WorkerInput, WorkerOutput):
    """The worker's state: the ``spawn_subgraph`` node's input and output."""
