"""Phone numbers as Coach stores them: E.164."""

from __future__ import annotations

import functools

import phonenumbers


class InvalidPhoneNumber(ValueError):
    pass


@functools.lru_cache(maxsize=4096)
def to_e164(raw: str, default_region: str = "US") -> str:
    """Normalise what Twilio (or an operator) gives us to E.164, e.g. '+15551230000'.

    Cached: the same trainees text again and again, and parsing is a tenth of the webhook's own work.
    """
    text = (raw or "").strip()
    if not text or len(text) > 40:
        raise InvalidPhoneNumber("missing or oversized phone number")
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"not a phone number: {text!r}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhoneNumber(f"not a possible phone number: {text!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask(phone: str) -> str:
    """A phone number safe to log or show an LLM: country code and last two digits."""
    return phone[:2] + "*" * max(len(phone) - 4, 0) + phone[-2:] if len(phone) > 4 else "***"
