"""Per-message features, computed once per distinct message and reused every turn.

The classifier reads the same earlier messages on every turn of a thread. Like
``tokens.TokenCounter``, :class:`FeatureCache` looks a message up by its role,
name and text (Python caches a string's hash, so a repeated message costs a
dict lookup) and computes its features only the first time it is seen; an
edited message is a new key. A decision then costs O(new text) plus set
operations over the few recent turns it reads, whatever the length of the thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.lru import Lru
from orchestrator_graph.routing.classify.lexicon import (
    DEFINITE,
    PERSONAL,
    QUOTED,
    REQUEST_FORM,
    WHOLE_CONVERSATION,
    artifacts,
    content_words,
    identifiers,
)
from orchestrator_graph.routing.classify.signals import RuleSignals, text_signals

# messages whose features are remembered (a few KB each), the least recently used dropped:
# a decision reads its thread's last ``segments.LOOKBACK_TURNS`` turns, so this holds them
# for a hundred threads and more at once
FEATURE_CACHE_SIZE = 16_384
# a message that sets standing instructions mid-thread (a persona, a topic, rules for what follows)
_INSTRUCTIONS = re.compile(
    r"^\s*(?:you are (?:an? |my |the )|act as\b|pretend (?:to be|you are)\b|from now on\b"
    r"|for the rest of (?:this|our) (?:conversation|chat)\b|topic:|system:|instructions?:"
    r"|(?:your|the) role is\b|i want you to act\b|always (?:answer|reply|respond)\b)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class MessageFeatures:
    """What the classifier needs from one message, independent of the conversation."""

    kind: str  # the message type: human, ai, system, tool
    words: frozenset[str]  # content words (stopwords dropped)
    artifacts: frozenset[str]  # code, table, document
    identifiers: tuple[str, ...]  # code-like names it holds
    personal: bool  # my, our, we, us
    asks: bool  # ends by asking the reader a question (an answer that asks the user)
    instructions: bool  # a system message, or a request that sets standing instructions
    length: int  # words
    request_form: bool  # a question, or an opening that asks for something
    whole_conversation: bool  # asks about the whole conversation ("everything we discussed")
    definites: frozenset[str]  # nouns it names with "the" ("the cache"), outside quotes
    own: RuleSignals | None  # a request's own signals (``text_signals``); None for others

    def names(self, name: str) -> bool:
        """Whether the message holds the code-like ``name``."""
        return name in self.identifiers or name.lower() in self.words


def compute_features(message: BaseMessage) -> MessageFeatures:
    """The features of one message (uncached: use :class:`FeatureCache`)."""
    text = message_text(message)
    human = message.type == "human"
    return MessageFeatures(
        kind=message.type,
        words=content_words(text),
        artifacts=artifacts(text),
        identifiers=identifiers(text),
        personal=bool(PERSONAL.search(text)),
        asks="?" in text[-200:],
        instructions=message.type == "system" or (human and bool(_INSTRUCTIONS.search(text))),
        length=len(text.split()),
        request_form=human and bool(REQUEST_FORM.search(text[:400])),
        whole_conversation=human and bool(WHOLE_CONVERSATION.search(text[:600])),
        definites=frozenset(w.lower() for w in DEFINITE.findall(QUOTED.sub(" ", text[:400])))
        if human
        else frozenset(),
        own=text_signals(text) if human else None,
    )


class FeatureCache:
    """Per-message features, each distinct message computed once (``computed`` counts them);
    at most ``size`` messages are remembered, the least recently used dropped first."""

    def __init__(self, size: int = FEATURE_CACHE_SIZE) -> None:
        self._entries: Lru[tuple[str, str | None, int, int], MessageFeatures] = Lru(size)
        self.computed = 0

    def of(self, message: BaseMessage) -> MessageFeatures:
        """The features of ``message``, from the cache when it was seen before."""
        text = message_text(message)
        key = (message.type, message.name, len(text), hash(text))
        found = self._entries.recent(key)
        if found is not None:
            return found
        self.computed += 1
        return self._entries.keep(key, compute_features(message))


_shared = FeatureCache()


def shared_features() -> FeatureCache:
    """The process-wide cache (shared by every thread, like the token counter's)."""
    return _shared


def message_features(message: BaseMessage) -> MessageFeatures:
    """The features of one message, with the process-wide cache."""
    return _shared.of(message)
