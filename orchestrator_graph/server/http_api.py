"""The orchestrator service over HTTP: custom routes of the LangGraph server.

``langgraph.json`` names ``app`` under ``"http"``, so one ``langgraph dev`` (or
LangGraph server) serves the graph and these routes; the server's
``/openapi.json`` includes them. Run alone: ``uvicorn orchestrator_graph.server.http_api:app``.

    POST /orchestrator/evaluate              EvaluateRequest  -> Evaluation
    POST /orchestrator/workers               SpawnRequest     -> WorkerSession (201)
    GET  /orchestrator/workers/{worker_id}                    -> WorkerSession
    POST /orchestrator/integrate             IntegrateRequest -> Integration
    POST /orchestrator/feedback              FeedbackRequest  -> Outcome

Workers and main conversations are threads of a SQLite checkpointer on
``checkpoints.default_checkpoint_path()`` (``$ORCHESTRATOR_CHECKPOINTS``), the file
the server's graph uses. Models as in ``studio.py``: simulated offline, ``ChatOpenAI``
with ``OPENAI_API_KEY``. Errors: 422 names the bad field, 400 an unknown model price
(with how to give one), 404 an unknown worker id or a thread with no recorded turn,
409 feedback to a service that keeps no ledger.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse

from orchestrator_graph.accounting.feedback import Outcome
from orchestrator_graph.errors import LedgerError, UnknownModelPriceError
from orchestrator_graph.server.chat_models import default_models
from orchestrator_graph.server.service import (
    EvaluateRequest,
    Evaluation,
    FeedbackRequest,
    IntegrateRequest,
    Integration,
    OrchestratorService,
    SpawnRequest,
    WorkerSession,
)
from orchestrator_graph.server.studio import config_from_env
from orchestrator_graph.storage.checkpoints import default_checkpoint_path, sqlite_checkpointer

PREFIX = "/orchestrator"


def _service(request: Request) -> OrchestratorService:
    return request.app.state.service


Service = Annotated[OrchestratorService, Depends(_service)]


def default_service(stack: ExitStack) -> OrchestratorService:
    """The service the server runs: the Studio models and config, the SQLite checkpoints."""
    main, worker = default_models(live=bool(os.environ.get("OPENAI_API_KEY")))
    saver = stack.enter_context(sqlite_checkpointer(default_checkpoint_path()))
    return stack.enter_context(  # closed (ledger, cache) before the checkpointer
        OrchestratorService(
            main_model=main, worker_model=worker, checkpointer=saver, config=config_from_env()
        )
    )


def create_app(
    service_factory: Callable[[ExitStack], OrchestratorService] = default_service,
) -> FastAPI:
    """The FastAPI app; ``service_factory`` opens the service when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stack = ExitStack()  # opened and closed off the event loop (SQLite is blocking I/O)
        app.state.service = await asyncio.to_thread(service_factory, stack)
        try:
            yield
        finally:
            await asyncio.to_thread(stack.close)

    app = FastAPI(
        title="orchestrator-graph service",
        version="0.1.0",
        description="Route a request, run workers, merge their answers into the main session.",
        lifespan=lifespan,
    )

    @app.exception_handler(UnknownModelPriceError)
    async def unknown_price(request: Request, error: UnknownModelPriceError) -> JSONResponse:
        detail = f"{error} Over HTTP: give it in the request's `prices` field."
        return JSONResponse({"detail": detail}, status_code=status.HTTP_400_BAD_REQUEST)

    @app.post(f"{PREFIX}/evaluate", tags=["orchestrator"])
    def evaluate(body: EvaluateRequest, svc: Service) -> Evaluation:
        """The routing decision for a request (no model call)."""
        return svc.evaluate_task(body)

    @app.post(f"{PREFIX}/workers", status_code=status.HTTP_201_CREATED, tags=["orchestrator"])
    def spawn(body: SpawnRequest, svc: Service) -> WorkerSession:
        """Run one worker; its id reads it back (``GET /orchestrator/workers/{id}``)."""
        worker_id = svc.spawn_worker_session(body.task, body.minimal_context)
        return svc.worker_session(worker_id)

    @app.get(f"{PREFIX}/workers/{{worker_id}}", tags=["orchestrator"])
    def worker(worker_id: str, svc: Service) -> WorkerSession:
        """A worker's task, view and result, as stored in the checkpointer."""
        try:
            return svc.worker_session(worker_id)
        except KeyError as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, error.args[0]) from error

    @app.post(f"{PREFIX}/integrate", tags=["orchestrator"])
    def integrate(body: IntegrateRequest, svc: Service) -> Integration:
        """Join the workers' answers into the main conversation; a summary of the merge."""
        try:
            return svc.integrate_results(
                body.worker_results, body.main_session_id, request=body.request
            )
        except KeyError as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, error.args[0]) from error

    @app.post(f"{PREFIX}/feedback", tags=["orchestrator"])
    def feedback(body: FeedbackRequest, svc: Service) -> Outcome:
        """A turn's outcome (quality or thumbs, needed earlier turns): in the ledger
        against the turn's decision, and learned by the router."""
        try:
            return svc.record_feedback(body)
        except LedgerError as error:
            raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
        except ValueError as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from error

    return app


app = create_app()
