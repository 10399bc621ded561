"""The service's requests and answers, as pydantic models.

Requests forbid unknown fields (a typo is a 422 naming the field, never ignored);
answers are what the service returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.messages import BaseMessage, convert_to_messages
from pydantic import BaseModel, ConfigDict, Field, field_validator

from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.state import (
    ModelCall,
    Route,
    RoutingDecision,
    TurnFeedback,
    WorkerResult,
    WorkerStatus,
    WorkerTask,
)

Role = Literal["system", "user", "assistant"]
STRICT = ConfigDict(extra="forbid")


def _tenant() -> Any:
    """A request's ``tenant``: whose budget it spends, as the caller says."""
    return Field(
        default=None,
        min_length=1,
        max_length=200,
        description="the tenant the caller spends for; it must be its identity's "
        "(403 otherwise); default: its identity's (server.auth)",
    )


class ChatMessage(BaseModel):
    """One message of a conversation, as OpenAI-style chat APIs write it."""

    model_config = STRICT

    role: Role
    content: str


class EvaluateRequest(BaseModel):
    """Where would ``task_request`` run, after ``main_session_context``?"""

    model_config = STRICT

    task_request: str = Field(min_length=1, description="the user's new request")
    main_session_context: list[ChatMessage] = Field(
        default_factory=list, description="the main session's conversation before it"
    )
    main_model: str | None = Field(default=None, description="default: the service's")
    worker_model: str | None = Field(default=None, description="default: the service's")
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="USD per million tokens, for models not priced"
    )
    tenant: str | None = _tenant()


class Evaluation(BaseModel):
    """The routing decision: route, worker configuration, estimated cost, confidence."""

    route: Route | Literal["cache"]
    reasons: list[str]
    confidence: float
    estimated_cost_usd: float = Field(description="the chosen route, its calls and growth")
    main_session_cost_usd: float = Field(description="the same turn in the main session")
    workers: list[WorkerTask] = Field(description="one task per worker (none in main)")
    minimal_context: list[list[ChatMessage]] = Field(
        description="per worker, the messages of its minimal view"
    )
    decision: RoutingDecision


class FeedbackRequest(TurnFeedback):
    """A turn's outcome: ``thread_id`` (a main conversation's id) and what is said of
    its turn ``turn`` (None: the latest recorded)."""

    thread_id: str = Field(min_length=1)
    tenant: str | None = _tenant()


class SpawnTask(WorkerTask):
    """A worker's task as a client sends it (e.g. one of ``Evaluation.workers``):
    a brief with text, a positive token limit, the model it runs on, no other field."""

    model_config = STRICT

    turn: int = Field(default=0, ge=0)
    index: int = Field(default=0, ge=0)
    brief: str = Field(min_length=1)
    model: str = Field(min_length=1, description="the model the worker runs on")
    max_tokens: int = Field(gt=0)

    @field_validator("brief")
    @classmethod
    def _has_text(cls, brief: str) -> str:
        if not brief.strip():
            raise ValueError("the brief has no text (it is whitespace only)")
        return brief


class SpawnRequest(BaseModel):
    """One worker: its task and its minimal view (the messages before the brief)."""

    model_config = STRICT

    task: SpawnTask
    minimal_context: list[ChatMessage] = Field(default_factory=list)
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="USD per million tokens, for a model not priced"
    )
    tenant: str | None = _tenant()


class WorkerSession(BaseModel):
    """A worker as stored in the checkpointer: its task, its view and its result."""

    worker_id: str
    task: WorkerTask
    minimal_context: list[ChatMessage]
    result: WorkerResult | None = None
    cost_usd: float = 0.0
    calls: list[ModelCall] = Field(default_factory=list, description="its model calls, billed")


class IntegrateRequest(BaseModel):
    """Merge these workers' answers into the main conversation ``main_session_id``."""

    model_config = STRICT

    worker_results: list[str] = Field(min_length=1, description="worker ids, in task order")
    main_session_id: str = Field(min_length=1)
    request: str | None = Field(
        default=None, description="the user's request they answered, appended before the answer"
    )
    tenant: str | None = _tenant()


class Integration(BaseModel):
    """What was merged: the answer, the digest that stands for it, and the costs."""

    main_session_id: str
    answer: str
    digest: str = Field(description="what later main views show instead of the answer")
    statuses: list[WorkerStatus] = Field(description="per worker, in order")
    needs_main_session: list[str] = Field(
        description="task ids whose result was not usable: answer them in the main session"
    )
    cost_usd: float
    baseline_cost_usd: float | None = Field(
        default=None, description="the same turn in the main session alone (with a request)"
    )
    messages: int = Field(description="messages in the main conversation now")


_ROLES: dict[str, Role] = {"human": "user", "ai": "assistant", "system": "system"}


def chat_messages(messages: Sequence[BaseMessage]) -> list[ChatMessage]:
    """LangChain messages as ``ChatMessage``s (a tool message is read as the user's)."""
    return [ChatMessage(role=_ROLES.get(m.type, "user"), content=message_text(m)) for m in messages]


def langchain_messages(messages: Sequence[ChatMessage]) -> list[BaseMessage]:
    """``ChatMessage``s as LangChain messages."""
    return convert_to_messages([m.model_dump() for m in messages])
