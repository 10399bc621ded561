"""Who calls the service: API keys from the environment (or your own function), and the
tenant of each request following from them, over the real FastAPI app (TestClient).

The figure issue 19 asks for is printed by ``test_one_tenant_can_neither_spend_nor_read_
anothers``: requests served or billed across tenants (0)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import BudgetLimits, OrchestratorConfig, RunContext
from orchestrator_graph.errors import AuthenticationError, IdentityMismatchError
from orchestrator_graph.server.auth import (
    API_KEYS_ENV,
    AUTHENTICATE_ENV,
    OPEN,
    ApiKeys,
    authenticator,
    open_access,
    parse_api_keys,
)
from orchestrator_graph.server.http_api import create_app
from orchestrator_graph.server.identity import Identity
from tests.unit.server.test_service import TWO_PARTS, make_service

ACME_KEY, GLOBEX_KEY = "acme-key-0123456789abcdef", "globex-key-0123456789abcdef"
KEYS = f"{ACME_KEY}=acme, {GLOBEX_KEY}=globex/globex-eu"


def as_(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_keys_format() -> None:
    keys = parse_api_keys(KEYS)
    assert keys[ACME_KEY] == Identity(name="acme", tenant="acme", cache_scope="acme")
    assert keys[GLOBEX_KEY] == Identity(name="globex", tenant="globex", cache_scope="globex-eu")
    assert parse_api_keys("  ") == {}
    with pytest.raises(ValueError, match="at least 16"):
        parse_api_keys("short=acme")
    with pytest.raises(ValueError, match="key=tenant or key=tenant/cache_scope"):
        parse_api_keys(f"{ACME_KEY}:acme")
    with pytest.raises(ValueError, match="given twice"):
        parse_api_keys(f"{ACME_KEY}=acme {ACME_KEY}=globex")


def test_a_key_is_read_from_either_header_and_an_unknown_one_refused() -> None:
    keys = ApiKeys(parse_api_keys(KEYS))
    assert keys({"authorization": f"Bearer {ACME_KEY}"}).tenant == "acme"
    assert keys({"x-api-key": GLOBEX_KEY}).tenant == "globex"
    with pytest.raises(AuthenticationError, match="no API key"):
        keys({})
    with pytest.raises(AuthenticationError, match="unknown API key"):
        keys({"authorization": f"Bearer {ACME_KEY}x"})
    with pytest.raises(AuthenticationError, match="no API key"):
        keys({"authorization": f"Basic {ACME_KEY}"})


def test_no_keys_is_an_open_server_said_at_start_up(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert authenticator({}) is open_access
    assert "UNAUTHENTICATED" in caplog.text and API_KEYS_ENV in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert isinstance(authenticator({API_KEYS_ENV: KEYS}), ApiKeys)
    assert caplog.text == ""


def test_your_own_authenticate_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_auth.py").write_text(
        "from orchestrator_graph.errors import AuthenticationError\n"
        "from orchestrator_graph.server.identity import Identity\n"
        "def by_team(headers):\n"
        "    team = headers.get('x-team')\n"
        "    if team is None:\n"
        "        raise AuthenticationError('no team')\n"
        "    return Identity(name=team, tenant=team, cache_scope=team)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    plugged = authenticator({AUTHENTICATE_ENV: "my_auth:by_team", API_KEYS_ENV: KEYS})
    assert plugged({"x-team": "red"}).tenant == "red"  # the keys are not asked
    with pytest.raises(ValueError, match="names no function"):
        authenticator({AUTHENTICATE_ENV: "my_auth:nobody"})
    with ExitStack() as stack:
        app = create_app(lambda s: make_service(s, tmp_path / "p.sqlite"), authenticate=plugged)
        client = stack.enter_context(TestClient(app))
        body = {"task_request": "Name a tea."}
        assert client.post("/orchestrator/evaluate", json=body).status_code == 401
        ok = client.post("/orchestrator/evaluate", json=body, headers={"X-Team": "red"})
        assert ok.status_code == 200, ok.text


def test_the_identity_fixes_tenant_and_scope() -> None:
    acme = Identity(name="acme", tenant="acme", cache_scope="acme")
    assert acme.context_for(None) == RunContext(tenant="acme", cache_scope="acme")
    said = acme.context_for({"force_route": "main_session", "tenant": "acme"})
    assert said == RunContext(force_route="main_session", tenant="acme", cache_scope="acme")
    with pytest.raises(IdentityMismatchError, match="tenant='globex'"):
        acme.context_for(RunContext(tenant="globex"))
    with pytest.raises(IdentityMismatchError, match="cache_scope='globex'"):
        acme.context_for(RunContext(cache_scope="globex"))
    assert OPEN.context_for(RunContext(tenant="anyone")) == RunContext(tenant="anyone")
    assert OPEN.tenant_for("anyone") == "anyone" and acme.tenant_for(None) == "acme"


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    """The app with two tenants' keys, a ledger and a tenant budget (so holds are kept)."""
    ledger = tmp_path / "ledger.sqlite"
    config = OrchestratorConfig(ledger_path=ledger, budget=BudgetLimits(tenant_usd=5.0))
    app = create_app(
        lambda stack: make_service(stack, tmp_path / "http.sqlite", config),
        authenticate=authenticator({API_KEYS_ENV: KEYS}),
    )
    with TestClient(app) as client:
        yield client, ledger


