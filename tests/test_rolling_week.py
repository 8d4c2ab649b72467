"""Sunday: next week is progressed from this week's logs before the preview goes out."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from coach.models import FitnessPlan, Microcycle, OutboundMessage, Trainee
from coach.models.enums import OutboundKind
from coach.scheduling.tick import run_tick
from tests.messaging_helpers import queued_job_ids, run_jobs
from tests.test_progression import START, entry, log_sets, make_trainee


def test_the_sunday_tick_progresses_next_week_then_sends_the_preview(services, db):
    owner = make_trainee(db)
    db.execute(
        sa.update(Trainee)
        .where(Trainee.id == owner.id)
        .values(time_zone="UTC", send_time=time(7, 0), onboarded_at=datetime(2030, 1, 1, tzinfo=UTC))
    )
    log_sets(db, owner, START, [entry("bench_press", 80.0, 8, 7.0)])
    db.commit()
    sunday = START + timedelta(days=6)
    five_pm = datetime.combine(sunday, time(17, 0), tzinfo=UTC)

    report = run_tick(services, five_pm)
    assert report["weeks_to_progress"] == 1
    assert queued_job_ids(services, "default") == [f"week-{owner.id}-2"]
    run_jobs(services)
    week_two = db.scalar(
        sa.select(Microcycle)
        .join(FitnessPlan, FitnessPlan.id == Microcycle.plan_id)
        .where(FitnessPlan.trainee_id == owner.id, Microcycle.week_number == 2)
    )
    assert week_two is not None
    db.refresh(week_two)
    assert week_two.progressed_at is not None

    assert run_tick(services, five_pm + timedelta(minutes=1))["weeks_to_progress"] == 0  # once only
    run_tick(services, five_pm + timedelta(hours=1))
    previews = db.scalars(
        sa.select(OutboundMessage).where(
            OutboundMessage.trainee_id == owner.id, OutboundMessage.kind == OutboundKind.WEEKLY_PREVIEW
        )
    ).all()
    assert len(previews) == 1 and previews[0].body.startswith("Next week:")
