"""Parsing what operators send: query-string filters, ids, and where to go back to after an action."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import TypeVar

from flask import abort, request

E = TypeVar("E", bound=Enum)


def choice(enum_cls: type[E], raw: str | None) -> E | None:
    """An enum member from its value; empty means no filter; anything else is a 400."""
    if not raw:
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        abort(400, f"unknown {enum_cls.__name__}: {raw[:40]}")


def optional_id(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        abort(400, "ids are whole numbers")
    return int(raw)


def request_id(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(raw or "")
    except ValueError:
        abort(400, "the form is missing its request id; reload the page")


def back_to(default: str) -> str:
    """The dashboard page the form came from (only paths inside /dashboard, never another site)."""
    target = request.form.get("next") or ""
    if target.startswith("/dashboard/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
