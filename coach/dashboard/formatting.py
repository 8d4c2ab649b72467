"""Template filters for the dashboard: ages, instants and money as an operator reads them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint


def age(seconds: float | None) -> str:
    """'42s', '7m 5s', '3h 12m', '2d 4h'; a dash when there is nothing to measure."""
    if seconds is None:
        return "—"
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


def when(value: datetime | None) -> str:
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def money(value: Decimal | float | None) -> str:
    return "—" if value is None else f"${Decimal(value):.4f}"


def install(bp: Blueprint) -> None:
    for name, func in (
        ("dash_age", age),
        ("dash_when", when),
        ("dash_percent", percent),
        ("dash_money", money),
    ):
        bp.add_app_template_filter(func, name)
