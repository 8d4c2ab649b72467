"""Twilio webhook signatures, checked against the public URL Twilio actually called."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Mapping

from twilio.request_validator import RequestValidator


def public_url(base_url: str, path: str, query: str) -> str:
    """The URL Twilio signed: our public origin, the path, and the query string if there is one."""
    url = base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def is_valid(auth_token: str | None, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    """Twilio's RequestValidator over every posted field (repeated ones included).

    The signature over `url` exactly as given is computed first: that is what Twilio signs for our public
    URL, so a genuine webhook costs one HMAC. Only a mismatch takes RequestValidator's full check, which
    also accepts the URL with its default port added or removed.
    """
    if not auth_token or not signature:
        return False
    validator = _validator(auth_token)
    if hmac.compare_digest(validator.compute_signature(url, params).encode(), signature.encode()):
        return True
    return bool(validator.validate(url, params, signature))


@functools.lru_cache(maxsize=4)
def _validator(auth_token: str) -> RequestValidator:
    return RequestValidator(auth_token)


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Compute the signature Twilio would send (used by the simulator and tests): over every posted field,
    repeated ones included, exactly as `is_valid` checks it."""
    return str(_validator(auth_token).compute_signature(url, params))
