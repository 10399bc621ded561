"""Structured output for the simulated model: arguments that fill a tool's JSON schema,
and the tool call an answer's JSON text stands for."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages.tool import ToolCall


def fill_schema(schema: dict[str, Any], seed: bytes) -> dict[str, Any]:
    """Arguments for a JSON schema's properties: an ``enum`` value picked by ``seed``,
    False, 0 or a short text."""
    values: dict[str, Any] = {}
    for i, (name, spec) in enumerate((schema.get("properties") or {}).items()):
        pick = seed[i % len(seed)]
        if "enum" in spec:
            values[name] = spec["enum"][pick % len(spec["enum"])]
        else:
            kind = spec.get("type")
            values[name] = {"boolean": False, "integer": 0, "number": 0}.get(kind, "simulated")
    return values


def tool_calls(tools: Sequence[dict[str, Any]] | None, text: str) -> list[ToolCall]:
    """The call of the first tool with ``text`` as its arguments (none without tools; a
    text that is not a JSON object, e.g. truncated, gives empty arguments)."""
    if not tools:
        return []
    try:
        args = json.loads(text)
    except ValueError:
        args = {}
    args = args if isinstance(args, dict) else {}
    name = tools[0]["function"]["name"]
    digest = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
    return [ToolCall(name=name, args=args, id=f"call_{digest}")]
