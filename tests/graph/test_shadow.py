"""The shadow judge on real graphs: a sampled turn gets a shadow answer and two priced
verdicts in the ledger after it answered, the transcript is unchanged, the daily shadow
budget of a tenant holds, a failure is only logged, and a verdict is kept on its turn
and teaches the tenant's own model, which then decides."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.shadow_settings import ShadowConfig
from orchestrator_graph.config import RunContext
from orchestrator_graph.quality.adaptive import TurnQuality, learn
from orchestrator_graph.quality.adaptive.tenant import model_key
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

# a word problem in the shipped quality model's domain; at this target its prediction
# sits near the threshold, where the sampler labels every turn at rate 1
ASK = (
    "A train travels 60 miles per hour for 2.5 hours, then twice as fast for half as "
    "long. How far does it travel?"
)
NEAR = 0.99
ALWAYS = ShadowConfig(rate=1.0, strong_share=1.0)
STRONG_WINS = [{"reason": "B is right", "better": "B"}, {"reason": "A is right", "better": "A"}]


def _models(**cheap: Any) -> tuple[SimulatedChatModel, SimulatedChatModel]:
    return (
        SimulatedChatModel(model_name="gpt-4.1"),
        SimulatedChatModel(model_name="gpt-4.1-mini", **cheap),
    )


def _builder(ledger: Path, shadow: ShadowConfig | None, models: tuple | None = None, **options):
    main, worker = models or _models()
    config = OrchestratorConfig(ledger_path=ledger, shadow=shadow)
    return create_orchestrator(
        main_model=main,
        worker_model=worker,
        config=config.updated({"min_quality": NEAR, **options}),
    )


def _thread(name: str) -> dict:
    return {"configurable": {"thread_id": name}}


def _turn(builder, thread: str = "t", context: RunContext | None = None, saver=None) -> dict:
    graph = builder.compile(checkpointer=saver)
    out = graph.invoke({"messages": [HumanMessage(ASK)]}, _thread(thread), context=context)
    builder.resources.join()
    return out


@pytest.mark.parametrize(
    ("route", "shadow_model"),
    [("worker_session", "gpt-4.1"), ("main_session", "gpt-4.1-mini")],
)
def test_a_sampled_turn_gets_a_priced_shadow_and_verdicts_and_no_transcript_change(
    tmp_path: Path, route: str, shadow_model: str
) -> None:
    context = RunContext(force_route=route)  # type: ignore[arg-type]
    off_saver = sqlite_checkpointer(tmp_path / "off.sqlite")
    with off_saver as saver, _builder(tmp_path / "off-ledger.sqlite", None) as off:
        plain = _turn(off, context=context, saver=saver)
    on_saver = sqlite_checkpointer(tmp_path / "on.sqlite")
    with on_saver as saver, _builder(tmp_path / "ledger.sqlite", ALWAYS) as on:
        shadowed = _turn(on, context=context, saver=saver)
        graph = on.compile(checkpointer=saver)
        kept = graph.get_state(_thread("t")).values["messages"]
        ledger = on.resources.ledger()
        assert ledger is not None
        calls = ledger.calls("t")
        [label] = ledger.labels()
        [feedback] = ledger.feedback("t")
        [turn] = ledger.turns("t")

    assert shadowed["decision"].route == route
    assert [m.content for m in shadowed["messages"]] == [m.content for m in plain["messages"]]
    assert [m.content for m in kept] == [m.content for m in plain["messages"]]
    assert shadowed["cost_usd"] == pytest.approx(plain["cost_usd"])
    by_node = {c["node"]: c for c in calls}
    assert [c["node"] for c in calls].count("judge") == 2
    assert by_node["shadow"]["model"] == shadow_model and by_node["shadow"]["cost_usd"] > 0
    assert all(c["cost_usd"] > 0 for c in calls if c["node"] == "judge")
    assert turn.cost_usd == pytest.approx(plain["cost_usd"])  # the turn's own bill
    assert label.cheap_answered is (route == "worker_session")
    assert label.request == ASK and label.probability == 1.0 and len(label.verdicts) == 2
    assert label.cheap_usd > 0 and label.strong_usd > label.cheap_usd
    assert (feedback.source, feedback.quality) == ("shadow", label.score)


def test_the_daily_shadow_budget_of_a_tenant_is_never_exceeded(tmp_path: Path) -> None:
    daily = 0.004  # a few strong shadows and their verdicts
    tenant = RunContext(tenant="acme", force_route="worker_session")
    with _builder(
        tmp_path / "ledger.sqlite", ShadowConfig(rate=1, strong_share=1, daily_usd=daily)
    ) as b:
        for i in range(8):
            _turn(b, f"t{i}", tenant)
        ledger = b.resources.ledger()
        assert ledger is not None
        spent = sum(c["cost_usd"] for c in ledger.calls() if c["node"] in ("shadow", "judge"))
        held = sum(h["usd"] for h in b.resources.book().holds() if h["tenant"] == "shadow/acme")
        labels = ledger.labels(tenant="acme")
    assert 0 < spent <= daily
    assert held == pytest.approx(spent)
    assert 1 <= len(labels) < 8  # the budget stopped the rest


def test_a_failing_judge_is_logged_and_the_turn_is_unchanged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = [{"reason": "?", "better": "C"}, {"reason": "?", "better": "C"}]
    context = RunContext(force_route="worker_session")
    with _builder(tmp_path / "off.sqlite", None) as off:
        plain = _turn(off, context=context)
    logged = caplog.at_level(logging.WARNING, logger="orchestrator_graph.quality.shadow")
    with logged, _builder(tmp_path / "ledger.sqlite", ALWAYS, _models(structured=bad)) as b:
        out = _turn(b, context=context)
        ledger = b.resources.ledger()
        assert ledger is not None
        calls, labels = ledger.calls("t"), ledger.labels()
        feedback = ledger.feedback("t")
    assert [m.content for m in out["messages"]] == [m.content for m in plain["messages"]]
    assert labels == [] and feedback == []
    assert [c["node"] for c in calls if c["node"] != "spawn_subgraph"] == ["shadow", "judge"]
    assert any("shadow judge of turn 0" in r.getMessage() for r in caplog.records)


def test_a_failing_shadow_call_is_logged_and_billed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    context = RunContext(force_route="main_session")  # the cheap model is the shadow
    models = _models(faults=["server_error"])
    logged = caplog.at_level(logging.WARNING, logger="orchestrator_graph.quality.shadow")
    with logged, _builder(tmp_path / "ledger.sqlite", ALWAYS, models, max_retries=0) as b:
        out = _turn(b, context=context)
        ledger = b.resources.ledger()
        assert ledger is not None
        shadow = [c for c in ledger.calls("t") if c["node"] == "shadow"]
    assert out["messages"][-1].content
    assert [c["status"] for c in shadow] == ["failed:SimulatedServerError"]
    assert any("ModelCallError" in r.getMessage() for r in caplog.records)


def test_a_verdict_is_kept_on_its_turn_and_teaches_the_tenants_model_only(
    tmp_path: Path,
) -> None:
    """One learner: the verdict is feedback on its turn (as ``record_outcome`` keeps
    it) and teaches the tenant's model; the category sampler is people's to teach."""
    context = RunContext(tenant="acme", force_route="worker_session")
    with _builder(tmp_path / "ledger.sqlite", ALWAYS, _models(structured=STRONG_WINS)) as b:
        _turn(b, context=context)
        ledger = b.resources.ledger()
        assert ledger is not None
        [label] = ledger.labels()
        [turn] = ledger.turns("t")
        [said] = ledger.feedback("t")
        assert turn.quality is not None
        category = ledger.adaptive_state(turn.quality["key"])
        tenant = ledger.adaptive_state(model_key("acme"))
    assert (label.score, label.verdicts) == (0.0, ["loss", "loss"])
    assert (said.turn, said.quality, said.source) == (0, 0.0, "shadow")
    assert category is None
    assert tenant is not None and tenant["labels"] == 1


@pytest.mark.parametrize("name", ["acme", None])
def test_a_tenants_verdicts_train_its_own_model_which_then_decides(
    tmp_path: Path, name: str | None
) -> None:
    """The runtime feeds each verdict to the tenant's own request model (the learner the
    stream replay measures; the runs without a tenant share one); once it has enough,
    it decides that tenant's turns."""
    tenant = RunContext(tenant=name, force_route="main_session")
    with _builder(tmp_path / "ledger.sqlite", ALWAYS, _models(structured=STRONG_WINS * 40)) as b:
        for i in range(21):
            _turn(b, f"t{i}", tenant)
        b.resources.join()
        ledger = b.resources.ledger()
        state = ledger.adaptive_state(model_key(name))
        assert ledger.adaptive_state(model_key("other")) is None
        # people's feedback says the category's cheap answers are always good: the
        # tenant's model, which has spoken, still decides (one learner per turn)
        [turn] = ledger.turns("t0")
        assert turn.quality is not None
        told = TurnQuality.model_validate({**turn.quality, "cheap": True})
        for _ in range(40):
            learn(ledger, told, 1.0)
        out = _turn(b, "next", RunContext(tenant=name))
    assert state is not None and state["labels"] >= 20 and state["ready"]
    assert any("tenant model learned from" in r for r in out["decision"].reasons)
    assert not any("adaptive" in r for r in out["decision"].reasons)
    assert out["decision"].route == "main_session"


def test_the_shadow_runs_under_ainvoke_off_the_event_loop(tmp_path: Path) -> None:
    async def run() -> dict:
        with _builder(tmp_path / "ledger.sqlite", ALWAYS) as b:
            graph = b.compile()
            out = await graph.ainvoke({"messages": [HumanMessage(ASK)]}, _thread("t"))
            await asyncio.to_thread(b.resources.join)
            ledger = b.resources.ledger()
            assert ledger is not None
            out["labels"] = ledger.labels()
        return out

    out = asyncio.run(run())
    assert out["messages"][-1].content and len(out["labels"]) == 1


def test_shadow_off_by_default_and_when_disabled(tmp_path: Path) -> None:
    assert OrchestratorConfig().shadow is None
    for shadow in (None, ShadowConfig(enabled=False, rate=1.0)):
        with _builder(tmp_path / f"{shadow is None}.sqlite", shadow) as b:
            _turn(b)
            ledger = b.resources.ledger()
            assert ledger is not None
            assert ledger.labels() == []
            assert {c["node"] for c in ledger.calls()} <= {"spawn_subgraph", "main_session"}
