"""Long threads joined from labelled sessions, the way real long sessions move from
task to task.

A thread is a run of whole sessions in a seeded random order. Each session keeps
its turns in order; their ``depends_on`` indices are shifted to the thread's
numbering, so the labels still name the same earlier turns. A thread has no
standing instructions of its own: a session's ``system`` prompt becomes a turn of
the thread (the *carrier*), placed just before the session's first turn, and the
session's turns that needed the instructions point to it instead.

How ``needs_instructions`` maps: a labelled turn with ``needs_instructions`` gets
the carrier's index added to its ``depends_on`` and ``needs_instructions=False``
(what it needs is now an earlier turn of the thread, which is how every measure
of context recall and starvation counts it). An unlabelled turn
(``depends_on is None``) stays unlabelled and keeps its flag. The carrier itself
is self-contained (``depends_on == []``).

Only the fields ``Turn`` models are carried (``answers``, ``scores`` and the
session-level ``models`` of other workloads are not).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from orchestrator_graph.conversation.tokens import count_text
from orchestrator_graph.lab.workloads import Session, Turn

CARRIER_CATEGORY = "instructions"
CARRIER_ANSWER = "Understood. I will follow these instructions for this task."


def carrier_turn(system: str) -> Turn:
    """The turn that carries a session's standing instructions into a thread."""
    return Turn(
        user=f"Standing instructions for the next task:\n\n{system}",
        category=CARRIER_CATEGORY,
        depends_on=[],
        answer=CARRIER_ANSWER,
    )


def shifted_turns(session: Session, offset: int) -> list[Turn]:
    """``session``'s turns numbered from ``offset`` in a thread, its system prompt
    (if any) carried as the first of them."""
    turns: list[Turn] = []
    carrier: int | None = None
    if session.system:
        turns.append(carrier_turn(session.system))
        carrier = offset
    start = offset + len(turns)
    for turn in session.turns:
        update: dict = {}
        if turn.depends_on is not None:
            depends = [start + d for d in turn.depends_on]
            if turn.needs_instructions and carrier is not None:
                depends = sorted({carrier, *depends})
                update["needs_instructions"] = False
            update["depends_on"] = depends
        turns.append(turn.model_copy(update=update, deep=True))
    return turns


def session_tokens(session: Session) -> int:
    """Tokens of a session's text: system prompt, requests and recorded answers."""
    texts = [session.system or ""]
    texts += [t.user + (t.answer or "") for t in session.turns]
    return sum(count_text(text) for text in texts if text)


def _draws(sessions: Sequence[Session], rng: random.Random) -> Iterator[Session]:
    """Sessions in random order, the whole pool before any repeats."""
    while True:
        order = list(sessions)
        rng.shuffle(order)
        yield from order


def join_sessions(
    sessions: Sequence[Session],
    *,
    seed: int,
    threads: int = 6,
    min_turns: int = 150,
    min_tokens: int = 40_000,
    id_prefix: str = "long",
) -> list[Session]:
    """Join ``sessions`` into ``threads`` long threads.

    Each thread takes whole sessions, drawn in an order seeded by ``seed`` (the
    whole pool is used before a session repeats, in this thread or the next), until
    it has at least ``min_turns`` turns and ``min_tokens`` tokens (``session_tokens``).
    The same inputs and seed give the same threads.

    Raises:
        ValueError: no sessions, or a target below zero.
    """
    if not sessions:
        raise ValueError("join_sessions needs at least one session")
    if min(threads, min_turns, min_tokens) < 0:
        raise ValueError("threads, min_turns and min_tokens must be >= 0")
    tokens = {id(s): session_tokens(s) for s in sessions}
    draws = _draws(sessions, random.Random(seed))
    joined: list[Session] = []
    for number in range(threads):
        turns: list[Turn] = []
        sources: set[str] = set()
        total = 0
        while not turns or len(turns) < min_turns or total < min_tokens:
            session = next(draws)
            turns += shifted_turns(session, len(turns))
            total += tokens[id(session)]
            sources.add(session.source or "unknown")
        joined.append(
            Session(
                id=f"{id_prefix}-{seed}-{number}",
                source="joined:" + ",".join(sorted(sources)),
                system=None,
                turns=turns,
            )
        )
    return joined
