"""The orchestrator service over HTTP: custom routes of the LangGraph server.

``langgraph.json`` names ``app`` under ``"http"``, so one ``langgraph dev`` (or
LangGraph server) serves the graph and these routes; the server's
``/openapi.json`` includes them. Run alone: ``uvicorn orchestrator_graph.server.http_api:app``.

    POST /orchestrator/evaluate              EvaluateRequest  -> Evaluation
    POST /orchestrator/workers               SpawnRequest     -> WorkerSession (201)
         (header ``Idempotency-Key``: a retry gets the same worker, run and billed once)
    GET  /orchestrator/workers/{worker_id}                    -> WorkerSession
    POST /orchestrator/integrate             IntegrateRequest -> Integration
    POST /orchestrator/feedback              FeedbackRequest  -> Outcome

Workers and main conversations are threads of the checkpointer where the state is
(``ORCHESTRATOR_STATE``, ``storage.location``), as are the served graph's: a folder's
SQLite file, or a Postgres database that several replicas share (any request on any
replica). Models as in ``studio.py``: simulated offline, ``ChatOpenAI``
with ``OPENAI_API_KEY``; a worker runs the model its task names. Errors: 422 names the
bad field (missing, mistyped, out of range or unknown); 400 a request the orchestrator
cannot run (a request with no text, a model with no price, with how to give one);
404 an unknown worker id, or feedback on a turn the thread has not recorded; 409 a
worker already integrated (or being integrated by another request, until its claim's
lease runs out), or feedback to a service that keeps no ledger.

Every route authenticates its caller (``server.auth``: API keys from
``ORCHESTRATOR_API_KEYS``, or your own function): 401 without a known key. The
caller's identity is the tenant of its requests (ledger rows and budget holds under
it); a body whose ``tenant`` is another is 403. A worker is its tenant's: another
tenant reads or integrates it as a 404, the answer for an id that does not exist (a
worker id says nothing of other tenants). A ``main_session_id`` or ``thread_id`` names
the caller's own conversation (``identity.owned_thread``): another tenant's ``main-1``
is another thread.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, ExitStack, asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse

from orchestrator_graph.accounting.feedback import Outcome
from orchestrator_graph.errors import (
    AlreadyIntegratedError,
    AuthenticationError,
    IdempotencyKeyError,
    IdentityMismatchError,
    InvalidTurnError,
    LedgerError,
    UnknownModelError,
    UnknownModelPriceError,
    UnknownTurnError,
)
from orchestrator_graph.server.auth import Authenticate, Caller, from_environment
from orchestrator_graph.server.chat_models import default_models, served_model
from orchestrator_graph.server.environment import config_from_env
from orchestrator_graph.server.schemas import (
    EvaluateRequest,
    Evaluation,
    FeedbackRequest,
    IntegrateRequest,
    Integration,
    SpawnRequest,
    WorkerSession,
)
from orchestrator_graph.server.service import OrchestratorService
from orchestrator_graph.storage.location import state_location

PREFIX = "/orchestrator"


def _service(request: Request) -> OrchestratorService:
    return request.app.state.service


Service = Annotated[OrchestratorService, Depends(_service)]


def default_service(stack: ExitStack) -> OrchestratorService:
    """The service the server runs: the Studio models and config, the checkpoints where
    the state is (``ORCHESTRATOR_STATE``)."""
    live = bool(os.environ.get("OPENAI_API_KEY"))
    main, worker = default_models(live=live)
    config = config_from_env()  # a retired or wrong setting fails here, at start-up
    saver = stack.enter_context(state_location().checkpointer())
    return stack.enter_context(  # closed (ledger, cache) before the checkpointer
        OrchestratorService(
            main_model=main,
            worker_model=worker,
            checkpointer=saver,
            config=config,
            chat_model=lambda name: served_model(name, live=live),
        )
    )


ERROR_STATUS: dict[type[Exception], tuple[int, str]] = {
    InvalidTurnError: (status.HTTP_400_BAD_REQUEST, ""),
    UnknownModelError: (status.HTTP_400_BAD_REQUEST, ""),
    UnknownModelPriceError: (
        status.HTTP_400_BAD_REQUEST,
        " Over HTTP: give it in the request's `prices` field.",
    ),
    UnknownTurnError: (status.HTTP_404_NOT_FOUND, ""),
    AlreadyIntegratedError: (status.HTTP_409_CONFLICT, ""),
    IdempotencyKeyError: (status.HTTP_409_CONFLICT, ""),
    AuthenticationError: (status.HTTP_401_UNAUTHORIZED, ""),
    IdentityMismatchError: (status.HTTP_403_FORBIDDEN, ""),
}
"""The service's errors as HTTP statuses; ``detail`` is the error's message and the hint."""


def _answer_with(
    code: int, hint: str
) -> Callable[[Request, Exception], Coroutine[Any, Any, JSONResponse]]:
    async def answer(request: Request, error: Exception) -> JSONResponse:
        challenge = {"WWW-Authenticate": "Bearer"} if code == 401 else None
        return JSONResponse({"detail": f"{error}{hint}"}, status_code=code, headers=challenge)

    return answer


def _lifespan(
    service_factory: Callable[[ExitStack], OrchestratorService],
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the service opened when it starts, closed when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stack = ExitStack()  # opened and closed off the event loop (SQLite is blocking I/O)
        app.state.service = await asyncio.to_thread(service_factory, stack)
        try:
            yield
        finally:
            await asyncio.to_thread(stack.close)

    return lifespan


def create_app(
    service_factory: Callable[[ExitStack], OrchestratorService] = default_service,
    authenticate: Authenticate | None = None,
) -> FastAPI:
    """The FastAPI app; ``service_factory`` opens the service when the app starts;
    ``authenticate`` names each caller (default: ``server.auth``'s, from the environment)."""
    app = FastAPI(
        title="orchestrator-graph service",
        version="0.1.0",
        description="Route a request, run workers, merge their answers into the main session.",
        lifespan=_lifespan(service_factory),
        exception_handlers={t: _answer_with(c, h) for t, (c, h) in ERROR_STATUS.items()},
    )
    app.state.authenticate = authenticate or from_environment()

    @app.post(f"{PREFIX}/evaluate", tags=["orchestrator"])
    def evaluate(body: EvaluateRequest, svc: Service, caller: Caller) -> Evaluation:
        """The routing decision for a request (no model call)."""
        return svc.evaluate_task(body, tenant=caller.tenant_for(body.tenant))

    @app.post(f"{PREFIX}/workers", status_code=status.HTTP_201_CREATED, tags=["orchestrator"])
    def spawn(
        body: SpawnRequest,
        svc: Service,
        caller: Caller,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> WorkerSession:
        """Run one worker; its id reads it back (``GET /orchestrator/workers/{id}``). A
        retry with the request's ``Idempotency-Key`` gets the same worker, billed once."""
        tenant = caller.tenant_for(body.tenant)
        worker_id = svc.spawn_worker_session(
            body.task, body.minimal_context, prices=body.prices, tenant=tenant, key=idempotency_key
        )
        return svc.worker_session(worker_id, tenant=tenant)

    @app.get(f"{PREFIX}/workers/{{worker_id}}", tags=["orchestrator"])
    def worker(worker_id: str, svc: Service, caller: Caller) -> WorkerSession:
        """A worker's task, view and result, as stored in the checkpointer."""
        try:
            return svc.worker_session(worker_id, tenant=caller.tenant)
        except KeyError as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, error.args[0]) from error

    @app.post(f"{PREFIX}/integrate", tags=["orchestrator"])
    def integrate(body: IntegrateRequest, svc: Service, caller: Caller) -> Integration:
        """Join the workers' answers into the main conversation; a summary of the merge."""
        tenant = caller.tenant_for(body.tenant)
        try:
            return svc.integrate_results(
                body.worker_results, body.main_session_id, request=body.request, tenant=tenant
            )
        except KeyError as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, error.args[0]) from error

    @app.post(f"{PREFIX}/feedback", tags=["orchestrator"])
    def feedback(body: FeedbackRequest, svc: Service, caller: Caller) -> Outcome:
        """A turn's outcome (quality or thumbs, needed earlier turns): in the ledger
        against the turn's decision, and learned by the router."""
        try:
            return svc.record_feedback(body, tenant=caller.tenant_for(body.tenant))
        except LedgerError as error:
            raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error

    return app


app = create_app()
