"""Budgets that hold: reserved before every call (atomically), settled after it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from orchestrator_graph import OrchestratorConfig, QualityConfig, create_orchestrator, evaluate_task
from orchestrator_graph.accounting.budget import (
    BudgetBook,
    BudgetExceeded,
    budgeted_output_tokens,
    output_cap_reason,
)
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.accounting.pricing import price_for
from orchestrator_graph.cli.demo import SCRIPT
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.conversation.tokens import count_messages, count_text
from orchestrator_graph.conversation.views import worker_view
from orchestrator_graph.server.chat_models import default_models
from orchestrator_graph.testing.simulated import (
    SimulatedChatModel,
    invent_answer,
    truncate_tokens,
)
from tests.conftest import Checkpointer

CHEAP = {
    "strong_categories": frozenset(),
    "strong_worker_complexity": 6,
    "min_quality": None,  # every worker on the cheap model
    "retry_backoff_s": 0.0,
}
QUESTIONS = [
    "What is the capital of Peru?",
    "Who wrote 'The Left Hand of Darkness'?",
    "What is the boiling point of water in Fahrenheit?",
    "How many moons does Mars have?",
]
CAP = 300  # every worker answer is exactly CAP tokens: the actual cost equals the reservation


def _exactly(tokens: int, seed: str) -> str:
    text = ""
    while count_text(text) < tokens + 10:
        text += invent_answer("gpt-4.1-mini", "Explain it in detail " + seed, text.encode()) + " "
    for cut in range(tokens, tokens + 10):
        candidate = truncate_tokens(text, cut)
        if count_text(candidate) == tokens:
            return candidate
    raise AssertionError("no exact cut")


def test_reservations_are_atomic_across_threads(tmp_path: Path) -> None:
    book = BudgetBook(tmp_path / "ledger.sqlite")
    limits = BudgetLimits(turn_usd=7.5, turn_tokens=10**9)
    outcomes: list[str] = []

    def reserve(n: int) -> None:
        try:
            book.reserve(f"w{n}", thread_id="t", turn=0, usd=1.0, tokens=10, limits=limits)
            outcomes.append("held")
        except BudgetExceeded as error:
            outcomes.append(error.scope)

    workers = [threading.Thread(target=reserve, args=(n,)) for n in range(16)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(outcomes) == ["held"] * 7 + ["turn"] * 9
    assert book.used("t", 0) == (7.0, 70)
    book.reserve("w0", thread_id="t", turn=0, usd=1.0, tokens=10, limits=limits)  # a re-run
    assert book.used("t", 0) == (7.0, 70)  # replaces its own hold instead of adding one


async def test_n_parallel_workers_against_a_budget_for_n_minus_one(
    checkpointer: Checkpointer, tmp_path: Path
) -> None:
    n = len(QUESTIONS)
    price = price_for("gpt-4.1-mini")
    worst = [price.cost(count_messages(worker_view([], [], q)), CAP) for q in QUESTIONS]
    limit = sum(worst) - min(worst) / 2  # any n-1 workers fit, all n do not
    config = OrchestratorConfig().updated(
        {
            "ledger_path": tmp_path / "ledger.sqlite",
            "force_route": "parallel_workers",
            "max_parallel_workers": n,
            "worker_max_tokens": CAP,
            "budget": BudgetLimits(turn_usd=limit),
            **CHEAP,
        }
    )
    worker = SimulatedChatModel(
        model_name="gpt-4.1-mini", answers={q: _exactly(CAP, q) for q in QUESTIONS}
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    request = "\n".join(f"{k}. {q}" for k, q in enumerate(QUESTIONS, 1))
    thread = {"configurable": {"thread_id": "b"}}
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config)
    graph = graph.compile(checkpointer=checkpointer.saver)
    # the same shortfall as on the main route: BudgetExceeded, no answer written
    with pytest.raises(BudgetExceeded) as raised:
        await checkpointer.invoke(graph, {"messages": [HumanMessage(request)]}, thread)
    transcript = (await checkpointer.state(graph, thread)).values["messages"]
    assert raised.value.scope == "turn"
    assert [m.type for m in transcript] == ["human"]  # no placeholder in the transcript
    assert len(worker.requests) == n - 1  # one worker was refused before its call
    assert main.requests == []  # and its fallback did not fit either
    # the workers' calls are billed in the ledger although the turn is not answered
    calls = CostLedger(config.ledger_path).calls("b")
    assert len(calls) == n - 1
    (refused,) = set(QUESTIONS) - {r.messages[-1].text for r in worker.requests}
    paid = sum(c["cost_usd"] for c in calls)
    assert paid <= limit
    assert paid == pytest.approx(sum(worst) - worst[QUESTIONS.index(refused)])


def test_a_cheaper_route_is_taken_when_the_chosen_one_does_not_fit(tmp_path: Path) -> None:
    ask = [HumanMessage("Explain in two short paragraphs why the sky is blue.")]
    base = OrchestratorConfig().updated({"ledger_path": None, "worker_max_tokens": 200, **CHEAP})
    main_usd = evaluate_task(ask, config=base.updated({"force_route": "main_session"}))
    worker_usd = evaluate_task(ask, config=base.updated({"force_route": "worker_session"}))
    main_cost = main_usd.estimate.main.call_usd
    worst_worker = price_for("gpt-4.1-mini").cost(count_messages(worker_view([], [], "x")), 200)
    limit = (main_cost + max(worker_usd.estimate.worker.call_usd, worst_worker) * 2) / 2
    assert limit < main_cost
    config = base.updated(
        {
            "ledger_path": tmp_path / "ledger.sqlite",
            "force_route": "main_session",
            "budget": BudgetLimits(turn_usd=limit),
        }
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    worker = SimulatedChatModel(model_name="gpt-4.1-mini")
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config).compile()
    state = graph.invoke({"messages": ask}, {"configurable": {"thread_id": "c"}})
    assert state["decision"].route == "worker_session"
    assert any(r.startswith("budget: main_session") for r in state["decision"].reasons)
    assert main.requests == [] and len(worker.requests) == 1
    assert CostLedger(config.ledger_path).totals("c").cost_usd <= limit


async def test_a_thread_token_budget_stops_the_turn_that_would_pass_it(
    checkpointer: Checkpointer, tmp_path: Path
) -> None:
    limit = 3000
    config = OrchestratorConfig().updated(
        {
            "ledger_path": tmp_path / "ledger.sqlite",
            "force_route": "main_session",
            "budget": BudgetLimits(thread_tokens=limit, max_output_tokens=400),
            **CHEAP,
        }
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    graph_builder = create_orchestrator(
        main_model=main, worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"), config=config
    )
    thread = {"configurable": {"thread_id": "tok"}}
    graph = graph_builder.compile(checkpointer=checkpointer.saver)
    answered = 0
    with pytest.raises(BudgetExceeded, match="thread budget") as caught:
        for n in range(20):
            ask = {"messages": [HumanMessage(f"Tell me fact number {n}.")]}
            await checkpointer.invoke(graph, ask, thread)
            answered += 1
    calls_before = len(main.requests)
    assert caught.value.scope == "thread" and caught.value.unit == "tokens"
    # resumable, nothing called
    assert (await checkpointer.state(graph, thread)).next == ("cost_estimate",)
    assert answered >= 1 and calls_before == answered
    spent = sum(
        c["input_tokens"] + c["output_tokens"] for c in CostLedger(config.ledger_path).calls("tok")
    )
    assert spent <= limit


@pytest.mark.parametrize(
    "limits",
    [{"thread_usd": -1}, {"turn_usd": 0}, {"worker_tokens": -5}, {"thread_usd": 1e9}],
)
def test_negative_zero_or_absurd_budgets_are_refused(limits: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(limits))):
        OrchestratorConfig(budget=BudgetLimits(**limits))


def _demo(config: OrchestratorConfig, thread: str) -> list[str]:
    """The demo's scripted session (``orchestrator-graph demo``) on its offline models."""
    main, worker = default_models(live=False)
    builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    graph = builder.compile(checkpointer=InMemorySaver())
    for request in SCRIPT:
        state = graph.invoke(
            {"messages": [HumanMessage(request)]}, {"configurable": {"thread_id": thread}}
        )
    return [m.text for m in state["messages"] if m.type == "ai"]


