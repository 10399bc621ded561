"""What each option costs: every route priced before any call is made.

main     = the main view + the request on the main model, plus what the request
           and its answer add to every later main call (context growth);
worker   = the minimal view + the brief on the worker's model, plus the
           integration cost (the digest added to the main view, and its growth);
parallel = the sum over the subtasks' workers.
Cached-input prices apply to the prefix the provider has already seen.

Answer lengths per category and the expected number of remaining turns are
learned from the cost ledger (:func:`learned_costs`, refreshed every
``LEARN_REFRESH_TURNS`` turns recorded through that ledger object, never per
turn); with an empty or no ledger the defaults below and
``options.routing.expected_remaining_turns`` apply.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import TYPE_CHECKING

from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.ledger import SUBTASK, CostLedger
from orchestrator_graph.accounting.pricing import ModelPrice, cacheable, price_for
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import (
    REPLY_PRIMING,
    as_packed,
    count_text,
    packed_fingerprints,
    shared_counter,
    shared_messages,
)
from orchestrator_graph.conversation.transcript_index import transcript_index
from orchestrator_graph.state import Category, OptionCost, Route, Subtask, TaskProfile

if TYPE_CHECKING:
    from orchestrator_graph.routing.needs import TurnFacts

MainViewTokens = tuple[int, int]  # the main view's input tokens, and those shared (cacheable)

# Typical answer length in tokens per category (what a model writes back).
TYPICAL_OUTPUT_TOKENS: dict[str, int] = {
    "follow_up": 350,
    "code_generation": 700,
    "data_analysis": 400,
    "summarization": 300,
    "math": 350,
    "reasoning": 400,
    "writing": 400,
    "extraction": 200,
    "translation": 300,
    "qa": 150,
}


@dataclass(frozen=True)
class Pricing:
    """The two models a turn can use, by name and price."""

    main_model: str
    main: ModelPrice
    worker_model: str
    worker: ModelPrice

    def of(self, tier: str) -> tuple[str, ModelPrice]:
        return (self.main_model, self.main) if tier == "main" else (self.worker_model, self.worker)

    @classmethod
    def resolve(cls, main_model: str, worker_model: str, options: OrchestratorConfig) -> Pricing:
        """Look both prices up; an unknown one raises ``UnknownModelPriceError``."""
        return cls(
            main_model=main_model,
            main=price_for(main_model, options.prices),
            worker_model=worker_model,
            worker=price_for(worker_model, options.prices),
        )


# Learned figures are refreshed after this many recorded turns, and used once
# they rest on at least LEARN_MIN_SAMPLES turns or sessions.
LEARN_REFRESH_TURNS = 16
LEARN_MIN_SAMPLES = 3


@dataclass(frozen=True)
class LearnedCosts:
    """What the ledger teaches the cost model.

    ``output_tokens``: per category, (median output tokens of a one-task turn, turns).
    ``session_lengths``: the number of turns of each recorded session.
    """

    output_tokens: dict[str, tuple[float, int]] = field(default_factory=dict)
    session_lengths: tuple[int, ...] = ()

    def output_for(self, category: str) -> int | None:
        """The learned answer length of a category, or None when too few turns show it."""
        learned = self.output_tokens.get(category)
        return round(learned[0]) if learned and learned[1] >= LEARN_MIN_SAMPLES else None

    def remaining_turns(self, turns_so_far: int, default: float) -> float:
        """Expected later turns of a session that has ``turns_so_far`` turns (this one
        included): the mean over recorded sessions that reached that length."""
        reached = [n - turns_so_far for n in self.session_lengths if n >= turns_so_far]
        return fmean(reached) if len(reached) >= LEARN_MIN_SAMPLES else default


NOTHING_LEARNED = LearnedCosts()
# per open ledger object (gone with it): the writes seen when learned, and the lessons
_LEARNED: weakref.WeakKeyDictionary[CostLedger, tuple[int, LearnedCosts]] = (
    weakref.WeakKeyDictionary()
)


def learned_costs(ledger: CostLedger | None) -> LearnedCosts:
    """What ``ledger`` taught (nothing without one).

    Kept per ledger object and refreshed every ``LEARN_REFRESH_TURNS`` turns
    recorded through it, so a decision costs no query.
    """
    if ledger is None:
        return NOTHING_LEARNED
    cached = _LEARNED.get(ledger)
    if cached is not None and 0 <= ledger.writes - cached[0] < LEARN_REFRESH_TURNS:
        return cached[1]
    learned = LearnedCosts(ledger.output_tokens_by_category(), tuple(ledger.session_lengths()))
    _LEARNED[ledger] = (ledger.writes, learned)
    return learned


def expected_remaining_turns(
    messages: Sequence[BaseMessage],
    options: OrchestratorConfig,
    learned: LearnedCosts = NOTHING_LEARNED,
) -> float:
    """How many later main calls the turn ending ``messages`` is expected to ride
    along in: learned from session lengths (``learned``), else the options' constant."""
    turns_so_far = transcript_index(messages).turn_count(len(messages))
    return learned.remaining_turns(turns_so_far, options.routing.expected_remaining_turns)


