"""Feedback in, better decisions out: a turn's outcome lands on its decision in the
ledger, the router learns from it, the guard tightens at once, the state persists."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from orchestrator_graph import OrchestratorConfig, UnknownTurnError, create_orchestrator
from orchestrator_graph.accounting.feedback import record_outcome
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.quality.adaptive import ArmState, state_key
from orchestrator_graph.quality.adaptive.thompson import BINS, GUARD_MIN
from orchestrator_graph.state import TurnFeedback
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

# a word problem, like the shipped quality model's training data: it is in its domain
ASK = (
    "A train travels 60 miles per hour for 2.5 hours, then twice as fast for half as "
    "long. How far does it travel?"
)
# a lax target: the calibrated verdict sends ASK to the cheap model
LAX = 0.5


def _builder(ledger: Path, **options: object):
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig().updated({"ledger_path": ledger, "min_quality": LAX, **options}),
    )


def _thread(name: str) -> dict:
    return {"configurable": {"thread_id": name}}


def test_feedback_lands_on_the_exact_turn_and_its_decision(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(path).compile(checkpointer=saver)
        for _ in range(3):
            graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("t"))
        graph.builder.close()
    ledger = CostLedger(path)
    decided = ledger.turn_record("t", 1)
    assert decided is not None and decided.quality is not None
    assert decided.quality["key"] == state_key(None, decided.category)
    assert decided.quality["cheap"] is True  # the cheap model answered it

    outcome = record_outcome(path, "t", 1, quality=0.25)
    assert (outcome.turn, outcome.learned) == (1, True)
    [row] = ledger.feedback("t")
    assert (row.turn, row.quality, row.needed_earlier_turns) == (1, 0.25, None)
    state = ledger.adaptive_state(decided.quality["key"])
    assert state is not None and state["feedback"] == 1 and state["window"] == [0.25]

    # the same score again learns nothing more; a flag on the same row keeps the score
    assert not record_outcome(path, "t", 1, quality=0.25).learned
    record_outcome(path, "t", 1, needed_earlier_turns=True)
    [row] = ledger.feedback("t")
    assert (row.quality, row.needed_earlier_turns) == (0.25, True)
    assert ledger.adaptive_state(decided.quality["key"])["feedback"] == 1  # type: ignore[index]

    # no turn given: the thread's latest
    assert record_outcome(path, "t", thumbs="up").turn == 2
    with pytest.raises(ValueError, match="no recorded turn"):
        record_outcome(path, "unknown-thread", thumbs="up")
    with pytest.raises(ValueError, match="not both"):
        TurnFeedback(quality=0.5, thumbs="up")
    ledger.close()


def test_feedback_as_graph_input_alone_and_with_the_next_request(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(path).compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("g"))
        # feedback alone: recorded on turn 0, no new turn, no model call
        out = graph.invoke({"feedback": [{"thumbs": "down"}]}, _thread("g"))
        assert len(out["messages"]) == 2 and out["feedback"] is None
        ledger = graph.builder.resources.ledger()
        assert [(f.turn, f.quality) for f in ledger.feedback("g")] == [(0, 0.0)]
        assert len(ledger.turns("g")) == 1
        # with the next request: recorded, then the turn runs
        value = {
            "messages": [HumanMessage("And how far in kilometres?")],
            "feedback": [TurnFeedback(turn=0, needed_earlier_turns=False, source="judge")],
        }
        out = graph.invoke(value, _thread("g"))
        assert len(out["messages"]) == 4
        assert len(ledger.turns("g")) == 2
        judged = [f for f in ledger.feedback("g") if f.source == "judge"]
        assert [(f.turn, f.needed_earlier_turns) for f in judged] == [(0, False)]
        graph.builder.close()


def test_feedback_from_a_parent_graph_is_sent_once(tmp_path: Path) -> None:
    """A parent whose state has ``feedback`` passes it in; the orchestrator hands back
    None, so the report is not sent again with the next turn."""
    path = tmp_path / "ledger.sqlite"

    class Parent(MessagesState, total=False):
        feedback: list | None

    parent = StateGraph(Parent)
    orchestrator = _builder(path).compile()
    parent.add_node("orchestrator", orchestrator)
    parent.add_edge(START, "orchestrator")
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        app = parent.compile(checkpointer=saver)
        app.invoke({"messages": [HumanMessage(ASK)]}, _thread("p"))
        out = app.invoke({"messages": [HumanMessage(ASK)], "feedback": [{"quality": 0.9}]},
                         _thread("p"))  # fmt: skip
        assert out["feedback"] is None
    orchestrator.builder.close()
    with CostLedger(path) as ledger:
        [row] = ledger.feedback()
    assert row.quality == 0.9 and row.turn == 0


def test_the_guard_tightens_at_once_and_the_reasons_say_so(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(path, force_route="worker_session").compile(checkpointer=saver)
        threads = [f"bad-{n}" for n in range(GUARD_MIN)]
        for thread in threads:  # decided before any feedback: the calibrated verdict
            out = graph.invoke({"messages": [HumanMessage(ASK)]}, _thread(thread))
            assert [t.tier for t in out["decision"].tasks] == ["worker"]
        outcomes = [record_outcome(path, t, thumbs="down") for t in threads]
        assert [o.guard_fired for o in outcomes] == [False] * (GUARD_MIN - 1) + [True]

        out = graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("after"))
        graph.builder.close()
    decision = out["decision"]
    assert [t.tier for t in decision.tasks] == ["main"]  # the strong model, at once
    guard = [r for r in decision.reasons if "guard: cheap model closed" in r]
    assert guard and "below the target" in guard[0]
    with CostLedger(path) as ledger:
        assert ledger.turn_record("after").reasons == decision.reasons  # type: ignore[union-attr]


def test_the_learned_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(path).compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("s"))
        graph.builder.close()  # a restart: nothing open, nothing in memory
    with CostLedger(path) as ledger:
        key = ledger.turn_record("s").quality["key"]  # type: ignore[union-attr,index]
        record_outcome(ledger, "s", thumbs="up")
        learned = ledger.adaptive_state(key)

    with CostLedger(path) as reopened:
        assert reopened.adaptive_state(key) == learned
    # a new graph on the same ledger decides by what was learned
    with sqlite_checkpointer(tmp_path / "cp2.sqlite") as saver:
        graph = _builder(path).compile(checkpointer=saver)
        out = graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("s2"))
    assert any("adaptive /" in r and "learned from 1 scores" in r for r in out["decision"].reasons)


def test_without_feedback_or_with_adaptive_off_the_calibrated_verdict_decides(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(path, adaptive=False).compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("off"))
        assert not record_outcome(path, "off", thumbs="down", adapt=False).learned
        out = graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("off"))
    assert not any("adaptive" in r for r in out["decision"].reasons)
    assert any("> threshold" in r for r in out["decision"].reasons)


def test_thompson_sampling_moves_toward_the_cheapest_route_that_keeps_the_target() -> None:
    """In one bin: a cheap model that is as good as the strong one is used more and
    more; one that is good half the time is closed (by the guard) and stays closed."""
    rng = random.Random(0)
    good, bad = ArmState.prior(0.5, 0.95), ArmState.prior(0.5, 0.95)
    p = 0.55  # just above the calibrated threshold: the prior is unsure
    before = sum(good.decide(p, 0.95, rng)[0] for _ in range(200))
    for n in range(40):
        good.observe(p, True, 1.0, 0.95)
        good.observe(0.1, False, 1.0, 0.95)  # the strong model is good too
        bad.observe(p, True, float(n % 2), 0.95)
        bad.observe(0.1, False, 1.0, 0.95)
    after = sum(good.decide(p, 0.95, rng)[0] for _ in range(200))
    assert after > before and after > 180
    assert bad.guard_fired >= 1
    assert sum(bad.decide(p, 0.95, rng)[0] for _ in range(200)) < 20


def test_a_decision_alone_writes_no_ledger(tmp_path: Path) -> None:
    """``evaluate_task`` with a ledger path that does not exist yet: nothing learned to
    read, and no file made (the ledger is created by the first recorded turn)."""
    from orchestrator_graph import evaluate_task

    path = tmp_path / "not-yet.sqlite"
    decision = evaluate_task([HumanMessage(ASK)], config=OrchestratorConfig(ledger_path=path))
    assert decision.quality is not None and not path.exists()


def test_the_learned_threshold_moves_with_the_evidence() -> None:
    """Good cheap answers just under the calibrated threshold lower the threshold the
    posteriors imply; a run of bad ones closes the cheap route (the guard)."""
    state = ArmState.prior(0.5, 0.9)
    assert state.learned_threshold(0.9) == 0.5
    for _ in range(20):
        state.observe(0.45, True, 1.0, 0.9)
    assert state.learned_threshold(0.9) == 0.45  # the lower edge of p 0.45's bin
    for _ in range(20):
        state.observe(0.45, True, 0.0, 0.9)
    assert state.guard_fired and state.learned_threshold(0.9) == 1.0


def test_a_state_stored_with_other_bins_is_rebinned() -> None:
    """States written with 10 bins (before ``BINS`` was 20) still decide every ``p``."""
    old = ArmState.prior(0.5, 0.95).to_json()
    old["cheap"] = [[float(b + 1), 1.0] for b in range(10)]  # bin b: mean (b+1)/(b+2)
    state = ArmState.from_json(old)
    assert len(state.cheap) == BINS == 20
    assert state.cheap[0] == [1.0, 1.0] and state.cheap[19] == [10.0, 1.0]
    assert state.cheap[6] == state.cheap[7] == [4.0, 1.0]  # centres 0.325, 0.375: old bin 3
    cheap, _ = state.decide(0.99, 0.95, random.Random(0))
    assert isinstance(cheap, bool)


def test_feedback_on_a_turn_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    """Defect 7: turn 99 of a one-turn thread was stored as an orphan row."""
    path = tmp_path / "ledger.sqlite"
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(path).compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("one"))
        with pytest.raises(UnknownTurnError, match="turn 99"):
            record_outcome(path, "one", 99, thumbs="down")
        before = graph.get_state(_thread("one"))
        bad = [{"thumbs": "up"}, {"turn": 99, "quality": 0.1}]
        with pytest.raises(UnknownTurnError, match="turn 99"):  # none of the list is written
            graph.invoke({"feedback": bad}, _thread("one"))
        with pytest.raises(UnknownTurnError, match="turn 99"):  # nor the request beside it
            graph.invoke({"messages": [HumanMessage(ASK)], "feedback": bad}, _thread("one"))
        assert graph.get_state(_thread("one")).config == before.config  # refused before
        out = graph.invoke({"messages": [HumanMessage(ASK)]}, _thread("one"))  # the thread goes on
        assert len(out["messages"]) == 4
    with CostLedger(path) as ledger:
        assert ledger.feedback() == []
    with pytest.raises(UnknownTurnError, match="no recorded turn"):
        record_outcome(path, "unknown-thread", thumbs="up")
