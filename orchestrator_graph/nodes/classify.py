"""``classify``: the request and the conversation -> ``TaskProfile``; a new turn starts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime
from langgraph.types import Overwrite

from orchestrator_graph.accounting.budget import thread_of
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.nodes import overhead_ms
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.classify.cheap_model import ask_model
from orchestrator_graph.routing.classify.trained import load_trained
from orchestrator_graph.state import ModelCall, OrchestratorState, TaskProfile


def run_thread_id(config: RunnableConfig) -> str:
    """The run's thread id; a run without one (no checkpointer) gets an id of its own,
    so that its ledger rows and budget holds are never another run's."""
    return thread_of(config) or f"run-{uuid.uuid4().hex}"


def make_classify(
    worker_model: BaseChatModel | None = None,
    pricing: Pricing | None = None,
    options: OrchestratorConfig | None = None,
) -> Callable[..., dict[str, Any]]:
    """The node: rules, the trained tier when configured, and the worker model
    when ``cheap_model_below`` is set and the profile's confidence is below it."""
    base = options or OrchestratorConfig()
    if base.routing.classifier_model_path is not None:
        load_trained(
            Path(base.routing.classifier_model_path)
        )  # a missing or stale model fails here

    def classify(
        state: OrchestratorState, config: RunnableConfig, runtime: Runtime[RunContext]
    ) -> dict[str, Any]:
        """Profile the latest request and reset the per-turn channels."""
        started = time.perf_counter()
        run = run_options(base, runtime.context)
        profile = classify_request(state["messages"], config=run)
        calls: list[ModelCall] = []
        if _asks_model(profile, run) and worker_model is not None and pricing is not None:
            profile, calls = ask_model(
                worker_model,
                state["messages"],
                profile,
                model_name=pricing.worker_model,
                price=pricing.worker,
            )
        profile.classify_ms = (time.perf_counter() - started) * 1000
        return {
            "profile": profile,
            "decision": None,
            "thread_id": run_thread_id(config),
            "worker_results": Overwrite([]),
            "calls": Overwrite(list(calls)),
            "overhead_ms": Overwrite(overhead_ms(started, calls)),
            # an empty update a turn: the delta channels reach a snapshot on a regular
            # cadence even in a thread that stops writing them (a bounded walk back)
            "digests": {},
            "prompts": {},
        }

    return classify


def _asks_model(profile: TaskProfile, options: OrchestratorConfig) -> bool:
    below = options.routing.cheap_model_below
    return below is not None and profile.confidence < below and "first turn" not in profile.signals
