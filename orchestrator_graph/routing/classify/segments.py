"""Task segments: where the current task of a long thread began, and what it needs.

A long thread moves from task to task. A *task boundary* is a request that starts
a new, self-contained task: no reference phrasing (anaphora, deixis, "your
answer", follow-up openers, edits of earlier output), its own object, and little
lexical overlap with the turns just before it. The *segment* of a follow-up is
the turns since the last boundary: what a worker needs instead of the whole
conversation, with the standing instructions and any earlier turn it names.

Every function here reads only the last turns of the transcript (walking back
from the end, at most ``LOOKBACK_TURNS``) and the per-message features cached by
``message_features``: the cost of a decision does not grow with the thread.

How routing uses it (``routing.context_scope`` / ``worker_positions``)::

    plan = segment_context(messages, profile.refers_to, dependent=dependent,
                           count=shared_counter().count_message,
                           limit=config.sessions.worker_context_tokens)
    # None: the whole conversation (main session, or a cheap worker if it fits)
    # plan.scope == "instructions": a new task; plan.positions = the standing
    #   instructions, the turns it names, and the recent segments as cover
    # plan.scope == "segment": a follow-up; plan.positions = the instructions,
    #   the turns it names, and its task segments (fits ``limit``)

and sends a worker ``worker_view(messages, plan.positions, brief)``; the main
view expands ``profile.refers_to`` as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage

from orchestrator_graph.conversation.transcript_index import transcript_index
from orchestrator_graph.conversation.views import TurnSpan
from orchestrator_graph.routing.classify.message_features import MessageFeatures, message_features

LOOKBACK_TURNS = 32  # the most earlier turns a decision reads
MAX_SEGMENT_TURNS = 24  # no boundary within this many turns: the task is not bounded
RECENT_TURNS = 2  # a request is compared with the words of this many turns before it
NEW_TASK_OVERLAP = 0.2  # most share of a request's words seen in the recent turns
BOUNDARY_AT = 0.5  # a boundary score from which a request starts a new task
SEGMENT_INSURANCE_TOKENS = 3000  # a new task's worker also gets a previous segment this small
FOLLOW_UP_SEGMENTS = 2  # a worker is sent the last two segments when they fit
# signals of a request's own text that say it continues something
FOLLOW_UP_SIGNALS = frozenset(
    {"you_said", "discourse", "opener", "anaphora", "pronoun", "continuation", "edit"}
)
# a very short request may be a new question, but a segment is not cut there
CUT_BLOCKERS = FOLLOW_UP_SIGNALS | {"ellipsis"}


@dataclass(frozen=True)
class Boundary:
    """Whether a request starts a new task: a score in 0-1 and what it rests on."""

    score: float
    reasons: tuple[str, ...]
    overlap: float = 0.0  # share of the request's content words found in the recent turns

    @property
    def new_task(self) -> bool:
        return self.score >= BOUNDARY_AT


@dataclass(frozen=True)
class Segment:
    """The task a request continues: its turns (oldest first), whether a boundary was
    found within ``MAX_SEGMENT_TURNS``, and the standing instructions in force."""

    turns: list[TurnSpan] = field(default_factory=list)
    bounded: bool = True
    instructions: list[int] = field(default_factory=list)  # message positions

    @property
    def indices(self) -> list[int]:
        return [t.index for t in self.turns]

    @property
    def positions(self) -> list[int]:
        """Message positions a worker needs: the standing instructions, then the turns."""
        return sorted({*self.instructions, *(p for t in self.turns for p in t.positions)})


def recent_turns(
    messages: Sequence[BaseMessage], limit: int = LOOKBACK_TURNS, *, end: int | None = None
) -> list[TurnSpan]:
    """The last ``limit`` turns before position ``end`` (default: the latest request),
    oldest first.

    Walks back from ``end``; the turns' indices come from the transcript's running
    figures (``transcript_index``), not a count of the human messages before them.
    """
    end = len(messages) - 1 if end is None else end
    starts: list[int] = []
    position = end - 1
    while position >= 0 and len(starts) < limit:
        if messages[position].type == "human":
            starts.append(position)
        position -= 1
    starts.reverse()
    if not starts:
        return []
    base = transcript_index(messages).turn_count(starts[0])
    ends = [*starts[1:], end]
    return [TurnSpan(base + n, s, e) for n, (s, e) in enumerate(zip(starts, ends, strict=True))]


def turn_words(messages: Sequence[BaseMessage], turns: Sequence[TurnSpan]) -> frozenset[str]:
    """The content words of ``turns`` (requests and answers), from cached features."""
    words: set[str] = set()
    for turn in turns:
        for position in turn.positions:
            words |= message_features(messages[position]).words
    return frozenset(words)


def is_task_boundary(
    request: MessageFeatures, recent_words: frozenset[str], *, strict: bool = False
) -> Boundary:
    """Whether ``request`` starts a new task after turns whose words are ``recent_words``.

    A new task sets standing instructions, says it changes the subject, or has its
    own object (2+ content words), no follow-up phrasing and little overlap with
    the recent turns. ``strict`` (where a segment is cut) also takes a very short
    request ("What happened in 1980?") as a follow-up.
    """
    own = request.own
    signals = set(own.features) if own else set()
    shared = request.words & recent_words
    overlap = len(shared) / len(request.words) if request.words else 0.0
    if request.instructions:
        return Boundary(1.0, ("sets standing instructions",), overlap)
    if "fresh" in signals:
        return Boundary(0.95, ("says it starts a new topic",), overlap)
    follow = sorted(signals & (CUT_BLOCKERS if strict else FOLLOW_UP_SIGNALS))
    if follow:
        return Boundary(0.1, tuple(f"follow-up: {s}" for s in follow), overlap)
    if len(request.words) < 2:
        return Boundary(0.2, ("no object of its own",), overlap)
    if not request.request_form:
        return Boundary(0.3, ("not a request of its own (a statement or a reply)",), overlap)
    pointed = sorted(request.definites & recent_words)
    if pointed:
        return Boundary(0.35, (f"names the {', the '.join(pointed)} of the recent turns",), overlap)
    if not recent_words:
        return Boundary(0.9, ("nothing before it",), overlap)
    if overlap > NEW_TASK_OVERLAP:
        return Boundary(0.3, (f"continues the recent turns (overlap {overlap:.2f})",), overlap)
    score = 0.9 - overlap
    return Boundary(score, (f"a new request of its own (overlap {overlap:.2f})",), overlap)


def boundary_at(
    messages: Sequence[BaseMessage], turns: Sequence[TurnSpan], n: int, *, strict: bool = True
) -> Boundary:
    """The boundary score of turn ``turns[n]`` against the turns just before it
    (``strict``, as where a segment is cut: see ``is_task_boundary``)."""
    request = message_features(messages[turns[n].start])
    before = turns[max(0, n - RECENT_TURNS) : n]
    if not before and turns[n].index == 0:
        return Boundary(1.0, ("first turn",))
    return is_task_boundary(request, turn_words(messages, before), strict=strict)


def request_boundary(
    messages: Sequence[BaseMessage], turns: Sequence[TurnSpan] | None = None
) -> Boundary:
    """The boundary score of the latest request of ``messages`` (``turns``: its
    ``recent_turns``, when the caller has them)."""
    request = message_features(messages[-1])
    before = (
        list(turns)[-RECENT_TURNS:] if turns is not None else recent_turns(messages, RECENT_TURNS)
    )
    if not before:
        return Boundary(1.0, ("first turn",))
    return is_task_boundary(request, turn_words(messages, before))


def task_segment(
    messages: Sequence[BaseMessage], segments: int = 1, turns: Sequence[TurnSpan] | None = None
) -> Segment:
    """The segment the latest request of ``messages`` continues: the earlier turns
    since the last task boundary (the boundary turn included), and the standing
    instructions in force. ``segments`` > 1 reaches back over that many boundaries
    (cover for a boundary that was only a change of subject within one task).
    ``bounded`` is false when no boundary is found within ``MAX_SEGMENT_TURNS``:
    the task may need anything, keep the whole conversation. ``turns``: the
    ``recent_turns``, when the caller has them.
    """
    if turns is None:
        turns = recent_turns(messages, MAX_SEGMENT_TURNS + RECENT_TURNS)
    turns = list(turns)[-(MAX_SEGMENT_TURNS + RECENT_TURNS) :]
    first = max(0, len(turns) - MAX_SEGMENT_TURNS)
    found = 0
    for n in range(len(turns) - 1, first - 1, -1):
        if boundary_at(messages, turns, n).new_task:
            found += 1
            if found == segments or turns[n].index == 0:
                return Segment(turns[n:], True, standing_instructions(messages))
    return Segment(turns[first:], False, standing_instructions(messages))


def task_from(messages: Sequence[BaseMessage], turns: Sequence[TurnSpan], index: int) -> list[int]:
    """TurnSpan ``index`` of ``turns`` and the later turns of its task (up to the next
    boundary): a named artifact with the follow-ups that changed it."""
    start = next((n for n, t in enumerate(turns) if t.index == index), None)
    if start is None:
        return [index]
    task = [index]
    for n in range(start + 1, len(turns)):
        if boundary_at(messages, turns, n, strict=False).new_task:
            break
        task.append(turns[n].index)
    return task


def standing_instructions(messages: Sequence[BaseMessage], before: int | None = None) -> list[int]:
    """Positions of the instructions in force at position ``before`` (default: the latest
    request): the system messages that open the thread, and the latest instructions
    given mid-thread (a system message, or a request setting a persona or a topic,
    with its answers) within the lookback."""
    before = len(messages) - 1 if before is None else before
    positions: list[int] = []
    for position, message in enumerate(messages):
        if message.type == "human":
            break
        if message.type == "system":
            positions.append(position)
    lowest = max(positions[-1] + 1 if positions else 0, before - 4 * LOOKBACK_TURNS)
    for position in range(before - 1, lowest - 1, -1):
        if message_features(messages[position]).instructions:
            positions.append(position)
            if messages[position].type == "human":  # its turn: the request and its answers
                after = position + 1
                while after < before and messages[after].type != "human":
                    positions.append(after)
                    after += 1
            break
    return sorted(positions)


@dataclass(frozen=True)
class WorkerContext:
    """What a worker is sent for a turn: ``scope`` (``instructions`` for a new task,
    ``segment`` for a follow-up) and the message positions, oldest first."""

    scope: str
    positions: list[int]


def segment_context(
    messages: Sequence[BaseMessage],
    refers_to: Sequence[int],
    *,
    dependent: bool,
    count: Callable[[BaseMessage], int],
    limit: int,
    insurance: int = SEGMENT_INSURANCE_TOKENS,
) -> WorkerContext | None:
    """The worker context of the latest request, or None when only the whole
    conversation will do (the main session).

    A new task gets the standing instructions and the turns it names, plus the
    last ``FOLLOW_UP_SEGMENTS`` segments (or the last one) when they cost at most
    ``insurance`` tokens: cheap cover for a missed reference. A follow-up gets the
    instructions, the turns it names and its last ``FOLLOW_UP_SEGMENTS`` segments
    (or the last one) when a boundary is in view, it does not ask about the whole
    conversation, and the view fits ``limit`` tokens (``count`` counts one
    message, e.g. ``tokens.shared_counter().count_message``).
    """
    turns = recent_turns(messages)
    segment = task_segment(messages, turns=turns)
    window = {t.index: t for t in turns}
    named = {p for i in refers_to if i in window for p in window[i].positions}
    base = {*segment.instructions, *named}
    if not dependent:
        cover = cover_for_new_task(messages, turns, count, insurance)
        return WorkerContext("instructions", sorted(base | set(cover.positions if cover else ())))
    if not segment.bounded or message_features(messages[-1]).whole_conversation:
        return None
    for cover in (task_segment(messages, FOLLOW_UP_SEGMENTS, turns=turns), segment):
        positions = sorted(base | set(cover.positions))
        if cover.bounded and sum(count(messages[p]) for p in positions) <= limit:
            return WorkerContext("segment", positions)
    return None


def cover_for_new_task(
    messages: Sequence[BaseMessage],
    turns: Sequence[TurnSpan],
    count: Callable[[BaseMessage], int],
    insurance: int = SEGMENT_INSURANCE_TOKENS,
) -> Segment | None:
    """The segments a new task is also sent, as cover for a reference the rules missed:
    the last ``FOLLOW_UP_SEGMENTS`` when they cost at most ``insurance`` tokens, else
    the last one when it does, else none."""
    for segments in (FOLLOW_UP_SEGMENTS, 1):
        cover = task_segment(messages, segments, turns=turns)
        tokens = sum(count(messages[p]) for t in cover.turns for p in t.positions)
        if cover.bounded and tokens <= insurance:
            return cover
    return None
