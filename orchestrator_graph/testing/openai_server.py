"""An OpenAI-compatible HTTP server on 127.0.0.1 backed by simulated models.

For tests and offline demos: ``ChatOpenAI`` (or any OpenAI client) talks real
HTTP to it, and every answer comes from a :class:`SimulatedChatModel`, so the
reported usage is the tiktoken count of what was sent. Standard library only.

Example:
    >>> from langchain_openai import ChatOpenAI
    >>> with OpenAICompatibleServer() as server:  # doctest: +SKIP
    ...     llm = ChatOpenAI(model="gpt-4.1-mini", base_url=server.base_url, api_key="sk-x")
    ...     llm.invoke("Hello").usage_metadata
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from orchestrator_graph.testing.simulated import SimulatedChatModel, SimulatedProviderError

_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    404: ("invalid_request_error", "not_found"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", "overloaded"),
    504: ("timeout", None),
}


class BadRequestError(ValueError):
    """A request the server cannot parse (answered with HTTP 400)."""


@dataclass(frozen=True)
class ServerRequest:
    """One HTTP request as logged: method, path, parsed JSON body, status. Never headers."""

    method: str
    path: str
    body: Any
    status: int


def to_langchain_messages(messages: Any) -> list[BaseMessage]:
    """OpenAI chat ``messages`` JSON -> LangChain messages (text content only)."""
    if not isinstance(messages, list) or not messages:
        raise BadRequestError("'messages' must be a non-empty list")
    converted: list[BaseMessage] = []
    for index, item in enumerate(messages):
        if not isinstance(item, dict):
            raise BadRequestError(f"messages[{index}] must be an object")
        role, content, name = item.get("role"), item.get("content"), item.get("name")
        if isinstance(content, list):
            content = "".join(
                str(part.get("text", ""))
                for part in content
                if isinstance(part, dict) and part.get("type") == "text"
            )
        elif content is None:
            content = ""
        elif not isinstance(content, str):
            raise BadRequestError(f"messages[{index}].content must be a string or a list")
        if role in ("system", "developer"):
            converted.append(SystemMessage(content, name=name))
        elif role == "user":
            converted.append(HumanMessage(content, name=name))
        elif role == "assistant":
            converted.append(AIMessage(content, name=name))
        elif role == "tool":
            converted.append(ToolMessage(content, tool_call_id=str(item.get("tool_call_id", ""))))
        else:
            raise BadRequestError(f"messages[{index}].role {role!r} is not supported")
    return converted


def _usage(message: AIMessage) -> dict[str, Any]:
    usage = message.usage_metadata or {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    cached = (usage.get("input_token_details") or {}).get("cache_read", 0)
    return {
        "prompt_tokens": usage["input_tokens"],
        "completion_tokens": usage["output_tokens"],
        "total_tokens": usage["total_tokens"],
        "prompt_tokens_details": {"cached_tokens": cached},
    }


def _error_body(status: int, message: str) -> dict[str, Any]:
    kind, code = _ERROR_TYPES.get(status, ("api_error", None))
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class OpenAICompatibleServer:
    """A local OpenAI-compatible server (``/v1/models``, ``/v1/chat/completions``).

    Args:
        models: Simulated models by the name clients request; an unknown name gets
            a fresh ``SimulatedChatModel(model_name=name)``.
        port: The port on 127.0.0.1; 0 picks a free one.
        retry_after_s: The ``retry-after-ms`` hint sent with injected errors, so
            clients retry quickly in tests.

    ``inject(status, times)`` and ``inject_delay(seconds, times)`` affect the next
    chat-completion requests. ``requests`` logs each request's body and status;
    headers (and so API keys) are never stored.
    """

    def __init__(
        self,
        models: Mapping[str, SimulatedChatModel] | None = None,
        *,
        port: int = 0,
        retry_after_s: float = 0.05,
    ) -> None:
        self.models: dict[str, SimulatedChatModel] = dict(models or {})
        self.retry_after_s = retry_after_s
        self._port = port
        self._lock = threading.Lock()
        self._log: list[ServerRequest] = []
        self._statuses: deque[int] = deque()
        self._delays: deque[float] = deque()
        self._closing = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ids = 0

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        self._closing.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="openai-compatible-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port (pending delays end at once)."""
        self._closing.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("The server is not running; use it as a context manager")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """The OpenAI ``base_url``, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # -- faults, models, log --------------------------------------------------

    def inject(self, status: int, times: int = 1) -> None:
        """Answer the next ``times`` chat completions with HTTP ``status`` and an error body."""
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error (400-599), got {status}")
        with self._lock:
            self._statuses.extend([status] * times)

    def inject_delay(self, seconds: float, times: int = 1) -> None:
        """Delay the next ``times`` chat-completion answers by ``seconds``."""
        with self._lock:
            self._delays.extend([float(seconds)] * times)

    def model(self, name: str) -> SimulatedChatModel:
        """The simulated model behind ``name``, created on first use."""
        with self._lock:
            if name not in self.models:
                self.models[name] = SimulatedChatModel(model_name=name)
            return self.models[name]

    @property
    def requests(self) -> list[ServerRequest]:
        """A snapshot of the logged requests, oldest first."""
        with self._lock:
            return list(self._log)

    def _record(self, method: str, path: str, body: Any, status: int) -> None:
        with self._lock:
            self._log.append(ServerRequest(method, path, body, status))

    def _next(self) -> tuple[int | None, float, str]:
        """Pop the injected status and delay for one request; give it an id."""
        with self._lock:
            status = self._statuses.popleft() if self._statuses else None
            delay = self._delays.popleft() if self._delays else 0.0
            self._ids += 1
            return status, delay, f"chatcmpl-sim-{self._ids}"

    # -- chat completions -----------------------------------------------------

    def _complete(self, body: dict[str, Any]) -> tuple[int, Any, bool]:
        """Run one chat completion: (status, JSON body or SSE chunk iterator, is_stream)."""
        name = body.get("model")
        if not isinstance(name, str) or not name:
            raise BadRequestError("'model' must be a non-empty string")
        messages = to_langchain_messages(body.get("messages"))
        status, delay, completion_id = self._next()
        if delay and self._closing.wait(delay):
            return 503, _error_body(503, "The server is shutting down"), False
        if status is not None:
            return status, _error_body(status, f"Injected HTTP {status} (simulated)"), False
        kwargs: dict[str, Any] = {}
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        if limit is not None:
            kwargs["max_tokens"] = int(limit)
        stop = body.get("stop")
        if isinstance(stop, str):
            stop = [stop]
        try:
            message = self.model(name).invoke(messages, stop=stop, **kwargs)
        except SimulatedProviderError as error:
            return error.status_code, _error_body(error.status_code, str(error)), False
        created = int(time.time())
        base = {"id": completion_id, "created": created, "model": name}
        finish = message.response_metadata.get("finish_reason", "stop")
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return 200, _sse_chunks(base, message, finish, include_usage), True
        return (
            200,
            {
                **base,
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": message.text, "refusal": None},
                        "finish_reason": finish,
                        "logprobs": None,
                    }
                ],
                "usage": _usage(message),
            },
            False,
        )


def _sse_chunks(
    base: dict[str, Any], message: AIMessage, finish: str, include_usage: bool
) -> Iterator[dict[str, Any]]:
    """The streamed ``chat.completion.chunk`` objects of one answer."""
    words = message.text.split(" ")
    pieces = [" ".join(words[i : i + 3]) + " " for i in range(0, len(words), 3)]
    if pieces:
        pieces[-1] = pieces[-1][:-1]
    extra = {"usage": None} if include_usage else {}

    def chunk(delta: dict[str, Any], reason: str | None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": reason, "logprobs": None}
        return {**base, "object": "chat.completion.chunk", "choices": [choice], **extra}

    yield chunk({"role": "assistant", "content": ""}, None)
    for piece in pieces:
        if piece:
            yield chunk({"content": piece}, None)
    yield chunk({}, finish)
    if include_usage:
        yield {**base, "object": "chat.completion.chunk", "choices": [], "usage": _usage(message)}


class _Handler(BaseHTTPRequestHandler):
    """The HTTP side of a simulator: the OpenAI routes, answered by ``simulator``."""

    simulator: OpenAICompatibleServer  # set per server by ``_handler_for``
    protocol_version = "HTTP/1.0"
    server_version = "OpenAICompatibleSimulator/0.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        return

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status >= 400 and status not in (400, 404):
            self.send_header("retry-after-ms", str(int(self.simulator.retry_after_s * 1000)))
        self.end_headers()
        self.wfile.write(data)

    def _send_sse(self, chunks: Iterator[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for item in chunks:
            self.wfile.write(f"data: {json.dumps(item)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/v1/models":
            with self.simulator._lock:
                names = sorted(self.simulator.models)
            data = [
                {"id": n, "object": "model", "created": 0, "owned_by": "simulated"} for n in names
            ]
            status, payload = 200, {"object": "list", "data": data}
        else:
            status, payload = 404, _error_body(404, f"Unknown path {path!r}")
        self.simulator._record("GET", path, None, status)
        self._reply(lambda: self._send_json(status, payload))

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body: Any = None
        payload: Any  # a JSON body, or the SSE chunk iterator of a stream
        stream = False
        try:
            body = json.loads(raw or b"null")
            if not isinstance(body, dict):
                raise BadRequestError("The request body must be a JSON object")
            if path != "/v1/chat/completions":
                status, payload = 404, _error_body(404, f"Unknown path {path!r}")
            else:
                status, payload, stream = self.simulator._complete(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            status, payload = 400, _error_body(400, f"The body is not valid JSON: {error}")
        except (BadRequestError, ValueError, TypeError) as error:
            status, payload = 400, _error_body(400, str(error))
        self.simulator._record("POST", path, body, status)
        if stream:
            self._reply(lambda: self._send_sse(payload))
        else:
            self._reply(lambda: self._send_json(status, payload))

    def _reply(self, send: Any) -> None:
        # The client may have given up (e.g. its timeout fired): nothing to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            send()


def _handler_for(server: OpenAICompatibleServer) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to ``server`` (``http.server`` builds one per request)."""
    return type("Handler", (_Handler,), {"simulator": server})


__all__ = ["BadRequestError", "OpenAICompatibleServer", "ServerRequest", "to_langchain_messages"]
