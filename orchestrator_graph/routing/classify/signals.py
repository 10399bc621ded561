"""The rules' signals: what a request says about needing earlier turns, scored.

``text_signals`` reads the request alone (reference phrasing, follow-up openers,
ellipsis, edits); ``RuleSignals`` collects them with those found against the
conversation (``classifier.rules``) and sums their weights into a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from orchestrator_graph.conversation.views import TurnSpan
from orchestrator_graph.routing.classify.lexicon import (
    ANAPHORA,
    CONTINUATION,
    DISCOURSE,
    EDIT_VERB,
    FOLLOW_UP_OPENER,
    FRESH_START,
    OWN_MATERIAL_CHARS,
    PRONOUN,
    QUOTED,
    TEXT_CACHE_SIZE,
    YOU_SAID,
    artifacts,
    first_sentence,
)

if TYPE_CHECKING:
    from orchestrator_graph.routing.classify.segments import Boundary

# weights of the dependency signals (summed, then capped at 1); a turn scoring
# SELF_CONTAINED_BELOW (0.3) or more is treated as needing earlier turns

W_ANAPHORA = 0.35
W_PRONOUN = 0.35
W_CONTINUATION = 0.35
W_DISCOURSE = 0.6
W_ARTIFACT = 0.45
W_NAMED = 0.6
W_YOU_SAID = 0.6
W_OPENER = 0.35
W_EDIT = 0.35
W_ELLIPSIS = 0.35
W_OVERLAP = 0.5
W_DEFINITE = 0.35
W_REPLY = 0.35
W_PERSONAL = 0.35
W_SHORT = 0.3
SHORT_WORDS = 15  # a later request this short rarely stands alone in conversational data
W_FRESH = -0.5
# signals a named artifact accounts for ("that function", "make the email shorter")
EXPLAINED_BY_NAME = frozenset(
    {"anaphora", "edit", "definite", "you_said", "artifact", "named", "short", "ellipsis"}
)
OVERLAP_MIN = 0.25  # overlap that counts as a dependency signal
OVERLAP_REF = 0.4  # overlap that makes an earlier turn one of the referred turns
PRONOUN_WORDS = 25  # pronouns count in requests up to this length, else in the first sentence


@dataclass
class RuleSignals:
    """What the rules found in a request: scored signals and the turns they point at.

    ``features`` feeds the trained tier; ``resolved`` are turns named by an
    identifier or an artifact; ``unresolved`` is true when some signal points at
    earlier turns without saying which.
    """

    features: dict[str, float] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    resolved: set[int] = field(default_factory=set)
    overlap: dict[int, float] = field(default_factory=dict)
    unresolved: bool = False
    own_material: bool = False
    turns: list[TurnSpan] = field(default_factory=list)  # the recent turns read, oldest first
    boundary: Boundary | None = None  # whether the request starts a new task

    def add(self, name: str, weight: float, label: str, *, unresolved: bool = True) -> None:
        self.features[name] = self.features.get(name, 0.0) + weight
        self.labels.append(label)
        self.unresolved = self.unresolved or unresolved

    @property
    def score(self) -> float:
        return max(0.0, min(1.0, sum(self.features.values())))


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def text_signals(text: str) -> RuleSignals:
    """The signals a request carries by itself, before looking at the conversation."""
    found = RuleSignals()
    words = text.split()
    text = QUOTED.sub(" ", text.replace("\u2019", "'"))
    head = text[:400]
    found.own_material = len(text) >= OWN_MATERIAL_CHARS or bool(artifacts(text))
    if FRESH_START.search(head):
        found.add("fresh", W_FRESH, "fresh start", unresolved=False)
    if YOU_SAID.search(text):
        found.add("you_said", W_YOU_SAID, "refers to an earlier answer")
    if DISCOURSE.search(text[:600]):
        found.add("discourse", W_DISCOURSE, "refers to the conversation")
    if FOLLOW_UP_OPENER.search(head):
        found.add("opener", W_OPENER, "follow-up opener")
    if len(words) <= 6:
        found.add("ellipsis", W_ELLIPSIS, "ellipsis (very short)")
    if not found.own_material:
        scope = text if len(words) <= PRONOUN_WORDS else first_sentence(text)
        anaphora = [m.group(0).strip().lower() for m in ANAPHORA.finditer(scope)]
        if anaphora:
            found.add("anaphora", W_ANAPHORA, f"anaphora: {', '.join(sorted(set(anaphora)))}")
        pronouns = PRONOUN.findall(scope)
        if pronouns:
            label = f"pronoun: {', '.join(sorted({p.lower() for p in pronouns}))}"
            found.add("pronoun", W_PRONOUN, label)
        if CONTINUATION.search(scope):
            found.add("continuation", W_CONTINUATION, "continues an earlier answer (else/other)")
        if EDIT_VERB.search(head) and (anaphora or pronouns or len(words) <= 8):
            found.add("edit", W_EDIT, "edit of earlier output")
    return found