def test_a_thread_budget_of_twice_the_whole_cost_answers_every_turn(tmp_path: Path) -> None:
    # the demo: its model tiers by the rules, as when the defect was found
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite", quality=QualityConfig(min_quality=None)
    )
    free = _demo(config, "free")
    whole = CostLedger(config.ledger_path).totals("free").cost_usd
    budget = BudgetLimits(thread_usd=2 * whole)  # far below 8,192 output tokens of gpt-4.1
    assert price_for("gpt-4.1").cost(0, budget.max_output_tokens) > budget.thread_usd
    capped = _demo(config.updated({"budget": budget}), "capped")
    assert capped == free  # every turn answered, in full
    assert CostLedger(config.ledger_path).totals("capped").cost_usd <= budget.thread_usd


def test_the_output_cap_is_what_the_budget_allows_and_a_call_too_small_is_refused(
    tmp_path: Path,
) -> None:
    book = BudgetBook(tmp_path / "ledger.sqlite")
    price = price_for("gpt-4.1")
    limits = BudgetLimits(turn_usd=price.cost(1000, 700), max_output_tokens=8192)
    cap = book.reserve_call(
        "a", thread_id="t", turn=0, input_tokens=1000, price=price, wanted=8192,
        min_output=256, limits=limits,
    )  # fmt: skip
    assert cap == 700 and book.used("t", 0)[0] == pytest.approx(price.cost(1000, 700))
    book.settle("a", price.cost(1000, 300), 1300)  # the answer used 300: 400 are left
    room = book.output_room(
        "b", thread_id="t", turn=0, input_tokens=0, price=price, wanted=8192, limits=limits
    )
    assert room.tokens == 400 and room.binding is not None and room.binding.scope == "turn"
    assert output_cap_reason(room) == (
        f"budget: the answer capped at 400 output tokens (turn usd limit "
        f"{limits.turn_usd:.6g}, {price.cost(0, 400):.6g} left)"
    )
    with pytest.raises(BudgetExceeded, match="turn budget"):
        book.reserve_call(
            "c", thread_id="t", turn=0, input_tokens=1000, price=price, wanted=8192,
            min_output=256, limits=limits,
        )  # fmt: skip
    assert book.used("t", 0)[0] == pytest.approx(price.cost(1000, 300))  # nothing held


