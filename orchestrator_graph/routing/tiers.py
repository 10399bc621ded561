"""Which model a worker runs on: a pure step, ``(task, options) -> TierChoice``.

The worker model for simple tasks; the main model for complex ones or for
categories that need it (a fresh minimal session saves context, not quality).
A quality model plugs in here: it sees the same task and options and returns
the same ``TierChoice``, reasons included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.state import Subtask, TaskProfile, Tier


@dataclass(frozen=True)
class TierChoice:
    """The model tier of a worker, and why."""

    tier: Tier
    reasons: tuple[str, ...]


def choose_tier(task: TaskProfile | Subtask, options: OrchestratorConfig) -> TierChoice:
    """The main model for hard or sensitive work, else the worker model."""
    if task.category in options.strong_categories:
        return TierChoice("main", (f"{task.category} runs on the main model",))
    if task.complexity >= options.strong_worker_complexity:
        return TierChoice(
            "main",
            (f"complexity {task.complexity} >= {options.strong_worker_complexity}: main model",),
        )
    return TierChoice("worker", (f"{task.category}, complexity {task.complexity}: worker model",))


def choose_group_tier(group: Sequence[Subtask], options: OrchestratorConfig) -> TierChoice:
    """One worker's tier for several subtasks: the main model if any of them needs it."""
    choices = [choose_tier(s, options) for s in group]
    strong = [c for c in choices if c.tier == "main"]
    if strong:
        return TierChoice("main", strong[0].reasons)
    return TierChoice("worker", choices[0].reasons if choices else ())


def model_tier(category: str, complexity: int, options: OrchestratorConfig) -> Tier:
    """``choose_tier`` of a bare category and complexity (the tier alone)."""
    task = Subtask(text="", category=category, complexity=complexity)  # type: ignore[arg-type]
    return choose_tier(task, options).tier
