"""The SMS port: one `send` call, a Twilio backend for real texts and a console backend for local runs."""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol, TextIO
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from coach.config import ConfigError, Settings
from coach.messaging.text import segment_count

Disposition = Literal["retry", "opted_out", "undeliverable", "failed"]
RETRY: Final = "retry"
OPTED_OUT: Final = "opted_out"
UNDELIVERABLE: Final = "undeliverable"
FAILED: Final = "failed"

# Twilio error codes (https://www.twilio.com/docs/api/errors) and what the sender should do about them.
_OPTED_OUT_CODES: Final = frozenset({21610})  # the recipient replied STOP
_RETRY_CODES: Final = frozenset(
    {
        30001,  # queue overflow
        30003,  # unreachable handset (off, out of coverage)
        21611,  # the sender's outbound queue is full
    }
)
_UNDELIVERABLE_CODES: Final = frozenset(
    {
        30005,  # unknown or inactive number
        30006,  # landline or unreachable carrier
        21211,  # invalid 'To' number
        21614,  # 'To' is not a mobile number
    }
)


def disposition_for(code: int | None, http_status: int | None) -> Disposition:
    """What a failed send means for the message: retry later, stop texting the number, or give up.

    A failure with neither a Twilio code nor an HTTP status is a timeout or a broken connection: the
    text may not have left, so it is retried. 30007 (carrier filtering) and unknown codes are FAILED.
    """
    if code in _OPTED_OUT_CODES:
        return OPTED_OUT
    if code in _UNDELIVERABLE_CODES:
        return UNDELIVERABLE
    if code in _RETRY_CODES:
        return RETRY
    if http_status == 429 or (http_status is not None and 500 <= http_status <= 599):
        return RETRY
    if code is None and http_status is None:
        return RETRY
    return FAILED


class SmsSendError(Exception):
    """The SMS backend did not accept a text; `disposition` says what to do about it."""

    def __init__(self, message: str, *, code: int | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status

    @property
    def disposition(self) -> Disposition:
        return disposition_for(self.code, self.http_status)

    @property
    def unknown_outcome(self) -> bool:
        """No answer from the provider (a timeout, a dropped connection): the text may have been accepted."""
        return self.code is None and self.http_status is None

    def __str__(self) -> str:
        return f"{self.message} (code={self.code}, http_status={self.http_status})"


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str
    segments: int | None


class SmsSender(Protocol):
    def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        """Hand one text to the provider; raises SmsSendError when it is not accepted."""
        ...


class _RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """Sends every request for a *.twilio.com host to another base URL (a local test double)."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(method, rebase_twilio_url(url, self.base_url), *args, **kwargs)


def rebase_twilio_url(url: str, base_url: str) -> str:
    """Replace the scheme and host of a Twilio API URL with base_url, keeping path and query.

    Other URLs are left alone, so nothing but Twilio REST traffic is redirected.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not (host == "twilio.com" or host.endswith(".twilio.com")):
        return url
    base = urlsplit(base_url.rstrip("/"))
    return urlunsplit((base.scheme, base.netloc, base.path + parts.path, parts.query, parts.fragment))


class TwilioSender:
    """Sends texts through the Twilio Messages API with the official client."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        api_base_url: str | None = None,
        timeout_seconds: float = 10,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("TwilioSender needs a from_number or a messaging_service_sid")
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        # twilio's client waits forever by default; a hung API call must not hang a worker.
        http_client = (
            _RebasedHttpClient(api_base_url, timeout_seconds)
            if api_base_url
            else TwilioHttpClient(timeout=timeout_seconds)
        )
        self.client = Client(account_sid, auth_token, http_client=http_client)

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSender:
        """A sender configured from TWILIO_* settings; ConfigError when they cannot send anything."""
        if not (settings.twilio_account_sid and settings.twilio_auth_token):
            raise ConfigError("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        if not (settings.twilio_from_number or settings.twilio_messaging_service_sid):
            raise ConfigError("SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        return cls(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            api_base_url=settings.twilio_api_base_url,
        )

    def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        """Create the message at Twilio; raises SmsSendError with Twilio's code and HTTP status."""
        try:
            message = self.client.messages.create(**self._message_fields(to, body, status_callback))
        except TwilioRestException as exc:
            raise SmsSendError(str(exc.msg), code=_as_int(exc.code), http_status=_as_int(exc.status)) from exc
        except TwilioServiceException as exc:
            raise SmsSendError(
                str(exc.title), code=_as_int(exc.code), http_status=_as_int(exc.status)
            ) from exc
        except (requests.Timeout, requests.ConnectionError) as exc:
            # Neither code nor status: the text may or may not have left, and the policy retries it.
            raise SmsSendError(f"Twilio API unreachable: {exc}") from exc
        return SendResult(
            sid=str(message.sid), status=str(message.status), segments=_as_int(message.num_segments)
        )

    def _message_fields(self, to: str, body: str, status_callback: str | None) -> dict[str, str]:
        fields = {"to": to, "body": body}
        # With a Messaging Service, Twilio picks the sender from its pool; a From outside that pool fails.
        if self.messaging_service_sid:
            fields["messaging_service_sid"] = self.messaging_service_sid
        elif self.from_number:
            fields["from_"] = self.from_number
        if status_callback:
            fields["status_callback"] = status_callback
        return fields


def _as_int(value: object) -> int | None:
    """Twilio sends numbers as strings (num_segments) or ints (code); anything unparseable is unknown."""
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


class ConsoleSender:
    """Prints texts instead of sending them, for local runs without Twilio."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        """Write "→ <to>: <body>" and report the text as delivered."""
        # Resolved at send time so pytest's capture (which swaps sys.stdout) sees the output.
        stream = self.stream or sys.stdout
        stream.write(f"→ {to}: {body}\n")
        stream.flush()
        return SendResult(sid="SM" + secrets.token_hex(16), status="delivered", segments=segment_count(body))


def make_sender(settings: Settings) -> SmsSender:
    """The SMS backend named by SMS_BACKEND."""
    if settings.sms_backend == "twilio":
        return TwilioSender.from_settings(settings)
    if settings.sms_backend == "console":
        return ConsoleSender()
    raise ConfigError(f"SMS_BACKEND must be twilio or console, got {settings.sms_backend!r}")
