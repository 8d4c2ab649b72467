"""Dashboard login: one shared password (hashed at startup), a login rate limit, and CSRF tokens.

The session itself is Flask's signed cookie (SECRET_KEY; HttpOnly and SameSite=Lax set by the app factory).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import redis

# scrypt parameters: ~50 ms and 16 MiB per check, which makes guessing slow without slowing an operator.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
FAILURES_KEY = "coach:dashboard:login_failures:{client}"
SESSION_LIFETIME = timedelta(hours=12)
OPERATOR_KEY = "dashboard_operator"
LOGGED_IN_AT_KEY = "dashboard_logged_in_at"
CSRF_KEY = "dashboard_csrf"
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class PasswordCheck:
    """The dashboard password as a salted scrypt hash; the plain text is not kept."""

    salt: bytes
    digest: bytes

    @classmethod
    def from_password(cls, password: str) -> PasswordCheck:
        if not password:
            raise ValueError("the dashboard needs a password (DASHBOARD_PASSWORD)")
        salt = secrets.token_bytes(16)
        return cls(salt=salt, digest=_scrypt(password, salt))

    def matches(self, attempt: str) -> bool:
        """Constant-time comparison of the attempt's hash with the stored one."""
        return hmac.compare_digest(_scrypt(attempt, self.salt), self.digest)


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)


class LoginRateLimit:
    """At most MAX_FAILURES failed logins per client address per FAILURE_WINDOW, counted in Redis."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def _key(self, address: str) -> str:
        return FAILURES_KEY.format(client=address)

    def blocked(self, address: str) -> bool:
        count = self.redis.get(self._key(address))
        return count is not None and int(count) >= MAX_FAILURES

    def record_failure(self, address: str) -> None:
        key = self._key(address)
        pipe = self.redis.pipeline()
        # The window starts at the first failure; later failures do not extend it.
        pipe.set(key, 0, ex=int(FAILURE_WINDOW.total_seconds()), nx=True)
        pipe.incr(key)
        pipe.execute()

    def reset(self, address: str) -> None:
        self.redis.delete(self._key(address))


class LoginOutcome(Enum):
    LOGGED_IN = "logged_in"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - an outcome, not a secret
    LOCKED_OUT = "locked_out"


def check_login(limiter: LoginRateLimit, check: PasswordCheck, address: str, password: str) -> LoginOutcome:
    """Decide a login attempt: locked-out addresses are refused before the password is even hashed."""
    if limiter.blocked(address):
        return LoginOutcome.LOCKED_OUT
    if not check.matches(password):
        limiter.record_failure(address)
        return LoginOutcome.WRONG_PASSWORD
    limiter.reset(address)
    return LoginOutcome.LOGGED_IN


def operator_name(raw: str | None) -> str:
    """The name an operator gave at login, for the audit log."""
    name = " ".join((raw or "").split())[:MAX_NAME_LENGTH]
    return name or "operator"


def start_session(session: Any, name: str, now: datetime) -> None:
    """Log in: a fresh session with a new CSRF token."""
    session.clear()
    session[OPERATOR_KEY] = name
    session[LOGGED_IN_AT_KEY] = now.astimezone(UTC).isoformat()
    session[CSRF_KEY] = secrets.token_urlsafe(32)


def logged_in_operator(session: Any, now: datetime) -> str | None:
    """The operator's name when the session is logged in and not older than SESSION_LIFETIME."""
    name = session.get(OPERATOR_KEY)
    started = session.get(LOGGED_IN_AT_KEY)
    if not isinstance(name, str) or not isinstance(started, str):
        return None
    try:
        logged_in_at = datetime.fromisoformat(started)
    except ValueError:
        return None
    if now - logged_in_at > SESSION_LIFETIME:
        return None
    return name


def csrf_token(session: Any) -> str:
    """This session's CSRF token (made on first use, e.g. by the login form)."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return token


def csrf_valid(session: Any, submitted: str | None) -> bool:
    expected = session.get(CSRF_KEY)
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
