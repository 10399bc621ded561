"""Quality-model prediction latency on synthetic 100-message sessions (p50 / p99 ms).

Times ``QualityModel.predict`` for the last request of each session, with the
``lexical`` feature set (rules + lexical) and with the ``embedding`` one (the
shipped model), each request a new text (an embedding cache miss), given the
``TaskProfile`` that ``classify`` made (as in the graph) and without it. Not a
test: it prints the figures against the goals (p99 <= 2 ms without the embedding,
<= 10 ms with it).

    .venv/bin/python benchmarks/quality_latency.py [--sessions 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import numpy as np
from decision_latency import session  # the same synthetic sessions as the decision bench

from orchestrator_graph.quality.features import feature_names
from orchestrator_graph.quality.model import QualityModel, load_quality_model
from orchestrator_graph.routing.classify import classify_request


def _lexical_model(like: QualityModel) -> QualityModel:
    size = len(feature_names("lexical"))
    return QualityModel(
        "lexical", np.zeros(size), 0.0, np.zeros(size), np.ones(size), like.calibration
    )


def _percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {statistics.median(values):6.2f} ms   p99 {cuts[98]:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--messages", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    sessions = [session(rng, args.messages) for _ in range(args.sessions)]
    for n, messages in enumerate(sessions):  # each request a distinct text: no cache hit
        messages[-1].content = f"{messages[-1].content} (request {n})"
    shipped = load_quality_model()
    models = {"lexical": _lexical_model(shipped), "embedding": shipped}
    shipped.predict(sessions[0][:2])  # load the embedding model once
    for name, model in models.items():
        for given in (True, False):
            times = []
            for messages in sessions:
                profile = classify_request(messages) if given else None
                start = time.perf_counter()
                model.predict(messages, profile=profile)
                times.append((time.perf_counter() - start) * 1000)
                messages[-1].content += " again"  # a new text for the next run
            label = "profile given" if given else "classifies too"
            print(f"{name:<9} {label:<15} {_percentiles(times)}")


if __name__ == "__main__":
    main()
