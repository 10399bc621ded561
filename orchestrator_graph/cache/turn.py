"""The graph's side of the answer cache: which turns are looked up and stored, and the hit.

Only a self-contained request is looked up or stored: it opens its thread (unless
``CacheConfig.mid_conversation``), the classifier says it needs no earlier turn
(``context_dependency`` under ``context_threshold``, no turn named), and its answer
does not depend on the day (``guards.time_sensitive``). A run without a
``RunContext.cache_scope`` neither looks up nor stores. Entries are
keyed by the run's scope and by the standing instructions in force (the system
messages and instructions given mid-thread): an answer given under other
instructions is never reused. The request's embedding is the quality model's
(``quality.embedding.shared_embedder`` answers a text it embedded from its cache),
so a turn embeds its request once. The embedding reads a request's head (about 30
words); the guards and the match check read the whole of both texts, so a longer
request is matched semantically up to ``SEMANTIC_MAX_WORDS`` (the check was fitted
and calibrated on long sentences embedded the same way), and exactly or not at all
beyond.

After a turn answered normally, :func:`store_answer` keeps the answer. When the
lookup had come near an entry (guards passed, similarity under the threshold) and
the new answer disagrees with that entry's, both get a threshold above that
similarity (``bound.raised``): the neighbourhood holds two questions.

With ``CacheConfig.confirm_band`` set and a ``confirm`` given (the graph's worker
model: ``confirm.Confirmer``), a semantic candidate in the grey zone is served only
once the model confirms it (``cache.confirm``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from langchain_core.messages import BaseMessage

from orchestrator_graph.cache.bound import raised
from orchestrator_graph.cache.check import threshold_for
from orchestrator_graph.cache.confirm import Confirmation, grey_zone
from orchestrator_graph.cache.guards import signature, time_sensitive
from orchestrator_graph.cache.store import AnswerCache, Match, request_key
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.views import last_turn
from orchestrator_graph.quality.embedding import shared_embedder
from orchestrator_graph.routing.classify.segments import standing_instructions
from orchestrator_graph.state import CacheMatch, RoutingDecision, TaskProfile

SEMANTIC_MAX_WORDS = 60  # twice the ~30 words of the 48 tokens the embedding reads
AGREEING_ANSWERS = 0.9  # cosine of two answers' embeddings from which they say the same


def cacheable(
    messages: Sequence[BaseMessage], profile: TaskProfile, options: OrchestratorConfig
) -> bool:
    """Whether the request may be looked up and its answer stored."""
    text = message_text(messages[-1])
    return (
        options.cache is not None
        and options.routing.force_route is None
        and (options.cache.mid_conversation or last_turn(messages).index == 0)
        and profile.context_dependency < options.routing.context_threshold
        and not profile.refers_to
        and not time_sensitive(text)
    )


def context_key(messages: Sequence[BaseMessage]) -> str:
    """A hash of the standing instructions in force for the last request ("" for none)."""
    positions = standing_instructions(messages)
    if not positions:
        return ""
    joined = "\x1e".join(f"{messages[p].type}:{message_text(messages[p])}" for p in positions)
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def request_vector(text: str, options: OrchestratorConfig) -> np.ndarray | None:
    """The request's embedding (shared with the quality model), or None for exact
    matching only (semantic lookup off, or a request too long for the embedding)."""
    if options.cache is None or not options.cache.semantic:
        return None
    if len(text.split()) > SEMANTIC_MAX_WORDS:
        return None
    return shared_embedder().embed_one(text)


def look_up(
    messages: Sequence[BaseMessage],
    decision: RoutingDecision,
    *,
    cache: AnswerCache,
    scope: str,
    options: OrchestratorConfig,
    confirm: Confirm | None = None,
) -> RoutingDecision:
    """``decision`` turned into route ``cache`` when an entry of ``cache`` (the graph's:
    ``Resources.cache``) answers the request; on a miss, the decision with the nearest
    entry noted (for the per-entry threshold). ``confirm`` asks the worker model about
    a grey-zone candidate when ``CacheConfig.confirm_band`` is set (None: never)."""
    assert options.cache is not None and decision.route != "cache"
    text = message_text(messages[-1])
    key = context_key(messages)
    match, confirmed = _find(cache, scope, key, text, options, confirm)
    if match is None:
        return _told_withdrawn(decision, cache.withdrawal(scope, key, text))
    noted = [*decision.reasons, *([confirmed.note] if confirmed else [])]
    replaced = decision.estimate.option(decision.route)
    net = max(0.0, replaced.call_usd - (confirmed.cost_usd if confirmed else 0.0))
    found = CacheMatch(
        entry_id=match.entry_id,
        similarity=max(-1.0, min(1.0, match.similarity)),
        threshold=match.threshold,
        exact=match.exact,
        hit=match.hit,
        replaced=decision.route,
        saved_usd=net if match.hit else 0.0,
        answer=match.answer if match.hit else "",
    )
    if not match.hit:
        missed = decision.model_copy(update={"cache": found, "reasons": noted})
        return _told_withdrawn(missed, cache.withdrawal(scope, key, text))
    how = (
        "exact repeat"
        if match.exact
        else f"match check {match.score:.3f} >= {match.threshold:.3f} at similarity "
        f"{match.similarity:.3f}, guards agree"
    )
    reasons = [
        *noted,
        f"answer cache: entry {match.entry_id[:12]} ({how}); replaces {decision.route} "
        f"(estimated ${replaced.call_usd:.6f}) at ${replaced.call_usd - net:.6f}",
    ]
    return decision.model_copy(
        update={"route": "cache", "cache": found, "reasons": reasons, "tasks": []}
    )


Confirm = Callable[[str, str], Confirmation]  # (request, the entry's request) -> verdict


def _find(
    cache: AnswerCache,
    scope: str,
    key: str,
    text: str,
    options: OrchestratorConfig,
    confirm: Confirm | None,
) -> tuple[Match | None, Confirmation | None]:
    """The lookup; with a confirmation to ask, down to the grey zone's lower end, and a
    semantic hit under its upper end confirmed (or turned into a miss)."""
    assert options.cache is not None
    threshold = threshold_for(options.cache.max_false_hit_rate)
    vector = request_vector(text, options)
    if confirm is None or options.cache.confirm_band is None:
        return cache.lookup(scope, key, text, vector, threshold=threshold), None
    lower, upper = grey_zone(options.cache)
    match = cache.lookup(scope, key, text, vector, threshold=lower)
    if match is None or not match.hit or match.exact or match.score >= upper:
        return match, None
    return _confirmed(match, text, confirm)


def _confirmed(match: Match, text: str, confirm: Confirm) -> tuple[Match, Confirmation]:
    """The grey-zone candidate served only if the worker model says it asks the same."""
    verdict = confirm(text, match.request)
    note = (
        f"answer cache: entry {match.entry_id[:12]} in the grey zone (match check "
        f"{match.score:.3f}): the worker model {verdict.note} (${verdict.cost_usd:.6f})"
    )
    kept = replace(verdict, note=note)
    return (match if verdict.same else replace(match, hit=False)), kept


def _told_withdrawn(
    decision: RoutingDecision, withdrawn: tuple[str, str] | None
) -> RoutingDecision:
    """``decision`` with the reason an entry asking the same no longer serves it."""
    if withdrawn is None:
        return decision
    entry_id, why = withdrawn
    reason = f"answer cache: entry {entry_id[:12]} {why}; answered anew"
    return decision.model_copy(update={"reasons": [*decision.reasons, reason]})


def store_answer(
    messages: Sequence[BaseMessage],
    decision: RoutingDecision,
    answer: str,
    *,
    cache: AnswerCache,
    scope: str,
    cost_usd: float,
    model: str,
    options: OrchestratorConfig,
) -> str:
    """Keep the answer of a turn answered normally in ``cache``; the new entry's id."""
    assert options.cache is not None
    text = message_text(messages[-1])
    vector = request_vector(text, options)
    own = 0.0
    near = decision.cache
    if near is not None and not near.hit and not answers_agree(answer, cache.answer(near.entry_id)):
        cache.raise_threshold(scope, near.entry_id, near.similarity)
        own = raised(own, near.similarity)
    return cache.store(
        scope,
        context_key(messages),
        text,
        vector,
        answer,
        ttl_s=options.cache.ttl_s,
        cost_usd=cost_usd,
        model=model,
        threshold=own,
    )


def answers_agree(first: str, second: str) -> bool:
    """Whether two answers say the same: equal up to case and spacing, or the same
    numbers and embeddings at cosine >= ``AGREEING_ANSWERS``."""
    if request_key(first) == request_key(second):
        return True
    if not first.strip() or not second.strip():
        return False
    if signature(first).numbers != signature(second).numbers:
        return False
    vectors = shared_embedder().embed([first, second])
    return float(vectors[0] @ vectors[1]) >= AGREEING_ANSWERS
