"""``langgraph dev`` with ``langgraph.json``'s custom auth (``server.auth``): a caller is
who its API key says, for the graph and for the service's routes alike.

Two servers: one with ``ORCHESTRATOR_API_KEYS`` (keys required) and one without (open,
warned at start-up). Prints the figure issue 19 asks for: requests served or billed
across tenants (0)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from orchestrator_graph.accounting.ledger import CostLedger
from tests.integration.test_studio import GRAPH, StudioServer, serving, start, user

pytestmark = [pytest.mark.slow, pytest.mark.integration]  # starts `langgraph dev`

ACME_KEY, GLOBEX_KEY = "acme-key-0123456789abcdef", "globex-key-0123456789abcdef"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, StudioServer]]:
    base = tmp_path_factory.mktemp("auth")
    keys = f"{ACME_KEY}=acme,{GLOBEX_KEY}=globex"
    with serving(
        {"keyed": start(base / "keyed", ORCHESTRATOR_API_KEYS=keys), "open": start(base / "open")}
    ) as started:
        yield started


def status(url: str, body: dict | None = None, headers: dict[str, str] | None = None) -> int:
    """The status of a raw request (no client library adds a key)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _clients(server: StudioServer) -> tuple[SyncLangGraphClient, SyncLangGraphClient]:
    """Acme's and Globex's SDK clients of ``server``."""
    acme = get_sync_client(url=server.url, api_key=ACME_KEY)
    return acme, get_sync_client(url=server.url, api_key=GLOBEX_KEY)


def test_a_bad_key_is_refused_and_a_good_one_runs(servers: dict[str, StudioServer]) -> None:
    server = servers["keyed"]
    refused = [
        {},
        {"X-Api-Key": "not-a-key-0123456789abcdef"},
        {"Authorization": "Bearer x"},
        {"X-Auth-Scheme": "langsmith"},  # "from Studio": no way around the key
    ]
    for headers in refused:
        assert status(f"{server.url}/threads", {}, headers) == 401
        assert status(f"{server.url}/orchestrator/evaluate", {"task_request": "Hi"}, headers) == 401
    assert status(f"{server.url}/threads", {}, {"X-Api-Key": ACME_KEY}) == 200
    evaluate = {"task_request": "Name a tea."}
    assert (
        status(
            f"{server.url}/orchestrator/evaluate", evaluate, {"Authorization": f"Bearer {ACME_KEY}"}
        )
        == 200
    )
    assert "UNAUTHENTICATED" not in server.log()
    assert "UNAUTHENTICATED" in servers["open"].log()  # said at start-up, before any request
    assert status(f"{servers['open'].url}/threads", {}) == 200


def test_one_tenant_asserting_another_is_refused_and_billed_nothing(
    servers: dict[str, StudioServer],
) -> None:
    server = servers["keyed"]
    acme, globex = _clients(server)
    mine = acme.threads.create()["thread_id"]
    first = acme.runs.wait(mine, GRAPH, input=user("Who wrote the novel Dune?"))
    assert first["cost_usd"] > 0

    theirs = globex.threads.create()["thread_id"]
    refused = 0
    for context in (
        {"tenant": "acme"},
        {"cache_scope": "acme"},
        {"tenant": "acme", "cache_scope": "acme"},
    ):
        with pytest.raises(httpx.HTTPStatusError) as error:
            globex.runs.wait(
                theirs, GRAPH, input=user("Who wrote the novel Dune?"), context=context
            )
        assert error.value.response.status_code == 403
        assert "asserts" in error.value.response.text
        refused += 1
    with pytest.raises(httpx.HTTPStatusError) as error:  # acme's thread is not globex's
        globex.threads.get_state(mine)
    assert error.value.response.status_code == 404
    assert [t["thread_id"] for t in globex.threads.search()] == [theirs]

    with CostLedger(server.folder / "state" / "ledger.sqlite") as ledger:
        assert ledger.turns(theirs) == [] and ledger.calls(theirs) == []
        (turn,) = ledger.turns(mine)
        by_tenant = {row["tenant"]: row for row in ledger.spend_by("tenant")}
    assert turn.tenant == "acme" and set(by_tenant) == {"acme"}
    across = sum(row["turns"] + row["calls"] for key, row in by_tenant.items() if key != "acme")
    print(
        f"\nrequests refused across tenants: {refused}; served or billed across tenants: {across}"
    )
    assert across == 0


def test_a_tenant_keeps_to_its_own_store_assistants_and_no_crons(
    servers: dict[str, StudioServer],
) -> None:
    server = servers["keyed"]
    acme, globex = _clients(server)

    acme.store.put_item(("acme", "notes"), "plan", {"budget": 12})
    assert acme.store.get_item(("acme", "notes"), "plan")["value"] == {"budget": 12}
    for call in (
        lambda: globex.store.get_item(("acme", "notes"), "plan"),
        lambda: globex.store.put_item(("acme", "notes"), "plan", {"budget": 0}),
        lambda: globex.store.delete_item(("acme", "notes"), "plan"),
        lambda: globex.store.search_items(("acme",)),
    ):
        with pytest.raises(httpx.HTTPStatusError) as error:
            call()
        assert error.value.response.status_code == 403
    assert globex.store.search_items(())["items"] == []  # no prefix: its own only
    assert globex.store.list_namespaces()["namespaces"] == []
    assert ["acme", "notes"] in acme.store.list_namespaces()["namespaces"]

    (graph,) = globex.assistants.search(graph_id=GRAPH)  # every tenant reads the graph's
    own = acme.assistants.create(GRAPH, name="acme's", if_exists="do_nothing")
    for assistant in (graph, own):
        with pytest.raises(httpx.HTTPStatusError) as error:
            globex.assistants.update(assistant["assistant_id"], metadata={"taken": True})
        assert error.value.response.status_code == 404
    with pytest.raises(httpx.HTTPStatusError) as error:
        globex.assistants.delete(own["assistant_id"])
    assert error.value.response.status_code == 404
    acme.assistants.delete(own["assistant_id"])

    with pytest.raises(httpx.HTTPStatusError) as error:
        globex.crons.create(GRAPH, schedule="0 0 * * *", input=user("Who wrote Dune?"))
    assert error.value.response.status_code == 403
