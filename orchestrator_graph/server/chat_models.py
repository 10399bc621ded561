"""The default main and worker chat models of the demo and Studio."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL


def default_models(*, live: bool) -> tuple[BaseChatModel, BaseChatModel]:
    """The default main and worker models: ``ChatOpenAI`` when ``live`` (it reads
    ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``; the orchestrator does the retries),
    else the simulated ones (``orchestrator_graph.testing``)."""
    if live:
        from langchain_openai import ChatOpenAI

        return (
            ChatOpenAI(model=DEFAULT_MAIN_MODEL, stream_usage=True, max_retries=0),
            ChatOpenAI(model=DEFAULT_WORKER_MODEL, stream_usage=True, max_retries=0),
        )
    from orchestrator_graph.testing.simulated import SimulatedChatModel

    return (
        SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL),
        SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL),
    )
