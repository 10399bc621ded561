"""``classify``: the request and the conversation -> ``TaskProfile``; a new turn starts."""

from __future__ import annotations

import time
from typing import Any

from orchestrator_graph.classifier import classify_request
from orchestrator_graph.state import OrchestratorState


def classify(state: OrchestratorState) -> dict[str, Any]:
    """Profile the latest request and reset the per-turn channels."""
    started_wall, started = time.time(), time.perf_counter()
    profile = classify_request(state["messages"])
    profile.classify_ms = (time.perf_counter() - started) * 1000
    return {
        "profile": profile.model_dump(mode="json"),
        "decision": None,
        "worker_results": None,
        "calls": None,
        "turn_started": started_wall,
    }
