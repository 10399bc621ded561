"""Scored turns of workloads: what the quality model trains on and is measured on.

Every turn whose ``scores`` hold both roles becomes an :class:`Example`: the
messages a router sees when deciding it (``Session.transcript``), its label
(weak >= strong: the cheap model lost nothing), and a :class:`ScoredTurn` with
what each role's call costs: the role's price times the tiktoken tokens of the
request and of that role's recorded answer (``answers[role]``, else the turn's
``answer``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.pricing import ModelPrice, price_for
from orchestrator_graph.conversation.tokens import count_messages, count_text
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.workloads import Session
from orchestrator_graph.routing.classify import classify_request

DEFAULT_STRONG_MODEL = "gpt-4o"
DEFAULT_WEAK_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class Example:
    """One scored turn: its request in context, its label and its scored turn."""

    messages: list[BaseMessage]
    weak_ok: bool
    turn: ScoredTurn


@dataclass(frozen=True)
class Prices:
    """The price of each role's model."""

    strong: ModelPrice
    weak: ModelPrice

    @classmethod
    def of(cls, strong: str = DEFAULT_STRONG_MODEL, weak: str = DEFAULT_WEAK_MODEL) -> Prices:
        return cls(strong=price_for(strong), weak=price_for(weak))


def _answer(session: Session, index: int, role: str) -> str:
    turn = session.turns[index]
    return (turn.answers or {}).get(role) or turn.answer or ""


def turn_costs(session: Session, index: int, prices: Prices) -> tuple[float, float]:
    """What the strong and the weak call cost for turn ``index``: the request's tokens
    and that role's recorded answer, at that role's price."""
    tokens_in = count_messages(session.transcript(index))
    strong_out = count_text(_answer(session, index, "strong"))
    weak_out = count_text(_answer(session, index, "weak"))
    return prices.strong.cost(tokens_in, strong_out), prices.weak.cost(tokens_in, weak_out)


def examples_of(
    sessions: Iterable[Session],
    prices: Prices | None = None,
    *,
    sources: Sequence[str] | None = None,
) -> list[Example]:
    """Every turn with both roles' scores (of the given sources, when named)."""
    found = []
    for session in sessions:
        if sources is not None and session.source not in sources:
            continue
        for index, turn in enumerate(session.turns):
            if not turn.scored:
                continue
            assert turn.scores is not None
            messages = session.transcript(index)
            strong_cost = weak_cost = 0.0
            if prices is not None:
                strong_cost, weak_cost = turn_costs(session, index, prices)
            scored = ScoredTurn(
                source=session.source,
                session=session.id,
                strong=turn.scores["strong"],
                weak=turn.scores["weak"],
                strong_cost=strong_cost,
                weak_cost=weak_cost,
                category=classify_request(messages).category,
            )
            found.append(Example(messages, turn.scores["weak"] >= turn.scores["strong"], scored))
    if not found:
        raise ValueError("no turn carries scores for both roles (strong and weak)")
    return found
