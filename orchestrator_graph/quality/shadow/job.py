"""Which turn gets a shadow, and what the shadow needs: the ``ShadowJob`` of a turn.

Built by the ``record`` node from the turn's state, after the turn has answered: the
view the answering model was sent (the main view of a main-session turn, the worker
view of a one-worker turn), its answer, who gave it, the quality verdict, and the
chance the turn was sampled (``quality.sampling``). A turn answered from the cache,
by several workers, or after a fallback gets none: there is no one view one model
answered; nor does a worker the service ran for another thread (its view was the
caller's). The service's turns are otherwise the graph's: the same shadow.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.views import last_turn, main_view, worker_view
from orchestrator_graph.quality.roles import ANSWERING_NODES, answering_roles
from orchestrator_graph.quality.sampling import (
    WeightMean,
    sampled,
    shadow_probability,
    uncertainty_weight,
)
from orchestrator_graph.state import OrchestratorState


@dataclass(frozen=True)
class ShadowJob:
    """One sampled turn, everything its shadow and judge need (no graph state)."""

    thread_id: str
    turn: int
    settings: OrchestratorConfig  # the run's options (budget, tenant, retries, shadow)
    view: list[BaseMessage]
    request: str
    category: str
    answer: str
    answer_usd: float
    cheap_answered: bool
    p_cheap_ok: float | None
    threshold: float | None
    min_quality: float | None
    probability: float


@dataclass
class Sampler:
    """Draws the turns that get a shadow, keeping the traffic's mean weight (one per graph)."""

    weights: WeightMean
    lock: threading.Lock

    @classmethod
    def new(cls) -> Sampler:
        return cls(WeightMean(), threading.Lock())

    def job(
        self, state: OrchestratorState, run: OrchestratorConfig, main_model: str
    ) -> ShadowJob | None:
        """The shadow job of the turn ``state`` ends with, when it is sampled; else None."""
        shadow, decision = run.shadow, state.get("decision")
        if shadow is None or not shadow.enabled or decision is None:
            return None
        calls = state.get("calls") or []
        roles = answering_roles(calls, main_model)
        one_view = decision.route == "main_session" or len(decision.tasks) == 1
        if decision.route == "cache" or not one_view or len(roles) != 1:
            return None
        if any(c.status.startswith("fallback") for c in calls):
            return None
        if decision.tasks and decision.tasks[0].thread_id != state["thread_id"]:
            return None  # a worker the service ran on a caller's view, not on this thread
        quality = decision.quality
        trusted = quality is not None and quality.in_domain
        p = quality.p_cheap_ok if quality is not None and trusted else None
        threshold = quality.threshold if quality is not None else 0.5
        cheap = roles == ["weak"]
        with self.lock:
            probability = shadow_probability(
                p, threshold, cheap_answered=cheap, rate=shadow.rate,
                strong_share=shadow.strong_share, mean_weight=self.weights.mean,
            )  # fmt: skip
            self.weights.add(uncertainty_weight(p, threshold))
        key = f"{state['thread_id']}/{last_turn(state['messages']).index}"
        if not sampled(probability, key):
            return None
        return _job(state, run, cheap, probability)


def _job(
    state: OrchestratorState, run: OrchestratorConfig, cheap: bool, probability: float
) -> ShadowJob:
    decision = state["decision"]
    assert decision is not None
    messages = state["messages"]
    turn = last_turn(messages)
    if decision.route == "main_session":
        view = main_view(
            messages[: turn.start + 1], state.get("digests") or {}, decision.expanded_turns
        )
    else:
        task = decision.tasks[0]
        view = worker_view(messages, task.context_indices, task.brief)
    answer = "\n\n".join(
        message_text(messages[p]) for p in turn.positions if messages[p].type == "ai"
    )
    calls = [c for c in state.get("calls") or [] if c.node in ANSWERING_NODES]
    quality = decision.quality
    return ShadowJob(
        thread_id=state["thread_id"],
        turn=turn.index,
        settings=run,
        view=view,
        request=message_text(messages[turn.start]),
        category=decision.profile.category,
        answer=answer,
        answer_usd=sum(c.cost_usd for c in calls),
        cheap_answered=cheap,
        p_cheap_ok=quality.p_cheap_ok if quality is not None else None,
        threshold=quality.threshold if quality is not None else None,
        min_quality=quality.min_quality if quality is not None else None,
        probability=probability,
    )
