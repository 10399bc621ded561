"""orchestrator-graph: route each LLM request to the main session or to cheaper workers."""

from orchestrator_graph.accounting.feedback import record_outcome
from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.config import (
    BudgetLimits,
    CacheConfig,
    OrchestratorConfig,
    QualityConfig,
    RetryConfig,
    RoutingConfig,
    RunContext,
    SessionConfig,
    ShadowConfig,
    StorageConfig,
)
from orchestrator_graph.errors import (
    AlreadyIntegratedError,
    AuthenticationError,
    BudgetExceeded,
    CallTimeoutError,
    CheckpointDatabaseError,
    CheckpointFileError,
    IdempotencyKeyError,
    IdentityMismatchError,
    IntegrationInProgressError,
    InvalidTurnError,
    LedgerError,
    ModelCallError,
    OrchestratorError,
    ResourcesClosedError,
    UnknownModelError,
    UnknownModelPriceError,
    UnknownTurnError,
    WorkloadError,
)
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.evaluate import evaluate_task
from orchestrator_graph.server.service import OrchestratorService
from orchestrator_graph.state import (
    CostEstimate,
    RoutingDecision,
    TaskProfile,
    WorkerResult,
    WorkerTask,
)

__all__ = [
    "AlreadyIntegratedError",
    "AuthenticationError",
    "BudgetExceeded",
    "BudgetLimits",
    "CacheConfig",
    "CallTimeoutError",
    "CheckpointDatabaseError",
    "CheckpointFileError",
    "CostEstimate",
    "IdempotencyKeyError",
    "IdentityMismatchError",
    "IntegrationInProgressError",
    "InvalidTurnError",
    "LedgerError",
    "ModelCallError",
    "ModelPrice",
    "OrchestratorConfig",
    "OrchestratorError",
    "OrchestratorService",
    "QualityConfig",
    "Resources",
    "ResourcesClosedError",
    "RetryConfig",
    "RoutingConfig",
    "RoutingDecision",
    "RunContext",
    "SessionConfig",
    "ShadowConfig",
    "StorageConfig",
    "TaskProfile",
    "UnknownModelError",
    "UnknownModelPriceError",
    "UnknownTurnError",
    "WorkerResult",
    "WorkerTask",
    "WorkloadError",
    "create_orchestrator",
    "evaluate_task",
    "record_outcome",
]
