"""Feedback in: a turn's outcome recorded against the exact decision it judges.

``record_outcome`` (and the graph input ``feedback``, node ``feedback``) writes a
quality score or thumbs, and whether the turn needed earlier turns, to the ledger's
``feedback`` table under the turn's thread and index, where the turn's decision is
recorded; a score is then learned by the router (``adaptive``) against what that
decision stored (its arm and category, the quality model's prediction, which model
answered). Recording the same score again learns nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from orchestrator_graph.accounting.ledger import CostLedger, ledger_at
from orchestrator_graph.accounting.ledger.rows import is_postgres_url
from orchestrator_graph.quality.adaptive import TurnQuality, learn
from orchestrator_graph.state import TurnFeedback


@dataclass(frozen=True)
class Outcome:
    """What became of one report: the turn it landed on and what the router learned."""

    thread_id: str
    turn: int
    learned: bool
    guard_fired: bool = False
    state: dict[str, Any] | None = None


def record_outcome(
    ledger: CostLedger | str | Path,
    thread_id: str,
    turn: int | None = None,
    *,
    quality: float | None = None,
    thumbs: Literal["up", "down"] | None = None,
    needed_earlier_turns: bool | None = None,
    source: str = "user",
    adapt: bool = True,
) -> Outcome:
    """Report turn ``turn`` of ``thread_id`` (None: its latest recorded turn): a quality
    score in 0-1 or ``thumbs``, and/or whether it needed earlier turns. ``adapt=False``
    records without learning (as ``QualityConfig(adaptive=False)`` does).

    Example:
        >>> record_outcome("checkpoints/ledger.sqlite", "user-42", thumbs="down")  # doctest: +SKIP
    """
    said = TurnFeedback(
        turn=turn,
        quality=quality,
        thumbs=thumbs,
        needed_earlier_turns=needed_earlier_turns,
        source=source,
    )
    return apply_feedback(_ledger(ledger), thread_id, said, adapt=adapt)


def apply_feedback(
    ledger: CostLedger, thread_id: str, said: TurnFeedback, *, adapt: bool = True
) -> Outcome:
    """Record ``said`` on its turn and learn its score (``record_outcome``)."""
    record = ledger.turn_record(thread_id, said.turn)
    if said.turn is None and record is None:
        raise ValueError(f"thread {thread_id!r} has no recorded turn to give feedback on")
    index = said.turn if said.turn is not None else record.turn  # type: ignore[union-attr]
    score = said.score
    new_score = ledger.record_feedback(
        thread_id,
        index,
        needed_earlier_turns=said.needed_earlier_turns,
        quality=score,
        source=said.source,
    )
    if not (adapt and new_score and record is not None and record.quality is not None):
        return Outcome(thread_id, index, learned=False)
    assert score is not None  # new_score says a score was given
    fired_before = _guard_count(ledger.adaptive_state(record.quality["key"]))
    state = learn(ledger, TurnQuality.model_validate(record.quality), score)
    return Outcome(
        thread_id, index, learned=True, guard_fired=_guard_count(state) > fired_before, state=state
    )


def _guard_count(state: dict[str, Any] | None) -> int:
    return 0 if state is None else int(state.get("guard_fired", 0))


def _ledger(ledger: CostLedger | str | Path) -> CostLedger:
    if isinstance(ledger, CostLedger):
        return ledger
    return ledger_at(ledger if is_postgres_url(ledger) else Path(ledger))
