"""Is the scheduler alive, and how much is about to fall due?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.bootstrap import Services
from coach.scheduling.tick import last_tick

NOW = sa.bindparam("now", type_=sa.DateTime(timezone=True))

# Trainees whose local send time falls within the next hour, [now, now + 1 h) on their clock. Evaluating
# each trainee's local time would read all of them; instead the few distinct time zones are found by a loose
# index scan of ix_trainees_due, each zone's window becomes one or two send-time ranges (two when it wraps
# past midnight), and each range is read from the same index.
DAILY_TEXTS_NEXT_HOUR = sa.text(
    """
    WITH RECURSIVE zones AS (
        (SELECT time_zone FROM trainees WHERE status = 'active' ORDER BY time_zone LIMIT 1)
        UNION ALL
        SELECT (SELECT t.time_zone FROM trainees t
                WHERE t.status = 'active' AND t.time_zone > z.time_zone ORDER BY t.time_zone LIMIT 1)
        FROM zones z WHERE z.time_zone IS NOT NULL
    ), windows AS (
        SELECT time_zone, (CAST(:now AS timestamptz) AT TIME ZONE time_zone)::time AS lo,
               (CAST(:now AS timestamptz) AT TIME ZONE time_zone)::time + interval '1 hour' AS hi
        FROM zones WHERE time_zone IS NOT NULL
    ), ranges AS (
        SELECT time_zone, lo AS start, CASE WHEN lo < hi THEN hi ELSE time '24:00' END AS stop FROM windows
        UNION ALL
        SELECT time_zone, time '00:00', hi FROM windows WHERE lo >= hi
    )
    SELECT coalesce(sum(due.trainees), 0)
    FROM ranges r CROSS JOIN LATERAL (
        SELECT count(*) AS trainees FROM trainees t
        WHERE t.status = 'active' AND t.time_zone = r.time_zone
          AND t.send_time >= r.start AND t.send_time < r.stop
          AND t.onboarded_at IS NOT NULL AND t.undeliverable_at IS NULL
    ) due
    """
).bindparams(NOW)

# Deferred texts (quiet hours, backoff) whose time comes within the next hour.
QUEUED_DUE_NEXT_HOUR = sa.text(
    """
    SELECT count(*) FROM outbound_messages
    WHERE state = 'queued'
      AND greatest(next_attempt_at, coalesce(not_before, next_attempt_at)) > CAST(:now AS timestamptz)
      AND greatest(next_attempt_at, coalesce(not_before, next_attempt_at))
          <= CAST(:now AS timestamptz) + interval '1 hour'
    """
).bindparams(NOW)


def statements() -> dict[str, sa.TextClause]:
    return {"daily_texts_next_hour": DAILY_TEXTS_NEXT_HOUR, "queued_due_next_hour": QUEUED_DUE_NEXT_HOUR}


@dataclass(frozen=True)
class SchedulerFigures:
    last_tick: datetime | None
    last_tick_age_seconds: float | None
    daily_texts_next_hour: int
    queued_texts_next_hour: int


def read_scheduler_figures(services: Services, session: Session, now: datetime) -> SchedulerFigures:
    tick = last_tick(services)
    params = {"now": now}
    return SchedulerFigures(
        last_tick=tick,
        last_tick_age_seconds=(now - tick).total_seconds() if tick else None,
        daily_texts_next_hour=int(session.execute(DAILY_TEXTS_NEXT_HOUR, params).scalar_one()),
        queued_texts_next_hour=int(session.execute(QUEUED_DUE_NEXT_HOUR, params).scalar_one()),
    )
