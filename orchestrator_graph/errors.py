"""Every error the library raises on purpose, under one base class.

Catch ``OrchestratorError`` for all of them. Each keeps the built-in base it
had (``ValueError``, ``LookupError``, ...) so existing ``except`` clauses hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orchestrator_graph.state import ModelCall


class OrchestratorError(Exception):
    """The base of every error of orchestrator-graph."""


class InvalidTurnError(OrchestratorError, ValueError):
    """The request cannot be routed as given; the message says what to fix."""


class UnknownModelPriceError(OrchestratorError, LookupError):
    """No price is known for a model; give one with ``OrchestratorConfig.prices``."""

    def __init__(self, model: str, detail: str = "") -> None:
        self.model = model
        super().__init__(
            f"No price is known for model {model!r}{f' ({detail})' if detail else ''}. "
            "Give one in the config, e.g. OrchestratorConfig(prices={"
            f"{model!r}: ModelPrice(input_per_mtok=0.5, cached_input_per_mtok=0.25, "
            "output_per_mtok=1.5)}) with USD per million tokens "
            "(use 0 only for a model that is really free, such as a local one)."
        )


class UnknownModelError(OrchestratorError, LookupError):
    """The service has no chat model for a model name (``OrchestratorService(chat_model=...)``)."""


class AlreadyIntegratedError(OrchestratorError, RuntimeError):
    """A worker's answer was already merged into a conversation (``thread_id``, when
    known); it is never merged twice."""

    def __init__(self, message: str, thread_id: str | None = None) -> None:
        super().__init__(message)
        self.thread_id = thread_id


class IdempotencyKeyError(OrchestratorError, ValueError):
    """An idempotency key sent again with another request than the one it first named
    (``OrchestratorService.spawn_worker_session(key=...)``; HTTP 409)."""


class IntegrationInProgressError(AlreadyIntegratedError):
    """A worker is claimed by an integration that has not merged it yet: another request
    now, or one whose process died (its claim is taken over once the lease,
    ``ledger.store.CLAIM_LEASE_S``, has run out). Retry after the lease."""


class UnknownTurnError(OrchestratorError, ValueError):
    """Feedback names a turn that the thread has not recorded."""


class WorkloadError(OrchestratorError, ValueError):
    """A workload file is missing or malformed; the message names the file and line."""


class LedgerError(OrchestratorError, RuntimeError):
    """The ledger file cannot be used: not SQLite, or not a cost ledger."""

    @classmethod
    def unusable(
        cls, path: Path, purpose: str, cause: Exception, setting: str = "ledger_path"
    ) -> LedgerError:
        """The error for a file that cannot serve ``purpose``; the file is left alone."""
        return cls(
            f"{path} cannot {purpose}: {cause}. It was left as it is: "
            f"move it away (mv {path} {path}.bak) or set {setting} to another file."
        )


class ResourcesClosedError(OrchestratorError, RuntimeError):
    """A graph (or a ``Resources`` holder) was used after it was closed."""


class CheckpointFileError(OrchestratorError, RuntimeError):
    """The checkpoint file is not a usable SQLite database."""


class CheckpointDatabaseError(OrchestratorError, RuntimeError):
    """The Postgres checkpoint database cannot be reached or prepared."""


class StateLocationError(OrchestratorError, ValueError):
    """Where the shared state lives (``ORCHESTRATOR_STATE``) is unusable: a retired
    setting, a URL of another scheme, a file for a folder, a database that cannot be
    reached; the message names the setting."""


class CallTimeoutError(OrchestratorError, TimeoutError):
    """A model call attempt did not answer within the configured timeout."""


class ModelCallError(OrchestratorError, RuntimeError):
    """A model call failed after its retries.

    ``attempts`` are the failed attempts as billed (status ``retry:...`` and a
    last ``failed:...``); ``__cause__`` is the provider's last error.
    """

    def __init__(self, message: str, attempts: list[ModelCall]) -> None:
        super().__init__(message)
        self.attempts = attempts


_AFTER = {
    "thread": "start a new thread",
    "tenant": "wait for the tenant's next period (a UTC day or month)",
}


class BudgetExceeded(OrchestratorError, RuntimeError):
    """A call or a turn would go over a budget limit; nothing was spent on it.

    ``scope`` is ``thread``, ``turn``, ``worker`` or ``tenant``; ``unit`` ``usd`` or ``tokens``;
    ``limit``, ``used`` (spent and reserved before) and ``requested`` are in that unit.
    """

    def __init__(
        self, scope: str, unit: str, limit: float, used: float, requested: float, what: str
    ) -> None:
        self.scope, self.unit, self.what = scope, unit, what
        self.limit, self.used, self.requested = limit, used, requested
        super().__init__(
            f"{what} needs {requested:.6g} {unit} but the {scope} budget has "
            f"{max(0.0, limit - used):.6g} of {limit:.6g} {unit} left; raise "
            f"OrchestratorConfig(budget=BudgetLimits({scope}_{unit}=...)) or "
            f"{_AFTER.get(scope, 'start a new turn')}"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able details, as stored in ``state["budget_exceeded"]``."""
        return {
            "scope": self.scope,
            "unit": self.unit,
            "limit": self.limit,
            "used": self.used,
            "requested": self.requested,
            "what": self.what,
            "message": str(self),
        }


class InvalidModelError(OrchestratorError, ValueError):
    """A model given to ``create_orchestrator`` cannot be used as given (an unknown
    kind, a provider this package cannot build from a name, or a worker model that
    costs more than the main model); the message says what to pass."""


class AuthenticationError(OrchestratorError, PermissionError):
    """A caller of the server gave no credentials, or ones it does not know (HTTP 401)."""


class IdentityMismatchError(OrchestratorError, PermissionError):
    """A run or request asserts a tenant or cache scope other than its caller's identity's
    (HTTP 403); nothing was spent or served for it."""
