"""A local OpenAI-compatible Chat Completions server on 127.0.0.1, scripted per test.

The real `openai` client talks to it over HTTP (OPENAI_BASE_URL = `double.base_url`). Each request takes the
next scripted step: a reply text, tool calls, an HTTP error (429, 500), a hang past the client's timeout, or
a malformed body. With the script empty it answers with `default_reply`. Every request is recorded with its
parsed JSON body, so tests can read the prompt and tools the agent sent.

Token usage is estimated at four characters per token (prompt = the JSON of messages and tools), which is
what the benchmarks report as prompt tokens when they run against this double.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Responder = Callable[[dict[str, Any]], "Step"]


@dataclass
class Step:
    """One scripted answer. Build them with the helpers below."""

    kind: str  # "reply", "tools", "error", "hang", "malformed", "responder"
    content: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    seconds: float = 0.0
    responder: Responder | None = None


def reply(text: str) -> Step:
    return Step("reply", content=text)


def tool_call(name: str, arguments: dict[str, Any] | str, *more: tuple[str, dict[str, Any] | str]) -> Step:
    """An assistant turn calling one tool (or several: pass more (name, arguments) pairs)."""
    calls = [(name, arguments), *more]
    return Step(
        "tools",
        tool_calls=[
            {
                "id": f"call_{uuid.uuid4().hex[:12]}",
                "type": "function",
                "function": {"name": n, "arguments": a if isinstance(a, str) else json.dumps(a)},
            }
            for n, a in calls
        ],
    )


def error(status: int) -> Step:
    return Step("error", status=status)


def hang(seconds: float) -> Step:
    return Step("hang", seconds=seconds)


def malformed() -> Step:
    return Step("malformed")


def respond_with(responder: Responder) -> Step:
    """Decide the answer from the request (e.g. echo what the prompt contained)."""
    return Step("responder", responder=responder)


def estimate_tokens(payload: Any) -> int:
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return max(1, len(text) // 4)


class OpenAIDouble:
    """Serve with `start()`; script with `push()`; read `requests`; `stop()` at the end."""

    def __init__(self, default_reply: str = "Sounds good. Keep it up!") -> None:
        self.default_reply = default_reply
        self.model = "coach-test-model"
        self._lock = threading.Lock()
        self._script: list[Step] = []
        self._requests: list[dict[str, Any]] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> OpenAIDouble:
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="openai-double", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    @property
    def base_url(self) -> str:
        """The value for OPENAI_BASE_URL."""
        assert self._server is not None, "the double is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def push(self, *steps: Step) -> None:
        with self._lock:
            self._script.extend(steps)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._requests.clear()
        self._stopping.clear()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of every chat completion request so far, oldest first."""
        with self._lock:
            return [dict(body) for body in self._requests]

    @property
    def pending_steps(self) -> int:
        with self._lock:
            return len(self._script)

    def _next(self, body: dict[str, Any]) -> Step:
        with self._lock:
            self._requests.append(body)
            step = self._script.pop(0) if self._script else reply(self.default_reply)
        if step.kind == "responder":
            assert step.responder is not None
            return step.responder(body)
        return step

    def completion(self, body: dict[str, Any], step: Step) -> dict[str, Any]:
        prompt = estimate_tokens({"messages": body.get("messages"), "tools": body.get("tools")})
        message: dict[str, Any] = {"role": "assistant", "content": step.content}
        if step.tool_calls:
            message["tool_calls"] = step.tool_calls
        completion = estimate_tokens(message)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:16]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if step.tool_calls else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_tokens": 0},
            },
        }


def _handler_for(double: OpenAIDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def handle(self) -> None:
            # The client may go away between requests (it gave up, or its process was killed).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                super().handle()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send(400, {"error": {"message": "bad json", "type": "invalid_request_error"}})
                return
            step = double._next(body)
            if step.kind == "hang":
                double._stopping.wait(step.seconds)
                step = reply(double.default_reply)
            if step.kind == "error":
                kind = "rate_limit_exceeded" if step.status == 429 else "server_error"
                self._send(step.status, {"error": {"message": f"scripted {step.status}", "type": kind}})
                return
            if step.kind == "malformed":
                self._send_raw(200, b'{"id": "chatcmpl-broken", "choices": [{"index": 0, "message": ')
                return
            self._send(200, double.completion(body, step))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            self._send_raw(status, json.dumps(payload).encode())

        def _send_raw(self, status: int, data: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout); nothing to answer

    return Handler


@pytest.fixture(scope="session")
def _openai_server() -> Iterator[OpenAIDouble]:
    double = OpenAIDouble().start()
    yield double
    double.stop()


@pytest.fixture
def openai_api(_openai_server: OpenAIDouble) -> Iterator[OpenAIDouble]:
    """The session's OpenAI double with an empty script and no recorded requests."""
    _openai_server.reset()
    yield _openai_server
    _openai_server.reset()
