"""One scheduler tick: find what is due as of an instant and record that the scheduler is alive."""

from __future__ import annotations

from datetime import UTC, datetime

from coach.bootstrap import Services

LAST_TICK_KEY = "coach:scheduler:last_tick"


def run_tick(services: Services, now: datetime, *, dry_run: bool = False) -> dict[str, int]:
    """Run the periodic work due at `now` and return what was queued, by kind."""
    if now.tzinfo is None:
        raise ValueError("scheduler ticks take an aware UTC instant")
    queued: dict[str, int] = {}
    if not dry_run:
        services.redis.set(LAST_TICK_KEY, now.astimezone(UTC).isoformat())
    return queued


def last_tick(services: Services) -> datetime | None:
    raw = services.redis.get(LAST_TICK_KEY)
    if raw is None:
        return None
    return datetime.fromisoformat(raw.decode() if isinstance(raw, bytes) else str(raw))
