"""The orchestrator as a service, for main sessions that are not LangGraph graphs.

Three calls, each a thin layer over the graph's own parts (``http_api`` serves them
over HTTP):

``evaluate_task(task_request, main_session_context)``
    the routing decision (``evaluate.evaluate_task``): route, worker tasks,
    estimated cost, confidence. No model call.
``spawn_worker_session(task, minimal_context)``
    runs one worker through the compiled worker subgraph
    (``nodes.spawn_subgraph.build_worker_graph``) on the service's checkpointer;
    the worker id is its thread id there, so ``worker_session(id)`` reads it back.
    Its calls enter the cost ledger at once, under the worker id (turn 0).
``integrate_results(worker_ids, main_session_id)``
    joins the workers' answers as ``merge`` does and appends the request and the
    answer to the main conversation (a thread of the orchestrator graph, with the
    digests that stand for them in later main views); returns a summary. With a
    request, the graph's own ``record`` node ends the turn: the ledger gets the turn
    with the workers' calls (moved from the worker ids) and its baseline, as for a
    turn the graph answered.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage, convert_to_messages
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Overwrite
from pydantic import BaseModel, Field

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.feedback import Outcome, apply_feedback
from orchestrator_graph.accounting.ledger import ledger_for
from orchestrator_graph.accounting.pricing import ModelPrice, model_name_of
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.views import last_turn, make_digest
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.nodes.merge import join_answers, turn_digests
from orchestrator_graph.nodes.spawn_subgraph import build_worker_graph
from orchestrator_graph.routing.evaluate import evaluate_task
from orchestrator_graph.state import (
    ModelCall,
    Route,
    RoutingDecision,
    TurnFeedback,
    WorkerInput,
    WorkerResult,
    WorkerStatus,
    WorkerTask,
)

Role = Literal["system", "user", "assistant"]


class ChatMessage(BaseModel):
    """One message of a conversation, as OpenAI-style chat APIs write it."""

    role: Role
    content: str


class EvaluateRequest(BaseModel):
    """Where would ``task_request`` run, after ``main_session_context``?"""

    task_request: str = Field(min_length=1, description="the user's new request")
    main_session_context: list[ChatMessage] = Field(
        default_factory=list, description="the main session's conversation before it"
    )
    main_model: str | None = Field(default=None, description="default: the service's")
    worker_model: str | None = Field(default=None, description="default: the service's")
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="USD per million tokens, for models not priced"
    )


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


class SpawnRequest(BaseModel):
    """One worker: its task (e.g. from ``Evaluation.workers``) and its minimal view."""

    task: WorkerTask
    minimal_context: list[ChatMessage] = Field(default_factory=list)


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

    worker_results: list[str] = Field(min_length=1, description="worker ids, in task order")
    main_session_id: str = Field(min_length=1)
    request: str | None = Field(
        default=None, description="the user's request they answered, appended before the answer"
    )


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


def _thread(thread_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id}}


def _langchain(messages: Sequence[ChatMessage]) -> list[BaseMessage]:
    return convert_to_messages([m.model_dump() for m in messages])


class OrchestratorService:
    """The three calls of the orchestrator service over one checkpointer.

    Example:
        ```python
        from langgraph.checkpoint.memory import InMemorySaver
        from orchestrator_graph import OrchestratorService
        from orchestrator_graph.state import serializer
        from orchestrator_graph.testing.simulated import SimulatedChatModel

        service = OrchestratorService(
            main_model=SimulatedChatModel(model_name="gpt-4.1"),
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            checkpointer=InMemorySaver(serde=serializer()),
        )
        evaluation = service.evaluate_task("1. Capital of Peru?\\n2. 30 C in F?")
        ids = [service.spawn_worker_session(task, view)
               for task, view in zip(evaluation.workers, evaluation.minimal_context)]
        print(service.integrate_results(ids, "main-1", request="...").answer)
        ```
    """

    def __init__(
        self,
        *,
        main_model: BaseChatModel,
        worker_model: BaseChatModel,
        checkpointer: BaseCheckpointSaver,
        config: OrchestratorConfig | None = None,
    ) -> None:
        self.config = config or OrchestratorConfig()
        self.main_model, self.worker_model = model_name_of(main_model), model_name_of(worker_model)
        pricing = Pricing.resolve(self.main_model, self.worker_model, self.config)
        models = {"main": main_model, "worker": worker_model}
        self.workers = build_worker_graph(models, pricing, self.config, checkpointer=checkpointer)
        self.main = create_orchestrator(
            main_model=main_model, worker_model=worker_model, config=self.config
        ).compile(checkpointer=checkpointer)

    def record_feedback(self, feedback: FeedbackRequest) -> Outcome:
        """Record a turn's outcome in the ledger and learn from it (``feedback``).

        Raises ``LedgerError`` when the service keeps no ledger, ``ValueError`` when the
        thread has no recorded turn to judge.
        """
        ledger = ledger_for(self.config)
        if ledger is None:
            raise LedgerError(
                "the service keeps no ledger, so feedback has nowhere to go: "
                "set ledger_path or ledger_url (ORCHESTRATOR_LEDGER for the server)"
            )
        said = TurnFeedback.model_validate(feedback.model_dump(exclude={"thread_id"}))
        return apply_feedback(ledger, feedback.thread_id, said, adapt=self.config.quality.adaptive)

    def evaluate_task(
        self, task_request: str | EvaluateRequest, main_session_context: Sequence[Any] = ()
    ) -> Evaluation:
        """The routing decision for ``task_request`` (no model call).

        Raises ``UnknownModelPriceError`` for a model with no price (give ``prices``).
        """
        if isinstance(task_request, str):
            context = [ChatMessage.model_validate(m) for m in main_session_context]
            task_request = EvaluateRequest(task_request=task_request, main_session_context=context)
        request = task_request
        config = self.config
        if request.prices:
            config = config.updated({"prices": {**config.prices, **request.prices}})
        messages = [
            *_langchain(request.main_session_context),
            HumanMessage(content=request.task_request),
        ]
        decision = evaluate_task(
            messages,
            config=config,
            main_model=request.main_model or self.main_model,
            worker_model=request.worker_model or self.worker_model,
        )
        option = decision.estimate.option(decision.route)
        return Evaluation(
            route=decision.route,
            reasons=decision.reasons,
            confidence=decision.confidence,
            estimated_cost_usd=option.total_usd,
            main_session_cost_usd=decision.estimate.main.total_usd,
            workers=decision.tasks,
            minimal_context=[
                chat_messages([messages[p] for p in task.context_indices])
                for task in decision.tasks
            ],
            decision=decision,
        )

    def spawn_worker_session(
        self, task: WorkerTask, minimal_context: Sequence[ChatMessage | dict] = ()
    ) -> str:
        """Run one worker on ``task`` and its minimal view; returns its id (a thread id
        of the checkpointer, read back with ``worker_session``)."""
        worker_id = f"worker-{uuid.uuid4()}"
        view = _langchain([ChatMessage.model_validate(m) for m in minimal_context])
        self.workers.invoke(
            WorkerInput(task=task, context=cast(list[AnyMessage], view)),
            _thread(worker_id),
            durability="sync",
        )
        if (ledger := ledger_for(self.config)) is not None:  # billed now, integrated or not
            calls = self.workers.get_state(_thread(worker_id)).values.get("calls") or []
            # rows of no turn yet: the integration's turn record moves them (same call ids)
            ledger.record_failed_calls(worker_id, 0, calls, self.config.tenant)
        return worker_id

    def worker_session(self, worker_id: str) -> WorkerSession:
        """The stored worker ``worker_id``; ``KeyError`` when there is none."""
        values = self.workers.get_state(_thread(worker_id)).values
        if "task" not in values:
            raise KeyError(f"no worker session {worker_id!r}")
        results = values.get("worker_results") or []
        return WorkerSession(
            worker_id=worker_id,
            task=values["task"],
            minimal_context=chat_messages(values.get("context") or []),
            result=results[-1] if results else None,
            cost_usd=sum(c.cost_usd for c in values.get("calls") or []),
            calls=values.get("calls") or [],
        )

    def integrate_results(
        self, worker_results: Sequence[str], main_session_id: str, *, request: str | None = None
    ) -> Integration:
        """Join the workers' usable answers into one and append it (after ``request``,
        if given) to the main conversation ``main_session_id``."""
        sessions = [self.worker_session(worker_id) for worker_id in worker_results]
        results = [s.result for s in sessions if s.result is not None]
        usable = [r for r in results if r.status == "ok"]
        statuses = [s.result.status if s.result else "failed" for s in sessions]
        unusable = [s.task.task_id for s in sessions if s.result not in usable]
        cost = sum(s.cost_usd for s in sessions)
        if not usable:  # nothing to merge: the main conversation stays as it was
            return Integration(
                main_session_id=main_session_id, answer="", digest="", statuses=statuses,
                needs_main_session=unusable, cost_usd=cost, messages=len(
                    self.main.get_state(_thread(main_session_id)).values.get("messages") or []
                ),
            )  # fmt: skip
        answer = join_answers(
            [r.text for r in usable],
            [r.call.model if r.call else "" for r in usable],
            route="parallel_workers" if len(sessions) > 1 else "worker_session",
        )
        thread = _thread(main_session_id)
        values = self.main.get_state(thread).values
        before = list(values.get("messages") or [])
        new: list[BaseMessage] = []
        if request:
            new.append(HumanMessage(content=request, id=str(uuid.uuid4())))
        transcript = [*before, *new, answer]
        tokens = self.config.sessions.digest_tokens
        if any(m.type == "human" for m in transcript):
            turn = last_turn(transcript)
            digests = turn_digests(transcript[turn.start], answer, turn.index, tokens)
        else:  # an answer with no request in the thread: its own digest only
            digests = {str(answer.id): make_digest(answer.text, tokens, label="answer")}
        update: dict[str, Any] = {"messages": [*new, answer], "digests": digests}
        baseline = None
        if new:  # a new turn: as if ``merge`` had joined it, then the graph's ``record``
            decision = self._integrated(before, new[0], sessions, values.get("digests"))
            calls = [c for s in sessions for c in s.calls]
            update |= {
                "thread_id": main_session_id,
                "decision": decision,
                "profile": decision.profile,
                "calls": Overwrite(calls),
                "worker_results": Overwrite(results),
                "overhead_ms": Overwrite(0.0),
            }
            self.main.update_state(thread, update, as_node="merge")
            baseline = self.main.invoke(None, thread, durability="sync")["baseline_cost_usd"]
        else:  # an answer joining the last turn (or none): the spend, no turn of its own
            update |= {"cost_usd": cost, "thread_cost_usd": cost}
            self.main.update_state(thread, update, as_node="record")
        return Integration(
            main_session_id=main_session_id,
            answer=message_text(answer),
            digest=digests[str(answer.id)],
            statuses=statuses,
            needs_main_session=unusable,
            cost_usd=cost,
            baseline_cost_usd=baseline,
            messages=len(transcript),
        )

    def _integrated(
        self,
        before: Sequence[BaseMessage],
        request: BaseMessage,
        sessions: Sequence[WorkerSession],
        digests: dict[str, str] | None,
    ) -> RoutingDecision:
        """The decision the ledger records for an integrated turn: the orchestrator's own
        (``evaluate_task`` on the same transcript) with the route the workers took."""
        decision = evaluate_task(
            [*before, request],
            config=self.config,
            main_model=self.main_model,
            worker_model=self.worker_model,
            digests=digests,
        )
        route: Route = "parallel_workers" if len(sessions) > 1 else "worker_session"
        key = "parallel" if route == "parallel_workers" else "worker"
        estimate = decision.estimate
        if getattr(estimate, key) is None:  # not offered by the orchestrator: no estimate
            estimate = estimate.model_copy(update={key: estimate.worker or estimate.main})
        reason = (
            f"integrated by the service from {len(sessions)} worker session(s); "
            f"the orchestrator would have chosen {decision.route}"
        )
        return decision.model_copy(
            update={
                "route": route,
                "reasons": [reason, *decision.reasons],
                "tasks": [s.task for s in sessions],
                "estimate": estimate,
            }
        )
