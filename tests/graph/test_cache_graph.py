"""The answer cache in real graph runs: a repeated question answered from the cache,
at $0 in the ledger with the cost it saved, and the turns it must leave alone."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver

from orchestrator_graph import OrchestratorConfig, RunContext, create_orchestrator, record_outcome
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.config import CacheConfig
from orchestrator_graph.quality.embedding import shared_embedder
from orchestrator_graph.state import serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel
from tests.conftest import Checkpointer

QUESTION = "Who wrote the novel Dune?"
PARAPHRASE = "Who is the author of the novel Dune?"


def cached_config(tmp_path: Path, **cache: Any) -> OrchestratorConfig:
    return OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite", cache=CacheConfig(**cache))


def thread(name: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": name}}


async def ask(
    checkpointer: Checkpointer, graph: Any, text: str, name: str, scope: str | None = "tenant-a"
) -> dict[str, Any]:
    value, context = {"messages": [HumanMessage(text)]}, RunContext(cache_scope=scope)
    if checkpointer.is_async:
        return await graph.ainvoke(value, thread(name), context=context)
    return graph.invoke(value, thread(name), context=context)


async def test_a_repeated_question_is_answered_from_the_cache_at_no_cost(
    checkpointer: Checkpointer,
    tmp_path: Path,
    main_model: SimulatedChatModel,
    worker_model: SimulatedChatModel,
) -> None:
    config = cached_config(tmp_path)
    graph = create_orchestrator(
        main_model=main_model, worker_model=worker_model, config=config
    ).compile(checkpointer=checkpointer.saver)
    run = uuid.uuid4().hex  # new threads each run: the Postgres server keeps earlier ones
    first = await ask(checkpointer, graph, QUESTION, f"first-{run}")
    calls = len(main_model.requests) + len(worker_model.requests)
    assert first["decision"].route != "cache" and first["cost_usd"] > 0

    second = await ask(checkpointer, graph, PARAPHRASE, f"second-{run}")
    decision = second["decision"]
    assert decision.route == "cache"
    assert len(main_model.requests) + len(worker_model.requests) == calls  # no model call
    assert second["messages"][-1].content == first["messages"][-1].content
    assert second["cost_usd"] == 0 and second["baseline_cost_usd"] > 0
    assert decision.cache is not None and decision.cache.hit and not decision.cache.exact
    assert decision.cache.replaced == first["decision"].route
    assert any(f"entry {decision.cache.entry_id[:12]}" in r for r in decision.reasons)
    assert any(f"similarity {decision.cache.similarity:.3f}" in r for r in decision.reasons)

    replaced = decision.estimate.option(decision.cache.replaced).call_usd
    with CostLedger(config.ledger_path) as ledger:  # type: ignore[arg-type]
        (row,) = ledger.turns(f"second-{run}")
        (original,) = ledger.turns(f"first-{run}")
        kpis = ledger.kpis()
    assert kpis["routes"]["cache"] == 1 and kpis["cache_saved_usd"] == pytest.approx(replaced)
    assert (row.route, row.cost_usd, row.calls) == ("cache", 0.0, [])
    assert row.saved_usd == pytest.approx(replaced) and row.saved_usd > 0
    assert row.estimated_usd == 0.0 and original.saved_usd == 0.0
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:  # beside the ledger
        (entry,) = cache.entries("tenant-a")
    assert (entry["request"], entry["hits"]) == (QUESTION, 1)
    assert entry["cost_usd"] == pytest.approx(first["cost_usd"])


def make_graph(tmp_path: Path, **cache: Any) -> tuple[Any, SimulatedChatModel]:
    main = SimulatedChatModel(model_name="gpt-4.1")
    worker = SimulatedChatModel(model_name="gpt-4.1-mini")
    graph = create_orchestrator(
        main_model=main, worker_model=worker, config=cached_config(tmp_path, **cache)
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    return graph, main


def invoke(graph: Any, messages: list[Any], name: str, **context: Any) -> dict[str, Any]:
    run = RunContext(**{"cache_scope": "tenant-a", **context})
    return graph.invoke({"messages": messages}, thread(name), context=run)


def test_another_tenant_never_gets_the_answer(tmp_path: Path) -> None:
    graph, _ = make_graph(tmp_path)
    invoke(graph, [HumanMessage(QUESTION)], "a1")
    assert (
        invoke(graph, [HumanMessage(QUESTION)], "b1", cache_scope="tenant-b")["decision"].route
        != "cache"
    )
    assert invoke(graph, [HumanMessage(QUESTION)], "a2")["decision"].route == "cache"


def test_a_run_without_a_scope_neither_looks_up_nor_stores(tmp_path: Path) -> None:
    graph, _ = make_graph(tmp_path)
    invoke(graph, [HumanMessage(QUESTION)], "t1", cache_scope=None)
    other = invoke(graph, [HumanMessage(QUESTION)], "t2", cache_scope=None)
    assert other["decision"].route != "cache" and other["decision"].cache is None
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:
        assert cache.entries() == []


@pytest.mark.parametrize("mid_conversation", [False, True])
def test_only_requests_that_open_a_thread_are_stored_by_default(
    tmp_path: Path, mid_conversation: bool
) -> None:
    graph, _ = make_graph(tmp_path, mid_conversation=mid_conversation)
    invoke(graph, [HumanMessage("Write a haiku about tea.")], "m1")
    out = invoke(graph, [HumanMessage(QUESTION)], "m1")
    assert out["profile"].context_dependency < 0.3  # the classifier calls it self-contained
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:
        stored = [e["request"] for e in cache.entries()]
    assert stored == ["Write a haiku about tea.", *([QUESTION] if mid_conversation else [])]


def test_a_request_that_needs_earlier_turns_is_neither_looked_up_nor_stored(
    tmp_path: Path,
) -> None:
    graph, _ = make_graph(tmp_path, mid_conversation=True)  # the classifier is the gate
    follow_up = "Make your previous answer shorter."
    for name in ("x", "y"):
        invoke(graph, [HumanMessage("Write a haiku about tea.")], name)
        out = invoke(graph, [HumanMessage(follow_up)], name)
        assert out["profile"].context_dependency >= 0.3
        assert out["decision"].route != "cache"
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:
        stored = [e["request"] for e in cache.entries()]
    assert follow_up not in stored and "Write a haiku about tea." in stored


def test_other_standing_instructions_get_their_own_answers(tmp_path: Path) -> None:
    graph, _ = make_graph(tmp_path)
    invoke(graph, [SystemMessage("Answer as a pirate."), HumanMessage(QUESTION)], "p1")
    plain = invoke(graph, [HumanMessage(QUESTION)], "p2")
    assert plain["decision"].route != "cache"
    pirate = invoke(graph, [SystemMessage("Answer as a pirate."), HumanMessage(QUESTION)], "p3")
    assert pirate["decision"].route == "cache"


def test_time_sensitive_requests_and_forced_routes_skip_the_cache(tmp_path: Path) -> None:
    graph, _ = make_graph(tmp_path)
    today = "What day of the week is it today?"
    invoke(graph, [HumanMessage(today)], "d1")
    assert invoke(graph, [HumanMessage(today)], "d2")["decision"].route != "cache"
    invoke(graph, [HumanMessage(QUESTION)], "f1")
    forced = invoke(graph, [HumanMessage(QUESTION)], "f2", force_route="main_session")
    assert forced["decision"].route == "main_session"


def test_the_request_is_embedded_once_per_turn(tmp_path: Path) -> None:
    graph, _ = make_graph(tmp_path)  # min_quality on: the quality model embeds the request
    embedder = shared_embedder()
    before = embedder.computed
    out = invoke(graph, [HumanMessage("Which river flows through Vienna and Budapest?")], "e1")
    assert out["decision"].quality is not None  # the router's quality model ran
    assert embedder.computed == before + 1  # the cache reused its embedding


def test_a_near_miss_is_not_answered_from_the_cache(tmp_path: Path) -> None:
    graph, _ = make_graph(tmp_path)
    invoke(graph, [HumanMessage("Convert 30 C to F")], "c1")
    swapped = invoke(graph, [HumanMessage("Convert 30 F to C")], "c2")
    assert swapped["decision"].route != "cache"
    paraphrase = invoke(graph, [HumanMessage("What is 30 C in F?")], "c3")
    assert paraphrase["decision"].route == "cache"  # the cache was there: a guard said no


def test_a_neighbour_with_another_answer_raises_both_thresholds(tmp_path: Path) -> None:
    # the guards pass the pair (nothing opposed, no word swapped in place), the match
    # check scores it under its threshold: a near candidate, answered anew
    boil = "How long should I boil an egg?"
    fry = "How long should I cook an egg in boiling water at high altitude?"
    answers = {boil: "Boil it for 7 minutes.", fry: "Up high, give it 9 to 10 minutes."}
    main = SimulatedChatModel(model_name="gpt-4.1", answers=answers)
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", answers=answers)
    graph = create_orchestrator(
        main_model=main, worker_model=worker, config=cached_config(tmp_path)
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    invoke(graph, [HumanMessage(boil)], "n1")
    out = invoke(graph, [HumanMessage(fry)], "n2")
    near = out["decision"].cache
    assert out["decision"].route != "cache"
    assert near is not None and not near.hit
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:
        thresholds = {e["request"]: e["threshold"] for e in cache.entries()}
    assert thresholds[boil] == pytest.approx(near.similarity + 0.01)
    assert thresholds[fry] == pytest.approx(near.similarity + 0.01)


def test_without_a_cache_the_graph_is_unchanged(tmp_path: Path) -> None:
    main = SimulatedChatModel(model_name="gpt-4.1")
    builder = create_orchestrator(main_model=main, worker_model=main, config=OrchestratorConfig())
    assert "cache_answer" not in builder.nodes
    cached = create_orchestrator(
        main_model=main,
        worker_model=main,
        config=OrchestratorConfig(cache=CacheConfig(path=tmp_path / "c.sqlite")),
    )
    assert "cache_answer" in cached.nodes
    with pytest.raises(ValueError, match="the answer cache needs a place"):
        create_orchestrator(
            main_model=main, worker_model=main, config=OrchestratorConfig(cache=CacheConfig())
        )


def test_a_ledger_from_before_the_cache_gets_the_saved_column(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    graph, _ = make_graph(tmp_path)
    invoke(graph, [HumanMessage(QUESTION)], "old")

    def columns() -> list[str]:
        with closing(sqlite3.connect(path)) as db:
            return [row[1] for row in db.execute("PRAGMA table_info(turns)")]

    with closing(sqlite3.connect(path)) as db:
        db.execute("ALTER TABLE turns DROP COLUMN saved_usd")
        db.commit()
    assert "saved_usd" not in columns()
    with CostLedger(path) as reopened:  # the column comes back, NULL reads as nothing saved
        (row,) = reopened.turns("old")
    assert "saved_usd" in columns()
    assert row.saved_usd == 0.0 and row.route != "cache"


@pytest.mark.parametrize(
    ("said", "how"),
    [({"thumbs": "down"}, "graph"), ({"quality": 0.2}, "graph"), ({"thumbs": "down"}, "api")],
)
async def test_negative_feedback_on_a_cached_answer_withdraws_the_entry(
    checkpointer: Checkpointer, tmp_path: Path, said: dict[str, Any], how: str
) -> None:
    """Defect 8: thumbs down on a turn answered from the cache changed nothing."""
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=cached_config(tmp_path),
    ).compile(checkpointer=checkpointer.saver)
    await ask(checkpointer, graph, QUESTION, "w1")
    served = (await ask(checkpointer, graph, QUESTION, "w2"))["decision"]
    assert served.route == "cache" and served.cache is not None
    entry = served.cache.entry_id
    if how == "graph":
        await checkpointer.invoke(graph, {"feedback": [said]}, thread("w2"))
    else:  # another connection to the cache file: the graph's sees the write
        outcome = record_outcome(
            tmp_path / "ledger.sqlite", "w2", **said, cache=tmp_path / "answer_cache.sqlite"
        )
        assert outcome.withdrawn_entry == entry

    again = (await ask(checkpointer, graph, QUESTION, "w3"))["decision"]
    assert again.route != "cache"  # answered anew, not from the disliked entry
    (why,) = [r for r in again.reasons if "withdrawn" in r]
    assert f"entry {entry[:12]}" in why and "negative feedback" in why
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:
        rows = {r["entry_id"]: r for r in cache.entries("tenant-a")}
    assert "negative feedback" in rows[entry]["withdrawn"]
    # the fresh answer is the one kept: the next repeat is served from it
    after = (await ask(checkpointer, graph, QUESTION, "w4"))["decision"]
    assert after.route == "cache" and after.cache is not None and after.cache.entry_id != entry


def test_positive_feedback_on_a_cached_answer_keeps_the_entry(tmp_path: Path) -> None:
    graph, _ = make_graph(tmp_path)
    invoke(graph, [HumanMessage(QUESTION)], "k1")
    invoke(graph, [HumanMessage(QUESTION)], "k2")
    graph.invoke({"feedback": [{"thumbs": "up"}]}, thread("k2"))
    assert invoke(graph, [HumanMessage(QUESTION)], "k3")["decision"].route == "cache"


def test_an_arm_that_forces_its_route_neither_looks_up_nor_stores(tmp_path: Path) -> None:
    """The decision skips the cache on a thread whose A/B arm forces the route; record
    used to store that arm's answers all the same (it read the options without the arm)."""
    from orchestrator_graph.config import ABArm, ABTest
    from orchestrator_graph.routing.ab import assign_arm

    test = ABTest(
        arms={"cached": ABArm(share=0.5), "main-only": ABArm(
            share=0.5, options={"force_route": "main_session"}
        )},
        salt="cache-arm",
    )  # fmt: skip
    config = cached_config(tmp_path).model_copy(update={"ab": test})
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    names = [f"t{n}" for n in range(40)]
    forced = next(n for n in names if assign_arm(test, n) == "main-only")
    cached = next(n for n in names if assign_arm(test, n) == "cached")
    invoke(graph, [HumanMessage(QUESTION)], forced)
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:
        assert cache.entries("tenant-a") == []  # the forced arm's answer is not kept
    invoke(graph, [HumanMessage(QUESTION)], cached)
    with AnswerCache(tmp_path / "answer_cache.sqlite") as cache:
        assert len(cache.entries("tenant-a")) == 1  # the other arm's is
