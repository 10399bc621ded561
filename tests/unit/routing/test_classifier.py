"""The rules tier: each signal on hand-written cases, references, subtasks, the cheap tier."""

from __future__ import annotations

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver

from orchestrator_graph import OrchestratorConfig, RoutingConfig, evaluate_task
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import SELF_CONTAINED_BELOW
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.classify import classify_request, split_subtasks
from orchestrator_graph.routing.classify.cheap_model import (
    ask_model,
    classification_prompt,
    parse_answer,
)
from orchestrator_graph.routing.classify.rules import referred_closure
from orchestrator_graph.routing.tiers import model_tier
from orchestrator_graph.state import TaskProfile, serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel

CONFIG = OrchestratorConfig(ledger_path=None)
MEMO = "Subject: Q3 review\n\n" + "Storage grew by 140 TB and egress charges doubled. " * 40


def session(*pairs: str) -> list[BaseMessage]:
    """Alternate user and assistant messages from ``pairs``; the last one is the request."""
    return [HumanMessage(text) if n % 2 == 0 else AIMessage(text) for n, text in enumerate(pairs)]


HISTORY = (
    "Write a Python function `top_k_frequent(words, k)` returning the k most frequent words.",
    "def top_k_frequent(words, k):\n    return sorted(...)[:k]",
    "Draft a short email inviting the team to lunch on Friday.",
    "Hi all, join us for lunch on Friday at noon!",
    "What is the capital of Australia?",
    "Canberra.",
)


def profile(request: str, history: tuple[str, ...] = HISTORY) -> TaskProfile:
    return classify_request(session(*history, request))


def test_first_turn_is_self_contained():
    assert profile("What is the boiling point of water?", ()).context_dependency == 0


def test_pronouns_and_anaphora_make_a_turn_dependent():
    for request in ("Why did he leave the band?", "Can you make it shorter?", "What else?"):
        assert profile(request).context_dependency >= SELF_CONTAINED_BELOW, request


def test_fresh_question_stays_self_contained():
    found = profile(
        "Explain the difference between a process and a thread in two short paragraphs."
    )
    assert found.context_dependency < SELF_CONTAINED_BELOW
    assert not any("edit" in s for s in found.signals)


def test_pasted_document_is_not_a_reference():
    found = profile(f"Summarize this memo in five bullet points:\n\n{MEMO}")
    assert found.context_dependency < SELF_CONTAINED_BELOW
    assert found.refers_to == []


def test_named_artifact_resolves_to_the_turn_that_defined_it():
    found = profile("What is the time complexity of top_k_frequent?")
    assert 0 in found.refers_to
    assert 2 not in found.refers_to  # not "assume the previous turn"


def test_artifact_by_kind_resolves_and_is_confident():
    found = profile("Make the email more formal.")
    assert found.refers_to == [1]
    assert found.confidence >= 0.8
    decision = evaluate_task(session(*HISTORY, "Make the email more formal."), config=CONFIG)
    assert decision.route == "worker_session"
    assert all({2, 3} <= set(view) for view in decision.worker_context)


def test_unnamed_reference_gets_the_whole_conversation():
    messages = session(*HISTORY, "Why did they decide that?")
    decision = evaluate_task(messages, config=CONFIG)
    assert decision.scope == "conversation"
    assert decision.route == "worker_session"  # a cheap worker, sent every earlier message
    assert decision.worker_context == [list(range(len(messages) - 1))]
    assert decision.expanded_turns == [0, 1, 2]


def test_unnamed_reference_past_the_worker_view_is_kept_in_the_main_session():
    small = CONFIG.updated({"worker_context_tokens": 10})
    decision = evaluate_task(session(*HISTORY, "Why did they decide that?"), config=small)
    assert decision.route == "main_session"


def test_discourse_reference_needs_the_conversation():
    found = profile("Summarize everything we discussed so far.")
    assert found.context_dependency >= SELF_CONTAINED_BELOW
    assert found.confidence < 0.8


def test_reply_to_the_assistants_question():
    history = ("Plan a trip for me.", "Sure! Which city do you want to visit?")
    assert profile("Lisbon, for four days in May with my partner.", history).context_dependency >= (
        SELF_CONTAINED_BELOW
    )


def test_closure_brings_the_turns_a_referred_turn_built_on():
    history = session(
        "Write a haiku about autumn.", "Leaves fall...", "Make it about winter instead.", "Snow..."
    )
    assert referred_closure(history, {1}) == {0, 1}
    assert referred_closure(history, {0}) == {0}


def test_standing_instructions_are_sent_to_workers():
    messages = [SystemMessage("Answer as a pirate."), *session("What is 2 + 2?")]
    decision = evaluate_task(messages, config=CONFIG)
    assert decision.profile.needs_instructions
    assert all(0 in view for view in decision.worker_context)


