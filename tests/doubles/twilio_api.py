"""A local Twilio REST API double: a real HTTP server on 127.0.0.1 that speaks the Messages API.

Point the official client at it with TWILIO_API_BASE_URL (TwilioSender rewrites api.twilio.com to it).
It checks basic auth, validates like Twilio, records every request, can be scripted to fail or hang, and
can play Twilio's status callbacks back to the app, signed with twilio's own RequestValidator.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
import requests
from twilio.request_validator import RequestValidator

from coach.messaging.text import segment_count, utf16_length

TEST_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TEST_AUTH_TOKEN = "test-auth-token-0123456789abcdef"
API_VERSION = "2010-04-01"
_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")


@dataclass(frozen=True)
class CallbackResponse:
    """What the app answered to a status callback."""

    status_code: int
    text: str


@dataclass
class _ScriptedFailure:
    http_status: int
    code: int
    message: str


class TwilioApiDouble:
    """The double's state and script; `start()` serves it, `stop()` shuts it down."""

    def __init__(self, account_sid: str = TEST_ACCOUNT_SID, auth_token: str = TEST_AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._messages: dict[str, dict[str, Any]] = {}
        self._failures: list[_ScriptedFailure] = []
        self._hangs: list[float] = []
        # Set on stop so hanging handlers wake up at once instead of holding shutdown for their delay.
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> TwilioApiDouble:
        """Serve on 127.0.0.1 on a free port from a daemon thread."""
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval keeps shutdown (every test's teardown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="twilio-api-double", daemon=True
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
        """The value for TWILIO_API_BASE_URL, e.g. http://127.0.0.1:54321."""
        assert self._server is not None, "the double is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- script ----------------------------------------------------------------------------------------

    def fail_next(
        self, n: int = 1, http_status: int = 400, code: int = 30003, message: str = "Scripted failure"
    ) -> None:
        """The next n authenticated message requests fail with Twilio's error JSON."""
        with self._lock:
            self._failures.extend(_ScriptedFailure(http_status, code, message) for _ in range(n))

    def hang_next(self, n: int, seconds: float) -> None:
        """The next n requests wait this long before answering (for client timeout tests)."""
        with self._lock:
            self._hangs.extend([seconds] * n)

    def reset(self) -> None:
        """Forget recorded requests, messages and any scripted failures or delays."""
        with self._lock:
            self._requests.clear()
            self._messages.clear()
            self._failures.clear()
            self._hangs.clear()

    # -- what happened ---------------------------------------------------------------------------------

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request so far, oldest first: method, path, form (fields), authorized, received_at."""
        with self._lock:
            return [dict(record) for record in self._requests]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The message resources created so far, oldest first, as Twilio returned them."""
        with self._lock:
            return [dict(message) for message in self._messages.values()]

    def message(self, sid: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._messages[sid])

    # -- status callbacks ------------------------------------------------------------------------------

    def post_status(
        self, sid: str, status: str, error_code: int | None = None, rewrite_base: str | None = None
    ) -> CallbackResponse:
        """POST a signed status callback for a created message, as Twilio does.

        The signature covers the StatusCallback URL as given (the public one); `rewrite_base` replaces its
        scheme and host for delivery, e.g. to a local server standing in for PUBLIC_BASE_URL.
        """
        message = self.message(sid)
        url = message.get("_status_callback")
        if not url:
            raise LookupError(f"message {sid} was created without a StatusCallback")
        params = self._callback_params(message, status, error_code)
        signature = RequestValidator(self.auth_token).compute_signature(url, params)
        target = _rebase(url, rewrite_base) if rewrite_base else url
        with self._lock:
            self._messages[sid]["status"] = status
        response = requests.post(target, data=params, headers={"X-Twilio-Signature": signature}, timeout=10)
        return CallbackResponse(status_code=response.status_code, text=response.text)

    def _callback_params(
        self, message: dict[str, Any], status: str, error_code: int | None
    ) -> dict[str, str]:
        params = {
            "MessageSid": message["sid"],
            "SmsSid": message["sid"],
            "MessageStatus": status,
            "SmsStatus": status,
            "AccountSid": self.account_sid,
            "To": message["to"],
            "From": message["from"] or "",
            "ApiVersion": API_VERSION,
        }
        if message.get("messaging_service_sid"):
            params["MessagingServiceSid"] = message["messaging_service_sid"]
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return params

    # -- request handling (called from the server's threads) -------------------------------------------

    def _handle(self, method: str, path: str, authorization: str | None, form: dict[str, str]) -> _Reply:
        authorized = authorization == _basic_auth(self.account_sid, self.auth_token)
        with self._lock:
            self._requests.append(
                {
                    "method": method,
                    "path": path,
                    "form": dict(form),
                    "authorized": authorized,
                    "received_at": datetime.now(UTC),
                }
            )
            hang = self._hangs.pop(0) if self._hangs else 0.0
        if hang:
            self._stopping.wait(hang)
        if not authorized:
            return _error(HTTPStatus.UNAUTHORIZED, 20003, "Authenticate")
        match = _MESSAGES_PATH.match(urlsplit(path).path)
        if method != "POST" or match is None or match["account"] != self.account_sid:
            return _error(HTTPStatus.NOT_FOUND, 20404, f"The requested resource {path} was not found")
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return _error(failure.http_status, failure.code, failure.message)
        return _invalid(form) or (HTTPStatus.CREATED, self._create_message(form))

    def _create_message(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        now = format_datetime(datetime.now(UTC), usegmt=False)
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json"
        resource = {
            "sid": sid,
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "to": form["To"],
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            # Twilio answers "accepted" while a Messaging Service still has to pick the sender.
            "status": "queued" if form.get("From") else "accepted",
            "direction": "outbound-api",
            "num_segments": str(segment_count(form["Body"])),
            "num_media": "0",
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "error_message": None,
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "uri": uri,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        }
        with self._lock:
            self._messages[sid] = {**resource, "_status_callback": form.get("StatusCallback")}
        return resource


_Reply = tuple[int, dict[str, Any]]


def _invalid(form: dict[str, str]) -> _Reply | None:
    """Twilio's validation of a message create, in its order and with its codes."""
    if not form.get("To"):
        return _error(HTTPStatus.BAD_REQUEST, 21604, "A 'To' phone number is required.")
    if not (form.get("From") or form.get("MessagingServiceSid")):
        return _error(HTTPStatus.BAD_REQUEST, 21603, "A 'From' phone number is required.")
    if not form.get("Body"):
        return _error(HTTPStatus.BAD_REQUEST, 21602, "Message body is required.")
    if utf16_length(form["Body"]) > 1600:
        return _error(
            HTTPStatus.BAD_REQUEST, 21617, "The concatenated message body exceeds the 1600 character limit."
        )
    return None


def _error(http_status: int, code: int, message: str) -> _Reply:
    return http_status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": http_status,
    }


def _basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _rebase(url: str, base: str) -> str:
    parts, base_parts = urlsplit(url), urlsplit(base.rstrip("/"))
    return urlunsplit((base_parts.scheme, base_parts.netloc, base_parts.path + parts.path, parts.query, ""))


class _Server(ThreadingHTTPServer):
    # The stdlib's listen backlog of 5 drops connections from a few concurrent senders (each waits 1 s to
    # retry its SYN); Twilio's API does not behave like that.
    request_queue_size = 128
    daemon_threads = True


def _handler_for(double: TwilioApiDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as api.twilio.com offers
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def do_POST(self) -> None:
            self._answer("POST")

        def do_GET(self) -> None:
            self._answer("GET")

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            form = dict(parse_qsl(raw, keep_blank_values=True))
            status, payload = double._handle(method, self.path, self.headers.get("Authorization"), form)
            body = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing left to tell it

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler


@pytest.fixture
def twilio_api() -> Iterator[TwilioApiDouble]:
    """A running Twilio API double with TEST_ACCOUNT_SID / TEST_AUTH_TOKEN credentials."""
    double = TwilioApiDouble().start()
    try:
        yield double
    finally:
        double.stop()