def _routes(worker_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("POST", "/orchestrator/evaluate", {"task_request": TWO_PARTS}),
        ("POST", "/orchestrator/workers", {"task": {"task_id": "t", "tier": "worker", "brief": "Name a tea.", "model": "gpt-4.1-mini", "max_tokens": 50}}),  # noqa: E501
        ("GET", f"/orchestrator/workers/{worker_id}", None),
        ("POST", "/orchestrator/integrate", {"worker_results": [worker_id], "main_session_id": "m"}),  # noqa: E501
        ("POST", "/orchestrator/feedback", {"thread_id": "m", "thumbs": "up"}),
    ]  # fmt: skip


def test_every_route_needs_a_known_key(keyed: tuple[TestClient, Path]) -> None:
    client, ledger = keyed
    for method, path, body in _routes("worker-x"):
        for headers in ({}, as_("not-a-key-0123456789abcdef"), {"X-Api-Key": "x"}):
            refused = client.request(method, path, json=body, headers=headers)
            assert refused.status_code == 401, (path, refused.text)
            assert refused.headers["www-authenticate"] == "Bearer"
        # a bad body is still a 401 to a caller with no key: nothing is said of it
        assert client.request(method, path, json={"x": 1}).status_code == 401
    answered = client.post(
        "/orchestrator/evaluate", json={"task_request": TWO_PARTS}, headers=as_(ACME_KEY)
    )
    assert answered.status_code == 200, answered.text
    assert CostLedger(ledger).calls() == []  # nothing ran for the refused requests


def _holds(ledger: Path) -> dict[str | None, int]:
    with closing(sqlite3.connect(ledger)) as db:
        return dict(db.execute("SELECT tenant, count(*) FROM budget_holds GROUP BY tenant"))


