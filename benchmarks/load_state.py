"""The load test reads back what the servers stored: a graph thread's state through its
``langgraph dev`` (LangGraph's server API), a service's main conversation from the
shared state's checkpoints (``ORCHESTRATOR_STATE``; the orchestrator graph's
``get_state`` on them)."""

from __future__ import annotations

from collections.abc import Sequence

from langgraph_sdk import get_client
from load_checks import Transcript, transcript_of  # type: ignore[import-not-found]
from load_clients import API_KEYS, TENANTS, Attempt  # type: ignore[import-not-found]
from load_servers import Server  # type: ignore[import-not-found]

from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.storage.location import StateLocation
from orchestrator_graph.testing.simulated import SimulatedChatModel


async def graph_transcripts(
    graphs: Sequence[Server], attempts: Sequence[Attempt]
) -> dict[str, Transcript]:
    """The graph threads' transcripts, from the server each lives on, read with its
    tenant's key (a server that authenticates shows a thread to its tenant only)."""
    owners = {(a.server, a.thread_id): a.tenant for a in attempts if a.kind == "graph"}
    found: dict[str, Transcript] = {}
    for server in graphs:
        if not server.alive:
            continue
        clients = {
            t: get_client(url=server.url, timeout=60, api_key=k) for t, k in API_KEYS.items()
        }
        try:
            for (name, thread_id), tenant in sorted(owners.items()):
                if name == server.name and thread_id:
                    state = await clients[tenant or TENANTS[0]].threads.get_state(thread_id)
                    found[thread_id] = transcript_of(state["values"].get("messages") or [])
        finally:
            for client in clients.values():
                await client.aclose()
    return found


def service_transcripts(state: StateLocation, attempts: Sequence[Attempt]) -> dict[str, Transcript]:
    """The service's main conversations, read from the shared state's checkpoints."""
    ids = sorted({a.thread_id for a in attempts if a.kind == "service"})
    found: dict[str, Transcript] = {}
    with state.checkpointer() as saver:
        graph = create_orchestrator(
            main_model=SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL),
            worker_model=SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL),
        ).compile(checkpointer=saver)
        for thread_id in ids:
            values = graph.get_state({"configurable": {"thread_id": thread_id}}).values
            found[thread_id] = transcript_of(values.get("messages") or [])
    return found
