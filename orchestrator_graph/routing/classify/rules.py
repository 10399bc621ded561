"""The rules tier of ``classify``: a request and its conversation -> ``TaskProfile``.

Fast lexical rules: reference phrasing (anaphora, deixis, "your previous
answer"), ellipsis, follow-up openers, overlap with the recent turns, and
references to artifacts pasted earlier (code, tables, documents). A request that
starts a new task (``segments.request_boundary``) is self-contained; a follow-up
refers to the segment of the task it continues (``segments.task_segment``), the
standing instructions, and any earlier turn it names. Only the last
``LOOKBACK_TURNS`` turns are read, from features cached per message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from langchain_core.messages import BaseMessage

from orchestrator_graph.config import SELF_CONTAINED_BELOW
from orchestrator_graph.conversation.tokens import message_text, shared_counter
from orchestrator_graph.conversation.views import TurnSpan, instruction_positions, latest_request
from orchestrator_graph.routing.classify.lexicon import (
    ARTIFACT_KIND,
    ARTIFACT_REF,
    DEFINITE,
    EDIT_VERB,
    QUOTED,
    content_words,
    identifiers,
)
from orchestrator_graph.routing.classify.message_features import message_features
from orchestrator_graph.routing.classify.segments import (
    LOOKBACK_TURNS,
    RECENT_TURNS,
    Segment,
    cover_for_new_task,
    recent_turns,
    request_boundary,
    standing_instructions,
    task_from,
    task_segment,
    turn_words,
)
from orchestrator_graph.routing.classify.signals import (
    EXPLAINED_BY_NAME,
    OVERLAP_MIN,
    OVERLAP_REF,
    SHORT_WORDS,
    W_ARTIFACT,
    W_DEFINITE,
    W_NAMED,
    W_OVERLAP,
    W_PERSONAL,
    W_REPLY,
    W_SHORT,
    RuleSignals,
    text_signals,
)
from orchestrator_graph.routing.classify.tasks import (
    KEEP_CATEGORY,
    category_of,
    complexity_of,
    split_subtasks,
)
from orchestrator_graph.state import Subtask, TaskProfile

__all__ = [
    "SELF_CONTAINED_BELOW",
    "RuleSignals",
    "classify_rules",
    "profile_from",
    "referred_closure",
    "rule_signals",
    "split_subtasks",
]
# context signals that a new task (a boundary) does not carry: they only say the
# request resembles a running conversation, not that it needs one
COVER_FROM_TOKENS = 4000  # history from which a new task's profile names its cover segments
STRONG_OVERLAP = 0.6  # overlap with an older turn that a new task still counts as a reference
_WEAK_IN_NEW_TASK = ("short", "definite", "personal", "reply", "ellipsis")


def rule_signals(messages: Sequence[BaseMessage]) -> RuleSignals:
    """Every rule signal of the last message of ``messages`` against the recent turns."""
    _, text = latest_request(messages)
    own = text_signals(text)
    turns = recent_turns(messages, LOOKBACK_TURNS)
    found = RuleSignals(
        features=dict(own.features),
        labels=list(own.labels),
        unresolved=own.unresolved,
        own_material=own.own_material,
        turns=turns,
    )
    if not turns:
        return found
    words = {t.index: turn_words(messages, [t]) for t in turns}
    _named_and_artifacts(found, messages, text, words)
    recent = frozenset().union(*(words[t.index] for t in turns[-RECENT_TURNS:]))
    _context_signals(found, messages, text, recent)
    found.overlap = _overlap_by_turn(text, words)
    best = max(found.overlap.values(), default=0.0)
    if best >= OVERLAP_MIN:
        found.add(
            "overlap",
            W_OVERLAP * (0.6 + 0.4 * min(1.0, (best - OVERLAP_MIN) / (0.6 - OVERLAP_MIN))),
            f"overlap with earlier turns ({best:.2f})",
        )
    found.boundary = request_boundary(messages, turns)
    if found.boundary.new_task and not found.resolved:
        for name in _WEAK_IN_NEW_TASK:
            found.features.pop(name, None)
        recent_best = max(found.overlap.get(t.index, 0.0) for t in turns[-RECENT_TURNS:])
        if best < STRONG_OVERLAP and recent_best < OVERLAP_MIN:
            found.features.pop("overlap", None)  # a resemblance to an older task only
        found.labels = [*own.labels, f"new task: {'; '.join(found.boundary.reasons)}"]
    return found


def _named_and_artifacts(
    found: RuleSignals,
    messages: Sequence[BaseMessage],
    text: str,
    words: Mapping[int, frozenset[str]],
) -> None:
    """Turns the request names by an identifier or an artifact ("that function")."""
    turns = found.turns
    for name in identifiers(text):
        holder = _latest(messages, turns, lambda f, n=name: f.names(n))
        if holder is not None:
            found.add("named", W_NAMED, f"names {name} of turn {holder}", unresolved=False)
            found.resolved.add(holder)
    for match in ARTIFACT_REF.finditer(text):
        word = match.group(1).lower()
        kind = ARTIFACT_KIND.get(word)
        if found.own_material and kind and kind in message_features(messages[-1]).artifacts:
            continue  # "the code below" with the code pasted in this very message
        determiner = match.group(0).split()[0].lower()
        if found.own_material and determiner in ("the", "this", "these", "my"):
            continue  # a request that carries its own material names its own parts
        holder = _latest(messages, turns, lambda f, k=kind: k in f.artifacts) if kind else None
        if holder is None:
            holder = next((t.index for t in reversed(turns) if word in words[t.index]), None)
        if holder is None and determiner in ("the", "my"):
            continue  # "the data" of a new request: no earlier artifact of that kind
        label = f"refers to {match.group(0).lower()}"
        found.add("artifact", W_ARTIFACT, label, unresolved=holder is None)
        if holder is not None:
            found.resolved.add(holder)
        break


def _context_signals(
    found: RuleSignals, messages: Sequence[BaseMessage], text: str, recent: frozenset[str]
) -> None:
    """Signals of a request read against the recent turns: definite references to
    their words, shortness, personal context, a reply to the assistant's question."""
    if found.own_material:
        return
    unquoted = QUOTED.sub(" ", text[:400])
    definite = sorted({w.lower() for w in DEFINITE.findall(unquoted)} & recent)
    if definite:
        found.add("definite", W_DEFINITE, f"definite reference: the {', the '.join(definite)}")
    if 6 < len(text.split()) <= SHORT_WORDS and len(content_words(text)) <= 5:
        found.add("short", W_SHORT, "short request in a running conversation")
    request = message_features(messages[-1])
    recent_turns_ = found.turns[-RECENT_TURNS:]
    if request.personal and any(
        message_features(messages[t.start]).personal for t in recent_turns_
    ):
        found.add("personal", W_PERSONAL, "personal context told earlier (my, our)")
    last = messages[found.turns[-1].end - 1]
    if last.type == "ai" and message_features(last).asks:
        found.add("reply", W_REPLY, "answers the assistant's question")


