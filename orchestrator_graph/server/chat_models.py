"""The chat models of the demo, Studio and the HTTP service, by model name."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.chat_models import chat_model
from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL


def served_model(name: str, *, live: bool) -> BaseChatModel:
    """The chat model ``name``: when ``live``, the one ``create_orchestrator`` builds from
    a name (``ChatOpenAI``: it reads ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``; the
    orchestrator does the retries), else the simulated one (``orchestrator_graph.testing``)."""
    if live:
        return chat_model(name, "model")
    from orchestrator_graph.testing.simulated import SimulatedChatModel

    return SimulatedChatModel(model_name=name)


def default_models(*, live: bool) -> tuple[BaseChatModel, BaseChatModel]:
    """The default main and worker models (``served_model`` of each)."""
    return served_model(DEFAULT_MAIN_MODEL, live=live), served_model(
        DEFAULT_WORKER_MODEL, live=live
    )
