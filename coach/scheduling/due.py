"""What falls due in a tick, written to the message queue by a fixed handful of set-based statements.

Every statement is `INSERT ... SELECT ... ON CONFLICT (idempotency_key) DO NOTHING`: a trainee is due when
their local send time, turned into an instant by `coach_local_instant` (DST-safe), lies in the tick's
window (now - grace, now]. The idempotency key names the trainee and their local date (or ISO week), so
reruns, overlapping windows and two schedulers at once can never queue a text twice, and a scheduler that
was down catches up within the grace window and skips anything older. A local time the clock skips (spring
forward) happens at the first minute after the gap; one it repeats (fall back) happens once, at its
standard-time occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.training.splits import LIGHTER_WEEK, SESSION_LABELS

REST_DAY_TEXT = "Rest day today. Sleep well, eat well, take a walk if you feel like it. Back at it tomorrow!"
WEEKLY_PREVIEW_TIME = time(18, 0)  # Sunday evening, local
NUDGE_TIME = time(10, 0)  # late morning, local
SILENT_DAYS_BEFORE_NUDGE = 4
MAX_IGNORED_NUDGES = 3
MISSED_TEXT = (
    "Yesterday's workout is still open. Did you get it done? Reply 'done', 'skipped', or tell me how it went."
)
SILENCE_TEXT = (
    "Haven't heard from you in a few days. How are you feeling? Reply with anything and we'll pick up "
    "where you left off."
)

# The window in each zone's wall-clock time, computed once per zone rather than once per trainee: for every
# local day the window touches, the range of local times it covers, widened by an hour each side so a DST
# shift cannot hide a trainee (the exact instant is checked below).
ZONE_WINDOWS = """
    WITH zones AS (
        SELECT tz,
               CAST(:now AS timestamptz) AT TIME ZONE tz AS now_local,
               CAST(:since AS timestamptz) AT TIME ZONE tz AS since_local
        FROM (SELECT DISTINCT time_zone AS tz FROM trainees WHERE status = 'active') active_zones
    ), zone_windows AS (
        SELECT tz, day,
               CAST(greatest(since_local - interval '1 hour', day) - day AS time) AS earliest,
               CAST(
                   least(now_local + interval '1 hour', day + interval '1 day' - interval '1 second') - day
                   AS time
               ) AS latest
        FROM zones
        CROSS JOIN LATERAL (
            SELECT DISTINCT CAST(local_moment AS date) AS day
            FROM (VALUES (now_local), (since_local)) AS moments(local_moment)
        ) days
    )
"""
# The instant a local time happens on a zone's day, computed once per (zone, day, local time), not once per
# trainee; the plpgsql function runs only for a time the clock skipped.
_DUE_AT = """
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN (((zw.day + local_times.at) AT TIME ZONE zw.tz) AT TIME ZONE zw.tz) = zw.day + local_times.at
            THEN (zw.day + local_times.at) AT TIME ZONE zw.tz
            ELSE coach_local_instant(zw.day, local_times.at, zw.tz)
        END AS due_at
    ) due
"""
# Trainees whose send time falls due: the distinct send times in each zone's window (an index range scan of
# ix_trainees_due), then the trainees at each due one (an index lookup).
_BY_SEND_TIME = (
    """
    FROM zone_windows zw
    CROSS JOIN LATERAL (
        SELECT DISTINCT send_time AS at FROM trainees
        WHERE time_zone = zw.tz AND status = 'active' AND send_time BETWEEN zw.earliest AND zw.latest
    ) local_times
"""
    + _DUE_AT
    + """
    JOIN trainees t ON t.time_zone = zw.tz AND t.status = 'active' AND t.send_time = local_times.at
"""
)
# Every trainee of a zone whose window holds a fixed local time (weekly preview, nudges).
AT_LOCAL_TIME = (
    """
    FROM zone_windows zw
    CROSS JOIN LATERAL (SELECT CAST({at} AS time) AS at) local_times
"""
    + _DUE_AT
    + """
    JOIN trainees t ON t.time_zone = zw.tz AND t.status = 'active'
