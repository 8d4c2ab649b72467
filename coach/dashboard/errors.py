"""Domain errors of the dashboard, mapped to status codes by the views."""

from __future__ import annotations


class NotFound(LookupError):
    """The row an operator asked for does not exist."""


class NotAllowed(RuntimeError):
    """The action does not apply to the row in its current state (e.g. retrying a delivered text)."""