def test_the_decision_can_read_the_cap_before_the_call(tmp_path: Path) -> None:
    price = price_for("gpt-4.1")
    view = [HumanMessage("Explain tides.")]
    budget = BudgetLimits(turn_usd=price.cost(count_messages(view), 1000))
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite", budget=budget)
    book = BudgetBook(config.ledger_path)
    room = budgeted_output_tokens(
        config, view, book=book, thread_id="t", turn=0, price=price, node="main_session"
    )
    assert room is not None and room.tokens == 1000 and room.binding is not None
    assert "capped at 1000 output tokens" in (output_cap_reason(room) or "")
    unlimited = config.updated({"budget": None})
    assert (
        budgeted_output_tokens(
            unlimited, view, book=book, thread_id="t", turn=0, price=price, node="main_session"
        )
        is None
    )
    roomy = config.updated({"budget": BudgetLimits(turn_usd=10.0)})
    free = budgeted_output_tokens(
        roomy, view, book=book, thread_id="t", turn=0, price=price, node="x"
    )
    book.close()
    assert free is not None and free.binding is None and output_cap_reason(free) is None


def test_a_budget_too_small_for_any_turn_still_builds_the_graph() -> None:
    """The warm-up decision runs without the budget: building refuses nothing, the turn
    is refused when it runs."""
    from orchestrator_graph.errors import BudgetExceeded

    config = OrchestratorConfig(ledger_path=None, budget=BudgetLimits(turn_usd=1e-9))
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
    ).compile()
    with pytest.raises(BudgetExceeded):
        graph.invoke({"messages": [HumanMessage("Name a green tea.")]})


def test_evaluate_task_reads_what_the_thread_spent_as_the_graph_does(tmp_path: Path) -> None:
    """With the graph's ledger, ``evaluate_task`` fits the budget to what the thread
    spent (it counted nothing spent before): both refuse the turn past the limit."""
    config = OrchestratorConfig().updated(
        {
            "ledger_path": tmp_path / "ledger.sqlite",
            "force_route": "main_session",
            "budget": BudgetLimits(thread_tokens=3000, max_output_tokens=400),
            **CHEAP,
        }
    )
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
    ).compile(checkpointer=InMemorySaver())
    thread = {"configurable": {"thread_id": "spent"}}
    history: list = []
    with pytest.raises(BudgetExceeded, match="thread budget"):
        for n in range(20):
            ask = HumanMessage(f"Tell me fact number {n}.")
            evaluate_task([*history, ask], config=config, thread_id="spent")  # fits, as the graph
            history = graph.invoke({"messages": [ask]}, thread)["messages"]
    ask = HumanMessage("One fact more.")
    with pytest.raises(BudgetExceeded, match="thread budget"):
        evaluate_task([*history, ask], config=config, thread_id="spent")
