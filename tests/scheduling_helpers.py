"""Bulk-built trainees with plans and workouts, for scheduler tests (SQL, so 1,000 trainees take a moment)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "America/Phoenix",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Chatham",
    "America/Sao_Paulo",
]


def add_trainees(conn: Connection, zones: list[str], send_times: list[time], *, prefix: int = 1) -> list[int]:
    """Active, onboarded trainees: one per (zone, send time) pair, cycling; returns their ids."""
    rows = [
        {"phone": f"+1{prefix}{n:09d}", "zone": zones[n % len(zones)], "at": send_times[n % len(send_times)]}
        for n in range(max(len(zones), len(send_times)))
    ]
    return add_rows(conn, rows)


def add_rows(conn: Connection, rows: list[dict[str, object]]) -> list[int]:
    result = conn.execute(
        sa.text(
            "INSERT INTO trainees (phone, time_zone, send_time, status, onboarded_at, training_days) "
            "VALUES (:phone, :zone, :at, 'active', now(), '{1,3,5}') RETURNING id"
        ),
        rows,
    )
    return [row[0] for row in result] if result.returns_rows else _ids(conn, [str(r["phone"]) for r in rows])


def _ids(conn: Connection, phones: list[str]) -> list[int]:
    found = conn.execute(sa.text("SELECT id FROM trainees WHERE phone = ANY(:p) ORDER BY id"), {"p": phones})
    return [row[0] for row in found]


def add_plans(conn: Connection, start: date, days: int, weekdays: tuple[int, ...] = (1, 3, 5)) -> None:
    """Give every trainee without a plan one plan with workouts on `weekdays` for `days` days from start."""
    params = {"start": start, "end": start + timedelta(days=days), "weekdays": list(weekdays)}
    conn.execute(
        sa.text(
            "INSERT INTO conversations (trainee_id) SELECT id FROM trainees t "
            "WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.trainee_id = t.id)"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO fitness_plans (trainee_id, name, goal, split_template, progression_style, "
            "start_date, end_date, duration_weeks, days_per_week) "
            "SELECT id, 'Test plan', 'strength', 'full_body', 'double_progression', :start, :end, 8, 3 "
            "FROM trainees t WHERE NOT EXISTS (SELECT 1 FROM fitness_plans p WHERE p.trainee_id = t.id)"
        ),
        params,
    )
    conn.execute(
        sa.text(
            "INSERT INTO mesocycles (plan_id, sequence, name, phase, start_week, week_count) "
            "SELECT p.id, 1, 'Base', 'accumulation', 1, 8 FROM fitness_plans p "
            "WHERE NOT EXISTS (SELECT 1 FROM mesocycles m WHERE m.plan_id = p.id)"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO microcycles (mesocycle_id, plan_id, week_number, start_date) "
            "SELECT m.id, m.plan_id, 1, :start FROM mesocycles m "
            "WHERE NOT EXISTS (SELECT 1 FROM microcycles mc WHERE mc.mesocycle_id = m.id)"
        ),
        params,
    )
    conn.execute(
        sa.text(
            "INSERT INTO workouts (microcycle_id, trainee_id, scheduled_date, day_number, session_type, "
            "focus, sms_text) "
            "SELECT mc.id, p.trainee_id, d::date, 1, 'full_body', 'Full body', 'Workout for ' || d::date "
            "FROM microcycles mc JOIN fitness_plans p ON p.id = mc.plan_id "
            "CROSS JOIN generate_series(CAST(:start AS date), CAST(:end AS date), interval '1 day') d "
            "WHERE extract(isodow FROM d) = ANY(:weekdays) "
            "AND NOT EXISTS (SELECT 1 FROM workouts w WHERE w.microcycle_id = mc.id)"
        ),
        params,
    )


def expected_due(day: date, at: time, zone: str) -> datetime:
    """The instant a local time happens, computed independently in Python: a skipped time (spring forward)
    happens at the first minute after the gap; a repeated one (fall back) at its standard-time occurrence,
    as PostgreSQL resolves it."""
    tz = ZoneInfo(zone)
    local = datetime.combine(day, at, tzinfo=tz).replace(fold=1)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
        return local.astimezone(UTC)
    instant = local.astimezone(UTC) - timedelta(hours=2)
    while instant.astimezone(tz).replace(tzinfo=None) < local.replace(tzinfo=None):
        instant += timedelta(minutes=1)
    return instant
