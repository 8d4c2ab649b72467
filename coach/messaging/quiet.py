"""Quiet hours, in the recipient's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coach.config import QuietHours


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(quiet: QuietHours, time_zone: str | None, now: datetime) -> datetime | None:
    """When quiet hours end (UTC) if `now` falls inside them for this recipient, else None."""
    local = now.astimezone(zone(time_zone))
    if not quiet.contains(local.time()):
        return None
    end_day = local.date()
    if local.time() >= quiet.end:  # the window wraps midnight: it ends tomorrow morning
        end_day += timedelta(days=1)
    end_local = datetime.combine(end_day, quiet.end, tzinfo=local.tzinfo)
    return end_local.astimezone(UTC)
