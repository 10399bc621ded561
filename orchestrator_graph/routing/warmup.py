"""Warm-up: load once what a decision needs, so a process's first turn is not slow.

Cold, the first decision of a process took about 0.5 s: building the tiktoken
encoding from the shipped BPE file (about 0.35 s), opening the quality model's
ONNX session and tokenizer and running it once (about 0.2 s), and the first use of
the classifier's and the router's lazy parts. :func:`warm_up` runs one decision
(``evaluate_task``, no model call, nothing written) so that all of them are loaded;
``create_orchestrator`` calls it, so a built graph's first turn is warm. Every part
is kept per process: warming again with the same settings returns at once.
"""

from __future__ import annotations

import threading
import time

from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL, OrchestratorConfig

WARM_UP_REQUEST = "Warm up: what is the capital of Peru?"
_warmed: set[str] = set()
_lock = threading.Lock()


def warm_up(
    config: OrchestratorConfig | None = None,
    *,
    main_model: str = DEFAULT_MAIN_MODEL,
    worker_model: str = DEFAULT_WORKER_MODEL,
) -> float:
    """Load the token encoding, the quality model with its embedding, the classifier
    tiers and the prices that a decision under ``config`` uses; return the seconds it
    took (0.0 when these settings were warmed already in this process)."""
    from orchestrator_graph.routing.evaluate import (
        evaluate_task,  # evaluate imports the graph's parts
    )

    # no ledger (nothing written) and no budget (a small one would refuse the request)
    options = (config or OrchestratorConfig()).model_copy(
        update={"ledger_path": None, "ledger_url": None, "budget": None, "cache": None}
    )
    key = f"{main_model}|{worker_model}|{options.model_dump_json()}"
    with _lock:
        if key in _warmed:
            return 0.0
        started = time.perf_counter()
        evaluate_task(
            [WARM_UP_REQUEST], config=options, main_model=main_model, worker_model=worker_model
        )
        _warmed.add(key)
        return time.perf_counter() - started