_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3, "a couple of": 2,
}  # fmt: skip
# tokens per unit a user may ask for: "in 200 words", "two sentences", "3 bullet points"
_UNIT_TOKENS = {"word": 1.35, "sentence": 28, "paragraph": 110, "bullet": 22, "line": 14}
_LENGTH_HINT = re.compile(
    r"\b(\d{1,4}|a few|a couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"[\s-]+(?:short\s+|brief\s+|key\s+)?(words?|sentences?|paragraphs?|bullets?|"
    r"bullet points?|points?|lines?|tips|ideas|titles|names|examples|items|reasons)\b",
    re.I,
)


def length_hint(text: str) -> int | None:
    """The answer length a request asks for ("in 200 words", "two sentences",
    "five bullet points"), in tokens; None when it names none."""
    match = _LENGTH_HINT.search(text)
    if match is None:
        return None
    count, unit = match.group(1).lower(), match.group(2).lower()
    number = int(count) if count.isdigit() else _NUMBERS[count]
    key = next((k for k in _UNIT_TOKENS if unit.startswith(k)), "bullet")
    return max(8, round(number * _UNIT_TOKENS[key]) + 12)


def typical_output_tokens(
    category: Category | str, request_tokens: int, learned: LearnedCosts = NOTHING_LEARNED
) -> int:
    """The answer length expected for one task of this category: ``learned`` from the
    ledger when it saw enough turns of the category, else a default."""
    tokens = learned.output_for(category)
    if tokens is not None:
        return tokens
    if category == "translation":
        return max(60, int(request_tokens * 1.15))
    return TYPICAL_OUTPUT_TOKENS.get(category, 300)


def subtask_output_tokens(
    subtasks: Sequence[Subtask], request_tokens: int, learned: LearnedCosts = NOTHING_LEARNED
) -> int:
    """The answer length expected for a list of subtasks: learned per fan-out worker
    from the ledger when it can be, else the typical length of each subtask."""
    tokens = learned.output_for(SUBTASK)
    if tokens is not None:
        return tokens * len(subtasks)
    return sum(typical_output_tokens(s.category, request_tokens, learned) for s in subtasks)


def expected_output_tokens(
    profile: TaskProfile,
    request_tokens: int,
    learned: LearnedCosts = NOTHING_LEARNED,
    request: str = "",
) -> int:
    """The answer length expected for a request: the length it asks for, else the
    sum over its subtasks, else what its category usually takes."""
    hinted = length_hint(request[:600]) if request and not profile.subtasks else None
    if hinted is not None:
        return hinted
    if profile.subtasks:
        return subtask_output_tokens(profile.subtasks, request_tokens, learned)
    return typical_output_tokens(profile.category, request_tokens, learned)


def growth_usd(tokens: int, remaining_turns: float, price: ModelPrice) -> float:
    """What ``tokens`` added to the main view cost over the remaining main calls:
    read once uncached, then from the prompt cache."""
    if remaining_turns <= 0 or tokens <= 0:
        return 0.0
    later = max(0.0, remaining_turns - 1)
    return tokens * (price.input_rate + later * price.cached_rate)


def cached_input_tokens(
    view: Sequence[BaseMessage], previous: bytes | Sequence[str], options: OrchestratorConfig
) -> int:
    """The cache reads a provider bills for ``view``: the longest run of whole
    messages it shares with a previous request (``tokens.packed_fingerprints``),
    under the provider's caching rule."""
    length = shared_messages(packed_fingerprints(view), as_packed(previous))
    total = sum(shared_counter().count_message(m) for m in view[:length])
    return cacheable(total, options.routing.prompt_cache_min_tokens)


def price_main(
    facts: TurnFacts,
    view: MainViewTokens,
    profile: TaskProfile,
    pricing: Pricing,
    options: OrchestratorConfig,
    remaining_turns: float,
    learned: LearnedCosts = NOTHING_LEARNED,
) -> OptionCost:
    """The main session: the whole main view (which ends with the request), its
    prefix shared with the previous main call read from the prompt cache."""
    input_tokens, shared = view
    request_tokens = facts.request_tokens
    cached = cacheable(shared, options.routing.prompt_cache_min_tokens)
    output = expected_output_tokens(profile, request_tokens, learned, facts.text)
    return OptionCost(
        route="main_session",
        models=[pricing.main_model],
        input_tokens=input_tokens,
        cached_input_tokens=cached,
        output_tokens=output,
        call_usd=pricing.main.cost(input_tokens, output, cached),
        growth_usd=growth_usd(request_tokens + output, remaining_turns, pricing.main),
    )


def price_workers(
    route: Route,
    views: Sequence[Sequence[BaseMessage]],
    outputs: Sequence[int],
    tiers: Sequence[str],
    pricing: Pricing,
    options: OrchestratorConfig,
    remaining_turns: float,
    prompts: Mapping[str, bytes | Sequence[str]] | None = None,
    *,
    request_tokens: int,
) -> OptionCost:
    """One or more workers, each in its own view, plus their integration: the
    request and the merged answer join the main view, each as a digest when it is
    longer than one (``context.make_digest``). A view that starts like the model's
    previous request (``prompts``, by model) reads that prefix from the prompt
    cache."""
    counter = shared_counter()
    models, input_total, cached_total, output_total, call_usd = [], 0, 0, 0, 0.0
    for view, expected, tier in zip(views, outputs, tiers, strict=True):
        name, price = pricing.of(tier)
        input_tokens = counter.count_messages(view)
        cached = cached_input_tokens(view, (prompts or {}).get(name, ()), options)
        output = min(expected, options.sessions.worker_max_tokens)
        models.append(name)
        input_total += input_tokens
        cached_total += cached
        output_total += output
        call_usd += price.cost(input_tokens, output, cached)
    digest = options.sessions.digest_tokens + 24  # a digest's length, with its label
    added = min(request_tokens, digest) + min(output_total, digest)
    return OptionCost(
        route=route,
        models=models,
        input_tokens=input_total,
        cached_input_tokens=cached_total,
        output_tokens=output_total,
        call_usd=call_usd,
        growth_usd=growth_usd(added, remaining_turns, pricing.main),
    )


def baseline_usd(
    transcript_before: Sequence[BaseMessage],
    request: BaseMessage,
    answer: str,
    previous_request_tokens: int,
    price: ModelPrice,
    options: OrchestratorConfig,
) -> float:
    """What a turn costs in the main session with the whole transcript: the
    counterfactual every saving is measured against. The previous turn's
    request is the cached prefix, as a provider would bill it."""
    input_tokens = REPLY_PRIMING + request_tokens([*transcript_before, request])
    cached = cacheable(previous_request_tokens, options.routing.prompt_cache_min_tokens)
    return price.cost(input_tokens, count_text(answer), cached)


def request_tokens(messages: Sequence[BaseMessage]) -> int:
    """Input tokens of a request made of ``messages`` (without the reply priming)."""
    return transcript_index(messages).tokens_before(len(messages))
