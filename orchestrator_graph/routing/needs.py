"""What context each option needs: the facts of the turn, and the view of each route.

*Where* a turn may run depends on what it needs of the conversation: a
self-contained request needs the standing instructions only; a dependent one,
the turns it names (and what they built on) or the whole conversation. The main
session shows in full every offloaded turn a dependent request might need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import shared_counter
from orchestrator_graph.conversation.transcript_index import transcript_index
from orchestrator_graph.conversation.views import latest_request, worker_positions
from orchestrator_graph.routing.classify.segments import segment_context
from orchestrator_graph.state import Scope, TaskProfile, Tier

# Confidence needed to send a dependent turn to a worker with only the turns it names.
DEPENDENT_OFFLOAD_CONFIDENCE = 0.8


@dataclass(frozen=True)
class TurnFacts:
    """The request being decided and the counts every step reads."""

    messages: Sequence[BaseMessage]
    position: int
    text: str
    turn: int
    request_tokens: int
    history_tokens: int

    @property
    def history(self) -> Sequence[BaseMessage]:
        return self.messages[: self.position]


def turn_facts(messages: Sequence[BaseMessage]) -> TurnFacts:
    """The facts of the last message of ``messages`` (``InvalidTurnError`` without one)."""
    position, text = latest_request(messages)
    index = transcript_index(messages)
    return TurnFacts(
        messages=messages,
        position=position,
        text=text,
        turn=index.turn_count(len(messages)) - 1,
        request_tokens=index.tokens_at(position),
        history_tokens=index.tokens_before(position),
    )


@dataclass(frozen=True)
class ContextNeeds:
    """What each route would be sent.

    ``positions``: one worker's view (transcript positions); ``fan_out``: each
    parallel worker's; ``context_tokens``: the history one worker carries;
    ``expanded``: offloaded turns shown in full in the main view.
    """

    dependent: bool
    scope: Scope
    positions: list[int]
    fan_out: list[int]
    context_tokens: int
    expanded: list[int]

    def fits_worker(self, options: OrchestratorConfig) -> bool:
        return self.context_tokens <= options.sessions.worker_context_tokens


def depends_on_history(profile: TaskProfile, options: OrchestratorConfig) -> bool:
    """Whether the request counts as needing earlier turns (``context_threshold``)."""
    return profile.context_dependency >= options.routing.context_threshold


def context_scope(
    facts: TurnFacts, profile: TaskProfile, tier: Tier, options: OrchestratorConfig
) -> tuple[Scope, list[int] | None]:
    """How much of the conversation a worker is sent, so that no turn is starved,
    and the transcript positions of that view (None: the whole conversation).

    ``instructions``: the standing instructions (and the turns the request names,
    with the recent task segments as cover in a long thread), for a
    self-contained request; ``conversation``: everything, for any request on the
    cheap model while the history is short (``worker_history_tokens``: cheap with
    the prompt cache, and nothing can be missed) and for a dependent one while it
    fits the worker view; ``segment``: the segment of the task a follow-up
    continues (``classifier.segment_context``: the instructions, the turns it
    names and the turns since the task began), when it fits the worker view and
    leaves earlier turns out;
    ``referenced``: the turns the request names, found with confidence, and what
    they built on. What needs the whole conversation on the strong model is the
    main session.
    """
    cheap = tier == "worker"
    history_tokens = facts.history_tokens
    if not depends_on_history(profile, options):
        if cheap and history_tokens <= options.sessions.worker_history_tokens:
            return "conversation", None
        return "instructions", worker_positions(facts.history, profile.refers_to)
    if cheap and history_tokens <= options.sessions.worker_context_tokens:
        return "conversation", None
    segment = segment_context(
        facts.messages,
        profile.refers_to,
        dependent=True,
        count=shared_counter().count_message,
        limit=options.sessions.worker_context_tokens,
    )
    if segment is not None and len(segment.positions) < facts.position:  # it leaves turns out
        return "segment", segment.positions
    if profile.refers_to and profile.confidence >= DEPENDENT_OFFLOAD_CONFIDENCE:
        return "referenced", worker_positions(facts.history, profile.refers_to)
    return "conversation", None


def recent_positions(facts: TurnFacts, budget: int) -> list[int]:
    """The positions of the latest earlier messages that fit ``budget`` tokens,
    read back from the request (never the whole transcript)."""
    counter, positions, used = shared_counter(), [], 0
    for position in range(facts.position - 1, -1, -1):
        used += counter.count_message(facts.messages[position])
        if used > budget:
            break
        positions.append(position)
    return positions


def context_needs(
    facts: TurnFacts, profile: TaskProfile, tier: Tier, options: OrchestratorConfig
) -> ContextNeeds:
    """The views of the turn when its one worker would run on ``tier``."""
    history = facts.history
    dependent = depends_on_history(profile, options)
    scope, view = context_scope(facts, profile, tier, options)
    if view is None:
        positions = list(range(facts.position))
        context_tokens = facts.history_tokens
    else:
        # the latest messages too: cover for a reference the classifier missed
        view = sorted({*view, *recent_positions(facts, options.sessions.worker_history_tokens)})
        positions = view
        counter = shared_counter()
        context_tokens = sum(counter.count_message(facts.messages[p]) for p in positions)
    # independent subtasks of a self-contained request need no history at all
    fan_out = positions if dependent else worker_positions(history, profile.refers_to)
    all_turns = list(range(transcript_index(facts.messages).turn_count(facts.position)))
    return ContextNeeds(
        dependent=dependent,
        scope=scope,
        positions=positions,
        fan_out=fan_out,
        context_tokens=context_tokens,
        expanded=all_turns if dependent else list(profile.refers_to),
    )
