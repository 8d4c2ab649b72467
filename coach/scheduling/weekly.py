"""Rolling generation: an hour before the Sunday preview, next week's prescriptions are set from this
week's logs, so the preview (and every workout text after it) shows the progressed week."""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach import jobs
from coach.bootstrap import Services
from coach.scheduling.due import AT_LOCAL_TIME, SENDABLE, ZONE_WINDOWS, Window

PREPARE_TIME = time(17, 0)  # Sunday, local: an hour before the weekly preview

# One statement: the trainees whose Sunday 17:00 falls in the window and whose next week is not progressed.
WEEKS_TO_PREPARE = sa.text(
    f"""
    {ZONE_WINDOWS}
    SELECT t.id, next_week.week_number
    {AT_LOCAL_TIME.format(at=":prepare_time")}
    JOIN fitness_plans p ON p.trainee_id = t.id AND p.status = 'active'
    JOIN microcycles next_week ON next_week.plan_id = p.id
        AND next_week.start_date BETWEEN zw.day + 1 AND zw.day + 7
        AND next_week.progressed_at IS NULL
    WHERE {SENDABLE} AND extract(isodow FROM zw.day) = 7
    """
)


def weeks_to_prepare(session: Session, win: Window) -> list[tuple[int, int]]:
    """(trainee id, week number) pairs whose next week should be progressed now."""
    rows = session.execute(
        WEEKS_TO_PREPARE, {"now": win.now, "since": win.since, "prepare_time": PREPARE_TIME}
    ).all()
    return [(int(trainee_id), int(week)) for trainee_id, week in rows]


@jobs.job("default", timeout=120, retries=3)
def prepare_next_week(trainee_id: int, week_number: int) -> bool:
    """Set a trainee's next week from this week's logs (idempotent: a week is progressed once)."""
    from coach.training.progression import progress_week

    services = jobs.current_services()
    with services.sessions() as session:
        result = progress_week(session, trainee_id, week_number, now=datetime.now(UTC))
        session.commit()
    return bool(result.created)


def enqueue_preparations(services: Services, weeks: list[tuple[int, int]]) -> int:
    """Enqueue a preparation per week not progressed yet, unless its job from an earlier tick is still
    waiting or running (every tick of the hour finds the week again until it is done). Returns how many."""
    calls = {f"week-{trainee_id}-{week}": (trainee_id, week) for trainee_id, week in weeks}
    return len(jobs.enqueue_lost(services, prepare_next_week, calls))
