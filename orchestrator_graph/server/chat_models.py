"""The chat models of the demo, Studio and the HTTP service, by model name.

Offline (no ``OPENAI_API_KEY``) they are simulated; two settings give the simulated
models a provider's pace (both default to 0, an instant answer):

    ``ORCHESTRATOR_SIMULATED_FIRST_TOKEN_MS``: milliseconds before the first token.
    ``ORCHESTRATOR_SIMULATED_TOKEN_MS``: milliseconds per output token after it (a
        streamed answer arrives piece by piece at that pace).
"""

from __future__ import annotations

import os

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.chat_models import chat_model
from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL

FIRST_TOKEN_ENV = "ORCHESTRATOR_SIMULATED_FIRST_TOKEN_MS"
TOKEN_ENV = "ORCHESTRATOR_SIMULATED_TOKEN_MS"


def _milliseconds(name: str) -> float:
    """The setting ``name`` in seconds (0 when unset); ``ValueError`` naming it when bad."""
    value = os.environ.get(name, "").strip()
    try:
        ms = float(value) if value else 0.0
    except ValueError:
        ms = -1.0
    if not ms >= 0:
        raise ValueError(f"{name} must be a number of milliseconds >= 0, got {value!r}")
    return ms / 1000


def served_model(name: str, *, live: bool) -> BaseChatModel:
    """The chat model ``name``: when ``live``, the one ``create_orchestrator`` builds from
    a name (``ChatOpenAI``: it reads ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``; the
    orchestrator does the retries), else the simulated one (``orchestrator_graph.testing``)
    at the pace the environment sets."""
    if live:
        return chat_model(name, "model")
    from orchestrator_graph.testing.simulated import SimulatedChatModel

    return SimulatedChatModel(
        model_name=name,
        latency_s=_milliseconds(FIRST_TOKEN_ENV),
        token_latency_s=_milliseconds(TOKEN_ENV),
    )


def default_models(*, live: bool) -> tuple[BaseChatModel, BaseChatModel]:
    """The default main and worker models (``served_model`` of each)."""
    return served_model(DEFAULT_MAIN_MODEL, live=live), served_model(
        DEFAULT_WORKER_MODEL, live=live
    )
