"""``decide_turn`` and the estimates behind it, recomputed independently.

Token counts come straight from tiktoken and prices straight from genai-prices;
profiles are written by hand so the tests do not depend on the classifier.
"""

from __future__ import annotations

import re

import pytest
import tiktoken
from genai_prices import Usage, calc_price
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from orchestrator_graph import OrchestratorConfig, QualityConfig
from orchestrator_graph.accounting.estimates import TYPICAL_OUTPUT_TOKENS, Pricing, length_hint
from orchestrator_graph.config import load_config
from orchestrator_graph.conversation.tokens import seed_tiktoken_cache, shared_counter
from orchestrator_graph.routing.decide import decide_turn
from orchestrator_graph.routing.tiers import model_tier
from orchestrator_graph.state import Subtask, TaskProfile

ROLES = {"system": "system", "human": "user", "ai": "assistant"}
LONG_RULES = "Standing instructions. " + " ".join(
    f"Rule {i}: cite the source, show the units and keep answers under ten lines."
    for i in range(90)
)


def enc() -> tiktoken.Encoding:
    seed_tiktoken_cache()
    return tiktoken.get_encoding("o200k_base")


def message_tokens(message: BaseMessage) -> int:
    return 3 + len(enc().encode(ROLES[message.type])) + len(enc().encode(message.text))


def request_tokens(messages: list[BaseMessage]) -> int:
    return 3 + sum(message_tokens(m) for m in messages)


def usd(model: str, **usage: int) -> float:
    return float(calc_price(Usage(**usage), model_ref=model).total_price)


def cache_rule(prefix: int) -> int:
    return 0 if prefix < 1024 else prefix - (prefix - 1024) % 128


def growth(tokens: int, later_turns: float, model: str = "gpt-4.1") -> float:
    """Read once uncached, then from the prompt cache in the other later turns."""
    return usd(model, input_tokens=tokens) + (later_turns - 1) * usd(
        model, input_tokens=tokens, cache_read_tokens=tokens
    )


@pytest.fixture
def settings() -> OrchestratorConfig:
    return OrchestratorConfig(
        ledger_path=None, quality=QualityConfig(min_quality=None)
    )  # tiers by the rules


@pytest.fixture
def pricing(settings: OrchestratorConfig) -> Pricing:
    return Pricing.resolve("gpt-4.1", "gpt-4.1-mini", settings)


def profile(**fields: object) -> TaskProfile:
    base: dict[str, object] = {
        "context_dependency": 0.0,
        "complexity": 1,
        "category": "qa",
        "confidence": 0.95,
        "signals": ["hand-written"],
    }
    return TaskProfile.model_validate({**base, **fields})


def history(turns: int) -> list[BaseMessage]:
    messages: list[BaseMessage] = [SystemMessage("Be precise.")]
    for n in range(turns):
        messages += [
            HumanMessage(f"Question {n}: " + "tell me about sailing knots " * 20),
            AIMessage(f"Answer {n}: " + "a bowline makes a fixed loop " * 60),
        ]
    return messages


def test_main_and_worker_options(settings: OrchestratorConfig, pricing: Pricing) -> None:
    messages = [SystemMessage("Be brief."), HumanMessage("What is the capital of Peru?")]
    decision = decide_turn(messages, profile(), pricing=pricing, options=settings)
    est = decision.estimate
    remaining = settings.routing.expected_remaining_turns
    typical = TYPICAL_OUTPUT_TOKENS["qa"]

    main = est.main
    assert main.input_tokens == request_tokens(messages)
    assert (main.cached_input_tokens, main.output_tokens) == (0, typical)
    assert main.call_usd == pytest.approx(
        usd("gpt-4.1", input_tokens=main.input_tokens, output_tokens=typical)
    )
    added = message_tokens(messages[-1]) + typical
    assert main.growth_usd == pytest.approx(growth(added, remaining))

    worker = est.worker
    assert worker is not None and worker.models == ["gpt-4.1-mini"]
    # the standing instructions and the brief: here the same two messages
    assert worker.input_tokens == request_tokens(messages)
    assert worker.output_tokens == typical
    assert worker.call_usd == pytest.approx(
        usd("gpt-4.1-mini", input_tokens=worker.input_tokens, output_tokens=typical)
    )
    digest = (
        settings.sessions.digest_tokens + 24
    )  # each text joins the main view, as a digest if longer
    added = min(message_tokens(messages[-1]), digest) + min(typical, digest)
    assert worker.growth_usd == pytest.approx(growth(added, remaining))
    assert est.parallel is None
    expected = (
        "worker_session"
        if worker.total_usd <= settings.routing.worker_cost_ratio * main.total_usd
        else "main_session"
    )
    assert decision.route == expected
    assert decision.worker_context == ([[0]] if expected == "worker_session" else [])


