"""The pairwise judge's verdict: both orders, the cheap answer's score and wins."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from orchestrator_graph.quality.shadow.judge import PairwiseVerdict, Verdict, judge_prompt


def _said(better: str) -> PairwiseVerdict:
    return PairwiseVerdict(reason="because", better=better)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cheap_first", "strong_first", "outcomes", "score", "better"),
    [
        ("tie", "tie", ("tie", "tie"), 1.0, 0.0),
        ("A", "B", ("win", "win"), 1.0, 1.0),
        ("B", "A", ("loss", "loss"), 0.0, 0.0),
        ("A", "A", ("win", "loss"), 0.5, 0.5),  # the judge favours position A
        ("tie", "A", ("tie", "loss"), 0.5, 0.0),
    ],
)
def test_the_verdict_reads_both_orders_for_the_cheap_answer(
    cheap_first: str, strong_first: str, outcomes: tuple, score: float, better: float
) -> None:
    verdict = Verdict.of(_said(cheap_first), _said(strong_first))
    assert (verdict.outcomes, verdict.score, verdict.better) == (outcomes, score, better)


def test_the_prompt_is_the_view_then_one_user_message_with_both_answers() -> None:
    view = [SystemMessage("Be brief."), HumanMessage("What is 2 + 2?")]
    prompt = judge_prompt(view, "four", "4")
    assert prompt[:2] == view and len(prompt) == 3
    assert prompt[2].type == "human"
    text = prompt[2].text
    assert text.index("[Answer A]\nfour") < text.index("[Answer B]\n4")
