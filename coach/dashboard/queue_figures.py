"""The message queue at a glance: what is pending, what happened in the last hour and day, why texts failed.

Every statement is bounded to a time range or to the pending states, and reads through an index, so the
figures cost the same with a thousand rows in the queue table or a million (see bench/dashboard_bench.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

NOW = sa.bindparam("now", type_=sa.DateTime(timezone=True))

# Reads only ix_outbound_messages_pending (a partial index over queued and sending rows).
PENDING = sa.text(
    """
    SELECT count(*) FILTER (WHERE state = 'queued') AS queued,
           count(*) FILTER (WHERE state = 'sending') AS sending,
           count(*) FILTER (WHERE state = 'queued' AND not_before > :now) AS waiting_for_quiet_hours,
           count(*) FILTER (WHERE state = 'queued' AND attempts > 0) AS retrying,
           min(created_at) FILTER (WHERE state = 'queued' AND next_attempt_at <= :now
                                   AND (not_before IS NULL OR not_before <= :now)) AS oldest_due_at,
           count(*) FILTER (WHERE state = 'queued' AND next_attempt_at <= :now
                            AND (not_before IS NULL OR not_before <= :now)) AS due_now
    FROM outbound_messages
    WHERE state IN ('queued', 'sending')
    """
).bindparams(NOW)

# Texts queued in the last day by where they are now (ix_outbound_messages_created_state, index only).
LAST_DAY_BY_STATE = sa.text(
    """
    SELECT state::text AS state,
           count(*) FILTER (WHERE created_at > CAST(:now AS timestamptz) - interval '1 hour') AS last_hour,
           count(*) AS last_day
    FROM outbound_messages
    WHERE created_at > CAST(:now AS timestamptz) - interval '24 hours'
    GROUP BY state
    """
).bindparams(NOW)

ERROR_CODES = sa.text(
    """
    SELECT error_code, count(*) AS texts
    FROM outbound_messages
    WHERE state IN ('failed', 'undelivered') AND created_at > CAST(:now AS timestamptz) - interval '24 hours'
    GROUP BY error_code
    ORDER BY texts DESC, error_code
    LIMIT 20
    """
).bindparams(NOW)

OUTBOUND_PER_HOUR = sa.text(
    """
    SELECT date_trunc('hour', created_at, 'UTC') AS hour, count(*) AS texts
    FROM outbound_messages
    WHERE created_at >= date_trunc('hour', CAST(:now AS timestamptz), 'UTC') - interval '23 hours'
    GROUP BY 1
    """
).bindparams(NOW)

INBOUND_PER_HOUR = sa.text(
    """
    SELECT date_trunc('hour', created_at, 'UTC') AS hour, count(*) AS texts
    FROM messages
    WHERE created_at >= date_trunc('hour', CAST(:now AS timestamptz), 'UTC') - interval '23 hours'
      AND direction = 'inbound'
    GROUP BY 1
    """
).bindparams(NOW)

OPT_OUTS_TODAY = sa.text(
    """
    SELECT count(*) FROM trainees
    WHERE opted_out_at >= date_trunc('day', CAST(:now AS timestamptz), 'UTC')
    """
).bindparams(NOW)


def statements() -> dict[str, sa.TextClause]:
    """Every statement behind these figures, by name (the benchmark times and explains each)."""
    return {
        "queue_pending": PENDING,
        "queue_last_day": LAST_DAY_BY_STATE,
        "queue_error_codes": ERROR_CODES,
        "outbound_per_hour": OUTBOUND_PER_HOUR,
        "inbound_per_hour": INBOUND_PER_HOUR,
        "opt_outs_today": OPT_OUTS_TODAY,
    }


@dataclass(frozen=True)
class Pending:
    queued: int
    sending: int
    due_now: int
    retrying: int
    waiting_for_quiet_hours: int
    oldest_due_age_seconds: float | None


@dataclass(frozen=True)
class HourCount:
    hour: datetime
    outbound: int
    inbound: int


@dataclass(frozen=True)
class QueueFigures:
    pending: Pending
    # texts queued in the window, by the state they are in now
    last_hour: dict[str, int]
    last_day: dict[str, int]
    delivery_rate: float | None
    error_codes: list[tuple[int | None, int]]
    per_hour: list[HourCount]
    opt_outs_today: int


def read_queue_figures(session: Session, now: datetime) -> QueueFigures:
    """The overview's message queue figures as of `now`."""
    params = {"now": now}
    pending = session.execute(PENDING, params).one()
    by_state = session.execute(LAST_DAY_BY_STATE, params).all()
    last_hour = {row.state: int(row.last_hour) for row in by_state if row.last_hour}
    last_day = {row.state: int(row.last_day) for row in by_state}
    return QueueFigures(
        pending=Pending(
            queued=pending.queued,
            sending=pending.sending,
            due_now=pending.due_now,
            retrying=pending.retrying,
            waiting_for_quiet_hours=pending.waiting_for_quiet_hours,
            oldest_due_age_seconds=(
                (now - pending.oldest_due_at).total_seconds() if pending.oldest_due_at else None
            ),
        ),
        last_hour=last_hour,
        last_day=last_day,
        delivery_rate=delivery_rate(last_day),
        error_codes=[(row.error_code, int(row.texts)) for row in session.execute(ERROR_CODES, params)],
        per_hour=_per_hour(session, now),
        opt_outs_today=int(session.execute(OPT_OUTS_TODAY, params).scalar_one()),
    )


def delivery_rate(by_state: dict[str, int]) -> float | None:
    """Delivered among texts whose fate is known (delivered, undelivered or failed); None when none are."""
    delivered = by_state.get("delivered", 0)
    settled = delivered + by_state.get("undelivered", 0) + by_state.get("failed", 0)
    return delivered / settled if settled else None


def _per_hour(session: Session, now: datetime) -> list[HourCount]:
    outbound = {row.hour: int(row.texts) for row in session.execute(OUTBOUND_PER_HOUR, {"now": now})}
    inbound = {row.hour: int(row.texts) for row in session.execute(INBOUND_PER_HOUR, {"now": now})}
    current = now.replace(minute=0, second=0, microsecond=0)
    hours = [current - timedelta(hours=n) for n in range(23, -1, -1)]
    return [HourCount(hour, outbound.get(hour, 0), inbound.get(hour, 0)) for hour in hours]