def test_one_tenant_can_neither_spend_nor_read_anothers(keyed: tuple[TestClient, Path]) -> None:
    client, ledger_path = keyed
    ledger = CostLedger(ledger_path)
    evaluation = client.post(
        "/orchestrator/evaluate", json={"task_request": TWO_PARTS}, headers=as_(ACME_KEY)
    ).json()
    acme = []
    for task, view in zip(evaluation["workers"], evaluation["minimal_context"], strict=True):
        spawned = client.post(
            "/orchestrator/workers",
            json={"task": task, "minimal_context": view},
            headers=as_(ACME_KEY),
        )
        assert spawned.status_code == 201, spawned.text
        acme.append(spawned.json()["worker_id"])
    assert {c["tenant"] for c in ledger.calls()} == {"acme"}
    acme_holds = _holds(ledger_path)
    assert set(acme_holds) == {"acme"}

    # globex, each way it could reach acme's budget or acme's work: refused, nothing run
    task = {**evaluation["workers"][0], "thread_id": "m"}
    across = [
        client.post("/orchestrator/workers", json={"task": task, "tenant": "acme"}, headers=as_(GLOBEX_KEY)),  # noqa: E501
        client.post("/orchestrator/evaluate", json={"task_request": TWO_PARTS, "tenant": "acme"}, headers=as_(GLOBEX_KEY)),  # noqa: E501
        client.get(f"/orchestrator/workers/{acme[0]}", headers=as_(GLOBEX_KEY)),
        client.post("/orchestrator/integrate", json={"worker_results": acme, "main_session_id": "main-1", "request": TWO_PARTS}, headers=as_(GLOBEX_KEY)),  # noqa: E501
        client.post("/orchestrator/integrate", json={"worker_results": acme, "main_session_id": "main-1", "tenant": "acme"}, headers=as_(GLOBEX_KEY)),  # noqa: E501
    ]  # fmt: skip
    assert [r.status_code for r in across] == [403, 403, 404, 404, 403], [r.text for r in across]
    assert "tenant='acme'" in across[0].json()["detail"]
    assert ledger.turns() == [] and {c["tenant"] for c in ledger.calls()} == {"acme"}
    assert _holds(ledger_path) == acme_holds

    # acme's own work is untouched: its workers integrate into its main-1
    body = {"worker_results": acme, "main_session_id": "main-1", "request": TWO_PARTS}
    merged = client.post("/orchestrator/integrate", json=body, headers=as_(ACME_KEY))
    assert merged.status_code == 200, merged.text
    assert merged.json()["main_session_id"] == "main-1"
    (turn,) = ledger.turns()
    assert (turn.thread_id, turn.tenant) == ("acme/main-1", "acme")

    # globex's main-1 is its own thread: its feedback never lands on acme's turn
    said = {"thread_id": "main-1", "thumbs": "down"}
    assert (
        client.post("/orchestrator/feedback", json=said, headers=as_(GLOBEX_KEY)).status_code == 404
    )
    assert (
        client.post("/orchestrator/feedback", json=said, headers=as_(ACME_KEY)).status_code == 200
    )
    (feedback,) = ledger.feedback()
    assert feedback.thread_id == "acme/main-1"

    served_across = sum(r.status_code < 400 for r in across)
    billed_across = sum(c["tenant"] != "acme" for c in ledger.calls()) + len(
        set(_holds(ledger_path)) - {"acme"}
    )
    print(f"\nrequests served or billed across tenants: {served_across + billed_across}")
    assert served_across + billed_across == 0

    # globex's own worker is billed and held under globex alone
    own = client.post("/orchestrator/workers", json={"task": task}, headers=as_(GLOBEX_KEY))
    assert own.status_code == 201, own.text
    assert own.json()["task"]["thread_id"] == "globex/m"  # its budget's thread is its own
    assert {c["tenant"] for c in ledger.calls(own.json()["worker_id"])} == {"globex"}
    assert _holds(ledger_path) == {**acme_holds, "globex": 1}


def test_an_open_server_keeps_the_tenant_a_request_says(tmp_path: Path) -> None:
    config = OrchestratorConfig(ledger_path=tmp_path / "ledger.sqlite")
    app = create_app(lambda s: make_service(s, tmp_path / "o.sqlite", config), open_access)
    with TestClient(app) as client:
        evaluation = client.post("/orchestrator/evaluate", json={"task_request": "Name a tea."})
        (task,) = evaluation.json()["workers"]
        spawned = client.post("/orchestrator/workers", json={"task": task, "tenant": "acme"})
        assert spawned.status_code == 201, spawned.text
        assert client.get(f"/orchestrator/workers/{spawned.json()['worker_id']}").status_code == 200
    (call,) = CostLedger(tmp_path / "ledger.sqlite").calls()
    assert call["tenant"] == "acme"
