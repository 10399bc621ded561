"""The service facade in-process, and its FastAPI app through the TestClient (real HTTP stack).

Real graph parts, simulated models, a real SQLite checkpointer in ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import HumanMessage

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.accounting.shadow_settings import ShadowConfig
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.errors import AlreadyIntegratedError
from orchestrator_graph.server.http_api import create_app
from orchestrator_graph.server.service import OrchestratorService
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

TWO_PARTS = "1. Capital of Peru?\n2. 30 C in F?"


def make_service(
    stack: ExitStack, path: Path, config: OrchestratorConfig | None = None, **worker: Any
) -> OrchestratorService:
    saver = stack.enter_context(sqlite_checkpointer(path))
    return OrchestratorService(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini", **worker),
        checkpointer=saver,
        config=config,
        chat_model=lambda name: SimulatedChatModel(model_name=name),
    )


def spawn_all(service: OrchestratorService, request: str = TWO_PARTS) -> list[str]:
    """The ids of the workers of ``request``'s decision, each spawned."""
    return [service.spawn_worker_session(t) for t in service.evaluate_task(request).workers]


def age_claims(ledger: CostLedger) -> None:
    """Every integration claim made older than any lease (its process taken as dead)."""
    with ledger.rows.transaction() as tx:
        tx.execute("UPDATE integrations SET integrated_at = integrated_at - 3600")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[OrchestratorService]:
    with ExitStack() as stack:
        yield make_service(stack, tmp_path / "service.sqlite")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(lambda stack: make_service(stack, tmp_path / "http.sqlite"))
    with TestClient(app) as http:  # runs the lifespan: the service opens and closes
        yield http


def test_a_turn_through_the_three_calls(service: OrchestratorService, tmp_path: Path) -> None:
    history = [
        {"role": "user", "content": "Hi, I am planning a trip."},
        {"role": "assistant", "content": "Happy to help."},
    ]
    evaluation = service.evaluate_task(TWO_PARTS, history)
    assert evaluation.route == "parallel_workers" and len(evaluation.workers) == 2
    assert 0 < evaluation.estimated_cost_usd < evaluation.main_session_cost_usd
    assert 0 <= evaluation.confidence <= 1
    assert [t.brief for t in evaluation.workers] == ["Capital of Peru?", "30 C in F?"]

    ids = [
        service.spawn_worker_session(task, view)
        for task, view in zip(evaluation.workers, evaluation.minimal_context, strict=True)
    ]
    assert len(set(ids)) == 2
    stored = service.worker_session(ids[0])  # read back from the checkpointer
    assert stored.task == evaluation.workers[0] and stored.result is not None
    assert stored.result.status == "ok" and stored.cost_usd > 0

    summary = service.integrate_results(ids, "main-1", request=TWO_PARTS)
    assert summary.statuses == ["ok", "ok"] and summary.needs_main_session == []
    assert summary.messages == 2 and summary.cost_usd == pytest.approx(
        sum(service.worker_session(i).cost_usd for i in ids)
    )
    assert len(summary.digest) < len(summary.answer)

    # the main conversation is an orchestrator thread: a later turn continues it
    out = service.main.invoke(
        {"messages": [HumanMessage("Write a haiku about green tea.")]},
        {"configurable": {"thread_id": "main-1"}},
    )
    assert [m.type for m in out["messages"]] == ["human", "ai"] * 2
    assert out["thread_cost_usd"] == pytest.approx(summary.cost_usd + out["cost_usd"])
    assert out["messages"][1].content == summary.answer

    # a second service on the same file reads the same workers (the state lives there)
    with ExitStack() as stack:
        again = make_service(stack, tmp_path / "service.sqlite")
        assert again.worker_session(ids[1]).result == service.worker_session(ids[1]).result


def test_an_unusable_worker_is_left_to_the_main_session(tmp_path: Path) -> None:
    with ExitStack() as stack:
        service = make_service(stack, tmp_path / "s.sqlite", faults=[None, "empty"])
        tasks = service.evaluate_task(TWO_PARTS).workers
        ids = [service.spawn_worker_session(task) for task in tasks]
        summary = service.integrate_results(ids, "main-2")
        first = service.worker_session(ids[0]).result
    assert summary.statuses == ["ok", "empty"] and summary.needs_main_session == ["0-1"]
    assert first is not None and summary.answer == first.text.strip()
    assert summary.messages == 1  # no request given: the answer alone

    with ExitStack() as stack:
        service = make_service(stack, tmp_path / "t.sqlite", faults=["refusal"])
        (worker_id,) = spawn_all(service, "Hi?")
        nothing = service.integrate_results([worker_id], "main-3", request="Hi?")
        assert nothing.answer == "" and nothing.needs_main_session and nothing.messages == 0


