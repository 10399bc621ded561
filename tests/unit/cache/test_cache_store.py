"""The answer cache's entries in a real SQLite file, with real embeddings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orchestrator_graph.cache.check import threshold_for
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.quality.embedding import shared_embedder

THRESHOLD = threshold_for(0.01)
DUNE = "Who wrote the novel Dune?"
DUNE_AGAIN = "Who is the author of the novel Dune?"


def vector(text: str) -> np.ndarray:
    return shared_embedder().embed_one(text)


@pytest.fixture
def cache(tmp_path: Path):
    with AnswerCache(tmp_path / "answer_cache.sqlite") as opened:
        yield opened


def test_a_paraphrase_hits_and_an_exact_repeat_hits_without_a_vector(cache: AnswerCache) -> None:
    entry = cache.store("tenant-a", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
    paraphrase = cache.lookup("tenant-a", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
    assert paraphrase is not None and paraphrase.hit and not paraphrase.exact
    assert (paraphrase.entry_id, paraphrase.answer) == (entry, "Frank Herbert.")
    assert paraphrase.score >= THRESHOLD and paraphrase.similarity < 1.0
    exact = cache.lookup("tenant-a", "", "who wrote the novel dune", None, threshold=THRESHOLD)
    assert exact is not None and exact.hit and exact.exact


def test_one_scope_never_sees_another_scopes_answers(cache: AnswerCache) -> None:
    cache.store("tenant-a", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
    assert cache.lookup("tenant-b", "", DUNE, vector(DUNE), threshold=THRESHOLD) is None
    assert cache.lookup("tenant-a", "", DUNE, vector(DUNE), threshold=THRESHOLD) is not None


def test_other_standing_instructions_do_not_match(cache: AnswerCache) -> None:
    cache.store("tenant-a", "pirate-persona", DUNE, vector(DUNE), "Arr, Herbert.", ttl_s=60)
    assert cache.lookup("tenant-a", "", DUNE, vector(DUNE), threshold=THRESHOLD) is None
    hit = cache.lookup("tenant-a", "pirate-persona", DUNE, vector(DUNE), threshold=THRESHOLD)
    assert hit is not None and hit.answer == "Arr, Herbert."


def test_an_entry_expires_after_its_ttl(cache: AnswerCache) -> None:
    cache.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=10, now=1000.0)
    assert cache.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD, now=1009.0) is not None
    assert cache.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD, now=1010.5) is None
    cache.store("t", "", "Capital of Peru?", None, "Lima.", ttl_s=10, now=1020.0)
    assert [e["request"] for e in cache.entries("t")] == ["Capital of Peru?"]  # expired: deleted


def test_a_guard_stops_a_near_miss_above_the_threshold(cache: AnswerCache) -> None:
    cached, asked = "Convert 30 C to F", "Convert 30 F to C"
    cache.store("t", "", cached, vector(cached), "86 F", ttl_s=60)
    assert float(vector(cached) @ vector(asked)) >= THRESHOLD
    assert cache.lookup("t", "", asked, vector(asked), threshold=THRESHOLD) is None


def test_entries_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "answer_cache.sqlite"
    with AnswerCache(path) as first:
        first.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
    with AnswerCache(path) as again:
        hit = again.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
        assert hit is not None and hit.hit and hit.answer == "Frank Herbert."


def test_another_connections_write_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "answer_cache.sqlite"
    with AnswerCache(path) as reader, AnswerCache(path) as writer:
        assert reader.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD) is None  # loaded
        writer.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
        assert reader.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD) is not None


def test_a_raised_threshold_turns_a_hit_into_a_near_miss(cache: AnswerCache) -> None:
    entry = cache.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
    hit = cache.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
    assert hit is not None and hit.hit
    assert cache.raise_threshold("t", entry, hit.similarity) > hit.similarity
    near = cache.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
    assert near is not None and not near.hit and near.entry_id == entry
    with AnswerCache(cache.path) as reopened:  # the entry's own threshold is stored
        again = reopened.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
        assert again is not None and not again.hit


def test_a_withdrawn_entry_stops_serving_and_says_why(cache: AnswerCache) -> None:
    entry = cache.store("t", "", DUNE, vector(DUNE), "Brian Herbert.", ttl_s=60)
    cache.withdraw(entry, "withdrawn after negative feedback")
    assert cache.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD) is None
    assert cache.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD) is None
    assert cache.withdrawal("t", "", "who wrote the novel dune") == (
        entry,
        "withdrawn after negative feedback",
    )
    assert cache.withdrawal("other-scope", "", DUNE) is None


def test_a_cache_from_before_withdrawals_gets_the_column(tmp_path: Path) -> None:
    path = tmp_path / "answer_cache.sqlite"
    with AnswerCache(path) as first:
        first.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
        first.db.execute("ALTER TABLE answer_cache DROP COLUMN withdrawn")
    with AnswerCache(path) as again:
        hit = again.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD)
        assert hit is not None and hit.hit
