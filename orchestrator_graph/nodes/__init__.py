"""The graph's nodes, one small module each: classify, cost_estimate, main_session,
spawn_subgraph, merge, record. Each is a function of the state (and the run's
``Runtime``) that returns a partial update."""

from __future__ import annotations

import time
from collections.abc import Iterable

from orchestrator_graph.state import ModelCall


def overhead_ms(started: float, calls: Iterable[ModelCall] = ()) -> float:
    """A node's own time since ``perf_counter()`` was ``started``, less its model calls:
    what the orchestrator adds to a turn (a person's time at an interrupt never
    counts: a node that pauses returns nothing and runs again when resumed)."""
    elapsed = (time.perf_counter() - started) * 1000
    return max(0.0, elapsed - sum(c.latency_ms for c in calls))
