"""Quality of a routing run, by hand: each turn scores the role that answered it (a split
turn its lowest), per source, then the mean over sources; which role answered comes
from the turn's answering calls."""

from __future__ import annotations

import pytest

from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.quality.runs import format_quality, quality_report
from orchestrator_graph.lab.replay import role_answer
from orchestrator_graph.lab.workloads import Turn
from orchestrator_graph.quality.roles import answering_roles
from orchestrator_graph.state import ModelCall


def _turn(source: str, strong: float, weak: float) -> ScoredTurn:
    return ScoredTurn(source, f"{source}-s", strong, weak, strong_cost=1.0, weak_cost=0.1)


# the scores of tests/data/tiny_scored.jsonl: alpha on 1-10, beta on 0-1
TURNS = [_turn("alpha", 9, 7), _turn("alpha", 8, 8), _turn("alpha", 10, 6)]
TURNS += [_turn("beta", 1, 0), _turn("beta", 1, 1)]
ROLES = [["strong"], ["weak"], ["strong", "weak"], ["strong"], ["weak"]]


def test_quality_figures_by_hand() -> None:
    report = quality_report(TURNS, ROLES)
    assert report is not None
    alpha, beta = report["sources"]["alpha"], report["sources"]["beta"]
    # alpha: 9 (strong), 8 (weak), min(10, 6) = 6 (split) -> 23/3; all-strong 9, all-weak 7
    assert alpha["quality_retained"] == pytest.approx(23 / 27)
    assert alpha["pgr"] == pytest.approx((23 / 3 - 7) / (9 - 7))
    assert alpha["strong_share"] == pytest.approx(2 / 3)  # the split turn had a strong call
    assert alpha["savings"] == pytest.approx(1 - (1 + 0.1 + 1) / 3)
    assert alpha["all_weak_retained"] == pytest.approx(7 / 9)
    # beta: 1 (strong), 1 (weak) -> 1; all-strong 1, all-weak 0.5
    assert (beta["quality_retained"], beta["pgr"], beta["strong_share"]) == (1.0, 1.0, 0.5)
    overall = report["overall"]
    assert overall["quality_retained"] == pytest.approx((23 / 27 + 1) / 2)
    assert overall["pgr"] == pytest.approx((1 / 3 + 1) / 2)  # averaged within, then across
    assert overall["strong_share"] == pytest.approx(3 / 5)
    assert overall["savings"] == pytest.approx(1 - (1 + 0.1 + 1 + 1 + 0.1) / 5)  # USD add up
    table = format_quality(report)
    assert "alpha" in table and "beta" in table and "all-weak" in table


def test_ledger_savings_replace_the_turns_own_and_no_gap_is_none() -> None:
    report = quality_report(TURNS, ROLES, savings={"alpha": 0.25}, overall_savings=0.4)
    assert report is not None
    assert report["sources"]["alpha"]["savings"] == 0.25
    assert report["overall"]["savings"] == 0.4
    same = quality_report([_turn("x", 5, 5)], [["weak"]])
    assert same is not None and same["sources"]["x"]["pgr"] is None  # no gap: no PGR
    assert quality_report([], []) is None


def _call(node: str, model: str, status: str = "ok") -> ModelCall:
    return ModelCall(
        call_id=f"{node}-{model}-{status}",
        node=node,
        model=model,
        input_tokens=1,
        output_tokens=1,
        cost_usd=0.0,
        latency_ms=0.0,
        status=status,
    )


def test_the_role_that_answered_comes_from_the_answering_calls() -> None:
    main = "gpt-4.1"
    assert answering_roles([_call("main_session", main)], main) == ["strong"]
    # a worker on the main tier is the strong model; the cheap classifier answers nothing
    assert answering_roles([_call("classify", "mini"), _call("spawn_subgraph", main)], main) == [
        "strong"
    ]
    split = [_call("spawn_subgraph", "mini"), _call("spawn_subgraph", main)]
    assert answering_roles(split, main) == ["strong", "weak"]
    retried = [_call("spawn_subgraph", main, "retry:RateLimitError"), _call("spawn_subgraph", "m")]
    assert answering_roles(retried, main) == ["weak"]
    fallback = [_call("spawn_subgraph", "mini"), _call("merge", main, "fallback:empty")]
    assert answering_roles(fallback, main) == ["strong", "weak"]


def test_each_role_replays_its_own_answer_and_answer_is_the_fallback() -> None:
    both = Turn(user="q", answer="plain", answers={"strong": "long", "weak": "short"})
    assert (role_answer(both, "strong"), role_answer(both, "weak")) == ("long", "short")
    only = Turn(user="q", answer="plain", answers={"strong": "long"})
    assert (role_answer(only, "strong"), role_answer(only, "weak")) == ("long", "plain")
    assert role_answer(Turn(user="q"), "weak") is None
