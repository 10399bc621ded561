"""The graph: each node on its own, then whole sessions under every checkpointer."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from genai_prices import Usage, calc_price
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.event_hooks import register_serde_event_listener
from langgraph.runtime import Runtime

from orchestrator_graph import OrchestratorConfig, RunContext, create_orchestrator
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cli.demo import MEMO
from orchestrator_graph.conversation.tokens import count_messages, count_text
from orchestrator_graph.nodes.classify import make_classify
from orchestrator_graph.nodes.cost_estimate import make_cost_estimate
from orchestrator_graph.nodes.spawn_subgraph import build_worker_graph
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.decide import decide_turn
from orchestrator_graph.routing.edge import route
from orchestrator_graph.state import ModelCall, RoutingDecision, TaskProfile, WorkerTask, serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel
from tests.conftest import Checkpointer

QUESTIONS = [
    "What is the capital of Australia?",
    "Convert 72 degrees Fahrenheit to Celsius.",
    "Who wrote the novel 'The Left Hand of Darkness'?",
]
NUMBERED = "\n".join(f"{n}. {q}" for n, q in enumerate(QUESTIONS, 1))
SUMMARY_REQUEST = f"Summarize this memo in five bullet points:\n\n{MEMO}"
MEMO_QUESTION = (
    "In the memo about the Q3 cloud spend review, which of the five proposed actions saves the "
    "most money per month?"
)


def billed_usd(request) -> float:
    """What genai-prices charges for one simulated call, from its logged usage."""
    usage = Usage(
        input_tokens=request.input_tokens,
        cache_read_tokens=request.cached_input_tokens,
        output_tokens=request.output_tokens,
    )
    return float(calc_price(usage, model_ref=request.model_name).total_price)


RUN = Runtime(context=None)  # what LangGraph passes a node of a run without a context


def classify(state: dict) -> dict:
    return make_classify().invoke(state, {"configurable": {"thread_id": "nodes"}})


def run_node(node, state: dict) -> dict:
    return node(state, RUN)


@pytest.fixture
def resources(config: OrchestratorConfig):
    """The ledger and book a node under test uses, closed after the test."""
    with Resources(config) as held:
        yield held


def forced(config: OrchestratorConfig, route: str) -> OrchestratorConfig:
    return config.updated({"force_route": route})


def pricing_of(config: OrchestratorConfig) -> Pricing:
    return Pricing.resolve("gpt-4.1", "gpt-4.1-mini", config)


# -- the nodes ---------------------------------------------------------------


def test_classify_profiles_the_request_and_resets_the_turn() -> None:
    update = classify({"messages": [HumanMessage(NUMBERED)], "calls": [{"x": 1}]})
    profile = update["profile"]
    assert profile.context_dependency == 0 and profile.refers_to == []
    assert "first turn" in profile.signals
    assert [s.text for s in profile.subtasks] == QUESTIONS
    assert update["decision"] is None and update["thread_id"] == "nodes"
    # the turn's channels start afresh, as plain values
    assert update["worker_results"] == [] and update["calls"] == []


def test_cost_estimate_node_prices_every_route(
    config: OrchestratorConfig, resources: Resources
) -> None:
    messages = [HumanMessage(NUMBERED)]
    state = {"messages": messages, **classify({"messages": messages})}
    update = run_node(make_cost_estimate(pricing_of(config), config, resources), state)
    profile = state["profile"]
    expected = decide_turn(messages, profile, pricing=pricing_of(config), options=config)
    decision = update["decision"]
    assert decision.route == expected.route
    assert decision.estimate == expected.estimate
    assert decision.estimate.parallel is not None
    assert decision.decision_ms >= profile.classify_ms


def test_route_sends_one_minimal_view_per_subtask(
    config: OrchestratorConfig, resources: Resources
) -> None:
    config = forced(config, "parallel_workers")
    messages = [
        SystemMessage("Answer in English.", id="sys"),
        HumanMessage("Tell me a fact about octopuses.", id="h0"),
        AIMessage("Octopuses have three hearts.", id="a0"),
        HumanMessage(NUMBERED, id="h1"),
    ]
    state = {"messages": messages, **classify({"messages": messages})}
    state.update(run_node(make_cost_estimate(pricing_of(config), config, resources), state))
    assert route(state) == "spawn_subgraph"
    tasks = state["decision"].tasks
    assert len(tasks) == 3
    for index, (task, question) in enumerate(zip(tasks, QUESTIONS, strict=True)):
        assert task.thread_id == "nodes"
        assert (task.index, task.turn, task.task_id) == (index, 1, f"1-{index}")
        assert task.brief == question
        assert task.model == "gpt-4.1-mini" and task.max_tokens == config.sessions.worker_max_tokens
        assert [messages[p].id for p in task.context_indices] == ["sys"]  # not the octopus turn

    main_only = forced(config, "main_session")
    state.update(run_node(make_cost_estimate(pricing_of(main_only), main_only, resources), state))
    assert route(state) == "main_session"


def test_spawn_subgraph_returns_a_priced_worker_result(
    config: OrchestratorConfig, resources: Resources
) -> None:
    worker = SimulatedChatModel(model_name="gpt-4.1-mini")
    graph = build_worker_graph(
        {"main": worker, "worker": worker}, pricing_of(config), config, resources
    )
    task = WorkerTask(
        task_id="0-0",
        turn=0,
        brief="Who wrote Dune?",
        tier="worker",
        model="gpt-4.1-mini",
        max_tokens=512,
    )
    context = [SystemMessage("Be brief.")]
    out = graph.invoke({"task": task, "context": context})
    (result,) = out["worker_results"]
    (sent,) = worker.requests
    assert [m.text for m in sent.messages] == ["Be brief.", "Who wrote Dune?"]
    assert result.status == "ok" and result.text == sent.text
    assert result.call is not None and out["calls"] == [result.call]
    assert result.call.input_tokens == sent.input_tokens == count_messages(sent.messages)
    assert result.call.cost_usd == pytest.approx(billed_usd(sent))


def _worker_on(config: OrchestratorConfig, fault: str) -> dict:
    """One worker call that meets ``fault``, with no retry (a retry would hide it)."""
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", faults=[fault])
    config = config.updated({"max_retries": 0})
    task = WorkerTask(
        task_id="0-0", turn=0, brief="Explain tides.", tier="worker", model="gpt-4.1-mini",
        max_tokens=512,
    )  # fmt: skip
    with Resources(config) as resources:
        graph = build_worker_graph({"main": worker, "worker": worker}, pricing_of(config), config,
                                   resources)  # fmt: skip
        return graph.invoke({"task": task, "context": []})


@pytest.mark.parametrize(
    ("fault", "status"), [("empty", "empty"), ("truncated", "truncated"), ("refusal", "refused")]
)
def test_spawn_subgraph_reports_bad_answers(
    config: OrchestratorConfig, fault: str, status: str
) -> None:
    out = _worker_on(config, fault)
    (result,) = out["worker_results"]
    assert result.status == status
    assert out["calls"][0].status == status  # billed all the same


@pytest.mark.parametrize(
    ("fault", "prefix", "billed"),
    [
        ("rate_limit", "failed:", False),  # refused: providers bill nothing
        ("timeout", "billed_unknown:", True),  # the provider may finish and bill it
    ],
)
def test_spawn_subgraph_reports_failed_calls(
    config: OrchestratorConfig, fault: str, prefix: str, billed: bool
) -> None:
    out = _worker_on(config, fault)
    (result,) = out["worker_results"]
    assert result.status == "failed"
    assert result.error and "Simulated" in result.error
    (attempt,) = out["calls"]  # the failed attempt is in the ledger
    assert attempt.status.startswith(prefix)
    assert (attempt.cost_usd > 0) is billed  # a timeout at its worst case, never free


@pytest.mark.parametrize("fault", ["empty", "truncated", "refusal", "rate_limit"])
def test_merge_falls_back_to_the_main_session(config: OrchestratorConfig, fault: str) -> None:
    # one model on both tiers, so the fault hits the worker whichever tier it runs on
    model = SimulatedChatModel(model_name="gpt-4.1", faults=[fault])
    config = forced(config, "worker_session").updated({"max_retries": 0})
    graph = create_orchestrator(main_model=model, worker_model=model, config=config)
    thread = {"configurable": {"thread_id": f"fallback-{fault}"}}
    app = graph.compile()
    state = app.invoke({"messages": [HumanMessage("Explain how tides work.")]}, thread)
    assert "worker_results" not in state  # internal channels stay inside the graph
    assert [c.status for c in state["calls"]][-1].startswith("fallback:")  # the turn's calls
    faulty, fallback = model.requests
    assert faulty.fault == fault and fallback.fault is None
    assert fallback.messages[-1].text == "Explain how tides work."
    assert state["messages"][-1].text == fallback.text.strip()
    (turn,) = CostLedger(config.ledger_path).turns(f"fallback-{fault}")
    merge_calls = [c for c in turn.calls if c.node == "merge"]
    assert len(merge_calls) == 1 and merge_calls[0].status.startswith("fallback:")
    assert (turn.fallbacks, turn.workers_accepted, turn.worker_results) == (1, 0, 1)
    answered = [r for r in model.requests if r.finish_reason is not None]  # errors are not billed
    assert turn.cost_usd == pytest.approx(sum(billed_usd(r) for r in answered))


def test_merge_joins_parallel_results_and_replaces_only_the_bad_one(
    config: OrchestratorConfig,
) -> None:
    # the fan-out's three calls take the three faults; the fallback comes after them
    model = SimulatedChatModel(model_name="gpt-4.1", faults=[None, "truncated", None])
    config = forced(config, "parallel_workers")
    graph = create_orchestrator(main_model=model, worker_model=model, config=config)
    thread = {"configurable": {"thread_id": "parallel"}}
    app = graph.compile(checkpointer=InMemorySaver(serde=serializer()))
    state = app.invoke({"messages": [HumanMessage(NUMBERED)]}, thread)
    internal = app.get_state(thread).values
    results = sorted(internal["worker_results"], key=lambda r: r.index)
    assert [r.status for r in results].count("truncated") == 1
    fallback = model.requests[-1]
    assert len(model.requests) == 4 and fallback.fault is None
    bad = next(r for r in results if r.status != "ok")
    assert fallback.messages[-1].text == QUESTIONS[bad.index]
    parts = [r.text.strip() if r.status == "ok" else fallback.text.strip() for r in results]
    answer = state["messages"][-1]
    assert answer.text == "\n\n".join(parts)
    assert answer.response_metadata["fallbacks"] == 1


def test_record_writes_the_turn_to_the_ledger(
    config: OrchestratorConfig, main_model: SimulatedChatModel, worker_model: SimulatedChatModel
) -> None:
    config = forced(config, "worker_session")
    graph = create_orchestrator(main_model=main_model, worker_model=worker_model, config=config)
    thread = {"configurable": {"thread_id": "record"}}
    request = HumanMessage("What is the boiling point of water at sea level?")
    app = graph.compile(checkpointer=InMemorySaver(serde=serializer()))
    state = app.invoke({"messages": [request]}, thread)
    (turn,) = CostLedger(config.ledger_path).turns("record")
    assert (turn.thread_id, turn.turn, turn.route) == ("record", 0, "worker_session")
    assert turn.reasons == state["decision"].reasons
    assert turn.estimate == state["decision"].estimate.model_dump(mode="json")
    assert turn.calls == app.get_state(thread).values["calls"]
    (sent,) = worker_model.requests
    assert turn.cost_usd == pytest.approx(billed_usd(sent)) == pytest.approx(state["cost_usd"])
    # baseline: the same request and answer in the main session (first turn: nothing cached)
    baseline = calc_price(
        Usage(
            input_tokens=count_messages([request]),
            output_tokens=count_text(state["messages"][-1].text),
        ),
        model_ref="gpt-4.1",
    ).total_price
    assert turn.baseline_usd == pytest.approx(float(baseline))
    assert state["baseline_cost_usd"] == pytest.approx(turn.baseline_usd)


# -- whole sessions under each checkpointer ---------------------------------


async def test_session_under_each_checkpointer(
    checkpointer: Checkpointer,
    config: OrchestratorConfig,
    main_model: SimulatedChatModel,
    worker_model: SimulatedChatModel,
    tmp_path: Path,
) -> None:
    models = {"main_model": main_model, "worker_model": worker_model}
    saver = checkpointer.saver
    auto = create_orchestrator(**models, config=config).compile(checkpointer=saver)
    offload = create_orchestrator(**models, config=forced(config, "worker_session"))
    offload = offload.compile(checkpointer=saver)
    in_main = create_orchestrator(**models, config=forced(config, "main_session"))
    in_main = in_main.compile(checkpointer=saver)
    # a new id each run: the Postgres server may keep the threads of earlier runs
    thread = {"configurable": {"thread_id": f"session-{checkpointer.kind}-{uuid.uuid4().hex}"}}

    async def turn(graph, text: str) -> dict:
        """The whole state after a turn (the caller's output holds no internal channel)."""
        out = await checkpointer.invoke(graph, {"messages": [HumanMessage(text)]}, thread)
        assert not {"worker_results", "digests", "prompts"} & set(out)
        return (await checkpointer.state(graph, thread)).values

    # turn 0: a worker summarises a pasted memo
    state = await turn(offload, SUMMARY_REQUEST)
    assert state["decision"].route == "worker_session"
    (summary_call,) = worker_model.requests
    assert state["messages"][-1].text == summary_call.text.strip()
    request_id, summary_id = state["messages"][0].id, state["messages"][1].id
    assert {request_id, summary_id} <= set(state["digests"])

    # turn 1: three unrelated questions fan out to parallel workers with minimal views
    state = await turn(auto, NUMBERED)
    assert state["decision"].route == "parallel_workers"
    fan_out = worker_model.requests[1:]
    assert sorted(r.messages[-1].text for r in fan_out) == sorted(QUESTIONS)
    assert all(len(r.messages) == 1 for r in fan_out)  # no memo, no earlier turn
    by_question = {r.messages[-1].text: r.text.strip() for r in fan_out}
    assert state["messages"][-1].text == "\n\n".join(by_question[q] for q in QUESTIONS)
    assert len(state["worker_results"]) == 3 and len(state["calls"]) == 3

    # turn 2: the main session sees the offloaded turn as digests
    state = await turn(in_main, "Unrelated: how does a rainbow form after the rain?")
    assert state["decision"].route == "main_session"
    assert len(state["calls"]) == 1 and state["worker_results"] == []  # per-turn reset
    (main_call,) = main_model.requests
    sent = {m.id: m.text for m in main_call.messages}
    assert sent[request_id].startswith("[turn 0 request; digest of")
    assert sent[summary_id] == state["digests"][summary_id] != state["messages"][1].text
    assert MEMO not in "".join(sent.values())
    assert count_messages(main_call.messages) < count_messages(state["messages"][:-1])

    # turn 3: a request about the memo summary gets that turn expanded again
    state = await turn(in_main, MEMO_QUESTION)
    assert 0 in state["decision"].profile.refers_to
    sent = {m.id: m.text for m in main_model.requests[-1].messages}
    assert MEMO in sent[request_id] and sent[summary_id] == summary_call.text

    # the transcript stays whole and is what the checkpointer holds
    snapshot = await checkpointer.state(auto, thread)
    transcript = snapshot.values["messages"]
    assert len(transcript) == 8 and snapshot.next == ()
    assert transcript[0].text == SUMMARY_REQUEST and transcript[1].text == summary_call.text.strip()
    assert [m.type for m in transcript] == ["human", "ai"] * 4

    # the ledger's sums are the simulated models' usage x genai-prices prices
    ledger = CostLedger(config.ledger_path)
    totals = ledger.totals(thread["configurable"]["thread_id"])
    calls = [*main_model.requests, *worker_model.requests]
    assert totals.turns == 4
    assert totals.by_route == {"main_session": 2, "parallel_workers": 1, "worker_session": 1}
    assert totals.cost_usd == pytest.approx(sum(billed_usd(r) for r in calls))
    assert totals.cost_usd == pytest.approx(snapshot.values["thread_cost_usd"])
    for model in ("gpt-4.1", "gpt-4.1-mini"):
        expected = sum(billed_usd(r) for r in calls if r.model_name == model)
        assert totals.by_model[model] == pytest.approx(expected)
    tokens = sum(c["input_tokens"] + c["output_tokens"] for c in ledger.calls())
    assert tokens == sum(r.input_tokens + r.output_tokens for r in calls)


async def test_run_context_overrides_the_config_for_one_run(
    checkpointer: Checkpointer,
    config: OrchestratorConfig,
    main_model: SimulatedChatModel,
    worker_model: SimulatedChatModel,
) -> None:
    models = {"main_model": main_model, "worker_model": worker_model}
    graph = create_orchestrator(**models, config=config).compile(checkpointer=checkpointer.saver)
    thread = {"configurable": {"thread_id": f"context-{checkpointer.kind}"}}
    ask = {"messages": [("user", NUMBERED)]}
    if checkpointer.is_async:
        state = await graph.ainvoke(ask, thread, context=RunContext(force_route="main_session"))
    else:
        state = graph.invoke(ask, thread, context={"force_route": "main_session"})
    assert state["decision"].route == "main_session"
    assert "route forced to main_session by the config" in state["decision"].reasons
    assert len(main_model.requests) == 1 and worker_model.requests == []
    state = await checkpointer.invoke(graph, ask, thread)  # the next run: the config again
    assert state["decision"].route == "parallel_workers"


async def test_the_typed_state_round_trips_with_no_unregistered_type(
    checkpointer: Checkpointer,
    config: OrchestratorConfig,
    main_model: SimulatedChatModel,
    worker_model: SimulatedChatModel,
) -> None:
    events: list[dict] = []
    unregister = register_serde_event_listener(events.append)
    try:
        models = {"main_model": main_model, "worker_model": worker_model}
        graph = create_orchestrator(**models, config=config)
        graph = graph.compile(checkpointer=checkpointer.saver)
        thread = {"configurable": {"thread_id": f"typed-{checkpointer.kind}"}}
        await checkpointer.invoke(graph, {"messages": [("user", NUMBERED)]}, thread)
        values = (await checkpointer.state(graph, thread)).values
    finally:
        unregister()
    assert isinstance(values["decision"], RoutingDecision)
    assert isinstance(values["profile"], TaskProfile)
    assert all(isinstance(t, WorkerTask) for t in values["decision"].tasks)
    assert all(isinstance(c, ModelCall) for c in values["calls"])
    assert [e for e in events if "unregistered" in e["kind"] or "blocked" in e["kind"]] == []