"""
)
SENDABLE = """
    t.undeliverable_at IS NULL AND t.onboarded_at IS NOT NULL
    AND due.due_at > CAST(:since AS timestamptz) AND due.due_at <= CAST(:now AS timestamptz)
"""
_CURRENT_WORKOUTS = """
    JOIN workouts w ON w.trainee_id = t.id AND w.scheduled_date = {day}
    JOIN microcycles m ON m.id = w.microcycle_id
    JOIN fitness_plans p ON p.id = m.plan_id AND p.status = 'active'
"""

DAILY_WORKOUTS = sa.text(
    f"""
    INSERT INTO outbound_messages (trainee_id, kind, body, idempotency_key, priority, next_attempt_at)
    {ZONE_WINDOWS}
    SELECT t.id, 'daily_workout', string_agg(w.sms_text, E'\\n\\n' ORDER BY w.id),
           'daily:' || t.id || ':' || zw.day, 4, CAST(:now AS timestamptz)
    {_BY_SEND_TIME}
    {_CURRENT_WORKOUTS.format(day="zw.day")}
    WHERE {SENDABLE} AND w.status = 'pending' AND w.sms_text IS NOT NULL
    GROUP BY t.id, zw.day
    ON CONFLICT (idempotency_key) DO NOTHING
    """
)

# A workout of the active plan that day; a completed plan's leftover days are not workouts any more.
_ACTIVE_WORKOUT_ON_DAY = """
    SELECT 1 FROM workouts w
    JOIN microcycles m ON m.id = w.microcycle_id
    JOIN fitness_plans p ON p.id = m.plan_id AND p.status = 'active'
    WHERE w.trainee_id = t.id AND w.scheduled_date = zw.day
"""
REST_DAYS = sa.text(
    f"""
    INSERT INTO outbound_messages (trainee_id, kind, body, idempotency_key, priority, next_attempt_at)
    {ZONE_WINDOWS}
    SELECT t.id, 'rest_day', :rest_text, 'daily:' || t.id || ':' || zw.day, 6, CAST(:now AS timestamptz)
    {_BY_SEND_TIME}
    WHERE {SENDABLE} AND t.rest_day_messages
      AND EXISTS (SELECT 1 FROM fitness_plans p WHERE p.trainee_id = t.id AND p.status = 'active'
                  AND zw.day BETWEEN p.start_date AND p.end_date)
      AND NOT EXISTS ({_ACTIVE_WORKOUT_ON_DAY})
    ON CONFLICT (idempotency_key) DO NOTHING
    """
)

# A day of the preview reads as the daily text's title does ("Mon Upper body"); the workout's focus is the
# block's ("hypertrophy"), the same every day, and says nothing about which day is which.
_DAY_LABEL = (
    "CASE w.session_type::text "
    + " ".join(f"WHEN '{kind.value}' THEN '{label}'" for kind, label in SESSION_LABELS.items())
    + " ELSE 'Training' END"
)

# Only someone who had workouts this week is asked how it felt: not a trainee who signed up today.
_TRAINED_THIS_WEEK = (
    "EXISTS (SELECT 1 FROM workouts pw WHERE pw.trainee_id = t.id"
    " AND pw.scheduled_date BETWEEN zw.day - 6 AND zw.day)"
)
WEEKLY_PREVIEWS = sa.text(
    f"""
    INSERT INTO outbound_messages (trainee_id, kind, body, idempotency_key, priority, next_attempt_at)
    {ZONE_WINDOWS}
    SELECT t.id, 'weekly_preview',
           format(
               CASE WHEN {_TRAINED_THIS_WEEK}
                   THEN 'Next week%s: %s. How did this week feel, 1-5? (1 = wrecked, 5 = easy)'
                   ELSE 'Your first week%s: %s. Text me how each one goes.' END,
               -- a deload week says so: an easier week is by design
               CASE WHEN bool_and(m.is_deload) THEN '{LIGHTER_WEEK}' ELSE '' END,
               string_agg(
                   to_char(w.scheduled_date, 'Dy') || ' ' || {_DAY_LABEL},
                   ', ' ORDER BY w.scheduled_date, w.id
               )
           ),
           'weekly:' || t.id || ':' || to_char(zw.day, 'IYYY-"W"IW'), 5, CAST(:now AS timestamptz)
    {AT_LOCAL_TIME.format(at=":weekly_time")}
    {_CURRENT_WORKOUTS.format(day="w.scheduled_date")}
    WHERE {SENDABLE} AND extract(isodow FROM zw.day) = 7
      AND w.scheduled_date BETWEEN zw.day + 1 AND zw.day + 7 AND w.status = 'pending'
    GROUP BY t.id, zw.day
    ON CONFLICT (idempotency_key) DO NOTHING
    """
)

# At most one nudge a day (the key is per local day), none once three go unanswered. The checks are
# scalar subqueries in WHERE, not LATERAL joins, so they run only for trainees due this tick and stop at
# the first that settles it.
_MISSED_YESTERDAY = """
    EXISTS (
        SELECT 1 FROM workouts w
        JOIN microcycles mc ON mc.id = w.microcycle_id
        JOIN fitness_plans p ON p.id = mc.plan_id AND p.status = 'active'
        WHERE w.trainee_id = t.id AND w.scheduled_date = zw.day - 1 AND w.status = 'pending'
    )