def test_parallel_option_is_the_sum_over_subtasks(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    items = ["What is the capital of Peru?", "Who wrote Dune?", "How tall is Everest?"]
    text = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
    messages = [SystemMessage("Be brief."), HumanMessage(text)]
    subtasks = [Subtask(text=item, category="qa", complexity=1) for item in items]
    decision = decide_turn(messages, profile(subtasks=subtasks), pricing=pricing, options=settings)
    est = decision.estimate
    parallel = est.parallel
    assert parallel is not None
    views = [[messages[0], HumanMessage(item)] for item in items]
    typical = TYPICAL_OUTPUT_TOKENS["qa"]
    assert parallel.input_tokens == sum(request_tokens(v) for v in views)
    assert parallel.output_tokens == 3 * typical
    assert parallel.call_usd == pytest.approx(
        sum(
            usd("gpt-4.1-mini", input_tokens=request_tokens(v), output_tokens=typical)
            for v in views
        )
    )
    digest = (
        settings.sessions.digest_tokens + 24
    )  # the request and the merged answer, as digests if longer
    added = min(message_tokens(messages[-1]), digest) + min(3 * typical, digest)
    assert parallel.growth_usd == pytest.approx(
        growth(added, settings.routing.expected_remaining_turns)
    )
    # the main session answers all three at once
    assert est.main.output_tokens == 3 * typical
    assert parallel.total_usd <= settings.routing.worker_cost_ratio * est.main.total_usd
    assert decision.route == "parallel_workers"
    assert decision.worker_briefs == items
    assert decision.worker_context == [[0], [0], [0]]
    assert decision.worker_models == ["gpt-4.1-mini"] * 3
    assert any("3 independent subtasks" in r for r in decision.reasons)


def test_cached_prefix_of_the_previous_main_call(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    messages = [
        SystemMessage(LONG_RULES),
        HumanMessage("What is a bowline?"),
        AIMessage("A knot that makes a fixed loop."),
        HumanMessage("And a clove hitch?"),
    ]
    counter = shared_counter()
    previous = [counter.fingerprint(m) for m in messages[:2]]
    prefix = message_tokens(messages[0]) + message_tokens(messages[1])
    assert prefix >= 1024  # the test needs a cacheable prefix
    decision = decide_turn(
        messages, profile(), pricing=pricing, options=settings, prompts={"gpt-4.1": previous}
    )
    main = decision.estimate.main
    assert main.cached_input_tokens == cache_rule(prefix)
    assert main.call_usd == pytest.approx(
        usd(
            "gpt-4.1",
            input_tokens=request_tokens(messages),
            cache_read_tokens=cache_rule(prefix),
            output_tokens=main.output_tokens,
        )
    )


def test_dependent_turn_without_known_references_gets_the_whole_conversation(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    messages = [*history(3), HumanMessage("Why?")]
    unnamed = profile(context_dependency=0.9, category="follow_up", confidence=0.9)
    decision = decide_turn(messages, unnamed, pricing=pricing, options=settings)
    assert decision.scope == "conversation"
    assert decision.route == "worker_session"  # the cheap model, sent every earlier message
    assert decision.worker_context == [list(range(len(messages) - 1))]
    assert decision.expanded_turns == [0, 1, 2]

    # on the strong model, the whole conversation is the main session itself
    hard = unnamed.model_copy(update={"category": "code_generation"})
    decision = decide_turn(messages, hard, pricing=pricing, options=settings)
    assert decision.route == "main_session"
    assert any("whole conversation" in r or "any earlier turn" in r for r in decision.reasons)
    assert decision.worker_context == [] and decision.worker_briefs == []


def test_dependent_turn_whose_references_fit_goes_to_a_worker(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    messages = [*history(6), HumanMessage("Give the bowline of question 0 in three steps.")]
    # a strong-model task sends only the turns it names (the cheap model gets them all),
    # and the latest messages that fit worker_history_tokens: none here
    settings = settings.updated({"worker_history_tokens": 0})
    dependent = profile(
        context_dependency=0.9, refers_to=[0], confidence=0.9, category="code_generation"
    )
    decision = decide_turn(messages, dependent, pricing=pricing, options=settings)
    assert decision.scope == "referenced"
    est = decision.estimate
    assert est.worker is not None
    assert est.worker.total_usd <= settings.routing.worker_cost_ratio * est.main.total_usd
    assert decision.route == "worker_session"
    assert decision.worker_context == [[0, 1, 2]]  # instructions + turn 0, nothing else
    assert est.worker.input_tokens == request_tokens([*messages[:3], messages[-1]])

    small = settings.updated({"worker_context_tokens": 10})
    decision = decide_turn(messages, dependent, pricing=pricing, options=small)
    assert decision.route == "main_session"
    assert any("exceeds the worker view" in r for r in decision.reasons)


def test_worker_only_when_cheap_enough(settings: OrchestratorConfig, pricing: Pricing) -> None:
    messages = [*history(6), HumanMessage("What is the capital of Peru?")]
    strict = settings.updated({"worker_cost_ratio": 0.001})
    decision = decide_turn(messages, profile(), pricing=pricing, options=strict)
    assert decision.route == "main_session"
    assert any("more than 0.001 x main call $" in r for r in decision.reasons)
    assert (
        decide_turn(messages, profile(), pricing=pricing, options=settings).route
        == "worker_session"
    )


def test_the_worker_reason_reads_one_way(settings: OrchestratorConfig, pricing: Pricing) -> None:
    """ "worker $X <= 0.8 x main call $Y + main growth $Z = $T": the sum is spelled out."""
    messages = [*history(6), HumanMessage("What is the capital of Peru?")]
    decision = decide_turn(messages, profile(), pricing=pricing, options=settings)
    (reason,) = [r for r in decision.reasons if r.startswith("worker $")]
    found = re.fullmatch(
        r"worker \$([\d.]+) <= ([\d.]+) x main call \$([\d.]+) \+ main growth \$([\d.]+)"
        r" = \$([\d.]+)",
        reason,
    )
    assert found, reason
    worker, ratio, call, growth, total = map(float, found.groups())
    main = decision.estimate.main
    assert ratio == settings.routing.worker_cost_ratio
    assert (call, growth) == (round(main.call_usd, 6), round(main.growth_usd, 6))
    assert total == pytest.approx(ratio * main.call_usd + main.growth_usd, abs=1e-6)
    assert worker <= total


def test_dependent_subtasks_go_to_one_worker(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    text = "1. Compute 17 * 23.\n2. Then add 5 to the result above."
    subtasks = [
        Subtask(text="Compute 17 * 23.", category="math"),
        Subtask(text="Then add 5 to the result above.", needs=[0], category="math"),
    ]
    decision = decide_turn(
        [*history(6), HumanMessage(text)],
        profile(subtasks=subtasks, category="math", complexity=2),
        pricing=pricing,
        options=settings,
    )
    assert decision.estimate.parallel is None
    assert decision.route == "worker_session"
    assert any("depend on each other" in r for r in decision.reasons)
    assert decision.worker_tiers == ["worker"]  # simple math runs on the cheap model
    assert decision.worker_models == ["gpt-4.1-mini"]


def test_forced_route(settings: OrchestratorConfig, pricing: Pricing) -> None:
    messages = [HumanMessage("What is the capital of Peru?")]
    forced = settings.updated({"force_route": "main_session"})
    decision = decide_turn(messages, profile(), pricing=pricing, options=forced)
    assert decision.route == "main_session"
    assert any("forced" in r for r in decision.reasons)
    no_subtasks = settings.updated({"force_route": "parallel_workers"})
    decision = decide_turn(messages, profile(), pricing=pricing, options=no_subtasks)
    assert decision.route == "worker_session"


@pytest.mark.parametrize(
    ("category", "complexity", "tier"),
    [
        ("qa", 1, "worker"),
        ("writing", 3, "worker"),
        ("writing", 4, "main"),
        ("code_generation", 1, "main"),
        ("math", 2, "worker"),
        ("math", 4, "main"),
    ],
)
def test_model_tier(
    category: str, complexity: int, tier: str, settings: OrchestratorConfig
) -> None:
    assert model_tier(category, complexity, settings) == tier


def test_scope_follows_the_history_and_the_model(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    """Short history: a cheap worker gets it whole; long: a self-contained request
    gets the standing instructions and the latest turns that fit
    ``worker_history_tokens``; a strong-model task never gets it whole."""
    request = HumanMessage("What is the capital of Peru?")
    short = [*history(1), request]
    decision = decide_turn(short, profile(), pricing=pricing, options=settings)
    assert decision.scope == "conversation"
    assert decision.worker_context == [list(range(len(short) - 1))]

    long = [*history(12), request]
    assert sum(message_tokens(m) for m in long[:-1]) > settings.sessions.worker_history_tokens
    decision = decide_turn(long, profile(), pricing=pricing, options=settings)
    assert decision.scope == "instructions"
    (sent,) = decision.worker_context
    latest = sent[1:]  # after the instructions: a run of the latest messages
    assert sent[0] == 0 and latest == list(range(latest[0], len(long) - 1))
    assert sum(message_tokens(long[p]) for p in latest) <= settings.sessions.worker_history_tokens
    assert (
        message_tokens(long[latest[0] - 1]) + sum(message_tokens(long[p]) for p in latest)
        > settings.sessions.worker_history_tokens
    )  # nothing more would fit

    strong = profile(category="code_generation", complexity=4)
    decision = decide_turn(short, strong, pricing=pricing, options=settings)
    assert decision.scope == "instructions" and decision.worker_models == ["gpt-4.1"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Summarise this in 200 words.", round(200 * 1.35) + 12),
        ("Explain it in two sentences.", 2 * 28 + 12),
        ("Give me five bullet points.", 5 * 22 + 12),
        ("What is the capital of Peru?", None),
    ],
)
def test_length_hint(text: str, tokens: int | None) -> None:
    assert length_hint(text) == tokens


def test_an_asked_length_sets_the_expected_output(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    messages = [HumanMessage("Describe the bowline knot in two sentences.")]
    decision = decide_turn(messages, profile(), pricing=pricing, options=settings)
    assert decision.estimate.main.output_tokens == length_hint(messages[0].text)


def test_config_from_a_json_file(tmp_path) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"routing": {"worker_cost_ratio": 0.5}, "quality": {"strong_categories": []}}')
    loaded = load_config(good)
    assert (
        loaded.routing.worker_cost_ratio == 0.5 and loaded.quality.strong_categories == frozenset()
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"routing": {"worker_cost_ratio": 7}}')
    with pytest.raises(ValueError, match=r"bad\.json"):
        load_config(bad)
    assert load_config(None) == OrchestratorConfig()


def test_a_short_turn_adds_no_more_to_later_calls_as_a_worker_than_in_the_main_session(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    """A digest stands for an offloaded text only when it is shorter: a worker turn
    whose request and answer are short adds them whole, never a full-size digest.
    Over many later turns (a long thread) the worker was priced above the main
    session for that difference alone, and short turns stayed in the main session."""
    long_thread = settings.updated({"expected_remaining_turns": 200})
    messages = [*history(2), HumanMessage("Capital of Peru? Answer in two words.")]
    decision = decide_turn(messages, profile(), pricing=pricing, options=long_thread)
    main, worker = decision.estimate.main, decision.estimate.worker
    assert worker is not None
    assert worker.growth_usd <= main.growth_usd
    assert decision.route == "worker_session"


def test_what_a_turn_adds_to_later_calls_is_compared_as_is_not_scaled_by_the_ratio(
    settings: OrchestratorConfig, pricing: Pricing
) -> None:
    """``worker_cost_ratio`` is the margin a worker's call must win by; what the turn
    adds to every later main call is nearly the same on both routes when its texts
    are short. Scaling that shared part by the ratio kept cheap short turns in the
    main session whenever many turns were expected to follow (a long thread)."""
    long_thread = settings.updated({"expected_remaining_turns": 230})
    messages = [HumanMessage("Capital of Peru? Answer in two words.")]  # a thread's first turn
    decision = decide_turn(messages, profile(), pricing=pricing, options=long_thread)
    main, worker = decision.estimate.main, decision.estimate.worker
    assert worker is not None
    assert worker.call_usd <= settings.routing.worker_cost_ratio * main.call_usd
    assert worker.growth_usd <= main.growth_usd
    assert decision.route == "worker_session"
