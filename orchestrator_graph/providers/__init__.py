"""Model providers for offline use: the simulated model and a loopback OpenAI server."""

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL
from orchestrator_graph.providers.openai_server import OpenAICompatibleServer
from orchestrator_graph.providers.simulated import (
    SimulatedChatModel,
    SimulatedProviderError,
    SimulatedRateLimitError,
    SimulatedRequest,
    SimulatedServerError,
    SimulatedTimeoutError,
)


def default_models(*, live: bool) -> tuple[BaseChatModel, BaseChatModel]:
    """The default main and worker models: ``ChatOpenAI`` when ``live`` (it reads
    ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``; the orchestrator does the retries),
    else the simulated ones."""
    if live:
        from langchain_openai import ChatOpenAI

        return (
            ChatOpenAI(model=DEFAULT_MAIN_MODEL, stream_usage=True, max_retries=0),
            ChatOpenAI(model=DEFAULT_WORKER_MODEL, stream_usage=True, max_retries=0),
        )
    return (
        SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL),
        SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL),
    )


__all__ = [
    "OpenAICompatibleServer",
    "SimulatedChatModel",
    "SimulatedProviderError",
    "SimulatedRateLimitError",
    "SimulatedRequest",
    "SimulatedServerError",
    "SimulatedTimeoutError",
    "default_models",
]
