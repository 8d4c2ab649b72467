from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import pytest
from twilio.request_validator import RequestValidator

from coach.config import ConfigError, Settings
from coach.messaging.sms import (
    FAILED,
    OPTED_OUT,
    RETRY,
    UNDELIVERABLE,
    ConsoleSender,
    SendResult,
    SmsSendError,
    TwilioSender,
    disposition_for,
    make_sender,
    rebase_twilio_url,
)

if TYPE_CHECKING:
    from tests.doubles.twilio_api import TwilioApiDouble

# Loaded as a plugin (not imported) so pytest can rewrite its asserts; values come from the fixture.
pytest_plugins = ["tests.doubles.twilio_api"]

FROM_NUMBER = "+15550001111"
SERVICE_SID = "MG" + "ab" * 16
ACCOUNT_SID = "AC" + "12" * 16
TRAINEE = "+15557654321"
CALLBACK = "https://coach.test/twilio/status"


def sender_for(double: TwilioApiDouble, **overrides) -> TwilioSender:
    options = {
        "account_sid": double.account_sid,
        "auth_token": double.auth_token,
        "from_number": FROM_NUMBER,
        "api_base_url": double.base_url,
        "timeout_seconds": 5,
        **overrides,
    }
    return TwilioSender(**options)


def send_error(sender: TwilioSender, body: str = "Hi") -> SmsSendError:
    with pytest.raises(SmsSendError) as caught:
        sender.send(TRAINEE, body, status_callback=None)
    return caught.value


# -- disposition policy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "http_status", "disposition"),
    [
        (21610, 400, OPTED_OUT),
        (30003, 400, RETRY),
        (21611, 400, RETRY),
        (30001, 400, RETRY),
        (20429, 429, RETRY),
        (None, 429, RETRY),
        (20500, 500, RETRY),
        (503, 503, RETRY),
        (None, None, RETRY),
        (30005, 400, UNDELIVERABLE),
        (30006, 400, UNDELIVERABLE),
        (21211, 400, UNDELIVERABLE),
        (21614, 400, UNDELIVERABLE),
        (30007, 400, FAILED),
        (20003, 401, FAILED),
        (21617, 400, FAILED),
        (12345, None, FAILED),
    ],
)
def test_each_twilio_failure_maps_to_what_the_sender_should_do(code, http_status, disposition):
    assert disposition_for(code, http_status) == disposition
    assert SmsSendError("x", code=code, http_status=http_status).disposition == disposition


# -- TwilioSender against the local API double ---------------------------------------------------------


def test_twilio_sender_sends_from_a_number_with_a_status_callback_and_returns_the_sid(twilio_api):
    result = sender_for(twilio_api).send(TRAINEE, "Bench 4x6 today", status_callback=CALLBACK)

    assert re.fullmatch(r"SM[0-9a-f]{32}", result.sid)
    assert result == SendResult(sid=result.sid, status="queued", segments=1)
    [request] = twilio_api.requests
    assert request["path"] == f"/2010-04-01/Accounts/{twilio_api.account_sid}/Messages.json"
    assert request["form"] == {
        "To": TRAINEE,
        "From": FROM_NUMBER,
        "Body": "Bench 4x6 today",
        "StatusCallback": CALLBACK,
    }


def test_twilio_sender_uses_the_messaging_service_when_one_is_configured(twilio_api):
    sender = sender_for(twilio_api, from_number=None, messaging_service_sid=SERVICE_SID)

    result = sender.send(TRAINEE, "Rest day 🛌", status_callback=None)

    assert result.status == "accepted"
    assert twilio_api.requests[0]["form"] == {
        "To": TRAINEE,
        "MessagingServiceSid": SERVICE_SID,
        "Body": "Rest day 🛌",
    }


def test_twilio_sender_reports_the_segments_twilio_counted(twilio_api):
    result = sender_for(twilio_api).send(TRAINEE, "a" * 161, status_callback=None)
    assert result.segments == 2


@pytest.mark.parametrize(
    ("http_status", "code", "disposition"),
    [
        (400, 21610, OPTED_OUT),
        (400, 30003, RETRY),
        (429, 20429, RETRY),
        (500, 20500, RETRY),
        (400, 21211, UNDELIVERABLE),
        (400, 30007, FAILED),
    ],
)
def test_scripted_twilio_errors_reach_the_caller_with_code_status_and_disposition(
    twilio_api, http_status, code, disposition
):
    twilio_api.fail_next(1, http_status=http_status, code=code, message="Scripted")
    sender = sender_for(twilio_api)

    error = send_error(sender)

    assert (error.code, error.http_status, error.disposition) == (code, http_status, disposition)
    assert "Scripted" in error.message
    assert sender.send(TRAINEE, "Hi again", status_callback=None).status == "queued"


