"""The offline sentence embedding (the real model, shipped with the package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from orchestrator_graph.quality import embedding
from orchestrator_graph.quality.embedding import DIMENSIONS, Embedder


def test_similar_texts_are_closer_than_unrelated_ones() -> None:
    embedder = Embedder()
    vectors = embedder.embed(
        [
            "How do I convert Celsius to Fahrenheit?",
            "What is the formula from degrees C to degrees F?",
            "Write a short poem about autumn leaves.",
        ]
    )
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > 0.4 and similar > unrelated + 0.3


def test_each_text_is_embedded_once_and_padding_does_not_change_vectors() -> None:
    embedder = Embedder()
    short, long = "Hello there.", "A much longer sentence " * 20
    alone = embedder.embed_one(short)
    assert embedder.computed == 1
    again = embedder.embed([short, long, short, long])
    assert embedder.computed == 2  # only the long text was new
    assert np.allclose(again[0], alone) and np.allclose(again[2], alone)
    fresh = Embedder().embed([long, short])  # batched with a longer text: padded
    assert np.allclose(fresh[1], alone, atol=1e-5)


def test_a_long_text_is_read_from_its_head_with_the_same_vector(monkeypatch) -> None:
    pasted = "Quarterly revenue grew in every region, led by EMEA. " * 500  # 26 kB
    unbroken = "x" * 3000 + " tail"  # no whitespace in the head: read whole
    words = "internationalization " * 300  # a head of long words, still enough tokens
    texts = [pasted, unbroken, words, "Hello there."]
    assert len(embedding._head(pasted)) <= embedding.HEAD_CHARS
    assert embedding._head(unbroken) == unbroken
    read: list[list[str]] = []
    embedder = Embedder(cache_size=0)
    embedder.embed_one("warm")  # loads the tokenizer
    encode = embedder._tokenizer.encode_batch
    monkeypatch.setattr(
        embedder, "_tokenizer", SimpleNamespace(encode_batch=lambda b: read.append(b) or encode(b))
    )
    heads = embedder.embed(texts)
    assert max(len(t) for t in read[0]) <= embedding.HEAD_CHARS + len(unbroken)  # not 26 kB
    monkeypatch.setattr(embedding, "HEAD_CHARS", 10**9)  # the tokenizer reads every text whole
    whole = Embedder(cache_size=0).embed(texts)
    assert np.array_equal(heads, whole)


def test_the_cache_is_bounded() -> None:
    embedder = Embedder(cache_size=2)
    embedder.embed(["one", "two", "three"])
    embedder.embed(["one"])
    assert embedder.computed == 4  # "one" was evicted


@pytest.mark.slow  # a subprocess
def test_importing_loads_nothing() -> None:
    code = (
        "import sys, orchestrator_graph.quality.embedding, orchestrator_graph.quality.model; "
        "print('onnxruntime' in sys.modules, 'tokenizers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.slow  # a subprocess
def test_embedding_writes_nothing_under_home(tmp_path: Path) -> None:  # onnxruntime telemetry
    home = tmp_path / "home"
    home.mkdir()
    code = (
        "from orchestrator_graph.quality.embedding import Embedder; "
        "Embedder().embed_one('hello world')"
    )
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "TIKTOKEN_CACHE_DIR": str(tmp_path / "tiktoken"),  # the package's own token cache
    }
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    assert list(home.iterdir()) == []
