"""The worker model's confirmation of a grey-zone candidate (``CacheConfig.confirm_band``).

With ``confirm_band`` set (None: off, no call), a semantic candidate the guards pass
whose match-check score falls in the grey zone (:func:`grey_zone`: from the score
threshold of ``max_false_hit_rate * confirm_band`` up to that of ``max_false_hit_rate /
confirm_band``) is served only when the graph's worker model, shown both requests,
answers ``{"same": true}``; above the zone a candidate is served unasked, below it
never. The near misses served are then at most ``max_false_hit_rate / confirm_band``
plus the model's false-confirm rate times ``max_false_hit_rate * confirm_band``: the
confirmation both stops near misses just above the threshold and adds hits below it.

Its call is the one guarded call (``budget.guarded_call``, key and node
``cache_confirm``, at most ``ANSWER_TOKENS`` out): priced, reserved under the run's
limits and billed to the turn (its ``ModelCall`` rows join the turn's ``calls`` and
are written to the ledger at once, so a turn resumed after an interrupt, which decides
and asks again, keeps both on the bill; a hit's saving is net of it). A failed call, a
budget refusal or an unreadable answer confirms nothing (logged): the turn is answered
normally. A decision made without the
graph's worker model (``evaluate_task``) looks up as if it were off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from orchestrator_graph.accounting.budget import guarded_call
from orchestrator_graph.accounting.calls import read_structured
from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.cache.check import threshold_for
from orchestrator_graph.config import CacheConfig, OrchestratorConfig
from orchestrator_graph.errors import BudgetExceeded, ModelCallError
from orchestrator_graph.resources import Resources
from orchestrator_graph.state import ModelCall

log = logging.getLogger(__name__)

NODE = "cache_confirm"
ANSWER_TOKENS = 16  # {"same": true} is about 6 tokens
PROMPT = (
    "Two requests to an assistant follow. Answer same=true only if one answer serves both "
    "word for word: the same question about the same things, nothing swapped, negated, "
    "added or left out. Otherwise same=false."
)
_CLIP = 2000  # characters of each request shown


class SameRequest(BaseModel):
    """The worker model's verdict on two requests."""

    same: bool = Field(description="true only if one answer serves both requests")


@dataclass(frozen=True)
class Confirmation:
    """The verdict (False on any failure), its billed calls and what happened."""

    same: bool
    calls: list[ModelCall] = field(default_factory=list)
    note: str = ""

    @property
    def cost_usd(self) -> float:
        return sum(c.cost_usd for c in self.calls)


def grey_zone(cache: CacheConfig) -> tuple[float, float]:
    """The match-check scores ``[lower, upper)`` whose candidates must be confirmed."""
    assert cache.confirm_band is not None
    rate, band = cache.max_false_hit_rate, cache.confirm_band
    return threshold_for(min(0.5, rate * band)), threshold_for(rate / band)


@dataclass(frozen=True)
class Confirmer:
    """Asks the graph's worker model whether two requests are the same (one call a
    lookup); ``calls`` gathers the turn's billed calls for its ``calls`` channel."""

    model: BaseChatModel
    settings: OrchestratorConfig
    resources: Resources
    thread_id: str
    turn: int
    model_name: str
    price: ModelPrice
    calls: list[ModelCall] = field(default_factory=list)

    def __call__(self, request: str, earlier: str) -> Confirmation:
        verdict = self._ask(request, earlier)
        self.calls.extend(verdict.calls)
        if (ledger := self.resources.ledger()) is not None:  # billed now: a turn resumed
            # after an interrupt runs its decision, and this call, again
            ledger.record_calls(self.thread_id, self.turn, verdict.calls, self.settings.tenant)
        return verdict

    def _ask(self, request: str, earlier: str) -> Confirmation:
        body = f"Request A:\n{request[:_CLIP]}\n\nRequest B:\n{earlier[:_CLIP]}"
        try:
            outcome = guarded_call(
                self.model, [SystemMessage(PROMPT), HumanMessage(body)],
                settings=self.settings, resources=self.resources, thread_id=self.thread_id,
                turn=self.turn, key=NODE, node=NODE, model_name=self.model_name,
                price=self.price, max_tokens=ANSWER_TOKENS, schema=SameRequest,
            )  # fmt: skip
        except (ModelCallError, BudgetExceeded) as error:
            log.warning("cache confirmation not made (%s): no hit", type(error).__name__)
            failed = f"was not asked ({type(error).__name__}): not served"
            return Confirmation(False, list(getattr(error, "attempts", [])), failed)
        try:
            same = read_structured(self.model, SameRequest, outcome.answer).same
        except Exception as error:  # any unreadable answer confirms nothing
            log.warning("cache confirmation unreadable (%s): no hit", error)
            return Confirmation(False, outcome.calls, "answered unreadably: not served")
        said = "confirmed it" if same else "said it asks something else: not served"
        return Confirmation(same, outcome.calls, said)
