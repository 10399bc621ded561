"""Model providers for offline use: the simulated model and a loopback OpenAI server."""

from orchestrator_graph.providers.openai_server import OpenAICompatibleServer
from orchestrator_graph.providers.simulated import (
    SimulatedChatModel,
    SimulatedProviderError,
    SimulatedRateLimitError,
    SimulatedRequest,
    SimulatedServerError,
    SimulatedTimeoutError,
)

__all__ = [
    "OpenAICompatibleServer",
    "SimulatedChatModel",
    "SimulatedProviderError",
    "SimulatedRateLimitError",
    "SimulatedRequest",
    "SimulatedServerError",
    "SimulatedTimeoutError",
]