def _latest(messages: Sequence[BaseMessage], turns: Sequence[TurnSpan], test) -> int | None:
    """The latest of ``turns`` with a message whose features pass ``test``."""
    for turn in reversed(turns):
        if any(test(message_features(messages[p])) for p in turn.positions):
            return turn.index
    return None


def referred_closure(
    history: Sequence[BaseMessage],
    refs: set[int],
    turns: Sequence[TurnSpan] | None = None,
    threshold: float = SELF_CONTAINED_BELOW,
) -> set[int]:
    """``refs`` and, transitively, the turns each of them built on (within ``turns``,
    default the last ``LOOKBACK_TURNS`` of ``history``).

    A referred turn whose own request depends on earlier turns (by the request's
    own signals) brings the turns it names, or the turn before it.
    """
    if turns is None:
        turns = recent_turns(history, LOOKBACK_TURNS, end=len(history))
    by_index = {t.index: t for t in turns}
    closure, todo = set(refs), sorted(refs)
    while todo:
        index = todo.pop()
        turn = by_index.get(index)
        if turn is None or index - 1 not in by_index:
            continue
        request = message_features(history[turn.start])
        if request.own is None or request.own.score < threshold:
            continue
        earlier = [t for t in turns if t.index < index]
        named = {
            t.index
            for name in request.identifiers
            for t in earlier
            if any(message_features(history[p]).names(name) for p in t.positions)
        }
        for ref in (named or {index - 1}) - closure:
            closure.add(ref)
            todo.append(ref)
    return closure


def classify_rules(
    messages: Sequence[BaseMessage],
    found: RuleSignals | None = None,
    *,
    threshold: float = SELF_CONTAINED_BELOW,
) -> TaskProfile:
    """Profile the last message of ``messages`` against the conversation before it
    (``found``: its ``rule_signals``, when the caller has them already; ``threshold``:
    ``OrchestratorConfig.routing.context_threshold``)."""
    _, text = latest_request(messages)
    subtasks = split_subtasks(text)
    category = category_of(text)
    needs_instructions = bool(instruction_positions(messages))
    found = rule_signals(messages) if found is None else found
    if not found.turns:
        return TaskProfile(
            context_dependency=0.0,
            complexity=complexity_of(text, category, len(subtasks)),
            category=category,
            needs_instructions=needs_instructions,
            subtasks=subtasks,
            confidence=0.95,
            signals=["first turn"],
        )
    return profile_from(found, text, messages, subtasks, needs_instructions, threshold=threshold)