def test_a_hanging_twilio_api_times_out_within_the_configured_timeout_and_is_retried(twilio_api):
    twilio_api.hang_next(1, seconds=3)
    sender = sender_for(twilio_api, timeout_seconds=1)

    started = time.monotonic()
    error = send_error(sender)

    assert time.monotonic() - started < 2.5
    assert (error.code, error.http_status, error.disposition) == (None, None, RETRY)


def test_an_unreachable_twilio_api_is_retried(twilio_api):
    sender = sender_for(twilio_api, timeout_seconds=1)
    twilio_api.stop()

    assert send_error(sender).disposition == RETRY


def test_wrong_credentials_fail_with_code_20003(twilio_api):
    error = send_error(sender_for(twilio_api, auth_token="not-the-token"))

    assert (error.code, error.http_status, error.disposition) == (20003, 401, FAILED)
    assert twilio_api.requests[0]["authorized"] is False


def test_a_body_over_1600_characters_is_rejected_like_twilio_does(twilio_api):
    error = send_error(sender_for(twilio_api), body="a" * 1601)
    assert (error.code, error.disposition) == (21617, FAILED)


def test_twilio_sender_needs_a_sender_identity():
    with pytest.raises(ValueError, match="from_number or a messaging_service_sid"):
        TwilioSender(ACCOUNT_SID, "token")


def test_only_twilio_hosts_are_rebased_and_path_and_query_are_kept():
    base = "http://127.0.0.1:5000"
    assert (
        rebase_twilio_url("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1", base)
        == "http://127.0.0.1:5000/2010-04-01/Accounts/AC1/Messages.json?x=1"
    )
    assert rebase_twilio_url("https://messaging.dublin.ie1.twilio.com/v1/Services", base + "/") == (
        "http://127.0.0.1:5000/v1/Services"
    )
    assert rebase_twilio_url("https://example.com/twilio.com", base) == "https://example.com/twilio.com"


# -- the double's status callbacks ---------------------------------------------------------------------


class _CallbackReceiver:
    """A tiny local web server standing in for the app's /twilio/status endpoint."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], str | None]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                receiver.received.append((self.path, form, self.headers.get("X-Twilio-Signature")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def callback_receiver() -> Iterator[_CallbackReceiver]:
    receiver = _CallbackReceiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def test_the_double_posts_a_status_callback_signed_for_the_public_url(twilio_api, callback_receiver):
    result = sender_for(twilio_api).send(TRAINEE, "Hi", status_callback=CALLBACK + "?m=7")

    response = twilio_api.post_status(
        result.sid, "undelivered", error_code=30003, rewrite_base=callback_receiver.base_url
    )

    assert response.status_code == 204
    [(path, form, signature)] = callback_receiver.received
    assert path == "/twilio/status?m=7"
    assert form["MessageSid"] == result.sid
    assert (form["MessageStatus"], form["ErrorCode"], form["To"], form["From"]) == (
        "undelivered",
        "30003",
        TRAINEE,
        FROM_NUMBER,
    )
    assert RequestValidator(twilio_api.auth_token).validate(CALLBACK + "?m=7", form, signature)


# -- ConsoleSender and backend choice ------------------------------------------------------------------


def test_console_sender_prints_the_text_and_reports_it_delivered():
    stream = io.StringIO()

    result = ConsoleSender(stream).send(TRAINEE, "Squats 5x5 💪", status_callback=CALLBACK)

    assert stream.getvalue() == f"→ {TRAINEE}: Squats 5x5 💪\n"
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.sid)
    assert (result.status, result.segments) == ("delivered", 1)


def test_console_sender_writes_to_stdout_by_default(capsys):
    ConsoleSender().send(TRAINEE, "Hello", status_callback=None)
    assert capsys.readouterr().out == f"→ {TRAINEE}: Hello\n"


def test_make_sender_picks_the_backend_named_in_settings(twilio_api):
    twilio_settings = Settings(
        sms_backend="twilio",
        twilio_account_sid=twilio_api.account_sid,
        twilio_auth_token=twilio_api.auth_token,
        twilio_from_number=FROM_NUMBER,
        twilio_api_base_url=twilio_api.base_url,
    )

    sender = make_sender(twilio_settings)

    assert isinstance(sender, TwilioSender)
    assert sender.send(TRAINEE, "Hi", status_callback=None).status == "queued"
    assert len(twilio_api.requests) == 1
    assert isinstance(make_sender(Settings(sms_backend="console")), ConsoleSender)


def test_make_sender_refuses_twilio_without_credentials_or_sender():
    with pytest.raises(ConfigError, match="TWILIO_ACCOUNT_SID"):
        make_sender(Settings(sms_backend="twilio"))
    with pytest.raises(ConfigError, match="TWILIO_FROM_NUMBER"):
        make_sender(Settings(sms_backend="twilio", twilio_account_sid="AC1", twilio_auth_token="t"))
