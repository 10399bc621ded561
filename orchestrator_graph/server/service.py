"""The orchestrator as a service, for main sessions that are not LangGraph graphs.

Three calls, each a thin layer over the graph's own parts (``http_api`` serves them
over HTTP):

``evaluate_task(task_request, main_session_context)``
    the routing decision (``evaluate.evaluate_task``): route, worker tasks,
    estimated cost, confidence. No model call.
``spawn_worker_session(task, minimal_context)``
    runs one worker on the model its task names through the compiled worker subgraph
    (``nodes.spawn_subgraph.build_worker_graph``) on the service's checkpointer;
    the worker id is its thread id there, so ``worker_session(id)`` reads it back.
    Its calls enter the cost ledger at once, under the worker id (turn 0).
``integrate_results(worker_ids, main_session_id)``
    joins the workers' answers as ``merge`` does and appends the request and the
    answer to the main conversation (a thread of the orchestrator graph, with the
    digests that stand for them in later main views); returns a summary. With a
    request, the graph's own ``record`` node ends the turn: the ledger gets the turn
    with the workers' calls (moved from the worker ids) and its baseline, as for a
    turn the graph answered. A worker is integrated once: the ledger keeps the claim.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.feedback import Outcome, apply_feedback
from orchestrator_graph.accounting.pricing import ModelPrice, model_name_of, price_for
from orchestrator_graph.config import OrchestratorConfig, RunContext
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.errors import (
    AlreadyIntegratedError,
    IdempotencyKeyError,
    IntegrationInProgressError,
    LedgerError,
    UnknownModelError,
)
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.nodes.merge import join_answers, transcript_digests
from orchestrator_graph.nodes.spawn_subgraph import build_worker_graph
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.evaluate import evaluate_task
from orchestrator_graph.server.identity import owned_thread
from orchestrator_graph.server.integration import integrated_decision
from orchestrator_graph.server.schemas import (
    ChatMessage,
    EvaluateRequest,
    Evaluation,
    FeedbackRequest,
    Integration,
    SpawnTask,
    WorkerSession,
    chat_messages,
    langchain_messages,
)
from orchestrator_graph.state import (
    RoutingDecision,
    TurnFeedback,
    WorkerInput,
    WorkerTask,
)
from orchestrator_graph.storage.closing import Closing

WorkerGraph = CompiledStateGraph[Any, Any, Any, Any]
# the answer's metadata key naming the workers merged into it (a retry looks for them)
MERGED_WORKERS = "integrated_workers"


def _worker_id(tenant: str | None, key: str | None) -> str:
    """A new worker's id: random, or named by the tenant's idempotency key."""
    if key is None:
        return f"worker-{uuid.uuid4()}"
    return f"worker-{uuid.uuid5(uuid.NAMESPACE_URL, f'{tenant or str()}/{key}')}"


def _thread(thread_id: str, tenant: str | None = None) -> RunnableConfig:
    """A thread's config; a run's ``tenant`` becomes the owner in its checkpoint metadata."""
    owner = {"metadata": {"owner": tenant}} if tenant is not None else {}
    return {"configurable": {"thread_id": thread_id}, **owner}  # type: ignore[typeddict-item]


class OrchestratorService(Closing):
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
        chat_model: Callable[[str], BaseChatModel] | None = None,
    ) -> None:
        """``chat_model`` builds the chat model a worker task names (``task.model``);
        without it a task runs only on the main or the worker model, by name."""
        self.config = config or OrchestratorConfig()
        self.main_model, self.worker_model = model_name_of(main_model), model_name_of(worker_model)
        pricing = Pricing.resolve(self.main_model, self.worker_model, self.config)
        # the ledger, budget book and cache: one holder for the workers, the graph and the
        # feedback, opened on first use and closed with the service
        self.resources = Resources(self.config)
        self._checkpointer, self._chat_model = checkpointer, chat_model
        self._served = {self.main_model: main_model, self.worker_model: worker_model}
        self._worker_graphs: dict[tuple[str, str], WorkerGraph] = {}
        self.workers = self._worker_graph(self.worker_model, pricing.worker)
        self.main = create_orchestrator(
            main_model=main_model,
            worker_model=worker_model,
            config=self.config,
            resources=self.resources,
        ).compile(checkpointer=checkpointer)

    def close(self) -> None:
        """Close the ledger, budget book and cache (the checkpointer is the caller's)."""
        self.resources.close()

    def record_feedback(self, feedback: FeedbackRequest, *, tenant: str | None = None) -> Outcome:
        """Record a turn's outcome in the ledger and learn from it (``feedback``); the
        thread is ``tenant``'s (``identity.owned_thread``).

        Raises ``LedgerError`` when the service keeps no ledger, ``ValueError`` when the
        thread has no recorded turn to judge.
        """
        ledger = self.resources.ledger()
        if ledger is None:
            raise LedgerError(
                "the service keeps no ledger, so feedback has nowhere to go: "
                "set ledger_path or ledger_url (the server keeps it where ORCHESTRATOR_STATE says)"
            )
        said = TurnFeedback.model_validate(feedback.model_dump(exclude={"thread_id", "tenant"}))
        cache = self.resources.cache()
        return apply_feedback(
            ledger,
            owned_thread(tenant, feedback.thread_id),
            said,
            adapt=self.config.quality.adaptive,
            cache=cache,
        )

    def evaluate_task(
        self,
        task_request: str | EvaluateRequest,
        main_session_context: Sequence[Any] = (),
        *,
        tenant: str | None = None,
    ) -> Evaluation:
        """The routing decision for ``task_request`` (no model call), within ``tenant``'s
        budget when there is one (None: the config's tenant).

        Raises ``UnknownModelPriceError`` for a model with no price (give ``prices``).
        """
        if isinstance(task_request, str):
            context = [ChatMessage.model_validate(m) for m in main_session_context]
            task_request = EvaluateRequest(task_request=task_request, main_session_context=context)
        request = task_request
        config = self._tenant_config(tenant)
        if request.prices:
            config = config.updated({"prices": {**config.prices, **request.prices}})
        messages = [
            *langchain_messages(request.main_session_context),
            HumanMessage(content=request.task_request),
        ]
        decision = evaluate_task(
            messages,
            config=config,
            main_model=request.main_model or self.main_model,
            worker_model=request.worker_model or self.worker_model,
            resources=self.resources,
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
        self,
        task: WorkerTask | Mapping[str, Any],
        minimal_context: Sequence[ChatMessage | dict] = (),
        *,
        prices: Mapping[str, ModelPrice] | None = None,
        tenant: str | None = None,
        key: str | None = None,
    ) -> str:
        """Run one worker on ``task`` (on ``task.model``) and its minimal view; returns its
        id (a thread id of the checkpointer, read back with ``worker_session``). With a
        ``tenant``, the worker is its: its spend and holds are under it, its thread is
        the tenant's, and only that tenant reads or integrates it.

        ``key`` (an idempotency key, the HTTP ``Idempotency-Key`` header) names the
        worker: a retry with the same key and task returns the worker the first request
        ran, finished if its process died mid-run, and runs and bills nothing new; the
        same key with another task raises ``IdempotencyKeyError``. Two requests with
        one key at the same moment may both run: retry after a failure, not meanwhile.

        Raises ``pydantic.ValidationError`` for a task with no brief, a token limit
        under 1 or an unknown field; ``UnknownModelPriceError`` for a model with no
        price (give ``prices``); ``UnknownModelError`` for one the service cannot run.
        """
        fields = task.model_dump() if isinstance(task, WorkerTask) else dict(task)
        checked = SpawnTask.model_validate(fields)  # with its defaults (turn, index)
        fields = {**checked.model_dump(), "thread_id": owned_thread(tenant, checked.thread_id)}
        price = price_for(checked.model, {**self.config.prices, **(prices or {})})
        workers = self._worker_graph(checked.model, price)
        worker_id = _worker_id(tenant, key)
        view = langchain_messages([ChatMessage.model_validate(m) for m in minimal_context])
        brief = WorkerInput(
            task=WorkerTask.model_validate(fields), context=cast(list[AnyMessage], view)
        )
        thread, context = _thread(worker_id, tenant), RunContext(tenant=tenant)
        state = workers.get_state(thread) if key is not None else None
        if state is None or "task" not in state.values:  # a new worker
            workers.invoke(brief, thread, context=context, durability="sync")
        elif state.values["task"] != brief["task"]:
            raise IdempotencyKeyError(
                f"idempotency key {key!r} named another worker task: send a new key"
            )
        elif state.next:  # the first request's process died mid-run: finish it
            workers.invoke(None, thread, context=context, durability="sync")
        if (ledger := self.resources.ledger()) is not None:  # billed now, integrated or not
            calls = workers.get_state(_thread(worker_id)).values.get("calls") or []
            # rows of no turn yet: the integration's turn record moves them (same call ids)
            ledger.record_calls(worker_id, 0, calls, tenant or self.config.tenant)
        return worker_id

    def _tenant_config(self, tenant: str | None) -> OrchestratorConfig:
        """The service's config for ``tenant``'s requests (None: its own tenant)."""
        return self.config.updated({"tenant": tenant}) if tenant else self.config

    def _worker_graph(self, model: str, price: ModelPrice) -> WorkerGraph:
        """The worker graph that runs ``model`` at ``price`` (one per model and price)."""
        key = (model, price.model_dump_json())
        if key not in self._worker_graphs:
            chat = self._served.get(model) or (self._chat_model and self._chat_model(model))
            if chat is None:
                raise UnknownModelError(
                    f"this service runs no model {model!r}: it runs {self.main_model!r} and "
                    f"{self.worker_model!r} (OrchestratorService(chat_model=...) runs others)"
                )
            pricing = Pricing(main_model=model, main=price, worker_model=model, worker=price)
            self._worker_graphs[key] = build_worker_graph(
                {"main": chat, "worker": chat},
                pricing,
                self.config,
                self.resources,
                checkpointer=self._checkpointer,
            )
        return self._worker_graphs[key]

    def worker_session(self, worker_id: str, *, tenant: str | None = None) -> WorkerSession:
        """The stored worker ``worker_id``; ``KeyError`` when there is none, or when it is
        another tenant's and ``tenant`` is given (None reads any: an open service)."""
        state = self.workers.get_state(_thread(worker_id))
        values = state.values
        if "task" not in values or tenant not in (None, (state.metadata or {}).get("owner")):
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
        self,
        worker_results: Sequence[str],
        main_session_id: str,
        *,
        request: str | None = None,
        tenant: str | None = None,
    ) -> Integration:
        """Join the workers' usable answers into one and append it (after ``request``,
        if given) to the main conversation ``main_session_id``. With a ``tenant``, the
        workers must be its (else ``KeyError``) and the conversation is its own
        (``identity.owned_thread``: another tenant's ``main-1`` is another thread).

        Raises ``KeyError`` for an unknown worker id and ``AlreadyIntegratedError`` for a
        worker integrated before, into any conversation: with a ledger the claim is a
        row there, so it holds across processes that share it; nothing is merged or
        billed twice. A claim whose merge is not in its conversation is in progress
        (``IntegrationInProgressError``) until its lease runs out; then its process is
        taken to have died and the workers are merged here.
        """
        sessions = [self.worker_session(worker_id, tenant=tenant) for worker_id in worker_results]
        thread_id = owned_thread(tenant, main_session_id)
        ledger = self.resources.ledger()
        if ledger is not None:
            try:
                ledger.claim_workers(worker_results, thread_id, merged=self._has_merged)
            except IntegrationInProgressError:
                raise
            except AlreadyIntegratedError as refused:
                if refused.thread_id is not None:
                    self._finish_record(refused.thread_id, RunContext(tenant=tenant))
                raise
        try:
            merged = self._merge(sessions, thread_id, request, RunContext(tenant=tenant))
            return merged.model_copy(update={"main_session_id": main_session_id})
        except BaseException:
            if ledger is not None:  # not merged: the workers may be integrated again
                ledger.release_workers(worker_results)
            raise

    def _finish_record(self, thread_id: str, context: RunContext) -> None:
        """Record the turn of a merge whose process died before its ``record`` step ran
        (the answer is in the conversation, the turn not yet in the ledger): the graph
        runs its pending step (an upsert: recording it twice counts it once)."""
        thread = _thread(thread_id)
        if self.main.get_state(thread).next == ("record",):
            self.main.invoke(None, thread, context=context, durability="sync")

    def _has_merged(self, thread_id: str, worker_ids: Sequence[str]) -> bool:
        """Whether the conversation ``thread_id`` holds an answer merged from any of
        ``worker_ids`` (``_merge`` names them in the answer's metadata)."""
        messages = self.main.get_state(_thread(thread_id)).values.get("messages") or []
        wanted = set(worker_ids)
        return any(
            wanted & set(m.response_metadata.get(MERGED_WORKERS, ()))
            for m in messages
            if m.type == "ai"
        )

    def _merge(
        self,
        sessions: Sequence[WorkerSession],
        main_session_id: str,
        request: str | None,
        context: RunContext,
    ) -> Integration:
        """``integrate_results`` once its workers are claimed."""
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
        answer.response_metadata[MERGED_WORKERS] = [s.worker_id for s in sessions]
        thread = _thread(main_session_id, context.tenant)
        values = self.main.get_state(thread).values
        before = list(values.get("messages") or [])
        new: list[BaseMessage] = []
        if request:
            new.append(HumanMessage(content=request, id=str(uuid.uuid4())))
        transcript = [*before, *new, answer]
        digests = transcript_digests(transcript, answer, self.config.sessions.digest_tokens)
        update: dict[str, Any] = {"messages": [*new, answer], "digests": digests}
        baseline = None
        if new:  # a new turn: as if ``merge`` had joined it, then the graph's ``record``
            decision = self._integrated(before, new[0], sessions, main_session_id, values)
            calls = [c for s in sessions for c in s.calls]
            update |= {
                "thread_id": main_session_id,
                "decision": decision,
                "profile": decision.profile,
                "calls": calls,  # the turn's channels, written whole
                "worker_results": results,
                "overhead_ms": 0.0,
            }
            self.main.update_state(thread, update, as_node="merge")
            baseline = self.main.invoke(None, thread, context=context, durability="sync")[
                "baseline_cost_usd"
            ]
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
        thread_id: str,
        values: dict[str, Any],
    ) -> RoutingDecision:
        """The decision the ledger records for an integrated turn: the orchestrator's own
        (``evaluate_task`` on the thread's transcript, digests, prompts and A/B arm, with
        no person asked and no budget fitted: the workers ran already) with the route
        the workers took."""
        decision = evaluate_task(
            [*before, request],
            config=self.config.updated({"budget": None, "interrupt_below": None}),
            main_model=self.main_model,
            worker_model=self.worker_model,
            digests=values.get("digests"),
            prompts=values.get("prompts"),
            thread_id=thread_id,
            resources=self.resources,
        )
        return integrated_decision(decision, [s.task for s in sessions])