def test_subtasks_split_from_a_numbered_list():
    parts = split_subtasks("1. Capital of Peru?\n2. Convert 30 C to F.\n3. Who wrote Dune?")
    assert len(parts) == 3
    assert all(not p.needs for p in parts)


def test_subtask_that_needs_an_earlier_result_keeps_the_dependency():
    parts = split_subtasks("1. Compute the mean of 3, 5 and 10.\n2. Then double the result above.")
    assert parts[1].needs == [0]
    decision = evaluate_task(
        [HumanMessage("1. Compute the mean of 3, 5 and 10.\n2. Then double the result above.")],
        config=CONFIG,
    )
    assert decision.route != "parallel_workers"


def test_and_also_splits_and_a_single_task_does_not():
    assert len(split_subtasks("Name three rivers in Peru and also list two deserts in Chile.")) == 2
    assert split_subtasks("Write a poem about the sea.") == []


def test_hard_work_stays_on_the_strong_model():
    assert model_tier("math", 4, CONFIG) == "main"
    assert model_tier("math", 2, CONFIG) == "worker"
    assert model_tier("code_generation", 2, CONFIG) == "main"
    assert model_tier("qa", 4, CONFIG) == "main"
    assert model_tier("qa", 2, CONFIG) == "worker"


def test_cheap_model_answer_parsing():
    assert parse_answer('Sure: {"needs_earlier_turns": true, "turns": [0, 9]}', 3) == (True, [0])
    assert parse_answer("no json here", 3) is None
    assert parse_answer('{"needs_earlier_turns": "maybe"}', 3) is None


def test_cheap_model_call_is_priced_and_can_add_caution():
    messages = session(*HISTORY, "Tell me about lunch options nearby.")
    key = classification_prompt(messages)[-1].content.strip()
    model = SimulatedChatModel(
        model_name="gpt-4.1-mini", answers={key: '{"needs_earlier_turns": true, "turns": [1]}'}
    )
    rules = classify_request(messages)
    pricing = Pricing.resolve("gpt-4.1", "gpt-4.1-mini", CONFIG)
    revised, calls = ask_model(
        model,
        messages,
        rules,
        settings=CONFIG,
        resources=Resources(CONFIG),  # no ledger: nothing to close
        thread_id="cheap",
        model_name=pricing.worker_model,
        price=pricing.worker,
    )
    assert calls[-1].node == "classify" and calls[-1].cost_usd > 0
    assert revised.context_dependency >= 0.7 and 1 in revised.refers_to
    assert revised.tier == "cheap_model"


def test_follow_up_of_code_keeps_the_code_category_and_the_strong_model():
    found = profile("Now make it faster.", HISTORY[:2])
    assert found.category == "code_generation"
    assert model_tier(found.category, found.complexity, CONFIG) == "main"
    assert profile("Make the email more formal.").category == "follow_up"


def test_cheap_model_tier_in_the_graph_is_billed_as_a_classify_call():
    from orchestrator_graph import create_orchestrator

    messages = session(*HISTORY, "Why did they decide that?")
    key = classification_prompt(messages)[-1].content.strip()
    worker = SimulatedChatModel(
        model_name="gpt-4.1-mini", answers={key: '{"needs_earlier_turns": true, "turns": []}'}
    )
    config = OrchestratorConfig(ledger_path=None, routing=RoutingConfig(cheap_model_below=0.7))
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"), worker_model=worker, config=config
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    thread = {"configurable": {"thread_id": "cheap"}}
    state = graph.invoke({"messages": messages}, thread)
    calls = graph.get_state(thread).values["calls"]
    classify_calls = [c for c in calls if c.node == "classify"]
    assert len(classify_calls) == 1 and classify_calls[0].cost_usd > 0
    assert state["profile"].tier == "cheap_model"
    assert state["decision"].scope == "conversation"  # unnamed turns: send them all
    off = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    off.invoke({"messages": messages}, thread)
    assert all(c.node != "classify" for c in off.get_state(thread).values["calls"])


def test_a_question_about_code_is_not_code_writing():
    assert profile("Write a Python function that merges two sorted lists.", ()).category == (
        "code_generation"
    )
    asked = profile("In the checkout function, why do you lock the member row first?", ())
    assert asked.category != "code_generation"
    assert model_tier(asked.category, asked.complexity, CONFIG) == "worker"


def test_deixis_and_what_you_told_me_are_references():
    for request in (
        "Is SHA-256 overkill here?",
        "What is a typical budget per day for a traveller there?",
        "Summarise what you told me about cryptography.",
    ):
        assert profile(request).context_dependency >= SELF_CONTAINED_BELOW, request
    assert "anaphora" not in " ".join(profile("Is there a faster way to sort a list?").signals)
