"""The decision, composed: context needed -> options priced -> route chosen -> worker tasks.

``plan_turn`` runs the first two steps (what the turn needs and what each
option costs); ``decision_for`` turns a plan and a route into the
``RoutingDecision`` with its ``WorkerTask`` list. The later steps (a person's
pick, the budget fit) choose another route of the same plan: nothing is decided
twice. ``decide.decide_turn`` runs them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.estimates import Pricing, learned_costs
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.quality import QualityVerdict
from orchestrator_graph.routing.choice import RouteChoice, profile_reasons
from orchestrator_graph.routing.needs import ContextNeeds, TurnFacts, context_needs, turn_facts
from orchestrator_graph.routing.options import PricedOptions, price_options
from orchestrator_graph.routing.tasks import worker_tasks
from orchestrator_graph.routing.tiers import choose_tier, quality_verdict
from orchestrator_graph.state import QualityPrediction, Route, RoutingDecision, TaskProfile

_SCOPE_TEXT = {
    "instructions": "the standing instructions only (self-contained)",
    "segment": "the task it continues (the turns since that task began)",
    "referenced": "the turns it refers to, and what they built on",
    "conversation": "the whole conversation",
}


@dataclass(frozen=True)
class RoutingPlan:
    """A turn's facts, the context each option needs and every option priced."""

    facts: TurnFacts
    profile: TaskProfile
    needs: ContextNeeds
    priced: PricedOptions
    pricing: Pricing
    options: OrchestratorConfig
    arm: str | None = None  # the thread's A/B arm (``ab``)

    def routes(self) -> list[Route]:
        """The routes this plan can take."""
        parallel = self.priced.estimate.parallel is not None
        routes: list[Route] = ["main_session", "worker_session"]
        return [*routes, "parallel_workers"] if parallel else routes


def plan_turn(
    messages: Sequence[BaseMessage],
    profile: TaskProfile,
    *,
    pricing: Pricing,
    options: OrchestratorConfig,
    digests: Mapping[str, str] | None = None,
    prompts: Mapping[str, bytes | Sequence[str]] | None = None,
    thread_id: str = "",
    arm: str | None = None,
    ledger: CostLedger | None = None,
) -> RoutingPlan:
    """What the last message of ``messages`` needs, and every route priced; ``arm``
    (of an A/B test) and the turn choose what feedback taught (``adaptive``). What
    ``ledger`` taught (answer lengths, session lengths, the adaptive state) is read
    from it; None (the default) learns nothing."""
    facts = turn_facts(messages)
    seed = f"{thread_id}:{facts.turn}"
    verdict = quality_verdict(messages, profile, options, arm=arm, seed=seed, ledger=ledger)
    tier = choose_tier(profile, options, verdict)
    needs = context_needs(facts, profile, tier.tier, options)
    priced = price_options(
        facts, profile, needs, tier, pricing=pricing, options=options, digests=digests,
        prompts=prompts, learned=learned_costs(ledger),
    )  # fmt: skip
    return RoutingPlan(facts, profile, needs, priced, pricing, options, arm)


def decision_for(plan: RoutingPlan, choice: RouteChoice, *, thread_id: str = "") -> RoutingDecision:
    """The decision of ``plan`` on ``choice.route``, with its reasons and worker tasks."""
    route = choice.route
    tasks = worker_tasks(plan, route, thread_id=thread_id)
    # the model a worker would run on, and why (the predicted quality, with a target)
    reasons = [*profile_reasons(plan.profile), *plan.priced.tier.reasons, *choice.reasons]
    scope = plan.needs.scope
    if route == "parallel_workers" and not plan.needs.dependent:
        scope = "instructions"
    if tasks:
        models = ", ".join(sorted({t.model for t in tasks}))
        verdict = plan.priced.tier.quality
        trusted = verdict is not None and verdict.in_domain
        basis = "predicted quality" if trusted else "complexity/category"
        reasons.append(f"worker model: {models} (by {basis})")
        reasons.append(f"worker context: {_SCOPE_TEXT[scope]}")
    return RoutingDecision(
        route=route,
        reasons=reasons,
        confidence=plan.profile.confidence,
        profile=plan.profile.model_copy(update={"features": []}),  # in `profile` only
        estimate=plan.priced.estimate,
        tasks=tasks,
        scope=scope,
        expanded_turns=plan.needs.expanded,
        quality=_prediction(plan.priced.tier.quality),
        arm=plan.arm,
    )


def _prediction(verdict: QualityVerdict | None) -> QualityPrediction | None:
    if verdict is None:
        return None
    return QualityPrediction(
        p_cheap_ok=verdict.p_weak_ok,
        threshold=verdict.threshold,
        min_quality=verdict.min_quality,
        in_domain=verdict.in_domain,
    )
