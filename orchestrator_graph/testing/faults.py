"""The faults a :class:`~orchestrator_graph.testing.simulated.SimulatedChatModel` can be
given to raise or answer: provider errors (rate limit, server error, timeout) and bad
answers (truncated, empty, refused)."""

from __future__ import annotations

from typing import Literal, get_args

FaultKind = Literal["rate_limit", "server_error", "timeout", "truncated", "empty", "refusal"]

FAULT_KINDS: frozenset[str] = frozenset(get_args(FaultKind))
REFUSAL_TEXT = "I'm sorry, but I can't help with that."


class SimulatedProviderError(Exception):
    """A fault injected into a :class:`SimulatedChatModel` call."""

    status_code: int = 500


class SimulatedRateLimitError(SimulatedProviderError):
    """Simulated HTTP 429: the provider's rate limit was hit."""

    status_code = 429


class SimulatedServerError(SimulatedProviderError):
    """Simulated HTTP 500: the provider failed."""

    status_code = 500


class SimulatedTimeoutError(SimulatedProviderError, TimeoutError):
    """Simulated request timeout."""

    status_code = 504


FAULT_ERRORS: dict[str, type[SimulatedProviderError]] = {
    "rate_limit": SimulatedRateLimitError,
    "server_error": SimulatedServerError,
    "timeout": SimulatedTimeoutError,
}
