"""OrchestratorConfig in sections (routing, quality, sessions, retries, budget, cache, A/B)
and where the ledger is; RunContext, the options a run may change."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.accounting.shadow_settings import ShadowConfig
from orchestrator_graph.state import Category, Route

# The context dependency (0-1) from which a request counts as needing earlier
# turns; the rules tier is calibrated for it.
SELF_CONTAINED_BELOW = 0.3
DEFAULT_MAIN_MODEL = "gpt-4.1"
DEFAULT_WORKER_MODEL = "gpt-4.1-mini"
# Writing code stays on the strong model; other categories go by complexity (hard
# math and reasoning score 4+ through the classifier's markers: prove, derive...).
STRONG_CATEGORIES: frozenset[Category] = frozenset({"code_generation"})
# the share of all-strong quality a careful user keeps (see README: the curve it sits on)
DEFAULT_MIN_QUALITY = 0.95


class BudgetLimits(BaseModel):
    """Spending limits, checked and reserved before every model call (``budget.py``).

    Each limit is optional; ``None`` leaves that scope unlimited. Worker limits
    apply to one worker call, turn limits to all calls of a turn, thread limits
    to the whole conversation (persisted where the ledger is). Tenant limits
    apply to all threads of a run's ``tenant`` (``RunContext.tenant``: a user,
    team or customer) within one UTC calendar ``tenant_period``; a run without a
    tenant is not under them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    thread_usd: float | None = Field(default=None, gt=0, le=1e6)
    turn_usd: float | None = Field(default=None, gt=0, le=1e6)
    worker_usd: float | None = Field(default=None, gt=0, le=1e6)
    thread_tokens: int | None = Field(default=None, gt=0, le=10**11)
    turn_tokens: int | None = Field(default=None, gt=0, le=10**11)
    worker_tokens: int | None = Field(default=None, gt=0, le=10**11)
    tenant_usd: float | None = Field(default=None, gt=0, le=1e9)
    tenant_tokens: int | None = Field(default=None, gt=0, le=10**13)
    tenant_period: Literal["day", "month"] = Field(
        default="month", description="the UTC calendar period a tenant limit covers"
    )
    max_output_tokens: int = Field(
        default=8192, ge=16, le=1_000_000, description="output cap of a budgeted call"
    )


