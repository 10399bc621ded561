"""``classify``: the request and the conversation -> ``TaskProfile``; a new turn starts."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableConfig
from langgraph.config import get_config
from langgraph.runtime import Runtime

from orchestrator_graph.accounting.budget import thread_of
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.nodes import overhead_ms, sync_and_async
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.classify.cheap_model import aask_model, ask_model
from orchestrator_graph.routing.classify.trained import load_trained
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import ModelCall, OrchestratorState, TaskProfile


def run_thread_id(config: RunnableConfig) -> str:
    """The run's thread id; a run without one (no checkpointer) gets an id of its own,
    so that its ledger rows and budget holds are never another run's."""
    return thread_of(config) or f"run-{uuid.uuid4().hex}"


def make_classify(
    worker_model: BaseChatModel | None = None,
    pricing: Pricing | None = None,
    options: OrchestratorConfig | None = None,
    resources: Resources | None = None,
) -> Runnable[Any, dict[str, Any]]:
    """The node: rules, the trained tier when configured, and the worker model
    when ``cheap_model_below`` is set and the profile's confidence is below it
    (``cheap_model.ask_model``, a guarded call like every model call, under the
    graph's ``resources``)."""
    base = options or OrchestratorConfig()
    held = resources or Resources(base)
    if base.routing.classifier_model_path is not None:
        load_trained(
            Path(base.routing.classifier_model_path)
        )  # a missing or stale model fails here

    def asks(
        profile: TaskProfile, state: OrchestratorState, run: OrchestratorConfig, thread_id: str
    ) -> dict[str, Any] | None:
        """The cheap tier's arguments when the rules' profile asks for it, else None."""
        if not (_asks_model(profile, run) and worker_model is not None and pricing is not None):
            return None
        return {
            "model": worker_model,
            "messages": state["messages"],
            "profile": profile,
            "settings": run,
            "resources": held,
            "thread_id": thread_id,
            "model_name": pricing.worker_model,
            "price": pricing.worker,
        }

    def classify(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Profile the latest request and reset the per-turn channels."""
        started, thread_id = time.perf_counter(), run_thread_id(get_config())
        run = run_options(base, run_context(runtime))
        profile = classify_request(state["messages"], config=run)
        calls: list[ModelCall] = []
        if (args := asks(profile, state, run, thread_id)) is not None:
            profile, calls = ask_model(**args)
        return _update(profile, calls, thread_id, started)

    async def aclassify(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        started, thread_id = time.perf_counter(), run_thread_id(get_config())
        run = run_options(base, run_context(runtime))
        profile = classify_request(state["messages"], config=run)
        calls: list[ModelCall] = []
        if (args := asks(profile, state, run, thread_id)) is not None:
            profile, calls = await aask_model(**args)
        return _update(profile, calls, thread_id, started)

    return sync_and_async(classify, aclassify)


def _update(
    profile: TaskProfile, calls: list[ModelCall], thread_id: str, started: float
) -> dict[str, Any]:
    profile.classify_ms = (time.perf_counter() - started) * 1000
    return {
        "profile": profile,
        "decision": None,
        "thread_id": thread_id,
        "worker_results": [],  # the turn's channels start over (nodes.so_far)
        "calls": list(calls),
        "overhead_ms": overhead_ms(started, calls),
        # an empty update a turn: the delta channels reach a snapshot on a regular
        # cadence even in a thread that stops writing them (a bounded walk back)
        "digests": {},
        "prompts": {},
    }


def _asks_model(profile: TaskProfile, options: OrchestratorConfig) -> bool:
    below = options.routing.cheap_model_below
    return below is not None and profile.confidence < below and "first turn" not in profile.signals
