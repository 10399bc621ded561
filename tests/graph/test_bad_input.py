"""Bad input gets a clear error or a documented fallback, and nothing checkpointed is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from pydantic import ValidationError

from orchestrator_graph import InvalidTurnError, OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.ledger import LedgerError
from orchestrator_graph.accounting.pricing import UnknownModelPriceError
from orchestrator_graph.conversation.views import context_window_for
from orchestrator_graph.lab.workloads import WorkloadError, read_workloads
from orchestrator_graph.storage.checkpoints import async_sqlite_checkpointer, sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

IMAGE = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}


def _graph(tmp_path: Path, **update: object):
    config = OrchestratorConfig().updated(
        {"ledger_path": tmp_path / "ledger.sqlite", "force_route": "main_session", **update}
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    builder = create_orchestrator(
        main_model=main, worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"), config=config
    )
    return builder, main


@pytest.mark.parametrize(
    ("content", "match"),
    [("", "with text"), ("  \n\t ", "with text"), ([IMAGE], "image-only")],
)
def test_a_request_with_no_text_never_enters_the_thread(
    tmp_path: Path, content: object, match: str
) -> None:
    builder, main = _graph(tmp_path)
    thread = {"configurable": {"thread_id": "bad"}}
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage("Name a prime number.")]}, thread)
        before = graph.get_state(thread)
        history = len(list(saver.list(thread)))
        with pytest.raises(InvalidTurnError, match=match):
            graph.invoke({"messages": [HumanMessage(content=content)]}, thread)
        after = graph.get_state(thread)
        assert after.values["messages"] == before.values["messages"]  # nothing entered
        # not even a checkpoint: the thread's head, history and tasks are as they were
        assert after.config == before.config and after.next == () and after.tasks == ()
        assert len(list(graph.get_state_history(thread))) == len(list(saver.list(thread)))
        assert len(list(saver.list(thread))) == history
        state = graph.invoke({"messages": [HumanMessage("And another one?")]}, thread)
    assert [m.type for m in state["messages"]] == ["human", "ai", "human", "ai"]
    assert len(main.requests) == 2


async def test_a_request_with_no_text_is_refused_under_astream_too(tmp_path: Path) -> None:
    builder, _ = _graph(tmp_path)
    thread = {"configurable": {"thread_id": "bad"}}
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        await graph.ainvoke({"messages": [HumanMessage("Name a prime number.")]}, thread)
        before = await graph.aget_state(thread)
        as_the_server_sends = {"messages": [{"type": "human", "content": " "}]}
        with pytest.raises(InvalidTurnError, match="no text"):
            async for _ in graph.astream(as_the_server_sends, thread):
                pass
        assert (await graph.aget_state(thread)).config == before.config


def test_text_with_an_image_block_is_routed_by_its_text(tmp_path: Path) -> None:
    builder, main = _graph(tmp_path)
    ask = HumanMessage(content=[{"type": "text", "text": "What is in this picture?"}, IMAGE])
    state = builder.compile().invoke({"messages": [ask]})
    assert state["messages"][-1].text and len(main.requests) == 1


def test_a_context_larger_than_the_window_is_trimmed_by_the_main_view(tmp_path: Path) -> None:
    window = 2048
    builder, main = _graph(tmp_path, context_window=window)
    graph = builder.compile()
    history = {"messages": [HumanMessage("Say something short about rivers. " * 150)]}
    state = graph.invoke(history, {"configurable": {"thread_id": "w"}})
    huge = "Summarize the following log. " + "error at line 42, retry scheduled. " * 900
    state = graph.invoke(
        {"messages": [*state["messages"], HumanMessage(huge)]}, {"configurable": {"thread_id": "w"}}
    )
    sent = main.requests[-1]
    assert sent.input_tokens <= window
    assert "tokens cut" in sent.messages[-1].text  # marked, not silently lost
    assert state["messages"][-2].text == huge  # the transcript keeps the whole request
    assert context_window_for("gpt-4.1") == 1_047_576 and context_window_for("gpt-4o") == 128_000
    assert context_window_for("openai:gpt-4o-mini") == 128_000
    assert context_window_for("my-llama") == 128_000  # unknown: a conservative default


def test_an_unknown_model_is_an_error_at_build_time(tmp_path: Path) -> None:
    with pytest.raises(UnknownModelPriceError, match="my-llama"):
        create_orchestrator(
            main_model=SimulatedChatModel(model_name="my-llama"),
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            config=OrchestratorConfig(ledger_path=None),
        )


@pytest.mark.parametrize(
    "field",
    [
        {"context_threshold": 2},
        {"worker_cost_ratio": 0},
        {"max_parallel_workers": 0},
        {"max_retries": -1},
        {"max_retries": 1000},
        {"retry_backoff_s": 1e9},
        {"call_timeout_s": 0},
        {"context_window": 10},
        {"budget": {"thread_usd": -0.01}},
    ],
)
def test_absurd_settings_are_refused_with_the_field_named(field: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match=next(iter(field))):
        OrchestratorConfig().updated(field)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json\n", "not JSON at column 2"),
        ('{"id": "a", "turns": []}\n', "session 'a': not a valid session: turns: List should"),
        ('{"id": "a", "turns": [{"user": "x", "depends_on": [3]}]}\n', "not earlier turns"),
        # a line cut short: the line it is on, not "line 2 column 1" of the JSON parser
        ('{"id": "a", "turns": [{"user": "hi"}]\n', "truncated JSON"),
        ('{"id": "cut", "turns": [{"user": "x"}, {"user": " "}]}\n', "session 'cut'.*turns.1.user"),
    ],
)
def test_a_malformed_workload_file_names_the_line(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text)
    with pytest.raises(WorkloadError, match=rf"bad.jsonl line 1: .*{match}") as raised:
        read_workloads([path])
    assert "column 1" not in str(raised.value)


def test_an_empty_workload_file_is_refused(tmp_path: Path) -> None:
    """Decided for ``eval`` and ``bench`` alike: no session, nothing to measure."""
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")
    with pytest.raises(WorkloadError, match=r"empty\.jsonl: no sessions"):
        read_workloads([path])


def test_a_corrupted_ledger_fails_before_any_call_and_loses_no_checkpoint(
    tmp_path: Path,
) -> None:
    builder, _ = _graph(tmp_path)
    thread = {"configurable": {"thread_id": "keep"}}
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        builder.compile(checkpointer=saver).invoke(
            {"messages": [HumanMessage("Name a colour.")]}, thread
        )
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    main = SimulatedChatModel(model_name="gpt-4.1")
    with pytest.raises(LedgerError, match=r"mv .*broken.sqlite"):
        create_orchestrator(
            main_model=main,
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            config=OrchestratorConfig(ledger_path=broken),
        )
    assert main.requests == [] and broken.read_bytes().startswith(b"this is not")
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        kept = builder.compile(checkpointer=saver).get_state(thread).values["messages"]
    assert [m.type for m in kept] == ["human", "ai"]
