"""Carrier compliance keywords, matched the way Twilio matches them: the whole message, one word."""

from __future__ import annotations

from enum import StrEnum


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


_STOP = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
_START = {"START", "UNSTOP"}
_HELP = {"HELP", "INFO"}


def classify(body: str, *, opted_out: bool) -> Keyword | None:
    """The keyword a text is, if any. YES re-subscribes only someone who is opted out."""
    word = body.strip().upper()
    if word in _STOP:
        return Keyword.STOP
    if word in _START or (opted_out and word == "YES"):
        return Keyword.START
    if word in _HELP:
        return Keyword.HELP
    return None
