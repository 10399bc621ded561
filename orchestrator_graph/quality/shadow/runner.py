"""The shadow runner: after a sampled turn, the other model answers the same view and a
judge compares the two answers; the verdict is feedback and a label.

Runs as a background job of the graph's ``Resources`` (``Resources.submit``: one worker
thread, joined when the resources close), never on the turn's path and never on an
event loop, so ``ainvoke`` and ``langgraph dev`` are served as fast as without it.

Every call is the one guarded call (``budget.guarded_call``): priced, reserved under the
run's own limits and, first, under the shadow's daily budget of the tenant
(``ShadowConfig.daily_usd``, held in the budget book under tenant ``shadow/<tenant>``
and thread ``shadow/<thread>``, so it never counts twice against the run's limits),
then written to the ledger's calls under the turn, node ``shadow`` or ``judge``. Nothing
enters the transcript or the checkpoint. A failure (provider error, budget refused,
bad structured output) is logged and ends the job: the user never sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from orchestrator_graph.accounting.budget import (
    MIN_USEFUL_OUTPUT_TOKENS,
    BudgetExceeded,
    guarded_call,
)
from orchestrator_graph.accounting.calls import CallOutcome, read_structured
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.feedback import apply_feedback
from orchestrator_graph.accounting.holds import BudgetBook
from orchestrator_graph.accounting.ledger import Label
from orchestrator_graph.accounting.pricing import ModelPrice
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.conversation.tokens import count_messages
from orchestrator_graph.errors import ModelCallError
from orchestrator_graph.quality.adaptive.tenant import learn_verdict
from orchestrator_graph.quality.model import load_quality_model
from orchestrator_graph.quality.shadow.job import ShadowJob
from orchestrator_graph.quality.shadow.judge import PairwiseVerdict, Verdict, judge_prompt
from orchestrator_graph.resources import Resources
from orchestrator_graph.state import ModelCall, TurnFeedback

logger = logging.getLogger(__name__)


class ShadowFailed(Exception):
    """A shadow job that could not finish (logged, never raised to the user)."""


@dataclass(frozen=True)
class Seat:
    """A model the runner calls, its name and price."""

    model: BaseChatModel
    name: str
    price: ModelPrice


@dataclass(frozen=True)
class ShadowRunner:
    """Runs the shadow jobs of one graph: its models, prices and resources."""

    strong: Seat
    cheap: Seat
    resources: Resources

    @classmethod
    def of(
        cls, main: BaseChatModel, worker: BaseChatModel, pricing: Pricing, resources: Resources
    ) -> ShadowRunner:
        return cls(
            Seat(main, pricing.main_model, pricing.main),
            Seat(worker, pricing.worker_model, pricing.worker),
            resources,
        )

    def submit(self, job: ShadowJob) -> None:
        """Run ``job`` in the background (``Resources.submit``)."""
        self.resources.submit(lambda: self.run(job))

    def run(self, job: ShadowJob) -> Label | None:
        """Answer, judge, learn; the label (None when the job failed: logged)."""
        ledger = self.resources.ledger()
        if ledger is None:
            logger.warning("shadow judge: no ledger to keep labels in; turn %s skipped", job.turn)
            return None
        calls: list[ModelCall] = []
        try:
            label = self._label(job, calls)
        except (ModelCallError, BudgetExceeded, ShadowFailed, ValueError, TypeError) as error:
            logger.warning(
                "shadow judge of turn %s of thread %r failed: %s: %s",
                job.turn, job.thread_id, type(error).__name__, error,
            )  # fmt: skip
            return None
        finally:
            ledger.record_calls(job.thread_id, job.turn, calls, job.settings.tenant)
        ledger.record_label(label)
        said = TurnFeedback(turn=job.turn, quality=label.score, source="shadow")
        # kept on its turn as people's feedback is; the tenant's model learns it (one
        # learner: the category sampler is left to people's feedback)
        apply_feedback(ledger, job.thread_id, said, adapt=False)
        adapt = job.settings.quality.adaptive
        if adapt and job.min_quality is not None:
            learn_verdict(  # the tenant's own request model (``quality.adaptive.tenant``)
                ledger, label.tenant, job.view, label.score,
                probability=job.probability, min_quality=job.min_quality,
                model=load_quality_model(job.settings.quality.quality_model_path),
            )  # fmt: skip
        return label

    def _label(self, job: ShadowJob, calls: list[ModelCall]) -> Label:
        """The shadow answer and the two verdicts (their calls added to ``calls``)."""
        shadow_seat = self.strong if job.cheap_answered else self.cheap
        limit = job.settings.shadow
        assert limit is not None, "a job is made only with shadow settings"
        shadow = self._call(job, shadow_seat, job.view, "shadow", limit.shadow_max_tokens, calls)
        if not shadow.answer.text.strip():
            raise ShadowFailed(f"the shadow answer is empty ({shadow.call.status})")
        cheap, strong = (job.answer, shadow.answer.text)
        if not job.cheap_answered:
            cheap, strong = strong, cheap
        judge = self.strong if limit.judge == "strong" else self.cheap
        verdicts = [
            self._verdict(job, judge, judge_prompt(job.view, a, b), key, calls)
            for key, (a, b) in (("judge:0", (cheap, strong)), ("judge:1", (strong, cheap)))
        ]
        verdict = Verdict.of(*verdicts)
        cheap_usd, strong_usd = job.answer_usd, shadow.call.cost_usd
        if not job.cheap_answered:
            cheap_usd, strong_usd = strong_usd, cheap_usd
        return Label(
            thread_id=job.thread_id, turn=job.turn, tenant=job.settings.tenant,
            request=job.request, category=job.category, score=verdict.score,
            better=verdict.better, p_cheap_ok=job.p_cheap_ok, threshold=job.threshold,
            min_quality=job.min_quality, cheap_answered=job.cheap_answered,
            probability=job.probability, cheap_model=self.cheap.name,
            strong_model=self.strong.name, judge_model=judge.name, cheap_usd=cheap_usd,
            strong_usd=strong_usd, verdicts=list(verdict.outcomes),
        )  # fmt: skip

    def _verdict(
        self,
        job: ShadowJob,
        judge: Seat,
        messages: Sequence[BaseMessage],
        key: str,
        calls: list[ModelCall],
    ) -> PairwiseVerdict:
        limit = job.settings.shadow
        assert limit is not None
        outcome = self._call(
            job, judge, messages, key, limit.judge_max_tokens, calls, schema=PairwiseVerdict
        )
        return read_structured(judge.model, PairwiseVerdict, outcome.answer)

    def _call(
        self,
        job: ShadowJob,
        seat: Seat,
        messages: Sequence[BaseMessage],
        key: str,
        max_tokens: int,
        calls: list[ModelCall],
        schema: type[PairwiseVerdict] | None = None,
    ) -> CallOutcome:
        """One guarded call under the shadow's daily budget too; its attempts kept."""
        node = key.split(":")[0]
        book = self.resources.book()
        tokens = count_messages(messages)
        with _daily_hold(book, job, key, seat.price, tokens, max_tokens) as (cap, held):
            try:
                outcome = guarded_call(
                    seat.model, messages, settings=job.settings, resources=self.resources,
                    thread_id=job.thread_id, turn=job.turn, key=key, node=node,
                    model_name=seat.name, price=seat.price, max_tokens=cap, schema=schema,
                )  # fmt: skip
            except ModelCallError as error:
                held.extend(error.attempts)  # the guarded call put them in the ledger
                raise
            held.extend(outcome.calls)
            calls.extend(outcome.calls)
        return outcome


