"""OpenAICompatibleServer: ChatOpenAI over real HTTP against simulated models."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from orchestrator_graph.conversation.tokens import count_messages, count_text
from orchestrator_graph.testing.openai_server import OpenAICompatibleServer
from orchestrator_graph.testing.simulated import SimulatedChatModel

pytestmark = [pytest.mark.integration]  # an OpenAI-compatible server on 127.0.0.1

API_KEY = "sk-test-not-real"
LONG_SYSTEM = "You are a careful assistant. " + " ".join(
    f"Rule {i}: state assumptions, show units, and keep answers short." for i in range(150)
)


@pytest.fixture
def server() -> Iterator[OpenAICompatibleServer]:
    with OpenAICompatibleServer() as running:
        yield running


def chat(server: OpenAICompatibleServer, **kwargs: Any) -> ChatOpenAI:
    options: dict[str, Any] = {"model": "gpt-4.1-mini", "max_retries": 0, "timeout": 10}
    options.update(kwargs)
    return ChatOpenAI(base_url=server.base_url, api_key=API_KEY, **options)


def post(server: OpenAICompatibleServer, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{server.base_url}/chat/completions",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_invoke_reports_tiktoken_usage_and_cache_reads(server: OpenAICompatibleServer) -> None:
    llm = chat(server)
    messages = [SystemMessage(LONG_SYSTEM), HumanMessage("How long is a marathon?")]
    first = llm.invoke(messages)
    simulated = server.models["gpt-4.1-mini"]
    sent = simulated.requests[-1]
    assert [(m.type, m.text) for m in sent.messages] == [(m.type, m.text) for m in messages]
    usage = first.usage_metadata
    assert usage["input_tokens"] == count_messages(messages) == sent.input_tokens
    assert usage["output_tokens"] == count_text(first.text) == sent.output_tokens
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["input_token_details"]["cache_read"] == 0
    assert first.response_metadata["finish_reason"] == "stop"
    assert first.text == sent.text and first.text.startswith("[simulated gpt-4.1-mini]")

    second = llm.invoke([*messages, first, HumanMessage("And in miles?")])
    cached = second.usage_metadata["input_token_details"]["cache_read"]
    assert cached == simulated.requests[-1].cached_input_tokens
    assert cached >= 1024 and cached % 128 == 0


async def test_async_invoke(server: OpenAICompatibleServer) -> None:
    reply = await chat(server).ainvoke("What is the capital of Peru?")
    assert reply.usage_metadata["output_tokens"] == count_text(reply.text) > 0


def test_given_models_replay_and_max_tokens(server: OpenAICompatibleServer) -> None:
    with OpenAICompatibleServer(
        {"gpt-4.1": SimulatedChatModel(model_name="gpt-4.1", answers={"Ping?": "Pong."})}
    ) as local:
        assert chat(local, model="gpt-4.1").invoke("Ping?").text == "Pong."
    limited = chat(server, max_tokens=6).invoke("Tell me about the history of bridges.")
    assert limited.usage_metadata["output_tokens"] == 6
    assert limited.response_metadata["finish_reason"] == "length"
    body = server.requests[-1].body
    assert body.get("max_tokens", body.get("max_completion_tokens")) == 6


def test_streaming_with_usage(server: OpenAICompatibleServer) -> None:
    prompt = "Write a function that reverses a string."
    expected = SimulatedChatModel(model_name="gpt-4.1-mini").invoke([HumanMessage(prompt)])
    chunks = list(chat(server, stream_usage=True).stream(prompt))
    assert len(chunks) > 3
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    assert total.text == expected.text
    assert total.usage_metadata["input_tokens"] == expected.usage_metadata["input_tokens"]
    assert total.usage_metadata["output_tokens"] == expected.usage_metadata["output_tokens"]
    assert total.response_metadata["finish_reason"] == "stop"
    assert server.requests[-1].body["stream"] is True


def test_raw_sse_format(server: OpenAICompatibleServer) -> None:
    body = {
        "model": "gpt-4.1-nano",
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    status, raw = post(server, json.dumps(body).encode())
    assert status == 200
    events = [line[6:] for line in raw.decode().split("\n\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["prompt_tokens"] == count_messages([HumanMessage("Hi")])
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[:-1])
    assert chunks[-1]["usage"]["completion_tokens"] == count_text(text)


def test_injected_429_is_retried(server: OpenAICompatibleServer) -> None:
    server.inject(429)
    reply = chat(server, max_retries=1).invoke("Hello?")
    assert reply.usage_metadata["output_tokens"] > 0
    assert [r.status for r in server.requests] == [429, 200]


def test_injected_500_without_retries_raises(server: OpenAICompatibleServer) -> None:
    server.inject(500, times=2)
    with pytest.raises(openai.InternalServerError):
        chat(server, max_retries=0).invoke("Hello?")
    with pytest.raises(openai.InternalServerError):
        chat(server, max_retries=0).invoke("Hello?")
    assert chat(server).invoke("Hello?").text
    assert [r.status for r in server.requests] == [500, 500, 200]


def test_injected_delay_hits_client_timeout(server: OpenAICompatibleServer) -> None:
    server.inject_delay(3)
    with pytest.raises(openai.APITimeoutError):
        chat(server, timeout=0.3, max_retries=0).invoke("Hello?")
    assert chat(server, timeout=5).invoke("Hello?").text


def test_model_faults_map_to_http_errors(server: OpenAICompatibleServer) -> None:
    server.model("gpt-4.1-mini").faults.append("rate_limit")
    with pytest.raises(openai.RateLimitError):
        chat(server).invoke("Hello?")


def test_no_api_key_is_logged(server: OpenAICompatibleServer) -> None:
    chat(server).invoke("Hello?")
    list(chat(server, stream_usage=True).stream("Hello?"))
    post(server, b'{"model": "m", "messages": [{"role": "user", "content": "x"}]}')
    assert len(server.requests) == 3
    logged = repr(server.requests) + repr([m.requests for m in server.models.values()])
    assert API_KEY not in logged
    assert "Authorization" not in logged and "authorization" not in logged


def test_bad_requests_and_models_list(server: OpenAICompatibleServer) -> None:
    status, raw = post(server, b"{not json")
    assert status == 400
    assert json.loads(raw)["error"]["type"] == "invalid_request_error"
    status, raw = post(server, b'{"model": "gpt-4.1"}')
    assert status == 400 and "messages" in json.loads(raw)["error"]["message"]
    status, _ = post(server, b'{"model": "gpt-4.1", "messages": [{"role": "wizard"}]}')
    assert status == 400
    assert [r.status for r in server.requests] == [400, 400, 400]
    assert server.requests[0].body is None

    server.model("gpt-4.1")
    with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as response:
        listed = json.loads(response.read())
    assert [m["id"] for m in listed["data"]] == ["gpt-4.1"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server.base_url}/nothing", timeout=5)
    assert missing.value.code == 404


def test_base_url_requires_a_running_server() -> None:
    server = OpenAICompatibleServer()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    with server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.base_url.endswith("/v1")
