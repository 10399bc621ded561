"""A/B tests of routing strategies on live traffic: threads, never single turns, are
assigned to arms by a stable hash, so a conversation keeps one strategy throughout
(and its prompt cache); the ledger records each turn's arm (``report --ab``)."""

from __future__ import annotations

import hashlib

from orchestrator_graph.config import ABTest, OrchestratorConfig


def assign_arm(test: ABTest, thread_id: str) -> str:
    """The arm of ``thread_id``: a uniform draw from SHA-256 of the salt and the thread id
    (the same in every process and release), cut by the arms' shares in their order."""
    digest = hashlib.sha256(f"{test.salt}:{thread_id}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64
    cumulative = 0.0
    for name, arm in test.arms.items():
        cumulative += arm.share
        if draw < cumulative:
            return name
    return name  # rounding of the shares: the last arm


def arm_options(
    options: OrchestratorConfig, thread_id: str
) -> tuple[OrchestratorConfig, str | None]:
    """The options of the thread's arm and its name (``options`` and None without a test)."""
    if options.ab is None:
        return options, None
    arm = assign_arm(options.ab, thread_id)
    return options.updated(options.ab.arms[arm].options), arm