def profile_from(
    found: RuleSignals,
    text: str,
    messages: Sequence[BaseMessage],
    subtasks: list[Subtask],
    needs_instructions: bool,
    dependency: float | None = None,
    threshold: float = SELF_CONTAINED_BELOW,
) -> TaskProfile:
    """The profile of the latest request of ``messages`` from its signals (and
    optionally a revised dependency); ``threshold`` is ``context_threshold``."""
    turns = found.turns
    dependency = found.score if dependency is None else dependency
    signals = list(found.labels)
    refs = set(found.resolved)
    instructions = set(standing_instructions(messages))
    refs |= {t.index for t in turns if t.start in instructions}
    if dependency >= threshold:
        refs |= {t for t, share in found.overlap.items() if share >= OVERLAP_REF}
        for named in sorted(found.resolved):
            refs.update(task_from(messages, turns, named))  # with the follow-ups that changed it
        if _explained_by_name(found):
            confidence = 0.85  # every reference is to a turn it names
        else:
            # the turns it needs are inferred, not named: the tiers above may revise it
            confidence = min(0.6, 0.5 + abs(dependency - 0.5))
            refs |= _segment_or_previous(messages, turns, signals)
        refs = referred_closure(messages, refs, turns, threshold)
    else:
        refs |= {t for t, share in found.overlap.items() if share >= 0.6}
        cover = _cover(messages, turns)
        if cover is not None and cover.turns:
            refs |= set(cover.indices)  # cheap cover for a reference the rules missed
            signals.append(f"cover: the recent task segments ({len(cover.turns)} turns)")
        confidence = 0.5 + (threshold - dependency) / threshold * 0.4
        if not signals:
            signals.append("no reference to earlier turns")
            confidence = 0.9
    category = category_of(text)
    if (
        dependency >= threshold
        and category not in KEEP_CATEGORY
        and (EDIT_VERB.search(text[:400]) or len(text.split()) <= 12)
    ):
        # a follow-up of code or math is still code or math: it keeps the strong model
        by_index = {t.index: t for t in turns}
        starts = [by_index[r].start for r in refs if r in by_index]
        inherited = {category_of(message_text(messages[p])) for p in starts}
        category = next((c for c in KEEP_CATEGORY if c in inherited), "follow_up")
    return TaskProfile(
        context_dependency=round(dependency, 3),
        complexity=complexity_of(text, category, len(subtasks)),
        category=category,
        refers_to=sorted(refs),
        needs_instructions=needs_instructions or bool(instructions),
        subtasks=subtasks,
        confidence=round(max(0.0, min(1.0, confidence)), 3),
        signals=signals,
    )


def _cover(messages: Sequence[BaseMessage], turns: Sequence[TurnSpan]) -> Segment | None:
    """In a long thread (more turns than the lookback, or more than
    ``COVER_FROM_TOKENS`` in it), the recent segments a new task's worker is also sent
    (``segments.cover_for_new_task``); a short thread's worker gets it all anyway."""
    count = shared_counter().count_message
    long = turns[0].index > 0 or (
        sum(count(messages[p]) for t in turns for p in t.positions) > COVER_FROM_TOKENS
    )
    return cover_for_new_task(messages, turns, count) if long else None


def _segment_or_previous(
    messages: Sequence[BaseMessage], turns: Sequence[TurnSpan], signals: list[str]
) -> set[int]:
    """The turns of the task a follow-up continues (``task_segment``), or the previous
    turn when it asks about the whole conversation or no boundary is in view."""
    if not message_features(messages[-1]).whole_conversation:
        segment = task_segment(messages, turns=turns)
        if segment.bounded:
            first, size = segment.indices[0], len(segment.turns)
            signals.append(f"continues the task begun at turn {first} ({size} turns)")
            return set(segment.indices)
    signals.append("may need the whole conversation: the previous turn assumed")
    return {turns[-1].index}


def _explained_by_name(found: RuleSignals) -> bool:
    """Whether every signal of a follow-up is accounted for by a turn it names."""
    unexplained = set(found.features) - EXPLAINED_BY_NAME - {"fresh"}
    if found.overlap and max(found.overlap, key=found.overlap.__getitem__) in found.resolved:
        unexplained.discard("overlap")  # the overlap is with the named turn
    return bool(found.resolved) and not unexplained


def _overlap_by_turn(text: str, words: Mapping[int, frozenset[str]]) -> dict[int, float]:
    """Per recent turn, the idf-weighted share of the request's words it contains."""
    request = content_words(text)
    if not request:
        return {}
    n = len(words)
    idf = {w: math.log(1 + n / (1 + sum(w in tw for tw in words.values()))) for w in request}
    total = sum(idf.values())
    shares = {}
    for index, turn in words.items():
        shared = request & turn
        if len(shared) >= min(2, len(request) - 2):
            shares[index] = sum(idf[w] for w in shared) / total
    return shares
