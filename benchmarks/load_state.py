"""The load test reads back what the servers stored: a graph thread's state through its
``langgraph dev`` (LangGraph's server API), a service's main conversation through the
checkpointer the app wrote it to (the orchestrator graph's ``get_state`` on it)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from langgraph_sdk import get_client
from load_checks import Transcript, transcript_of  # type: ignore[import-not-found]
from load_clients import Attempt  # type: ignore[import-not-found]
from load_servers import Server  # type: ignore[import-not-found]

from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.storage.checkpoints import postgres_checkpointer, sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel


async def graph_transcripts(
    graphs: Sequence[Server], attempts: Sequence[Attempt]
) -> dict[str, Transcript]:
    """The graph threads' transcripts, from the server each lives on."""
    found: dict[str, Transcript] = {}
    for server in graphs:
        if not server.alive:
            continue
        client = get_client(url=server.url, timeout=60)
        try:
            ids = {a.thread_id for a in attempts if a.kind == "graph" and a.server == server.name}
            for thread_id in sorted(i for i in ids if i):
                state = await client.threads.get_state(thread_id)
                found[thread_id] = transcript_of(state["values"].get("messages") or [])
        finally:
            await client.aclose()
    return found


def _checkpointer(store: str | Path) -> AbstractContextManager[Any]:
    if str(store).startswith(("postgresql://", "postgres://")):
        return postgres_checkpointer(str(store))
    return sqlite_checkpointer(Path(store))


def service_transcripts(
    apps: Sequence[Server], attempts: Sequence[Attempt], stores: dict[str, Any]
) -> dict[str, Transcript]:
    """The service's main conversations: from the shared store when the run has one
    (``stores["checkpoints"]``), else from each app process's own SQLite file (a thread
    is read from every file, and found in the one its requests went to)."""
    ids = sorted({a.thread_id for a in attempts if a.kind == "service"})
    shared = stores.get("checkpoints")
    files = [shared] if shared else [app.folder / "checkpoints.sqlite" for app in apps]
    found: dict[str, Transcript] = {}
    for store in files:
        with _checkpointer(store) as saver:
            graph = create_orchestrator(
                main_model=SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL),
                worker_model=SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL),
            ).compile(checkpointer=saver)
            for thread_id in ids:
                values = graph.get_state({"configurable": {"thread_id": thread_id}}).values
                if values.get("messages"):
                    if thread_id in found:  # in two processes' files: both kept a part
                        found[thread_id].requests.append("<split over two processes>")
                        continue
                    found[thread_id] = transcript_of(values["messages"])
    return found
