"""Twilio webhook signatures, checked against the public URL Twilio actually called."""

from __future__ import annotations

import base64
import functools
import hmac
from collections.abc import Mapping

from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict


def public_url(base_url: str, path: str, query: str) -> str:
    """The URL Twilio signed: our public origin, the path, and the query string if there is one."""
    url = base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def is_valid(auth_token: str | None, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    """Twilio's RequestValidator over every posted field (repeated ones included).

    The signature over `url` exactly as given is computed first, as RequestValidator computes it: that is
    what Twilio signs for our public URL, so a genuine webhook costs one HMAC. Only a mismatch takes
    RequestValidator's full check, which also accepts the URL with its default port added or removed.
    """
    if not auth_token or not signature:
        return False
    if hmac.compare_digest(sign(auth_token, url, params).encode(), signature.encode()):
        return True
    return bool(_validator(auth_token).validate(url, params, signature))


@functools.lru_cache(maxsize=4)
def _validator(auth_token: str) -> RequestValidator:
    return RequestValidator(auth_token)


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The signature Twilio sends (also used by the simulator and tests): HMAC-SHA1 over the URL followed by
    each field's name and value, names sorted, a repeated field's distinct values sorted: the distinct
    (name, value) pairs in order. RequestValidator's `compute_signature` without its per-field lookups
    (tests check the two agree)."""
    pairs = params.items(multi=True) if isinstance(params, MultiDict) else params.items()
    payload = url + "".join(name + value for name, value in sorted(set(pairs)))
    return base64.b64encode(hmac.digest(auth_token.encode(), payload.encode(), "sha1")).decode()
