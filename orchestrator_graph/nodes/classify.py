"""``classify``: the request and the conversation -> ``TaskProfile``; a new turn starts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.classifier import classify_request
from orchestrator_graph.classifier.cheap_model import ask_model
from orchestrator_graph.classifier.trained import load_trained
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.state import OrchestratorState


def make_classify(
    worker_model: BaseChatModel | None = None,
    pricing: Pricing | None = None,
    config: OrchestratorConfig | None = None,
) -> Callable[[OrchestratorState], dict[str, Any]]:
    """The node: rules, the trained tier when configured, and the worker model
    when ``cheap_model_below`` is set and the profile's confidence is below it."""

    if config is not None and config.classifier_model_path is not None:
        load_trained(Path(config.classifier_model_path))  # a missing or stale model fails here

    def classify(state: OrchestratorState) -> dict[str, Any]:
        """Profile the latest request and reset the per-turn channels."""
        started_wall, started = time.time(), time.perf_counter()
        profile = classify_request(state["messages"], config=config)
        calls = []
        below = config.cheap_model_below if config else None
        if (
            below is not None
            and worker_model is not None
            and pricing is not None
            and profile.confidence < below
            and "first turn" not in profile.signals
        ):
            profile, billed = ask_model(
                worker_model,
                state["messages"],
                profile,
                model_name=pricing.worker_model,
                price=pricing.worker,
            )
            calls.extend(call.model_dump() for call in billed)
        profile.classify_ms = (time.perf_counter() - started) * 1000
        return {
            "profile": profile.model_dump(mode="json"),
            "decision": None,
            "worker_results": None,
            "calls": [None, *calls] if calls else None,
            "turn_started": started_wall,
        }

    return classify


classify = make_classify()
