"""Property tests: the classifier, the cost estimator and the context views never
raise on any text, and never produce a negative cost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from orchestrator_graph import InvalidTurnError, OrchestratorConfig, evaluate_task
from orchestrator_graph.conversation.tokens import count_messages
from orchestrator_graph.conversation.views import fit_view, main_view, make_digest, worker_view
from orchestrator_graph.routing.classify import classify_request

TEXT = st.text(max_size=400)
FAST = settings(max_examples=60, deadline=None)
CONFIG = OrchestratorConfig(ledger_path=None)


def _transcript(texts: list[str], request: str) -> list:
    messages: list = [SystemMessage("Be brief.")]
    for n, text in enumerate(texts):
        messages.append(HumanMessage(text or "?") if n % 2 == 0 else AIMessage(text))
    return [*messages, HumanMessage(request)]


@FAST
@given(st.lists(TEXT, max_size=6), TEXT)
def test_classifier_and_estimator_never_raise_nor_go_negative(
    texts: list[str], request: str
) -> None:
    messages = _transcript(texts, request)
    if not request.strip():
        try:
            classify_request(messages)
        except InvalidTurnError:
            return
        return
    profile = classify_request(messages)
    assert 0 <= profile.context_dependency <= 1 and 1 <= profile.complexity <= 5
    decision = evaluate_task(messages, config=CONFIG)
    for option in (decision.estimate.main, decision.estimate.worker, decision.estimate.parallel):
        if option is not None:
            assert option.call_usd >= 0 and option.growth_usd >= 0 and option.input_tokens >= 0


@FAST
@given(st.lists(TEXT, max_size=6), TEXT, st.integers(8, 200), st.integers(1024, 4096))
def test_context_views_never_raise(
    texts: list[str], request: str, digest_tokens: int, window: int
) -> None:
    messages = _transcript(texts, request)
    digests = {
        m.id or str(n): make_digest(m.text, digest_tokens, label="d")
        for n, m in enumerate(messages)
    }
    for n, m in enumerate(messages):
        m.id = m.id or str(n)
    view = main_view(messages, digests, expand=[0])
    assert len(view) == len(messages)
    fitted = fit_view(view, window).messages
    assert count_messages(fitted) <= window
    assert worker_view(messages, range(len(messages)), request)[-1].text == request