"""
_LAST_HEARD = (
    "(SELECT max(m.created_at) FROM messages m WHERE m.trainee_id = t.id AND m.direction = 'inbound')"
)
NUDGES = sa.text(
    f"""
    INSERT INTO outbound_messages (trainee_id, kind, body, idempotency_key, priority, next_attempt_at)
    {ZONE_WINDOWS}
    SELECT t.id, 'nudge', CASE WHEN {_MISSED_YESTERDAY} THEN :missed_text ELSE :silence_text END,
           'nudge:' || t.id || ':' || zw.day, 7, CAST(:now AS timestamptz)
    {AT_LOCAL_TIME.format(at=":nudge_time")}
    WHERE {SENDABLE} AND extract(isodow FROM zw.day) <> 7  -- Sunday has the weekly check-in
      AND ({_MISSED_YESTERDAY} OR {_LAST_HEARD} < due.due_at - make_interval(days => :silent_days))
      AND (SELECT count(*) FROM outbound_messages o
           WHERE o.trainee_id = t.id AND o.kind = 'nudge'
             AND o.created_at > coalesce({_LAST_HEARD}, '-infinity')) < :max_ignored
    ON CONFLICT (idempotency_key) DO NOTHING
    """
)

STATEMENTS = {
    "daily_workout": DAILY_WORKOUTS,
    "rest_day": REST_DAYS,
    "weekly_preview": WEEKLY_PREVIEWS,
    "nudge": NUDGES,
}


@dataclass(frozen=True)
class Window:
    since: datetime  # exclusive
    now: datetime  # inclusive


def window(now: datetime, grace: timedelta) -> Window:
    return Window(since=now - grace, now=now)


def queue_due_texts(session: Session, win: Window, kinds: list[str] | None = None) -> dict[str, int]:
    """Queue everything due in the window (one statement per kind). The caller commits."""
    params = {
        "now": win.now,
        "since": win.since,
        "rest_text": REST_DAY_TEXT,
        "weekly_time": WEEKLY_PREVIEW_TIME,
        "nudge_time": NUDGE_TIME,
        "missed_text": MISSED_TEXT,
        "silence_text": SILENCE_TEXT,
        "silent_days": SILENT_DAYS_BEFORE_NUDGE,
        "max_ignored": MAX_IGNORED_NUDGES,
    }
    queued = {}
    for kind, statement in STATEMENTS.items():
        if kinds is not None and kind not in kinds:
            continue
        names = statement.compile().params.keys()
        result = session.execute(statement, {k: v for k, v in params.items() if k in names})
        queued[kind] = int(result.rowcount)  # type: ignore[attr-defined]
    return queued
