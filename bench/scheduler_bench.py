"""One scheduler tick that makes 100k trainees' daily texts due, compared in the same run with a raw
INSERT ... SELECT of the same 100k rows.

    python -m bench.scheduler_bench [--trainees 100000]

Targets (issue: scheduler): within 3x the raw insert; under 10 s on these machines.
"""

from __future__ import annotations

import argparse
import time as clock
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench.common import bench_database, print_table
from coach.db import make_engine
from coach.scheduling import due
from tests.scheduling_helpers import ZONES

MONDAY = date(2026, 11, 23)


def _load(engine: sa.Engine, trainees: int) -> None:
    """100k active trainees in 10 zones, all due at 07:00 local, each with a plan and Monday's workout."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO trainees (phone, time_zone, send_time, status, onboarded_at) "
                "SELECT '+1' || (2000000000 + g), (CAST(:zones AS text[]))[1 + g % 10], '07:00', 'active', "
                "now() "
                "FROM generate_series(1, :n) g"
            ),
            {"n": trainees, "zones": ZONES},
        )
        conn.execute(
            sa.text(
                "INSERT INTO fitness_plans (trainee_id, name, goal, split_template, progression_style, "
                "start_date, end_date, duration_weeks, days_per_week) "
                "SELECT id, 'Plan', 'strength', 'full_body', 'double_progression', :d, :d + 60, 8, 3 "
                "FROM trainees"
            ),
            {"d": MONDAY},
        )
        conn.execute(
            sa.text(
                "INSERT INTO mesocycles (plan_id, sequence, name, phase, start_week, week_count) "
                "SELECT id, 1, 'Base', 'accumulation', 1, 8 FROM fitness_plans"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO microcycles (mesocycle_id, plan_id, week_number, start_date) "
                "SELECT id, plan_id, 1, :d FROM mesocycles"
            ),
            {"d": MONDAY},
        )
        conn.execute(
            sa.text(
                "INSERT INTO workouts (microcycle_id, trainee_id, scheduled_date, day_number, session_type, "
                "sms_text) SELECT mc.id, p.trainee_id, :d, 1, 'full_body', 'Mon - Full body: Squat 3x5' "
                "FROM microcycles mc JOIN fitness_plans p ON p.id = mc.plan_id"
            ),
            {"d": MONDAY},
        )
        conn.execute(sa.text("ANALYZE"))


def _raw_insert(engine: sa.Engine) -> float:
    """The floor: the same rows copied with a plain INSERT ... SELECT, no time-zone logic."""
    with engine.begin() as conn:
        started = clock.perf_counter()
        conn.execute(
            sa.text(
                "INSERT INTO outbound_messages (trainee_id, kind, body, idempotency_key, priority) "
                "SELECT w.trainee_id, 'daily_workout', w.sms_text, 'raw:' || w.trainee_id, 4 FROM workouts w"
            )
        )
        took = clock.perf_counter() - started
        conn.execute(sa.text("DELETE FROM outbound_messages"))
    return took


def _tick(engine: sa.Engine) -> tuple[float, int, dict[str, int]]:
    """One tick whose window holds Monday 07:00 in every zone, from Chatham (UTC+13:45) to Los Angeles
    (UTC-8), so every trainee is due at once."""
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with Session(engine) as session:
            started = clock.perf_counter()
            queued = due.queue_due_texts(
                session, due.window(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), timedelta(hours=22))
            )
            session.commit()
            took = clock.perf_counter() - started
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return took, statements, queued


def _statement_timings(engine: sa.Engine) -> list[tuple[str, str, str]]:
    """Each kind's statement on its own, rolled back, after clearing what the tick queued."""
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM outbound_messages"))
    rows = []
    win = due.window(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), timedelta(hours=22))
    for kind in due.STATEMENTS:
        with Session(engine) as session:
            started = clock.perf_counter()
            count = due.queue_due_texts(session, win, kinds=[kind])[kind]
            rows.append((kind, f"{clock.perf_counter() - started:.2f} s", f"{count} rows"))
            session.rollback()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=100_000)
    args = parser.parse_args()
    engine = make_engine(bench_database("coach_bench_scheduler"))
    _load(engine, args.trainees)
    raw = _raw_insert(engine)
    took, statements, queued = _tick(engine)
    timings = _statement_timings(engine)
    ratio = took / raw
    print_table(
        f"Scheduler tick making {args.trainees:,} trainees' daily texts due (10 zones)",
        [
            ("raw INSERT ... SELECT of the same rows", f"{raw:.2f} s", ""),
            ("scheduler tick", f"{took:.2f} s", f"{statements} statements, queued {queued}"),
            ("tick / raw (target <= 3)", f"{ratio:.2f}", "PASS" if ratio <= 3 else "MISS"),
            ("tick wall time (target < 10 s)", f"{took:.2f} s", "PASS" if took < 10 else "MISS"),
        ],
    )
    print_table("Each statement of the tick, alone (rolled back)", timings)
    if queued["daily_workout"] != args.trainees:
        raise SystemExit(f"expected {args.trainees} daily texts, queued {queued['daily_workout']}")


if __name__ == "__main__":
    main()
