"""The workload format (JSON Lines, one session a line) and its reader.

See ``docs/workloads.md``: a session has an ``id``, a ``source``, optional standing
instructions (``system``) and its ``turns``; a turn's ``depends_on`` lists the
earlier turns it needs (``[]`` self-contained, ``None`` unlabelled).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from orchestrator_graph.errors import WorkloadError

ROLES = ("strong", "weak")  # the model roles of ``answers`` and ``scores``


class Turn(BaseModel):
    """One user request, its labels and optionally the recorded answer."""

    model_config = ConfigDict(extra="ignore")

    user: str
    category: str | None = None
    depends_on: list[int] | None = None
    needs_instructions: bool = False
    answer: str | None = None
    answers: dict[str, str] | None = None
    scores: dict[str, float] | None = None

    @field_validator("user")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the request is empty: a turn needs the user's text")
        return value

    @field_validator("answers", "scores")
    @classmethod
    def _known_roles(cls, value: dict | None) -> dict | None:
        unknown = sorted(set(value or {}) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown model roles {unknown}: use {list(ROLES)}")
        return value

    @field_validator("scores")
    @classmethod
    def _finite_scores(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        bad = {role: s for role, s in (value or {}).items() if s != s or abs(s) == float("inf")}
        if bad:
            raise ValueError(f"scores must be finite numbers, got {bad}")
        return value

    @property
    def scored(self) -> bool:
        """Whether a judge scored both roles' answers to this turn."""
        if not self.scores:
            return False
        return all(role in self.scores for role in ROLES)

    @property
    def labelled(self) -> bool:
        return self.depends_on is not None

    @property
    def dependent(self) -> bool:
        return bool(self.depends_on)


class Session(BaseModel):
    """One conversation of a workload."""

    model_config = ConfigDict(extra="ignore")

    id: str
    source: str = ""
    system: str | None = None
    turns: list[Turn] = Field(min_length=1)
    models: dict[str, str] | None = Field(
        default=None, description="which models the roles were: strong, weak, judge, scale"
    )

    @model_validator(mode="after")
    def _earlier_turns_only(self) -> Session:
        for n, turn in enumerate(self.turns):
            bad = [d for d in turn.depends_on or [] if not 0 <= d < n]
            if bad:
                raise ValueError(f"turn {n}: depends_on {bad} are not earlier turns (0..{n - 1})")
        return self

    def new_messages(self, index: int) -> list[AnyMessage]:
        """What a running thread receives for turn ``index``: its request, preceded on
        the first turn by the standing instructions."""
        request: list[AnyMessage] = [HumanMessage(self.turns[index].user)]
        return [SystemMessage(self.system), *request] if index == 0 and self.system else request

    def transcript(self, upto: int) -> list[BaseMessage]:
        """The messages up to and including the request of turn ``upto``.

        Earlier turns carry their recorded answers (a turn without one has none).
        """
        messages: list[BaseMessage] = [SystemMessage(self.system)] if self.system else []
        for turn in self.turns[:upto]:
            messages.append(HumanMessage(turn.user))
            if turn.answer:
                messages.append(AIMessage(turn.answer))
        messages.append(HumanMessage(self.turns[upto].user))
        return messages


def read_workloads(paths: Iterable[str | Path]) -> list[Session]:
    """Every session of the given JSON Lines files, in order.

    Raises ``WorkloadError`` naming the file, the line and the session of the first
    bad session ("w.jsonl line 3: session 'a': turns.1.user: ..."), and when a file
    is missing, holds no session, or an id repeats within a file.
    """
    sessions: list[Session] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise WorkloadError(f"{path}: no such workload file")
        seen: set[str] = set()
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                session = _session(line, f"{path} line {number}")
                if session.id in seen:
                    raise WorkloadError(f"{path} line {number}: session id {session.id!r} repeats")
                seen.add(session.id)
                sessions.append(session)
        if not seen:
            raise WorkloadError(f"{path}: no sessions (an empty workload): nothing to measure")
    return sessions


def _session(line: str, where: str) -> Session:
    """The session on one line; ``where`` ("w.jsonl line 3") starts the error."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        if error.pos >= len(line.rstrip()):
            raise WorkloadError(f"{where}: truncated JSON (the line ends mid-session)") from None
        raise WorkloadError(f"{where}: not JSON at column {error.pos + 1}: {error.msg}") from None
    try:
        return Session.model_validate(row)
    except ValidationError as error:
        name = row.get("id") if isinstance(row, dict) else None
        session = f" session {name!r}:" if isinstance(name, str) else ""
        problems = "; ".join(_problem(e["loc"], e["msg"]) for e in error.errors())
        raise WorkloadError(f"{where}:{session} not a valid session: {problems}") from None


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    """One validation problem: where in the session ("turns.1.user"), then what."""
    message = message.removeprefix("Value error, ")
    return f"{'.'.join(map(str, loc))}: {message}" if loc else message
