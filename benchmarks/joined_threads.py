"""Long threads joined from labelled sessions, for measuring segments (a stand-in
for ``orchestrator_graph.lab.joining`` until it lands).

Whole sessions in seeded random order, ``depends_on`` shifted to the thread's
numbering; a session's standing instructions become a turn of their own that
the session's turns marked ``needs_instructions`` point to. Each turn of a
joined thread remembers the session it came from (``origin``), so evaluation
can be grouped by session. Read by path: outside data is never copied.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from orchestrator_graph.conversation.tokens import count_text
from orchestrator_graph.lab.workloads import Session, Turn
from orchestrator_graph.testing.invented import invent_answer

INSTRUCTIONS_ANSWER = "Understood."


@dataclass
class JoinedThread:
    """A joined thread and, per turn, the id of the session it came from."""

    session: Session
    origin: list[str]
    first_turn: list[bool]  # the first turn of its session (or its instructions turn)


def _shifted(session: Session, offset: int) -> tuple[list[Turn], list[bool]]:
    turns: list[Turn] = []
    starts: list[bool] = []
    base = offset
    if session.system:
        turns.append(Turn(user=session.system, depends_on=[], answer=INSTRUCTIONS_ANSWER))
        starts.append(True)
        base += 1
    instructions = [offset] if session.system else []
    for n, turn in enumerate(session.turns):
        depends = None
        if turn.depends_on is not None:
            depends = [base + d for d in turn.depends_on]
            if turn.needs_instructions:
                depends = sorted({*depends, *instructions})
        turns.append(turn.model_copy(update={"depends_on": depends}))
        starts.append(n == 0 and not session.system)
    return turns, starts


def lengthen(session: Session, parts: int = 2) -> Session:
    """The thread with every answer lengthened by ``parts`` simulated answers to its request
    (recorded answers of these sources are often short or absent: about 50,000 tokens
    per 150 turns with two parts, as the threads of the issue)."""
    turns = []
    for n, turn in enumerate(session.turns):
        filler = "\n\n".join(
            invent_answer("simulated", turn.user, f"{session.id}:{n}:{part}".encode())
            for part in range(parts)
        )
        answer = f"{filler}\n\n{turn.answer}" if turn.answer else filler
        turns.append(turn.model_copy(update={"answer": answer}))
    return session.model_copy(update={"turns": turns})


def join_sessions(
    sessions: Sequence[Session],
    *,
    seed: int,
    min_turns: int = 150,
    count: int = 1,
    long_answers: bool = False,
) -> list[JoinedThread]:
    """``count`` threads of at least ``min_turns`` turns from ``sessions`` in seeded order
    (``long_answers``: answers lengthened by ``lengthen``)."""
    rng = random.Random(seed)
    order = list(sessions)
    rng.shuffle(order)
    threads: list[JoinedThread] = []
    turns: list[Turn] = []
    origin: list[str] = []
    first: list[bool] = []
    for session in order:
        shifted, starts = _shifted(session, len(turns))
        turns += shifted
        first += starts
        origin += [session.id] * len(shifted)
        if len(turns) >= min_turns:
            thread = Session(id=f"joined-{seed}-{len(threads)}", source="joined", turns=turns)
            thread = lengthen(thread) if long_answers else thread
            threads.append(JoinedThread(thread, origin, first))
            turns, origin, first = [], [], []
            if len(threads) == count:
                break
    return threads


def thread_tokens(session: Session) -> int:
    """Tokens of a thread's text (requests and recorded answers)."""
    return sum(count_text(t.user) + count_text(t.answer or "") for t in session.turns)
