"""``compact_thread`` under the checkpointer matrix: on the savers it can prune (SQLite,
PostgreSQL) a thread keeps its state whole in one checkpoint and goes on; on the others
it is refused before anything is written."""

from __future__ import annotations

import uuid

import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.storage.prune import compact_thread
from orchestrator_graph.testing.simulated import SimulatedChatModel
from tests.conftest import Checkpointer

ASKS = ["What is the capital of Peru?", "Translate 'good morning' into French.", "2 + 2?"]


def build():
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )


def shown(messages) -> list[tuple[str | None, str, str]]:
    return [(m.id, m.type, m.text) for m in messages]


def run_turns(graph, thread: dict) -> None:
    for n, ask in enumerate(ASKS * 2):
        graph.invoke({"messages": [HumanMessage(f"{ask} (turn {n})")]}, thread)


@pytest.mark.parametrize(
    "checkpointer", ["sqlite", pytest.param("postgres", marks=pytest.mark.slow)], indirect=True
)
def test_a_compacted_thread_keeps_its_state_in_one_checkpoint_and_goes_on(
    checkpointer: Checkpointer,
) -> None:
    thread = {"configurable": {"thread_id": f"compact-{uuid.uuid4().hex}"}}
    graph = build().compile(checkpointer=checkpointer.saver)
    run_turns(graph, thread)
    before = graph.get_state(thread).values
    report = compact_thread(graph, thread)
    assert report.kept_checkpoints == 1 and report.deleted_checkpoints > 0
    assert len(list(graph.get_state_history(thread))) == 1
    kept = graph.get_state(thread).values
    assert shown(kept["messages"]) == shown(before["messages"])
    assert kept["digests"] == before["digests"] and kept["prompts"] == before["prompts"]
    out = graph.invoke({"messages": [HumanMessage("And one more: 3 + 3?")]}, thread)
    assert shown(out["messages"][: len(before["messages"])]) == shown(before["messages"])
    assert len(out["messages"]) == len(before["messages"]) + 2


@pytest.mark.parametrize("checkpointer", ["memory", "async_sqlite"], indirect=True)
async def test_a_saver_that_cannot_be_pruned_is_refused_before_any_write(
    checkpointer: Checkpointer,
) -> None:
    thread = {"configurable": {"thread_id": "refused"}}
    graph = build().compile(checkpointer=checkpointer.saver)
    await checkpointer.invoke(graph, {"messages": [HumanMessage(ASKS[0])]}, thread)
    before = [s.config async for s in graph.aget_state_history(thread)]
    with pytest.raises(TypeError, match="SqliteSaver or a PostgresSaver"):
        compact_thread(graph, thread)
    after = [s.config async for s in graph.aget_state_history(thread)]
    assert after == before  # no checkpoint written, none deleted
