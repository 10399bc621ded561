"""``CompressedSerializer``: checkpoint values of a few hundred bytes or more stored
zlib-compressed, for the SQLite checkpointers.

``SqliteSaver`` stores every checkpoint whole (each channel's value again, and the
channel versions), and LangGraph offers no compression of its own; its values
compress about 2.6x (a long thread's file about 2x). A compressed value's type is the inner
serializer's with ``+zlib`` (``"msgpack+zlib"``), the scheme of LangGraph's
``EncryptedSerializer``; a value without it (a file written before, a small value)
loads as it is, so old files stay readable. Postgres is left alone: it stores each
channel value once per version and compresses large values itself (TOAST).
"""

from __future__ import annotations

import zlib
from typing import Any

from langgraph.checkpoint.serde.base import SerializerProtocol

SUFFIX = "+zlib"
COMPRESS_FROM = 256
"""Values shorter than this many bytes are stored as they are (zlib's header and the
little it saves on them cost more than they gain)."""
LEVEL = 1
"""zlib's fastest level: 0.1 ms for a 6 kB checkpoint, nearly the ratio of level 6."""


class CompressedSerializer(SerializerProtocol):
    """``serde``'s bytes, zlib-compressed from ``COMPRESS_FROM`` bytes on."""

    def __init__(self, serde: SerializerProtocol) -> None:
        self.serde = serde

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        type_, data = self.serde.dumps_typed(obj)
        if len(data) < COMPRESS_FROM:
            return type_, data
        return type_ + SUFFIX, zlib.compress(data, LEVEL)

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        type_, blob = data
        if type_.endswith(SUFFIX):
            return self.serde.loads_typed((type_.removesuffix(SUFFIX), zlib.decompress(blob)))
        return self.serde.loads_typed(data)
