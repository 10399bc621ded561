"""Task boundaries and segments in long threads, per-message feature caching."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from orchestrator_graph.config import SELF_CONTAINED_BELOW
from orchestrator_graph.conversation.tokens import shared_counter
from orchestrator_graph.quality import features as quality_features
from orchestrator_graph.routing.classify import (
    classify_request,
    lexicon,
    rules,
    segments,
    signals,
    tasks,
)
from orchestrator_graph.routing.classify.message_features import FeatureCache, shared_features
from orchestrator_graph.routing.classify.segments import (
    MAX_SEGMENT_TURNS,
    request_boundary,
    segment_context,
    standing_instructions,
    task_segment,
)


def thread(*pairs: str) -> list[BaseMessage]:
    """Alternate user and assistant messages; the last one is the request."""
    return [HumanMessage(text) if n % 2 == 0 else AIMessage(text) for n, text in enumerate(pairs)]


EMAIL = (
    "Draft an email inviting the team to the Friday retrospective.",
    "Hi team, please join the retrospective on Friday at 3 pm in room B.",
    "Make the email more formal.",
    "Dear colleagues, you are kindly invited to the retrospective on Friday at 3 pm.",
)
POEM = (
    "Write a four-line poem about the sea at dawn.",
    "The tide wakes slowly, grey to gold, / gulls stitch the light, the wind is cold...",
    "Add a verse about the fishing boats coming home.",
    "Hulls heavy with silver, the boats come in, / ropes and voices, salt on skin...",
)
SQL = (
    "Write a SQL query that counts orders per customer in the orders table.",
    "SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id;",
)


def long_thread(turns: int) -> tuple[str, ...]:
    """``turns`` unrelated tasks with their answers, about 40 tokens each."""
    out: list[str] = []
    for n in range(turns):
        out += [
            f"Explain how lighthouse number {n} on the northern coast got its name.",
            f"Lighthouse {n} was named after the harbour master who built it in 18{n % 100:02d}.",
        ]
    return tuple(out)


def test_a_new_task_after_a_long_thread_is_self_contained():
    messages = thread(*long_thread(120), "Give me a quick breakfast idea for tomorrow.")
    assert request_boundary(messages).new_task
    profile = classify_request(messages)
    assert profile.context_dependency < SELF_CONTAINED_BELOW
    assert not any("short request" in s for s in profile.signals)


def test_make_it_shorter_continues_the_latest_segment():
    messages = thread(*long_thread(30), *EMAIL, *POEM, "Make it shorter.")
    assert not request_boundary(messages).new_task
    segment = task_segment(messages)
    assert segment.bounded
    assert segment.indices == [32, 33]  # the poem and its verse, not the email
    profile = classify_request(messages)
    assert profile.context_dependency >= SELF_CONTAINED_BELOW
    assert {32, 33} <= set(profile.refers_to)
    assert not {30, 31} & set(profile.refers_to)


def test_a_follow_up_worker_gets_its_segments_not_the_thread():
    messages = thread(*long_thread(30), *SQL, *EMAIL, *POEM, "Make it shorter.")
    count = shared_counter().count_message
    plan = segment_context(messages, [32, 33], dependent=True, count=count, limit=16_000)
    assert plan is not None and plan.scope == "segment"
    sent = {messages[p].content for p in plan.positions}
    assert POEM[0] in sent and EMAIL[0] in sent  # the last two segments
    assert SQL[0] not in sent and long_thread(30)[0] not in sent


def test_a_new_task_worker_gets_a_small_previous_segment_as_cover():
    messages = thread(*long_thread(30), *POEM, "Give me a quick breakfast idea for tomorrow.")
    count = shared_counter().count_message
    plan = segment_context(messages, [], dependent=False, count=count, limit=16_000)
    assert plan is not None and plan.scope == "instructions"
    assert POEM[0] in {messages[p].content for p in plan.positions}
    bare = segment_context(messages, [], dependent=False, count=count, limit=16_000, insurance=0)
    assert bare is not None and bare.positions == []


def test_without_a_boundary_in_view_a_follow_up_needs_the_conversation():
    follow_ups = ("Tell me more.", "Go on, with more detail.") * (MAX_SEGMENT_TURNS + 2)
    messages = thread(*POEM[:2], *follow_ups, "And then?")
    assert not task_segment(messages).bounded
    count = shared_counter().count_message
    assert segment_context(messages, [], dependent=True, count=count, limit=16_000) is None


def test_a_question_about_the_whole_conversation_stays_whole():
    messages = thread(*EMAIL, *POEM, "Summarize everything we discussed so far.")
    count = shared_counter().count_message
    assert segment_context(messages, [], dependent=True, count=count, limit=16_000) is None


def test_standing_instructions_given_mid_thread_stay_in_force():
    persona = "You are a pirate captain: answer every question in pirate speak."
    messages = [
        SystemMessage("Be concise."),
        *thread(*long_thread(3), persona, "Aye, captain!", "What is the capital of Peru?"),
    ]
    positions = standing_instructions(messages)
    assert 0 in positions
    assert any(messages[p].content == persona for p in positions)
    assert any(messages[p].content == "Aye, captain!" for p in positions)
    assert classify_request(messages).needs_instructions


def test_a_reply_to_the_assistants_question_is_no_boundary():
    messages = thread(
        *long_thread(5),
        "Plan a weekend trip for me.",
        "Gladly! Which city would you like to visit?",
        "Lisbon, with my partner, in May.",
    )
    assert not request_boundary(messages).new_task


def test_features_are_computed_once_per_message():
    cache = FeatureCache()
    message = HumanMessage("Compute the median of 4, 8 and 15 for test_segments.")
    first = cache.of(message)
    assert cache.of(HumanMessage(message.content)) is first
    assert cache.computed == 1
    cache.of(HumanMessage("Compute the median of 4, 8 and 16 for test_segments."))
    assert cache.computed == 2  # an edited text is a new message


def test_features_of_at_most_the_bound_are_kept_the_least_recently_used_dropped():
    cache = FeatureCache(size=3)
    messages = [HumanMessage(f"Bounded feature cache, message {n}.") for n in range(5)]
    for message in messages:
        cache.of(message)
    for message in messages[2:]:  # the last three are held
        cache.of(message)
    assert cache.computed == 5
    cache.of(messages[3])
    cache.of(messages[0])  # dropped when the fourth came in; now drops 2, the least recent
    assert cache.computed == 6
    cache.of(messages[3])
    assert cache.computed == 6
    cache.of(messages[2])
    assert cache.computed == 7


@pytest.mark.parametrize(
    "helper",
    [
        lexicon.content_words,
        lexicon.artifacts,
        lexicon.identifiers,
        signals.text_signals,
        tasks.category_of,
        quality_features._text_statistics,
    ],
)
def test_per_text_helpers_remember_at_most_text_cache_size_texts(helper) -> None:
    helper.cache_clear()
    for n in range(lexicon.TEXT_CACHE_SIZE + 10):
        helper(f"distinct text {n} for the bound")
    info = helper.cache_info()
    assert info.misses == lexicon.TEXT_CACHE_SIZE + 10
    assert info.currsize == lexicon.TEXT_CACHE_SIZE


def test_a_turn_computes_features_only_for_its_new_messages():
    history = list(thread(*long_thread(40), "Name a bird that cannot fly, for test_segments."))
    classify_request(history)
    history += [AIMessage("The kiwi, from test_segments."), HumanMessage("Why can't it fly?")]
    before = shared_features().computed
    classify_request(history)
    assert shared_features().computed - before == 2  # the answer and the new request


def test_a_decision_reads_the_same_messages_whatever_the_thread_length(monkeypatch):
    reads: list[int] = []

    def counting(message: BaseMessage):
        reads.append(1)
        return shared_features().of(message)

    monkeypatch.setattr(segments, "message_features", counting)
    monkeypatch.setattr(rules, "message_features", counting)
    tail = (*EMAIL, *POEM, "Make it shorter.")
    lengths = []
    for turns in (60, 240):
        reads.clear()
        classify_request(thread(*long_thread(turns), *tail))
        lengths.append(len(reads))
    assert lengths[0] == lengths[1]


def test_the_thing_just_discussed_is_no_new_task():
    cache = (
        "Write a Python LRU cache class with get and put.",
        "class LRUCache:\n    def __init__(self, capacity): ...",
        "Make it thread-safe.",
        "class LRUCache:\n    def __init__(self, capacity):\n        self.lock = Lock()",
    )
    messages = thread(*long_thread(20), *cache, "Write a README section explaining the cache.")
    assert not request_boundary(messages).new_task


def test_a_named_artifact_brings_the_follow_ups_that_changed_it():
    letter = (
        "Write the opening paragraph of a cover letter for a data analyst role.",
        "Dear hiring manager, I am excited to apply for the data analyst role...",
        "Now write the middle paragraph about my capstone project.",
        "In my capstone project I analysed two million service requests...",
        "What is the GDP of Germany, roughly?",
        "About 4.5 trillion US dollars.",
    )
    messages = thread(*long_thread(20), *letter, "Write a closing paragraph for the letter.")
    profile = classify_request(messages)
    assert {20, 21} <= set(profile.refers_to)  # the letter and the paragraph added to it
