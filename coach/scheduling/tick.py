"""One scheduler tick: queue what is due as of an instant, recover lost work, record that it ran."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from coach.bootstrap import Services
from coach.messaging import sweeper, tasks
from coach.scheduling import due, weekly

LAST_TICK_KEY = "coach:scheduler:last_tick"
log = logging.getLogger("coach.scheduler")


def run_tick(services: Services, now: datetime, *, dry_run: bool = False) -> dict[str, int]:
    """Queue the texts due at `now` and recover lost work; returns counts by kind.

    With dry_run the same statements run and are rolled back, so the counts are what would be queued.
    """
    if now.tzinfo is None:
        raise ValueError("scheduler ticks take an aware UTC instant")
    grace = timedelta(minutes=services.settings.scheduler_grace_minutes)
    window = due.window(now, grace)
    with services.sessions() as session:
        report = due.queue_due_texts(session, window)
        if dry_run:
            session.rollback()
        else:
            session.commit()
        weeks = weekly.weeks_to_prepare(session, window)
        lost = sweeper.find_lost_work(session, now)
    report.update(weeks_to_progress=len(weeks), answers_requeued=0, texts_due=lost.texts_due)
    if dry_run:
        report["answers_requeued"] = len(lost.owed_message_ids)
        return report
    weekly.enqueue_preparations(services, weeks)
    report["answers_requeued"] = len(tasks.requeue_answers(services, lost.owed_message_ids))
    if lost.texts_due:
        tasks.wake_senders(services)
    services.redis.set(LAST_TICK_KEY, now.astimezone(UTC).isoformat())
    return report


def last_tick(services: Services) -> datetime | None:
    raw = services.redis.get(LAST_TICK_KEY)
    if raw is None:
        return None
    return datetime.fromisoformat(raw.decode() if isinstance(raw, bytes) else str(raw))
