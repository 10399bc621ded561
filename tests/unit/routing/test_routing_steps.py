"""The routing's pure steps, each on its own: which model, what context, which route,
the worker tasks, and the budget fit choosing among the same plan's options."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from orchestrator_graph import BudgetExceeded, OrchestratorConfig
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.holds import BudgetBook
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.routing.budget_fit import CHEAP_WORKERS, fit_budget
from orchestrator_graph.routing.choice import RouteChoice, choose_route
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.needs import context_needs, turn_facts
from orchestrator_graph.routing.plan import decision_for, plan_turn
from orchestrator_graph.routing.tiers import choose_tier
from orchestrator_graph.state import Subtask, TaskProfile

OPTIONS = OrchestratorConfig()
PRICING = Pricing.resolve("gpt-4.1", "gpt-4.1-mini", OPTIONS)
NUMBERED = "1. What is the capital of Peru?\n2. Who wrote Dune?\n3. How tall is Everest?"


def _profile(**update: object) -> TaskProfile:
    fields = {"context_dependency": 0.0, "complexity": 2, "category": "qa", "confidence": 0.9}
    return TaskProfile(**{**fields, **update})


@pytest.mark.parametrize(
    ("task", "tier", "why"),
    [
        (_profile(category="code_generation"), "main", "code_generation runs on the main model"),
        (_profile(complexity=4), "main", "complexity 4 >= 4"),
        (Subtask(text="2 + 2?", category="math", complexity=1), "worker", "worker model"),
    ],
)
def test_choose_tier_is_a_function_of_the_task_and_the_options(
    task: TaskProfile | Subtask, tier: str, why: str
) -> None:
    choice = choose_tier(task, OPTIONS)
    assert choice.tier == tier and any(why in r for r in choice.reasons)
    assert choose_tier(task, OPTIONS) == choice  # pure: same input, same answer


def test_context_needs_depend_on_the_tier_for_a_short_history() -> None:
    messages = [
        SystemMessage("Be brief."),
        HumanMessage("Tell me about rivers."),
        AIMessage("Rivers flow to the sea."),
        HumanMessage("What is the capital of Peru?"),
    ]
    facts = turn_facts(messages)
    assert (facts.position, facts.turn) == (3, 1)
    cheap = context_needs(facts, _profile(), "worker", OPTIONS)
    strong = context_needs(facts, _profile(), "main", OPTIONS)
    assert cheap.scope == "conversation" and cheap.positions == [0, 1, 2]
    # the strong model gets a minimal view plus the latest messages (here all of them)
    assert strong.scope == "instructions" and strong.positions == [0, 1, 2]
    lean = OPTIONS.updated({"worker_history_tokens": 0})
    assert context_needs(facts, _profile(), "main", lean).positions == [0]
    assert not cheap.dependent and cheap.expanded == []


def test_choose_route_compares_prices_with_the_ratio() -> None:
    messages = [HumanMessage(NUMBERED)]
    plan = plan_turn(messages, classify_request(messages), pricing=PRICING, options=OPTIONS)
    assert plan.routes() == ["main_session", "worker_session", "parallel_workers"]
    chosen = choose_route(plan.profile, plan.needs, plan.priced, OPTIONS)
    assert chosen.route == "parallel_workers"
    # no later turns: the calls alone, which workers do not win by a 100x margin
    strict = OPTIONS.updated({"worker_cost_ratio": 0.01, "expected_remaining_turns": 0})
    plan = plan_turn(messages, classify_request(messages), pricing=PRICING, options=strict)
    kept = choose_route(plan.profile, plan.needs, plan.priced, strict)
    assert kept.route == "main_session" and "kept in the main session" in kept.reasons[0]


def test_decision_for_each_route_of_one_plan_shares_its_estimate() -> None:
    messages = [HumanMessage(NUMBERED)]
    plan = plan_turn(messages, classify_request(messages), pricing=PRICING, options=OPTIONS)
    decisions = {r: decision_for(plan, RouteChoice(r, ()), thread_id="t") for r in plan.routes()}
    assert {d.estimate == plan.priced.estimate for d in decisions.values()} == {True}
    assert decisions["main_session"].tasks == []
    (one,) = decisions["worker_session"].tasks
    assert one.brief == NUMBERED and one.thread_id == "t"
    fan_out = decisions["parallel_workers"].tasks
    assert [t.brief for t in fan_out] == [line[3:] for line in NUMBERED.split("\n")]
    assert [t.task_id for t in fan_out] == ["0-0", "0-1", "0-2"]
    assert sum(t.estimated_usd for t in fan_out) == pytest.approx(
        plan.priced.estimate.parallel.call_usd
    )


def test_fit_budget_takes_the_cheapest_route_of_the_same_plan(tmp_path) -> None:
    messages = [HumanMessage("Write a detailed essay on the history of Rome.")]
    profile = classify_request(messages)
    main = plan_turn(messages, profile, pricing=PRICING, options=OPTIONS)
    main_usd = main.priced.estimate.main.call_usd
    worker_usd = main.priced.estimate.worker.call_usd
    assert worker_usd < main_usd
    limits = BudgetLimits(turn_usd=(main_usd + worker_usd) / 2)  # the worker fits, main not
    options = OPTIONS.updated({"budget": limits, "force_route": "main_session"})
    plan = plan_turn(messages, profile, pricing=PRICING, options=options)
    cheap = plan_turn(messages, profile, pricing=PRICING, options=options.updated(CHEAP_WORKERS))
    wanted = decision_for(plan, choose_route(profile, plan.needs, plan.priced, options))
    book = BudgetBook()  # in memory
    fitted = fit_budget(wanted, plan, cheap, thread_id=f"fit-{tmp_path.name}", book=book)
    assert wanted.route == "main_session" and fitted.route == "worker_session"
    assert fitted.reasons[-1].startswith("budget: main_session")
    tiny = options.updated({"budget": BudgetLimits(turn_usd=1e-9)})
    plan = plan_turn(messages, profile, pricing=PRICING, options=tiny)
    with pytest.raises(BudgetExceeded, match="no route fits"):
        fit_budget(wanted, plan, plan, thread_id=f"none-{tmp_path.name}", book=book)
    book.close()
