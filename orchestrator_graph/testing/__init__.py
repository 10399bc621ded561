"""Test doubles for offline use: the simulated chat model and a loopback
OpenAI-compatible server. Imported only when used; the library never needs them."""

from orchestrator_graph.testing.openai_server import OpenAICompatibleServer
from orchestrator_graph.testing.simulated import (
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
