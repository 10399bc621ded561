"""The answer cache's entries in a real SQLite file and in a real PostgreSQL database
(``pg_ledger``: a fresh schema per test; those runs are ``slow``), with real embeddings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from orchestrator_graph.cache.check import threshold_for
from orchestrator_graph.cache.store import AnswerCache
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.quality.embedding import shared_embedder

THRESHOLD = threshold_for(0.01)
DUNE = "Who wrote the novel Dune?"
DUNE_AGAIN = "Who is the author of the novel Dune?"


def vector(text: str) -> np.ndarray:
    return shared_embedder().embed_one(text)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's cache is: a SQLite file, or a fresh schema of the Postgres server."""
    if request.param == "sqlite":
        return tmp_path / "answer_cache.sqlite"
    return str(request.getfixturevalue("pg_ledger"))


@pytest.fixture
def cache(location: str | Path) -> Iterator[AnswerCache]:
    with AnswerCache(location) as opened:
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


def test_entries_survive_reopening_the_cache(location: str | Path) -> None:
    with AnswerCache(location) as first:
        first.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
    with AnswerCache(location) as again:
        hit = again.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
        assert hit is not None and hit.hit and hit.answer == "Frank Herbert."


def eventually(found, timeout_s: float = 5.0):
    """``found()`` once it is truthy: another holder's write reaches this one when its
    notification arrives (Postgres: a moment after the commit; SQLite: at once)."""
    deadline = time.monotonic() + timeout_s
    while not (result := found()) and time.monotonic() < deadline:
        time.sleep(0.005)
    return result


def test_two_holders_see_each_others_entries_and_withdrawals(location: str | Path) -> None:
    """Two holders of one cache (as two processes or replicas): an entry stored by one
    is served by the other; a withdrawal by one stops the other serving it at once."""
    with AnswerCache(location) as reader, AnswerCache(location) as writer:
        assert reader.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD) is None  # loaded
        entry = writer.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)

        def paraphrase_hit():
            match = reader.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
            return match if match is not None and match.hit else None

        match = eventually(paraphrase_hit)
        assert match is not None and match.entry_id == entry
        writer.withdraw(entry, "withdrawn after negative feedback")
        assert reader.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD) is None
        assert reader.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD) is None
        assert reader.withdrawal("t", "", DUNE) == (entry, "withdrawn after negative feedback")


def test_a_threshold_raised_by_another_holder_is_applied(location: str | Path) -> None:
    with AnswerCache(location) as reader, AnswerCache(location) as writer:
        entry = writer.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
        hit = eventually(
            lambda: reader.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
        )
        assert hit is not None and hit.hit
        writer.raise_threshold("t", entry, hit.similarity)
        near = reader.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
        assert near is not None and not near.hit and near.entry_id == entry


def test_a_raised_threshold_turns_a_hit_into_a_near_miss(
    cache: AnswerCache, location: str | Path
) -> None:
    entry = cache.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
    hit = cache.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
    assert hit is not None and hit.hit
    assert cache.raise_threshold("t", entry, hit.similarity) > hit.similarity
    near = cache.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
    assert near is not None and not near.hit and near.entry_id == entry
    with AnswerCache(location) as reopened:  # the entry's own threshold is stored
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


def test_a_cache_from_before_withdrawals_gets_the_column(location: str | Path) -> None:
    with AnswerCache(location) as first:
        first.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
        with first.rows.transaction() as tx:
            tx.execute("ALTER TABLE answer_cache DROP COLUMN withdrawn")
    with AnswerCache(location) as again:
        hit = again.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD)
        assert hit is not None and hit.hit


def test_withdrawing_a_newer_entry_leaves_an_older_one_for_the_same_request(
    location: str | Path,
) -> None:
    with AnswerCache(location) as first:
        older = first.store("t", "", DUNE, None, "Frank Herbert.", ttl_s=60)
        newer = first.store("t", "", DUNE, None, "Brian Herbert.", ttl_s=60)
        first.withdraw(newer, "withdrawn after negative feedback")
    with AnswerCache(location) as again:  # read back in the order stored
        match = again.lookup("t", "", DUNE, None, threshold=THRESHOLD)
        assert match is not None and match.exact and match.entry_id == older


def test_a_file_that_is_not_a_cache_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "answer_cache.sqlite"
    path.write_text("not a database")
    with pytest.raises(LedgerError, match=r"answer cache.*set CacheConfig\.path to another"):
        AnswerCache(path)
    assert path.read_text() == "not a database"


def test_a_threshold_is_raised_on_an_entry_withdrawn_meanwhile(location: str | Path) -> None:
    """A turn came near an entry that another holder withdrew before the turn stored
    its own answer: raising the entry's threshold used to fail (it was not in memory)."""
    with AnswerCache(location) as turn, AnswerCache(location) as feedback:
        entry = turn.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
        near = turn.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
        assert near is not None and near.entry_id == entry
        feedback.withdraw(entry, "withdrawn after negative feedback")
        assert turn.raise_threshold("t", entry, near.similarity) > near.similarity
        (row,) = feedback.entries("t")
        assert row["threshold"] > near.similarity and row["withdrawn"]
        assert turn.raise_threshold("t", "gone", 0.9) > 0.9  # deleted meanwhile: nothing


@pytest.mark.slow
def test_a_holder_whose_listening_connection_broke_reads_its_scopes_again(
    pg_ledger: str,
) -> None:
    """Notifications sent while a holder's listening connection is down are lost: the
    next lookup reads the scope again rather than missing what was written meanwhile."""
    import psycopg

    with AnswerCache(pg_ledger) as reader, AnswerCache(pg_ledger) as writer:
        assert reader.lookup("t", "", DUNE, vector(DUNE), threshold=THRESHOLD) is None  # loaded
        listen = f'LISTEN "{reader.rows.channel("answer_cache")}"'  # type: ignore[attr-defined]
        with psycopg.connect(pg_ledger, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
                [listen],
            ).fetchall()
        assert len(ended) == 2  # both holders' listening connections
        time.sleep(0.3)  # the server has closed them
        writer.store("t", "", DUNE, vector(DUNE), "Frank Herbert.", ttl_s=60)
        time.sleep(0.1)
        hit = reader.lookup("t", "", DUNE_AGAIN, vector(DUNE_AGAIN), threshold=THRESHOLD)
        assert hit is not None and hit.hit
