"""Twilio webhook signatures, checked against the public URL Twilio actually called."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator


def public_url(base_url: str, path: str, query: str) -> str:
    """The URL Twilio signed: our public origin, the path, and the query string if there is one."""
    url = base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def is_valid(auth_token: str | None, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    if not auth_token or not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Compute the signature Twilio would send (used by the simulator and tests)."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))