@contextmanager
def _daily_hold(
    book: BudgetBook, job: ShadowJob, key: str, price: ModelPrice, tokens: int, max_tokens: int
) -> Iterator[tuple[int, list[ModelCall]]]:
    """Hold a call's worst case under the tenant's shadow budget for the day, its output
    capped at what that budget allows (``BudgetBook.reserve_call``); yield the cap and a
    list for the calls made, and settle the hold to what they cost."""
    shadow = job.settings.shadow
    assert shadow is not None
    hold = f"{job.thread_id}\x1f{job.turn}\x1f{key}"  # not a guarded call's key (JSON)
    cap = book.reserve_call(
        hold,
        thread_id=f"shadow/{job.thread_id}",
        turn=job.turn,
        input_tokens=tokens,
        price=price,
        wanted=max_tokens,
        min_output=min(MIN_USEFUL_OUTPUT_TOKENS, max_tokens),
        limits=BudgetLimits(tenant_usd=shadow.daily_usd, tenant_period="day"),
        tenant=f"shadow/{job.settings.tenant or ''}",
        what=f"shadow judge {key} on ShadowConfig.daily_usd {shadow.daily_usd:g}",
    )
    made: list[ModelCall] = []
    try:
        yield cap, made
    finally:
        used = sum(c.input_tokens + c.output_tokens for c in made)
        book.settle(hold, sum(c.cost_usd for c in made), used)
