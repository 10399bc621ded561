"""OrchestratorConfig: thresholds, budgets, prices and where things are stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from orchestrator_graph.accounting.pricing import ModelPrice

Route = Literal["main_session", "worker_session", "parallel_workers"]

# The context dependency (0-1) from which a request counts as needing earlier
# turns; the rules tier is calibrated for it.
SELF_CONTAINED_BELOW = 0.3
DEFAULT_MAIN_MODEL = "gpt-4.1"
DEFAULT_WORKER_MODEL = "gpt-4.1-mini"
# where the demo, Studio and `orchestrator-graph report` keep the ledger (each chooses it)
DEFAULT_LEDGER_PATH = Path("checkpoints") / "ledger.sqlite"
# Writing code stays on the strong model; other categories go by complexity (hard
# math and reasoning score 4+ through the classifier's markers: prove, derive...).
STRONG_CATEGORIES = frozenset({"code_generation"})
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
    that asks what an earlier one of the same scope asked is answered with that answer,
    at no model cost.

    Attributes:
        path: the SQLite file of the entries (they hold request and answer text); None
            keeps them next to the ledger, in ``answer_cache.sqlite``.
        ttl_s: how long an answer may be reused, in seconds.
        max_false_hit_rate: the bound on the share of near misses (same words, another
            question) answered from the cache; sets the similarity threshold
            (``cache.bound.threshold_for``). Exact repeats always match.
        semantic: False reuses exact repeats only (no embedding lookup).
        mid_conversation: also reuse and store answers of requests that do not open their
            thread (and that the classifier calls self-contained). Off: on the workloads,
            14% of the mid-conversation turns the classifier calls self-contained need an
            earlier turn, and a reused answer carries no cover for that.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: Path | None = None
    ttl_s: float = Field(default=86_400.0, gt=0, le=10 * 365 * 86_400)
    max_false_hit_rate: float = Field(default=0.01, gt=0, le=0.5)
    semantic: bool = True
    mid_conversation: bool = False


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
        default_factory=dict, description=f"OrchestratorConfig fields, of {sorted(ARM_OPTIONS)}"
    )

    @field_validator("options")
    @classmethod
    def _routing_options(cls, value: dict[str, Any]) -> dict[str, Any]:
        if unknown := sorted(set(value) - ARM_OPTIONS):
            raise ValueError(f"an arm may change {sorted(ARM_OPTIONS)}, not {unknown}")
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


class OrchestratorConfig(BaseModel):
    """How the orchestrator decides and accounts. Every field has a working default.

    Attributes:
        context_threshold: context dependency (0-1) from which a request counts as
            depending on earlier turns: it is then sent the turns it names, or the
            whole conversation, never a minimal view (the main session when neither
            fits a worker view).
        worker_cost_ratio: a worker is chosen only when its calls cost at most this
            share of the main session's call, what each route adds to later main
            calls (the growth of the main view) being compared as is.
        expected_remaining_turns: how many later main-session calls the turn's
            text is expected to ride along in (context growth).
        max_parallel_workers: the most subtasks fanned out in one turn.
        worker_max_tokens: output budget of one worker call.
        worker_context_tokens: the most tokens of earlier turns a worker view may carry.
        worker_history_tokens: up to this many tokens of history a worker on the
            cheap model is sent the whole conversation (cheap with the prompt cache,
            and nothing can be missed); past it, and on the strong model, every
            worker view also carries the latest messages that fit this many tokens
            (cover for a reference the classifier missed).
        digest_tokens: the length of a digest that stands for an offloaded result
            in the main view.
        min_quality: the share of all-strong quality to keep (0.5-1), the one
            quality knob: the cheap model answers a turn only when the quality
            model's predicted chance that its answer is as good as the strong
            model's clears the threshold that training calibrated for this target
            (``quality.QualityModel.threshold_for``); else the strong model (in a
            worker session with a minimal view when the turn allows it, else the
            main session). None chooses the model by complexity and category alone.
        quality_model_path: a quality model trained on your traffic
            (``orchestrator-graph quality train``); None uses the shipped one.
        strong_worker_complexity: without ``min_quality``, the complexity (1-5)
            from which a worker runs on the main model.
        strong_categories: categories whose workers always run on the main model,
            whatever the predicted quality.
        prompt_cache_min_tokens: the shortest prefix a provider caches.
        prices: price overrides by model name, for private or self-hosted models.
        ledger_path: the SQLite file of the cost ledger, opened (and created) on the
            first turn recorded; None (the default) keeps no ledger. Nothing is
            written when the graph is built; an existing file that is not a
            ledger is an error there. The budget holds live in the same file.
        ledger_url: a Postgres URL (``postgresql://user@host:5432/db``, the
            ``postgres`` extra) where the ledger and the budget holds live instead,
            shared by every server that points there (tables in the schema
            ``orchestrator_ledger``, created on first use); exclusive with
            ``ledger_path``.
        force_route: always take this route (``main_session`` is the baseline).
        classifier_model_path: a trained classifier (``orchestrator-graph train``)
            consulted where the rules are unsure; None uses the rules alone.
        cheap_model_below: rules confidence under which the worker model is
            asked to classify (its call is priced and billed); None keeps it off.
        interrupt_below: confidence under which ``cost_estimate`` pauses the
            graph with ``interrupt()`` for a person to pick the route; None never.
        max_retries: retries of a failed model call (rate limit, server error,
            timeout) made by ``budget.guarded_call``, the one place that retries;
            build ``ChatOpenAI(max_retries=0)`` so its client does not retry too.
        retry_backoff_s: the first backoff; it doubles per retry (with jitter).
        call_timeout_s: the deadline of one model call attempt; None waits forever.
        budget: USD and token limits per thread, turn, worker call and tenant
            (``BudgetLimits``); None spends without limit.
        tenant: the budget key of the runs (a user, team or customer), usually
            given per run (``RunContext.tenant``); recorded on each ledger turn.
        context_window: the main model's context window in tokens; None looks it
            up by model name (``context.context_window_for``).
        cache: the guarded answer cache (``CacheConfig``); None (the default) keeps none.
            Entries are kept per scope: a run uses the cache only with a
            ``RunContext(cache_scope=...)``.
        adaptive: learn from quality feedback (``feedback.record_outcome``): per A/B
            arm and category the cheap-or-strong choice moves by Thompson sampling,
            with a guard that closes the cheap route when its quality falls below
            ``min_quality`` (``adaptive``). Needs a ledger; changes nothing until a
            category has quality feedback. False keeps the calibrated threshold.
        ab: routing strategies compared on live traffic, threads split by a stable
            hash (``ABTest``); the ledger records each turn's arm
            (``orchestrator-graph report --ab``). None runs one strategy.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    context_threshold: float = Field(default=SELF_CONTAINED_BELOW, ge=0, le=1)
    worker_cost_ratio: float = Field(default=0.8, gt=0, le=1)
    expected_remaining_turns: float = Field(default=4.0, ge=0, le=1000)
    max_parallel_workers: int = Field(default=4, ge=1, le=64)
    worker_max_tokens: int = Field(default=4096, ge=16)
    worker_context_tokens: int = Field(default=16_000, ge=0)
    worker_history_tokens: int = Field(default=4_000, ge=0)
    digest_tokens: int = Field(default=48, ge=8, le=1000)
    min_quality: float | None = Field(default=DEFAULT_MIN_QUALITY, ge=0.5, le=1)
    quality_model_path: Path | None = None
    strong_worker_complexity: int = Field(default=4, ge=1, le=6)
    strong_categories: frozenset[str] = STRONG_CATEGORIES
    prompt_cache_min_tokens: int = Field(default=1024, ge=0)
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    ledger_path: Path | None = None
    ledger_url: str | None = Field(default=None, pattern=r"^postgres(ql)?://")
    force_route: Route | None = None
    # classifier tiers and the person in the loop (issue 3)
    classifier_model_path: Path | None = None
    cheap_model_below: float | None = Field(default=None, ge=0, le=1)
    interrupt_below: float | None = Field(default=None, ge=0, le=1)
    # faults, budgets and context windows (issue 6)
    max_retries: int = Field(default=2, ge=0, le=10)
    retry_backoff_s: float = Field(default=0.5, ge=0, le=60)
    call_timeout_s: float | None = Field(default=120.0, gt=0, le=3600)
    budget: BudgetLimits | None = None
    tenant: str | None = Field(default=None, min_length=1, max_length=200)
    context_window: int | None = Field(default=None, ge=1024, le=100_000_000)
    cache: CacheConfig | None = None  # the answer cache (issue 12)

    def cache_path(self) -> Path | None:
        """Where the answer cache is kept: ``cache.path``, else beside the ledger."""
        if self.cache is None:
            return None
        if self.cache.path is not None:
            return Path(self.cache.path)
        if self.ledger_path is not None:
            return Path(self.ledger_path).with_name("answer_cache.sqlite")
        raise ValueError(
            "the answer cache needs a file: set CacheConfig(path=...) or ledger_path "
            "(it is then kept beside the ledger, in answer_cache.sqlite)"
        )

    # feedback, adaptation and A/B tests (issue 12)
    adaptive: bool = True
    ab: ABTest | None = None

    @model_validator(mode="after")
    def _one_ledger(self) -> OrchestratorConfig:
        if self.ledger_path is not None and self.ledger_url is not None:
            raise ValueError("give ledger_path (SQLite) or ledger_url (Postgres), not both")
        return self

    @property
    def ledger_location(self) -> str | Path | None:
        """Where the ledger and the budget holds are: ``ledger_url`` or ``ledger_path``."""
        return self.ledger_url if self.ledger_url is not None else self.ledger_path


class RunContext(BaseModel):
    """Options a caller may change per run, LangGraph's ``context_schema``:
    ``graph.invoke(value, thread, context=RunContext(force_route="main_session"))``.

    Each field left ``None`` keeps the ``OrchestratorConfig`` value the graph was built with.
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
        shared = OrchestratorConfig.model_fields.keys() & type(self).model_fields
        update = {k: v for k in shared if (v := getattr(self, k)) is not None}
        return options.model_copy(update=update) if update else options


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
    """An ``OrchestratorConfig`` from a JSON file of its fields; the defaults when None.

    A bad file raises ``ValueError`` naming the file and what is wrong in it.
    """
    if path is None:
        return OrchestratorConfig()
    try:
        return OrchestratorConfig.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"config file {path}: {error}") from error
