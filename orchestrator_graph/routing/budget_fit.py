"""The budget fit: the chosen route if its forecast fits what is left, else the cheapest
route (or cheaper worker model) of the same plan that does; ``BudgetExceeded`` when none.

What is left comes from the budget book (the graph's ``Resources.book``); the calls
themselves are reserved and settled by ``budget.guarded_call``.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator_graph.accounting.holds import BudgetBook, period_start
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.errors import BudgetExceeded
from orchestrator_graph.routing.choice import RouteChoice
from orchestrator_graph.routing.plan import RoutingPlan, decision_for
from orchestrator_graph.state import RoutingDecision

# every worker on the worker model: the cheaper variant of a worker route
CHEAP_WORKERS = {
    "strong_worker_complexity": 6,
    "strong_categories": frozenset(),
    "min_quality": None,
}


@dataclass(frozen=True)
class BudgetLeft:
    """What a turn may still spend: USD and tokens, and what was used."""

    limits: BudgetLimits
    usd: float
    tokens: float
    thread_used: tuple[float, int]
    turn_used: tuple[float, int]
    tenant_used: tuple[float, int] | None = None  # None: the run has no tenant

    def fits(self, decision: RoutingDecision) -> bool:
        option = decision.estimate.option(decision.route)
        tokens = option.input_tokens + option.output_tokens
        workers = max(1, len(decision.tasks))
        per_worker = decision.route != "main_session"
        limits = self.limits
        return (
            option.call_usd <= self.usd
            and tokens <= self.tokens
            and not (
                per_worker and limits.worker_usd and option.call_usd / workers > limits.worker_usd
            )
            and not (
                per_worker and limits.worker_tokens and tokens / workers > limits.worker_tokens
            )
        )

    def exceeded(self, decision: RoutingDecision) -> BudgetExceeded:
        """The error naming the limit the decision passes by the most."""
        option = decision.estimate.option(decision.route)
        usd, tokens = option.call_usd, option.input_tokens + option.output_tokens
        limits, (thread_usd, thread_tokens), (turn_usd, turn_tokens) = (
            self.limits, self.thread_used, self.turn_used,
        )  # fmt: skip
        scopes = [
            ("thread", "usd", limits.thread_usd, thread_usd, usd),
            ("turn", "usd", limits.turn_usd, turn_usd, usd),
            ("thread", "tokens", limits.thread_tokens, thread_tokens, tokens),
            ("turn", "tokens", limits.turn_tokens, turn_tokens, tokens),
            ("worker", "usd", limits.worker_usd, 0.0, usd),
            ("worker", "tokens", limits.worker_tokens, 0, tokens),
        ]
        if self.tenant_used is not None:
            scopes += [
                ("tenant", "usd", limits.tenant_usd, self.tenant_used[0], usd),
                ("tenant", "tokens", limits.tenant_tokens, self.tenant_used[1], tokens),
            ]
        limited = [s for s in scopes if s[2] is not None]
        passed = [s for s in limited if s[3] + s[4] > s[2]]  # type: ignore[operator]
        # the limit passed by the most (in its unit's share of the limit): the one to raise
        scope, unit, limit, used, requested = max(
            passed or limited[:1],
            key=lambda s: (s[3] + s[4] - s[2]) / s[2],  # type: ignore[operator]
        )
        what = f"the turn ({decision.route}, no route fits)"
        assert limit is not None  # the scopes above are the ones with a limit
        return BudgetExceeded(scope, unit, float(limit), used, requested, what)


def budget_left(plan: RoutingPlan, thread_id: str, book: BudgetBook) -> BudgetLeft | None:
    """What the thread, the turn and the run's tenant may still spend by ``book``; None
    without a budget."""
    limits = plan.options.budget
    if limits is None:
        return None
    thread_usd, thread_tokens = book.used(thread_id)
    turn_usd, turn_tokens = book.used(thread_id, plan.facts.turn)
    tenant = plan.options.tenant
    tenant_used = (
        None if tenant is None else book.tenant_used(tenant, period_start(limits.tenant_period))
    )
    tenant_usd, tenant_tokens = tenant_used or (0.0, 0)
    inf = float("inf")
    if tenant_used is None:
        tenant_limits: tuple[float, float] = (inf, inf)
    else:
        tenant_limits = (limits.tenant_usd or inf, limits.tenant_tokens or inf)
    return BudgetLeft(
        limits=limits,
        usd=min(
            (limits.thread_usd or inf) - thread_usd,
            (limits.turn_usd or inf) - turn_usd,
            tenant_limits[0] - tenant_usd,
        ),
        tokens=min(
            (limits.thread_tokens or inf) - thread_tokens,
            (limits.turn_tokens or inf) - turn_tokens,
            tenant_limits[1] - tenant_tokens,
        ),
        thread_used=(thread_usd, thread_tokens),
        turn_used=(turn_usd, turn_tokens),
        tenant_used=tenant_used,
    )


def fit_budget(
    decision: RoutingDecision,
    plan: RoutingPlan,
    cheap_plan: RoutingPlan,
    *,
    thread_id: str,
    book: BudgetBook,
) -> RoutingDecision:
    """``decision`` if it fits the budget left in ``book``, else the cheapest route of
    ``plan`` or of ``cheap_plan`` (every worker on the worker model) that does.

    Raises :class:`BudgetExceeded` when no route fits.
    """
    left = budget_left(plan, thread_id, book)
    if left is None or left.fits(decision):
        return decision
    candidates = [
        decision_for(p, RouteChoice(route, ()), thread_id=thread_id)
        for p in (plan, cheap_plan)
        for route in p.routes()
    ]
    fitting = [c for c in candidates if left.fits(c)]
    if not fitting:
        raise left.exceeded(decision)
    chosen = min(fitting, key=lambda d: d.estimate.option(d.route).call_usd)
    wanted = decision.estimate.option(decision.route).call_usd
    chosen.reasons.append(
        f"budget: {decision.route} (${wanted:.6f}) does not fit the {left.usd:.6g} USD / "
        f"{left.tokens:.6g} tokens left; took {chosen.route} on "
        f"{', '.join(sorted(set(chosen.worker_models))) or 'the main model'} "
        f"(${chosen.estimate.option(chosen.route).call_usd:.6f})"
    )
    chosen.picked_by_person = decision.picked_by_person  # a label for training
    chosen.decision_ms = decision.decision_ms
    return chosen
