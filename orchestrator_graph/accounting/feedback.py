"""Feedback in: a turn's outcome recorded against the exact decision it judges.

``record_outcome`` (and the graph input ``feedback``, node ``feedback``) writes a
quality score or thumbs, and whether the turn needed earlier turns, to the ledger's
``feedback`` table under the turn's thread and index, where the turn's decision is
recorded; a score is then learned by the router (``adaptive``) against what that
decision stored (its arm and category, the quality model's prediction, which model
answered). Recording the same score again learns nothing more.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord
from orchestrator_graph.cache.store import WITHDRAW_BELOW, AnswerCache
from orchestrator_graph.errors import UnknownTurnError
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
    withdrawn_entry: str | None = None


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
    cache: AnswerCache | str | Path | None = None,
) -> Outcome:
    """Report turn ``turn`` of ``thread_id`` (None: its latest recorded turn): a quality
    score in 0-1 or ``thumbs``, and/or whether it needed earlier turns. ``adapt=False``
    records without learning (as ``QualityConfig(adaptive=False)`` does).
    With ``cache`` (the answer cache, or where it is: a file or a Postgres URL), a turn
    answered from it and scored under ``WITHDRAW_BELOW`` (thumbs down) withdraws the
    entry that answered it.
    ``UnknownTurnError`` when the thread has not recorded that turn (nothing is written).

    ``ledger`` is an open ``CostLedger`` (left open) or where one is (a SQLite file or a
    Postgres URL: opened for this report and closed before returning).

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
    opened = nullcontext(ledger) if isinstance(ledger, CostLedger) else CostLedger(ledger)
    entries = (
        nullcontext(cache)
        if cache is None or isinstance(cache, AnswerCache)
        else AnswerCache(cache)
    )
    with opened as open_ledger, entries as open_cache:
        return apply_feedback(open_ledger, thread_id, said, adapt=adapt, cache=open_cache)


def apply_feedback(
    ledger: CostLedger,
    thread_id: str,
    said: TurnFeedback,
    *,
    adapt: bool = True,
    cache: AnswerCache | None = None,
) -> Outcome:
    """Record ``said`` on its turn and learn its score (``record_outcome``).

    Raises ``UnknownTurnError`` (nothing written) when the thread has not recorded that turn.
    """
    record = judged_turn(ledger, thread_id, said)
    index = record.turn
    score = said.score
    new_score = ledger.record_feedback(
        thread_id,
        index,
        needed_earlier_turns=said.needed_earlier_turns,
        quality=score,
        source=said.source,
    )
    withdrawn = _withdraw(cache, record, score, f"turn {index} of thread {thread_id!r}")
    if not (adapt and new_score and record.quality is not None):
        return Outcome(thread_id, index, learned=False, withdrawn_entry=withdrawn)
    assert score is not None  # new_score says a score was given
    fired_before = _guard_count(ledger.adaptive_state(record.quality["key"]))
    state = learn(ledger, TurnQuality.model_validate(record.quality), score)
    return Outcome(
        thread_id,
        index,
        learned=True,
        guard_fired=_guard_count(state) > fired_before,
        state=state,
        withdrawn_entry=withdrawn,
    )


def _withdraw(
    cache: AnswerCache | None, record: TurnRecord, score: float | None, where: str
) -> str | None:
    """Withdraw the cache entry that answered ``record`` when ``score`` is low; its id."""
    if cache is None or record.cache_entry is None or score is None or score >= WITHDRAW_BELOW:
        return None
    cache.withdraw(
        record.cache_entry, f"withdrawn after negative feedback (score {score:g} on {where})"
    )
    return record.cache_entry


def judged_turn(ledger: CostLedger, thread_id: str, said: TurnFeedback) -> TurnRecord:
    """The recorded turn ``said`` judges; ``UnknownTurnError`` when there is none."""
    record = ledger.turn_record(thread_id, said.turn)
    if record is not None:
        return record
    if said.turn is None or ledger.turn_record(thread_id) is None:
        raise UnknownTurnError(f"thread {thread_id!r} has no recorded turn to give feedback on")
    raise UnknownTurnError(
        f"thread {thread_id!r} has no recorded turn {said.turn} (its turns are 0 to "
        f"{ledger.turn_record(thread_id).turn}); feedback names a turn it recorded"  # type: ignore[union-attr]
    )


def _guard_count(state: dict[str, Any] | None) -> int:
    return 0 if state is None else int(state.get("guard_fired", 0))
