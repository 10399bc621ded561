"""The check of a run's input, before LangGraph checkpoints it.

``InputCheck`` is a callback handler the compiled graph carries: its
``on_chain_start`` sees the input of the graph's run before the input checkpoint
is written, the one public hook that does (a node or a START edge that raised
would leave that checkpoint, and a failed task, on the thread). It refuses, with
the thread exactly as it was:

- a new request with no text (``InvalidTurnError``, ``views.request_text``);
- feedback on a turn the thread has not recorded (``UnknownTurnError``,
  ``feedback.judged_turn``), so no report of the input is written.

``None`` and a ``Command`` (a resume) pass. Node runs inherit the handler; their
inputs are states that passed it.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import convert_to_messages
from langgraph.types import Command

from orchestrator_graph.accounting.feedback import judged_turn
from orchestrator_graph.conversation.views import request_text
from orchestrator_graph.resources import Resources
from orchestrator_graph.state import TurnFeedback


class InputCheck(BaseCallbackHandler):
    """Refuses a run's input that cannot be taken (see the module docstring)."""

    raise_error = True  # the error ends the run instead of being logged
    run_inline = True

    def __init__(self, resources: Resources) -> None:
        self.resources = resources  # the graph's: its ledger knows the recorded turns

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        if not isinstance(inputs, dict) or isinstance(inputs, Command):
            return
        if messages := inputs.get("messages"):
            new = messages if isinstance(messages, list) else [messages]
            (last,) = convert_to_messages(new[-1:])
            if last.type == "human":
                request_text(last)
        thread_id = (kwargs.get("metadata") or {}).get("thread_id")
        if inputs.get("feedback") and thread_id:
            self._check_feedback(str(thread_id), inputs["feedback"])

    def _check_feedback(self, thread_id: str, reports: list[Any]) -> None:
        ledger = self.resources.ledger()
        if ledger is None:  # the node warns that nothing is recorded
            return
        for report in reports:
            judged_turn(ledger, thread_id, TurnFeedback.model_validate(report))
