"""The routing decision as pure steps, each testable alone.

``needs``      what context each option needs (the views of each route)
``tiers``      which model a worker runs on (``choose_tier``: task, options -> tier + reasons)
``costs``      prices and token forecasts (``Pricing``, ``price_main``, ``price_workers``)
``options``    what each option costs (``price_options``)
``choice``     which option wins, and why (``choose_route``)
``tasks``      the worker tasks of a route (``worker_tasks``)
``plan``       the steps composed (``plan_turn``, ``decision_for``, ``decide``)
``person``     the person's pick at an ``interrupt()`` (``ask_person``)
``budget_fit`` the cheapest route that fits the budget left (``fit_budget``)
``edge``       ``route``, the conditional edge: the main session, the workers or the cache
"""

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.routing.plan import RoutingPlan, decide, decision_for, plan_turn
from orchestrator_graph.routing.tiers import TierChoice, choose_tier, model_tier

__all__ = [
    "Pricing",
    "RoutingPlan",
    "TierChoice",
    "choose_tier",
    "decide",
    "decision_for",
    "model_tier",
    "plan_turn",
]
