"""Quiet hours, in the recipient's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
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


# A daily text at the local time the trainee chose is one they asked for: quiet hours do not hold it while it
# goes out on time (someone who trains at 6am gets their workout at 6am). Later than this (an outage,
# retries), it waits for the morning like anything else we start.
ON_TIME = timedelta(hours=1)


def at_chosen_time(send_time: time | None, time_zone: str | None, due_since: datetime, now: datetime) -> bool:
    """Whether a daily text due since `due_since` is on time `now`: due for at most ON_TIME, and at most
    ON_TIME after the trainee's chosen send time on their wall clock. The first bounds what the second
    cannot: a text a day late at the same hour, and the night the clocks change, when the wall-clock hour
    runs an hour long or short."""
    if send_time is None or not timedelta(0) <= now - due_since <= ON_TIME:
        return False
    local = now.astimezone(zone(time_zone))
    chosen = datetime.combine(local.date(), send_time, tzinfo=local.tzinfo)
    return (local - chosen) % timedelta(days=1) <= ON_TIME