def test_unknown_worker_is_a_key_error(service: OrchestratorService) -> None:
    with pytest.raises(KeyError, match="no worker session 'nope'"):
        service.worker_session("nope")


def test_http_turn_and_openapi(client: TestClient) -> None:
    evaluation = client.post("/orchestrator/evaluate", json={"task_request": TWO_PARTS}).json()
    assert evaluation["route"] == "parallel_workers"
    workers = []
    for task, view in zip(evaluation["workers"], evaluation["minimal_context"], strict=True):
        response = client.post(
            "/orchestrator/workers", json={"task": task, "minimal_context": view}
        )
        assert response.status_code == 201, response.text
        workers.append(response.json())
    read = client.get(f"/orchestrator/workers/{workers[0]['worker_id']}").json()
    assert read == workers[0] and read["result"]["status"] == "ok"

    body = {
        "worker_results": [w["worker_id"] for w in workers],
        "main_session_id": "main-http",
        "request": TWO_PARTS,
    }
    summary = client.post("/orchestrator/integrate", json=body).json()
    assert summary["statuses"] == ["ok", "ok"] and summary["messages"] == 2
    assert summary["answer"].startswith(workers[0]["result"]["text"].strip())

    paths = client.get("/openapi.json").json()["paths"]
    assert {"/orchestrator/evaluate", "/orchestrator/workers", "/orchestrator/integrate"} <= set(
        paths
    )


def test_http_errors(client: TestClient) -> None:
    missing = client.post("/orchestrator/evaluate", json={"main_session_context": []})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "task_request"]
    bad_role = {"task_request": "hi", "main_session_context": [{"role": "robot", "content": ""}]}
    wrong = client.post("/orchestrator/evaluate", json=bad_role)
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "main_session_context", 0, "role"]

    unpriced = {"task_request": "What is 2 + 2?", "worker_model": "my-local-llm"}
    refused = client.post("/orchestrator/evaluate", json=unpriced)
    assert refused.status_code == 400
    assert "my-local-llm" in refused.json()["detail"] and "`prices`" in refused.json()["detail"]
    price = {"input_per_mtok": 0.1, "cached_input_per_mtok": 0.05, "output_per_mtok": 0.2}
    priced = client.post(
        "/orchestrator/evaluate", json={**unpriced, "prices": {"my-local-llm": price}}
    )
    assert priced.status_code == 200, priced.text

    assert client.get("/orchestrator/workers/nope").status_code == 404
    unknown = {"worker_results": ["nope"], "main_session_id": "m"}
    assert client.post("/orchestrator/integrate", json=unknown).status_code == 404


