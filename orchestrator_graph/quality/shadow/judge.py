"""The pairwise judge: is the cheap answer as good as the strong one?

The judge is asked twice, the answers in both orders (A = cheap then A = strong), so
a judge that favours a position cannot decide alone; each call is LangChain
structured output (``PairwiseVerdict`` through ``with_structured_output``). The
verdict's ``score`` is the share of orders in which the cheap answer was not worse
(1, 0.5 when the orders disagree, 0); ``better`` the share it won.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from langchain_core.messages import BaseMessage, HumanMessage
from pydantic import BaseModel, Field

JUDGE_INSTRUCTIONS = (
    "You are an impartial judge. The conversation above ends with a user's request; two "
    "assistants answered it. Compare the answers on correctness first, then on "
    "helpfulness and completeness; ignore length and style unless they hurt the answer. "
    "Say which answer is better, or 'tie' when they are equally good."
)


class PairwiseVerdict(BaseModel):
    """Which of two answers to the conversation's last request is better."""

    reason: str = Field(description="one or two sentences on the decisive difference")
    better: Literal["A", "B", "tie"] = Field(
        description="the better answer, or tie when they are equally good"
    )


def judge_prompt(view: Sequence[BaseMessage], first: str, second: str) -> list[BaseMessage]:
    """The judge's messages: the view the turn was answered on, then one user message
    with the instructions and the two answers (``first`` as A); no system message after
    the first (some providers refuse one)."""
    return [
        *view,
        HumanMessage(
            f"{JUDGE_INSTRUCTIONS}\n\n[Answer A]\n{first}\n\n[Answer B]\n{second}\n\n"
            "Which answer is better?"
        ),
    ]


@dataclass(frozen=True)
class Verdict:
    """The judge's two verdicts as the cheap answer's outcome per order."""

    outcomes: tuple[str, str]  # "win", "tie" or "loss" for the cheap answer, A = cheap first

    @classmethod
    def of(cls, cheap_first: PairwiseVerdict, strong_first: PairwiseVerdict) -> Verdict:
        """From the verdict with the cheap answer as A, then with it as B."""
        return cls((_outcome(cheap_first.better, "A"), _outcome(strong_first.better, "B")))

    @property
    def score(self) -> float:
        """The share of orders in which the cheap answer was as good (not worse)."""
        return sum(o != "loss" for o in self.outcomes) / len(self.outcomes)

    @property
    def better(self) -> float:
        """The share of orders in which the cheap answer was better."""
        return sum(o == "win" for o in self.outcomes) / len(self.outcomes)


def _outcome(better: str, cheap_is: str) -> str:
    if better == "tie":
        return "tie"
    return "win" if better == cheap_is else "loss"