class CacheConfig(BaseModel):
    """The guarded answer cache (``orchestrator_graph.cache``): a self-contained request
    asking what an earlier one of its scope asked gets that answer, at no model cost.

    Attributes:
        path: the SQLite file of the entries (they hold request and answer text); None
            keeps them where the ledger is: in its Postgres database (``ledger_url``:
            shared by every process), else next to its file, in ``answer_cache.sqlite``.
        ttl_s: how long an answer may be reused, in seconds.
        max_false_hit_rate: the bound on the share of near misses (same words, another
            question) answered from the cache: sets the learned match check's score
            threshold (``cache.check.threshold_for``); exact repeats always match.
        semantic: False reuses exact repeats only (no embedding lookup).
        mid_conversation: also reuse and store answers of requests that do not open their
            thread (and that the classifier calls self-contained). Off: on the workloads,
            14% of the mid-conversation turns the classifier calls self-contained need an
            earlier turn, and a reused answer carries no cover for that.
        confirm_band: None (off), or the grey zone in which the worker model confirms a
            candidate before it is served (``cache.confirm``: one billed call; the bound).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: Path | None = None
    ttl_s: float = Field(default=86_400.0, gt=0, le=10 * 365 * 86_400)
    max_false_hit_rate: float = Field(default=0.01, gt=0, le=0.5)
    semantic: bool = True
    mid_conversation: bool = False
    confirm_band: float | None = Field(default=None, gt=1, le=100)


class RoutingConfig(BaseModel):
    """How a turn's route is chosen: the cost comparison, the fan-out, the classifier's
    tiers and the person in the loop (``OrchestratorConfig.routing``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    force_route: Route | None = None
    """Always take this route (``main_session`` is the baseline); None decides."""
    worker_cost_ratio: float = Field(default=0.8, gt=0, le=1)
    """A worker is chosen only when its calls cost at most this share of the main
    session's call, what each route adds to later main calls (the growth of the main
    view) being compared as is."""
    expected_remaining_turns: float = Field(default=4.0, ge=0, le=1000)
    """How many later main-session calls the turn's text is expected to ride along in
    (context growth)."""
    context_threshold: float = Field(default=SELF_CONTAINED_BELOW, ge=0, le=1)
    """Context dependency (0-1) from which a request counts as depending on earlier
    turns: it is then sent the turns it names, or the whole conversation, never a
    minimal view (the main session when neither fits a worker view)."""
    max_parallel_workers: int = Field(default=4, ge=1, le=64)
    """The most subtasks fanned out in one turn."""
    prompt_cache_min_tokens: int = Field(default=1024, ge=0)
    """The shortest prefix a provider caches (priced at the cached rate)."""
    classifier_model_path: Path | None = None
    """A trained classifier (``orchestrator-graph train``) consulted where the rules are
    unsure; None uses the rules alone."""
    cheap_model_below: float | None = Field(default=None, ge=0, le=1)
    """Rules confidence under which the worker model is asked to classify (its call is
    priced and billed); None keeps it off."""
    interrupt_below: float | None = Field(default=None, ge=0, le=1)
    """Confidence under which ``cost_estimate`` pauses the graph with ``interrupt()``
    for a person to pick the route; None never."""


class QualityConfig(BaseModel):
    """Which model answers: the quality target, the quality model, adaptation from
    feedback and the categories kept on the strong model (``OrchestratorConfig.quality``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    min_quality: float | None = Field(default=DEFAULT_MIN_QUALITY, ge=0.5, le=1)
    """The share of all-strong quality to keep (0.5-1), the one quality knob: the cheap
    model answers a turn only when the quality model's predicted chance that its answer
    is as good as the strong model's clears the threshold that training calibrated for
    this target (``QualityModel.threshold_for``); else the strong model (in a worker
    session with a minimal view when the turn allows it, else the main session). None
    chooses the model by complexity and category alone."""
    quality_model_path: Path | None = None
    """A quality model trained on your traffic (``orchestrator-graph quality train``);
    None uses the shipped one."""
    adaptive: bool = True
    """Learn from quality feedback (``record_outcome``): per A/B arm and category the
    cheap-or-strong choice moves by Thompson sampling, with a guard that closes the cheap
    route when its quality falls below ``min_quality``. Needs a ledger; changes nothing
    until a category has quality feedback. False keeps the calibrated threshold."""
    strong_categories: frozenset[Category] = STRONG_CATEGORIES
    """Categories whose workers always run on the main model, whatever the predicted
    quality."""
    strong_worker_complexity: int = Field(default=4, ge=1, le=6)
    """Without ``min_quality``, the complexity (1-5) from which a worker runs on the main
    model."""


class SessionConfig(BaseModel):
    """What the sessions are sent and may write: worker views, digests, output budgets
    and the main model's window (``OrchestratorConfig.sessions``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    worker_max_tokens: int = Field(default=4096, ge=16)
    """Output budget of one worker call."""
    worker_context_tokens: int = Field(default=16_000, ge=0)
    """The most tokens of earlier turns a worker view may carry."""
    worker_history_tokens: int = Field(default=4_000, ge=0)
    """Up to this many tokens of history a worker on the cheap model is sent the whole
    conversation (cheap with the prompt cache, and nothing can be missed); past it, and
    on the strong model, every worker view also carries the latest messages that fit
    this many tokens (cover for a reference the classifier missed)."""
    digest_tokens: int = Field(default=48, ge=8, le=1000)
    """The length of a digest that stands for an offloaded result in the main view."""
    context_window: int | None = Field(default=None, ge=1024, le=100_000_000)
    """The main model's context window in tokens; None looks it up by model name
    (``context_window_for``)."""


class RetryConfig(BaseModel):
    """Retries and deadlines of model calls, made by the one guarded call
    (``budget.guarded_call``), the one place that retries: build ``ChatOpenAI(max_retries=0)``
    so its client does not retry too (``OrchestratorConfig.retries``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    max_retries: int = Field(default=2, ge=0, le=10)
    """Retries of a failed model call (rate limit, server error, timeout)."""
    retry_backoff_s: float = Field(default=0.5, ge=0, le=60)
    """The first backoff; it doubles per retry (with jitter)."""
    call_timeout_s: float | None = Field(default=120.0, gt=0, le=3600)
    """The deadline of one model call attempt; None waits forever."""


class StorageConfig(BaseModel):
    """How the graph's threads are kept in the checkpointer (``OrchestratorConfig.storage``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    compact_every: int | None = Field(default=None, ge=1, le=1_000_000)
    """Compact a thread every this many turns, at the start of the next one
    (``storage.schedule``): its latest state is kept whole in one checkpoint and older
    checkpoints are deleted, so time travel reaches back to the last compaction. Needs a
    ``SqliteSaver`` or ``PostgresSaver`` given to ``compile``. None (the default) keeps
    every checkpoint."""


# the sub-models whose fields a flat change (``OrchestratorConfig.updated``, an A/B arm,
# ``RunContext``) names directly: min_quality goes into ``quality``
SECTIONS: dict[str, type[BaseModel]] = {
    "routing": RoutingConfig,
    "quality": QualityConfig,
    "sessions": SessionConfig,
    "retries": RetryConfig,
    "storage": StorageConfig,
}
SECTION_OF = {name: section for section, cls in SECTIONS.items() for name in cls.model_fields}


# what an A/B arm may change: the options the routing decision reads (``cost_estimate``)
ARM_OPTIONS = frozenset(
    {
        "min_quality",
        "quality_model_path",
        "adaptive",
        "worker_cost_ratio",
        "force_route",
        "context_threshold",
        "strong_categories",
        "strong_worker_complexity",
        "max_parallel_workers",
    }
)


class ABArm(BaseModel):
    """One routing strategy of an A/B test: its share of threads and what it changes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    share: float = Field(gt=0, le=1)
    options: dict[str, Any] = Field(
        default_factory=dict,
        description=f"fields of the routing and quality sections, of {sorted(ARM_OPTIONS)}, "
        "by their own names; each is validated as the config validates it",
    )

    @field_validator("options")
    @classmethod
    def _routing_options(cls, value: dict[str, Any]) -> dict[str, Any]:
        if unknown := sorted(set(value) - ARM_OPTIONS):
            raise ValueError(f"an arm may change {sorted(ARM_OPTIONS)}, not {unknown}")
        errors = []
        for section, model in SECTIONS.items():  # each value as the config validates it
            try:
                model.model_validate({k: v for k, v in value.items() if SECTION_OF[k] == section})
            except ValidationError as error:
                errors.append(_errors(error))
        if errors:
            raise ValueError("; ".join(errors))
        return value


class ABTest(BaseModel):
    """Routing strategies compared on live traffic: each thread (never a single turn)
    goes to one arm by a stable hash of ``salt`` and its id (``ab.assign_arm``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    arms: dict[str, ABArm] = Field(min_length=2)
    salt: str = "ab"

    @model_validator(mode="after")
    def _shares_add_up(self) -> ABTest:
        total = sum(arm.share for arm in self.arms.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"the arms' shares add up to {total}, not 1")
        return self


def _errors(error: ValidationError) -> str:
    """``name: message`` for each error of ``error``, on one line."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())


class OrchestratorConfig(BaseModel):
    """How the orchestrator decides and accounts: a few sections, each with working
    defaults, and where the ledger is. Build it nested,
    ``OrchestratorConfig(quality=QualityConfig(min_quality=0.9), ledger_path="l.sqlite")``,
    or from JSON of the same shape (``load_config``); ``updated`` applies flat changes
    (``{"min_quality": 0.9}``) to the section that holds each field."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    routing: RoutingConfig = RoutingConfig()
    """How a turn's route is chosen (``RoutingConfig``)."""
    quality: QualityConfig = QualityConfig()
    """Which model answers (``QualityConfig``)."""
    sessions: SessionConfig = SessionConfig()
    """What the sessions are sent and may write (``SessionConfig``)."""
    retries: RetryConfig = RetryConfig()
    """Retries and deadlines of model calls (``RetryConfig``)."""
    storage: StorageConfig = StorageConfig()
    """How threads are kept in the checkpointer: scheduled compaction (``StorageConfig``)."""
    budget: BudgetLimits | None = None
    """USD and token limits per thread, turn, worker call and tenant (``BudgetLimits``);
    None spends without limit."""
    tenant: str | None = Field(default=None, min_length=1, max_length=200)
    """The budget key of the runs (a user, team or customer), usually given per run
    (``RunContext.tenant``); recorded on each ledger turn."""
    cache: CacheConfig | None = None
    """The guarded answer cache (``CacheConfig``); None (the default) keeps none. Entries
    are kept per scope: a run uses the cache only with a ``RunContext(cache_scope=...)``."""
    shadow: ShadowConfig | None = None
    """The shadow judge that labels sampled turns (``ShadowConfig``); None judges none."""
    ab: ABTest | None = None
    """Routing strategies compared on live traffic, threads split by a stable hash (``ABTest``);
    the ledger records each turn's arm (``orchestrator-graph report --ab``); None: one."""
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    """Price overrides by model name, for private or self-hosted models."""
    ledger_path: Path | None = None
    """The cost ledger's SQLite file, created on the first turn recorded; None (the default): no
    ledger. Nothing is written when the graph is built; an existing file that is not a ledger is
    an error there. The budget holds, adaptive state and answer cache (default) live beside it."""
    ledger_url: str | None = Field(default=None, pattern=r"^postgres(ql)?://")
    """A Postgres URL (``postgresql://user@host:5432/db``, the ``postgres`` extra) where
    the ledger and the budget holds live instead, shared by every server that points
    there (schema ``orchestrator_ledger``, created on first use); exclusive with
    ``ledger_path``."""

    @model_validator(mode="before")
    @classmethod
    def _moved_fields(cls, data: Any) -> Any:
        """A field of the flat shape (before the sections) is an error naming its place."""
        flat = data if isinstance(data, dict) else {}
        if moved := [f"{k} moved to {SECTION_OF[k]}.{k}" for k in flat if k in SECTION_OF]:
            raise ValueError("; ".join(moved))
        return data

    @model_validator(mode="after")
    def _one_ledger(self) -> OrchestratorConfig:
        if self.ledger_path is not None and self.ledger_url is not None:
            raise ValueError("give ledger_path (SQLite) or ledger_url (Postgres), not both")
        return self

    def updated(self, changes: Mapping[str, Any]) -> OrchestratorConfig:
        """A copy with ``changes`` applied and validated: each name is a field of the
        config or of one of its sections (``{"min_quality": 0.9, "budget": None}``)."""
        if unknown := sorted(set(changes) - type(self).model_fields.keys() - SECTION_OF.keys()):
            raise ValueError(f"not a field of OrchestratorConfig or its sections: {unknown}")
        top = {k: v for k, v in changes.items() if k not in SECTION_OF}
        sections = {}
        for section, model in SECTIONS.items():
            if mine := {k: v for k, v in changes.items() if SECTION_OF.get(k) == section}:
                sections[section] = model.model_validate({**dict(getattr(self, section)), **mine})
        if top:  # the config's own fields and checks (ledger_path or ledger_url, ...)
            return type(self).model_validate({**dict(self), **top, **sections})
        # sections only (a run's or an arm's options, per turn): each validated above
        return self.model_copy(update=sections) if sections else self

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> OrchestratorConfig:
        """Pydantic's copy, which neither validates nor refuses unknown names: a name of
        a section is refused here (use ``updated``), as it would otherwise be ignored."""
        if moved := [f"{k} moved to {SECTION_OF[k]}.{k}" for k in update or {} if k in SECTION_OF]:
            raise ValueError("; ".join(moved) + ": use OrchestratorConfig.updated()")
        return super().model_copy(update=update, deep=deep)

    @property
    def ledger_location(self) -> str | Path | None:
        """Where the ledger and the budget holds are: ``ledger_url`` or ``ledger_path``."""
        return self.ledger_url if self.ledger_url is not None else self.ledger_path

    def cache_location(self) -> str | Path | None:
        """Where the answer cache is kept: ``cache.path``, else where the ledger is."""
        if self.cache is None:
            return None
        if self.cache.path is not None:
            return Path(self.cache.path)
        if self.ledger_location is None:
            raise ValueError(
                "the answer cache needs a place: set CacheConfig(path=...), ledger_path (it "
                "is then kept beside the ledger, in answer_cache.sqlite) or ledger_url"
            )
        return self.ledger_url or Path(self.ledger_location).with_name("answer_cache.sqlite")


class RunContext(BaseModel):
    """Options a caller may change per run, LangGraph's ``context_schema``:
    ``graph.invoke(value, thread, context=RunContext(force_route="main_session"))``.

    Each field left ``None`` keeps the ``OrchestratorConfig`` value the graph was built with;
    ``force_route``, ``interrupt_below`` and ``worker_cost_ratio`` replace those of its
    ``routing`` section (``OrchestratorConfig.updated``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    force_route: Route | None = None
    interrupt_below: float | None = Field(default=None, ge=0, le=1)
    worker_cost_ratio: float | None = Field(default=None, gt=0, le=1)
    budget: BudgetLimits | None = None
    tenant: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="the budget key of this run (a user, team or customer): "
        "BudgetLimits.tenant_usd / tenant_tokens hold across all its threads",
    )
    cache_scope: str | None = Field(
        default=None,
        min_length=1,
        description="the answer cache's scope (a tenant or user id): entries are reused "
        "only within it; None: the run neither looks up nor stores answers",
    )

    def applied_to(self, options: OrchestratorConfig) -> OrchestratorConfig:
        """``options`` with this run's values in place of the built-in ones."""
        update = {
            k: v
            for k in type(self).model_fields
            if k != "cache_scope" and (v := getattr(self, k)) is not None
        }
        return options.updated(update) if update else options


def run_options(options: OrchestratorConfig, context: object) -> OrchestratorConfig:
    """The options of one run: ``options`` and the run's ``context`` (a ``RunContext``,
    a dict of its fields, or None)."""
    if context is None:
        return options
    if not isinstance(context, RunContext):
        context = RunContext.model_validate(context)
    return context.applied_to(options)


def cache_scope(context: object) -> str | None:
    """The answer cache's scope of a run (``RunContext.cache_scope``); None without one:
    the run neither looks up nor stores answers."""
    if context is not None and not isinstance(context, RunContext):
        context = RunContext.model_validate(context)
    return context.cache_scope if context is not None else None


def load_config(path: Path | None) -> OrchestratorConfig:
    """An ``OrchestratorConfig`` from a JSON file of its shape (``{"quality": {"min_quality":
    0.9}, "ledger_path": "ledger.sqlite"}``); the defaults when None.

    A bad file raises ``ValueError`` naming the file and what is wrong in it.
    """
    if path is None:
        return OrchestratorConfig()
    try:
        return OrchestratorConfig.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"config file {path}: {error}") from error