def test_workers_and_integrations_are_in_the_ledger(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    with ExitStack() as stack:
        saver = stack.enter_context(sqlite_checkpointer(tmp_path / "s.sqlite"))
        service = OrchestratorService(
            main_model=SimulatedChatModel(model_name="gpt-4.1"),
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            checkpointer=saver,
            config=OrchestratorConfig(ledger_path=ledger_path),
        )
        evaluation = service.evaluate_task(TWO_PARTS)
        ids = [
            service.spawn_worker_session(task, view)
            for task, view in zip(evaluation.workers, evaluation.minimal_context, strict=True)
        ]
        ledger = CostLedger(ledger_path)
        stack.callback(ledger.close)
        spawned = {c["thread_id"]: c for c in ledger.calls()}
        assert set(spawned) == set(ids)  # billed at once, before any integration
        assert all(c["model"] == "gpt-4.1-mini" and c["cost_usd"] > 0 for c in spawned.values())
        assert ledger.turns() == []

        summary = service.integrate_results(ids, "main-1", request=TWO_PARTS)
        (turn,) = ledger.turns()
        assert (turn.thread_id, turn.turn, turn.route) == ("main-1", 0, "parallel_workers")
        assert turn.cost_usd == pytest.approx(summary.cost_usd)
        assert {c.call_id for c in turn.calls} == {c["call_id"] for c in spawned.values()}
        assert summary.baseline_cost_usd == pytest.approx(turn.baseline_usd)
        assert turn.baseline_usd > turn.cost_usd  # the main session alone: gpt-4.1
        assert "integrated by the service from 2 worker session(s)" in turn.reasons[0]
        assert {c["thread_id"] for c in ledger.calls()} == {"main-1"}  # moved, not copied

        out = service.main.invoke(
            {"messages": [HumanMessage("Write a haiku about green tea.")]},
            {"configurable": {"thread_id": "main-1"}},
        )
        assert [r.turn for r in ledger.turns("main-1")] == [0, 1]
        totals = ledger.totals("main-1")
        assert totals.cost_usd == pytest.approx(out["thread_cost_usd"])
        assert totals.baseline_usd == pytest.approx(out["thread_baseline_cost_usd"])

        # no request: the answer joins the last turn; its calls stay billed under the worker
        (task,) = service.evaluate_task("Name a green tea.").workers
        extra = service.spawn_worker_session(task)
        assert service.integrate_results([extra], "main-1").baseline_cost_usd is None
        assert [r.turn for r in ledger.turns("main-1")] == [0, 1]  # no turn overwritten
        assert [c["thread_id"] for c in ledger.calls(extra)] == [extra]


def test_feedback_over_http_lands_on_the_turn_and_teaches_the_router(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"

    config = OrchestratorConfig(ledger_path=ledger_path)
    app = create_app(lambda stack: make_service(stack, tmp_path / "http.sqlite", config))
    with TestClient(app) as client:
        service = client.app.state.service  # type: ignore[attr-defined]
        thread = {"configurable": {"thread_id": "main-fb"}}
        service.main.invoke({"messages": [HumanMessage("What is 17 times 23?")]}, thread)
        said = {"thread_id": "main-fb", "thumbs": "down", "needed_earlier_turns": False}
        outcome = client.post("/orchestrator/feedback", json=said)
        assert outcome.status_code == 200, outcome.text
        assert outcome.json()["turn"] == 0 and outcome.json()["learned"] is True
        assert outcome.json()["state"]["feedback"] == 1  # the router's posterior moved
        (row,) = CostLedger(ledger_path).feedback("main-fb")
        assert (row.turn, row.needed_earlier_turns) == (0, False)

        assert (
            client.post("/orchestrator/feedback", json={**said, "thread_id": "nobody"}).status_code
            == 404
        )
        orphan = client.post("/orchestrator/feedback", json={**said, "turn": 99})  # defect 7
        assert orphan.status_code == 404 and "turn 99" in orphan.json()["detail"]
        assert len(CostLedger(ledger_path).feedback("main-fb")) == 1
        both = {"thread_id": "main-fb", "thumbs": "up", "quality": 0.5}
        assert client.post("/orchestrator/feedback", json=both).status_code == 422
        assert "/orchestrator/feedback" in client.get("/openapi.json").json()["paths"]


def test_feedback_without_a_ledger_is_a_conflict(client: TestClient) -> None:
    refused = client.post("/orchestrator/feedback", json={"thread_id": "t", "thumbs": "up"})
    assert refused.status_code == 409 and "no ledger" in refused.json()["detail"]


def test_an_integrated_turn_records_the_threads_ab_arm(tmp_path: Path) -> None:
    """The integrated turn's decision is the graph's own for that thread: its A/B arm
    (the service decided without the thread id before, so with no arm)."""
    from orchestrator_graph.config import ABArm, ABTest
    from orchestrator_graph.routing.ab import assign_arm

    test = ABTest(arms={"a": ABArm(share=0.5), "b": ABArm(share=0.5)}, salt="svc")
    with ExitStack() as stack:
        saver = stack.enter_context(sqlite_checkpointer(tmp_path / "s.sqlite"))
        service = OrchestratorService(
            main_model=SimulatedChatModel(model_name="gpt-4.1"),
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            checkpointer=saver,
            config=OrchestratorConfig(ledger_path=None, ab=test),
        )
        (task,) = service.evaluate_task("Name a green tea.").workers
        worker = service.spawn_worker_session(task)
        service.integrate_results([worker], "main-ab", request="Name a green tea.")
        decision = service.main.get_state({"configurable": {"thread_id": "main-ab"}}).values[
            "decision"
        ]
    assert decision.arm == assign_arm(test, "main-ab")


def test_a_request_with_no_text_is_a_400_not_a_500(client: TestClient) -> None:
    """Defect 2: under uvicorn ``InvalidTurnError`` had no handler (a 500)."""
    refused = client.post("/orchestrator/evaluate", json={"task_request": "  \n "})
    assert refused.status_code == 400
    assert "no text" in refused.json()["detail"]


def _task(client: TestClient, **change: Any) -> dict[str, Any]:
    evaluation = client.post("/orchestrator/evaluate", json={"task_request": "Name a tea."}).json()
    (task,) = evaluation["workers"]
    return {**task, **change}


def test_spawn_runs_the_model_asked_for(client: TestClient) -> None:
    """Defect 12: ``task.model`` was ignored (gpt-4.1 ran gpt-4.1-mini)."""
    task = _task(client, model="gpt-4.1")
    spawned = client.post("/orchestrator/workers", json={"task": task})
    assert spawned.status_code == 201, spawned.text
    (call,) = spawned.json()["calls"]
    assert call["model"] == "gpt-4.1"
    assert spawned.json()["result"]["call"]["model"] == "gpt-4.1"


def test_spawn_validates_its_request(client: TestClient) -> None:
    """Defect 12: an unpriced model, ``max_tokens: -5``, an empty brief and unknown
    fields were all 201."""
    unpriced = client.post("/orchestrator/workers", json={"task": _task(client, model="my-llm")})
    assert unpriced.status_code == 400, unpriced.text
    assert "my-llm" in unpriced.json()["detail"] and "`prices`" in unpriced.json()["detail"]
    price = {"input_per_mtok": 0.1, "cached_input_per_mtok": 0.05, "output_per_mtok": 0.2}
    priced = {"task": _task(client, model="my-llm"), "prices": {"my-llm": price}}
    served = client.post("/orchestrator/workers", json=priced)
    assert served.status_code == 201, served.text
    assert served.json()["calls"][0]["model"] == "my-llm"

    bad = {
        ("task", "max_tokens"): _task(client, max_tokens=-5),
        ("task", "brief"): _task(client, brief=""),
    }
    for loc, task in bad.items():
        response = client.post("/orchestrator/workers", json={"task": task})
        assert response.status_code == 422, response.text
        assert tuple(response.json()["detail"][0]["loc"]) == ("body", *loc)
    blank = client.post("/orchestrator/workers", json={"task": _task(client, brief="  \n")})
    assert blank.status_code == 422 and "no text" in blank.text
    unknown = client.post("/orchestrator/workers", json={"task": _task(client), "priority": 1})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == [
        "body",
        "priority",
    ]
    typo = client.post("/orchestrator/workers", json={"task": _task(client, max_token=5)})
    assert typo.status_code == 422 and "max_token" in typo.text


def test_a_worker_is_integrated_once(tmp_path: Path) -> None:
    """Defect 3: the same workers merged twice, or into two conversations, appended the
    answer each time and billed their calls under two turns."""
    ledger_path = tmp_path / "ledger.sqlite"

    config = OrchestratorConfig(ledger_path=ledger_path)
    app = create_app(lambda stack: make_service(stack, tmp_path / "s.sqlite", config))
    with TestClient(app) as client:
        service: OrchestratorService = client.app.state.service  # type: ignore[attr-defined]
        ids = spawn_all(service)
        first = service.integrate_results(ids, "main-1", request=TWO_PARTS)
        assert first.messages == 2
        with pytest.raises(AlreadyIntegratedError, match="already integrated into 'main-1'"):
            service.integrate_results(ids, "main-1", request=TWO_PARTS)
        with pytest.raises(AlreadyIntegratedError):  # nor into another conversation
            service.integrate_results(ids[1:], "main-2", request=TWO_PARTS)
        again = {"worker_results": ids, "main_session_id": "main-2", "request": TWO_PARTS}
        refused = client.post("/orchestrator/integrate", json=again)
        assert refused.status_code == 409 and ids[0] in refused.json()["detail"]
        twice = {"worker_results": [ids[0], ids[0]], "main_session_id": "main-3"}
        assert client.post("/orchestrator/integrate", json=twice).status_code == 409

        main = service.main.get_state({"configurable": {"thread_id": "main-1"}}).values
        assert len(main["messages"]) == 2  # appended once
        assert service.main.get_state({"configurable": {"thread_id": "main-2"}}).values == {}
    with CostLedger(ledger_path) as ledger:
        (turn,) = ledger.turns()
        assert turn.thread_id == "main-1" and len(turn.calls) == 2  # billed once
        assert {c["thread_id"] for c in ledger.calls()} == {"main-1"}
        # another process on the same ledger: the claim is in the file, not in memory
        with pytest.raises(AlreadyIntegratedError):
            ledger.claim_workers([ids[1]], "main-9")
        ledger.claim_workers(["worker-new"], "main-9")  # an unclaimed one goes through


def test_the_shadow_judge_labels_the_services_graph_turns_not_its_integrations(
    tmp_path: Path,
) -> None:
    """A turn the service's graph answers gets its shadow (joined when the service
    closes); a worker integrated from a caller's view does not (no view to re-answer)."""
    ledger_path = tmp_path / "ledger.sqlite"
    config = OrchestratorConfig(
        ledger_path=ledger_path, shadow=ShadowConfig(rate=1, strong_share=1)
    ).updated({"min_quality": None})  # no quality verdict: every turn is most unsure
    with ExitStack() as stack:
        service = make_service(stack, tmp_path / "s.sqlite", config)
        (task,) = service.evaluate_task("Name a green tea.").workers
        worker = service.spawn_worker_session(task, [])
        service.integrate_results([worker], "main-1", request="Name a green tea.")
        service.main.invoke(
            {"messages": [HumanMessage("Write a haiku about green tea.")]},
            {"configurable": {"thread_id": "main-2"}},
        )
        service.close()
    with CostLedger(ledger_path) as ledger:
        assert [(label.thread_id, label.turn) for label in ledger.labels()] == [("main-2", 0)]


def assert_billed_once_on_main_1(path: Path) -> None:
    """One turn in the ledger, on ``main-1``, with both workers' calls moved onto it."""
    with CostLedger(path) as ledger:
        (turn,) = ledger.turns()
        assert turn.thread_id == "main-1" and len(turn.calls) == 2
        assert {c["thread_id"] for c in ledger.calls()} == {"main-1"}


def test_a_claim_left_by_a_killed_process_does_not_lose_the_turn(tmp_path: Path) -> None:
    """Load test, run (c): a process SIGKILLed between claiming the workers and merging
    them left its claim in the ledger, and the client's retry on another process was
    refused (409, "its answer and calls are there") although the conversation had no
    such turn: the turn was lost. A claim whose merge is not in its conversation is
    taken over once it is older than the lease; a younger one is still in progress."""
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
    with ExitStack() as stack:
        killed = make_service(stack, tmp_path / "s.sqlite", config)
        ids = spawn_all(killed)
        ledger = killed.resources.ledger()
        assert ledger is not None
        ledger.claim_workers(ids, "main-1")  # the process dies here: no merge, no release
        other = make_service(stack, tmp_path / "s.sqlite", config)
        with pytest.raises(AlreadyIntegratedError, match="being integrated"):
            other.integrate_results(ids, "main-1", request=TWO_PARTS)  # within the lease
        age_claims(ledger)
        summary = other.integrate_results(ids, "main-1", request=TWO_PARTS)
        assert summary.messages == 2
        with pytest.raises(AlreadyIntegratedError, match="already integrated into 'main-1'"):
            other.integrate_results(ids, "main-1", request=TWO_PARTS)
        values = other.main.get_state({"configurable": {"thread_id": "main-1"}}).values
        assert [m.type for m in values["messages"]] == ["human", "ai"]
    assert_billed_once_on_main_1(tmp_path / "ledger.sqlite")


def test_a_stale_claim_whose_merge_is_in_the_conversation_is_not_merged_again(
    tmp_path: Path,
) -> None:
    """A process killed after its merge reached the conversation (before answering):
    the claim's conversation has the answer, so a retry is refused, never merged twice,
    however old the claim."""
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
    with ExitStack() as stack:
        service = make_service(stack, tmp_path / "s.sqlite", config)
        ids = spawn_all(service)
        service.integrate_results(ids, "main-1", request=TWO_PARTS)
        ledger = service.resources.ledger()
        assert ledger is not None
        age_claims(ledger)
        with pytest.raises(AlreadyIntegratedError, match="already integrated into 'main-1'"):
            service.integrate_results(ids, "main-1", request=TWO_PARTS)
        with pytest.raises(AlreadyIntegratedError):
            service.integrate_results(ids[:1], "main-2", request=TWO_PARTS)
        values = service.main.get_state({"configurable": {"thread_id": "main-1"}}).values
        assert len(values["messages"]) == 2


def test_a_merge_killed_before_its_record_is_recorded_by_the_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load test, run (c): app1 was SIGKILLed after the merge reached the conversation
    and before the graph's ``record`` step wrote the turn; the retry on app0 was rightly
    refused (409), but the turn was never recorded: the ledger missed it and the
    workers' calls stayed under their ids. The refused retry now runs the pending step."""
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
    with ExitStack() as stack:
        killed = make_service(stack, tmp_path / "s.sqlite", config)
        ids = spawn_all(killed)
        ledger = killed.resources.ledger()
        assert ledger is not None
        monkeypatch.setattr(ledger, "release_workers", lambda ids: None)  # killed: no cleanup

        def killed_before_record(*args: Any, **kwargs: Any) -> None:
            raise SystemExit("SIGKILL")

        monkeypatch.setattr(killed.main, "invoke", killed_before_record)
        with pytest.raises(SystemExit):
            killed.integrate_results(ids, "main-1", request=TWO_PARTS)
        other = make_service(stack, tmp_path / "s.sqlite", config)
        with pytest.raises(AlreadyIntegratedError, match="already integrated into 'main-1'"):
            other.integrate_results(ids, "main-1", request=TWO_PARTS)
        state = other.main.get_state({"configurable": {"thread_id": "main-1"}})
        assert len(state.values["messages"]) == 2 and state.next == ()
    assert_billed_once_on_main_1(tmp_path / "ledger.sqlite")


def test_a_spawn_retried_with_its_idempotency_key_runs_and_bills_one_worker(
    tmp_path: Path,
) -> None:
    """Load test, run (c): a spawn whose answer was lost to a killed process was sent
    again and ran a second worker, the first one billed and never used. With the
    request's ``Idempotency-Key`` the retry gets the first worker back."""
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
    app = create_app(lambda stack: make_service(stack, tmp_path / "http.sqlite", config))
    task = {
        "task_id": "t1",
        "brief": "Capital of Peru?",
        "model": "gpt-4.1-mini",
        "max_tokens": 400,
        "tier": "worker",
    }
    body = {"task": task}
    with TestClient(app) as http:
        first, again = (
            http.post("/orchestrator/workers", json=body, headers={"Idempotency-Key": "k-1"})
            for _ in range(2)
        )
        other = http.post("/orchestrator/workers", json=body, headers={"Idempotency-Key": "k-2"})
        body["task"]["brief"] = "Capital of Chile?"
        reused = http.post("/orchestrator/workers", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == other.status_code == 201
    assert again.json() == first.json()
    assert other.json()["worker_id"] != first.json()["worker_id"]
    assert reused.status_code == 409 and "another worker task" in reused.text
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        by_worker = [c["thread_id"] for c in ledger.calls()]
    assert sorted(by_worker) == sorted([first.json()["worker_id"], other.json()["worker_id"]])


def test_a_spawn_retried_after_its_process_died_mid_run_finishes_that_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request's process died during the worker's model call: the retry with
    the same key finishes that worker (its input is checkpointed) instead of a new one."""
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
    task = {
        "task_id": "t1",
        "brief": "Capital of Peru?",
        "model": "gpt-4.1-mini",
        "max_tokens": 400,
        "tier": "worker",
    }
    generate = SimulatedChatModel._generate

    def killed(self: SimulatedChatModel, *args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt("SIGKILL")  # a BaseException: nothing catches it

    with ExitStack() as stack:
        dying = make_service(stack, tmp_path / "s.sqlite", config)
        monkeypatch.setattr(SimulatedChatModel, "_generate", killed)
        with pytest.raises(KeyboardInterrupt):
            dying.spawn_worker_session(task, key="k-1")
        monkeypatch.setattr(SimulatedChatModel, "_generate", generate)
        other = make_service(stack, tmp_path / "s.sqlite", config)
        worker_id = other.spawn_worker_session(task, key="k-1")
        session = other.worker_session(worker_id)
    assert session.result is not None and session.result.status == "ok"
    assert len(session.calls) == 1
    with CostLedger(tmp_path / "ledger.sqlite") as ledger:
        assert [c["thread_id"] for c in ledger.calls()] == [worker_id]
