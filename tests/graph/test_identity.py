"""A served run's tenant and cache scope come from its caller's identity: the user the
LangGraph server puts in ``configurable["langgraph_auth_user"]`` (``server.auth``'s
handler returns it), read by every node through ``identity.run_context``."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph import OrchestratorConfig, RunContext, create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import BudgetLimits, CacheConfig
from orchestrator_graph.errors import IdentityMismatchError
from orchestrator_graph.server.identity import Identity
from orchestrator_graph.testing.simulated import SimulatedChatModel
from tests.conftest import Checkpointer

QUESTION = "Who wrote the novel Dune?"
PARAPHRASE = "Who is the author of the novel Dune?"
ACME = Identity(name="acme", tenant="acme", cache_scope="acme")
GLOBEX = Identity(name="globex", tenant="globex", cache_scope="globex")


def served(identity: Identity, thread_id: str) -> dict[str, Any]:
    """A run's config as the LangGraph server makes it for an authenticated caller (the
    server wraps the handler's dict in an object with ``identity``; so does this)."""
    user = SimpleNamespace(**identity.as_user())
    return {"configurable": {"thread_id": thread_id, "langgraph_auth_user": user}}


def holds(ledger: Path, thread_id: str) -> list[tuple[str | None]]:
    with closing(sqlite3.connect(ledger)) as db:
        return db.execute(
            "SELECT tenant FROM budget_holds WHERE thread_id = ?", [thread_id]
        ).fetchall()


async def test_a_served_run_spends_and_reads_as_its_caller(
    checkpointer: Checkpointer,
    tmp_path: Path,
    main_model: SimulatedChatModel,
    worker_model: SimulatedChatModel,
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    config = OrchestratorConfig(
        ledger_path=ledger, cache=CacheConfig(), budget=BudgetLimits(tenant_usd=5.0)
    )
    graph = create_orchestrator(
        main_model=main_model, worker_model=worker_model, config=config
    ).compile(checkpointer=checkpointer.saver)
    run = uuid.uuid4().hex

    def ask(text: str, who: Identity, name: str, context: RunContext | None = None) -> Any:
        value = {"messages": [HumanMessage(text)]}
        return checkpointer.invoke(graph, value, served(who, f"{name}-{run}"), context=context)

    def model_calls() -> int:
        return len(main_model.requests) + len(worker_model.requests)

    first = await ask(QUESTION, ACME, "acme-1")  # the run says nothing: the identity's
    assert first["decision"].route != "cache" and first["cost_usd"] > 0
    with CostLedger(ledger) as book:
        (turn,) = book.turns(f"acme-1-{run}")
    assert turn.tenant == "acme" and {h for (h,) in holds(ledger, f"acme-1-{run}")} == {"acme"}

    # globex's scope is its own: acme's cached answer is not served to it
    calls = model_calls()
    other = await ask(PARAPHRASE, GLOBEX, "globex-1")
    assert other["decision"].route != "cache" and model_calls() > calls

    # globex asserting acme's tenant and scope: refused before any model call or hold
    for asserted in (RunContext(tenant="acme"), RunContext(cache_scope="acme")):
        calls = model_calls()
        with pytest.raises(IdentityMismatchError, match="acme"):
            await ask(PARAPHRASE, GLOBEX, "globex-2", asserted)
        assert model_calls() == calls
    with CostLedger(ledger) as book:
        assert book.turns(f"globex-2-{run}") == [] and book.calls(f"globex-2-{run}") == []
        by_tenant = {row["tenant"]: row for row in book.spend_by("tenant")}
    assert holds(ledger, f"globex-2-{run}") == []
    assert by_tenant["acme"]["turns"] == 1 and by_tenant["globex"]["turns"] == 1

    # acme, asking the same again, is served from its own scope
    again = await ask(PARAPHRASE, ACME, "acme-2", RunContext(tenant="acme"))
    assert again["decision"].route == "cache"
