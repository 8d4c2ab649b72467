"""Benchmark: set next week's prescriptions from a week of logs (rolling generation), N times.

    .venv/bin/python -m bench.progression_bench [--iterations 50]

Uses a scratch database "coach_bench_progression" on the server of DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrated and seeded with the movement library. One trainee
gets a saved 12-week plan and logs every main and accessory exercise of week 1 (committed once). Each
iteration progresses week 2 inside a transaction that is rolled back, so every run starts with
``progressed_at`` unset. Prints p50/p95 wall time (target: under 50 ms) and the SQL statements per run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.common import percentile
from bench.plan_bench import PROFILE  # the same benchmark trainee
from coach.db import make_engine
from coach.migrate import upgrade
from coach.models import Microcycle, Trainee, Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, Units
from coach.movements.library import load_library, seed_movements
from coach.training.generator import generate_plan
from coach.training.log_parsing import ParsedLog, SetEntry
from coach.training.persist import save_plan
from coach.training.profile import TrainingProfile
from coach.training.progression import progress_week
from coach.training.workout_log import record_log

TARGET_MS = 50.0
START = date(2026, 11, 23)
NOW = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


def seed_trainee(session: Session) -> int:
    """A trainee with a saved 12-week plan who logged every loaded lift of week 1 as prescribed."""
    trainee = Trainee(phone="+15550009998")
    session.add(trainee)
    session.flush()
    save_plan(
        session, trainee.id, generate_plan(TrainingProfile.from_mapping(PROFILE), load_library(), START)
    )
    workouts = session.scalars(
        sa.select(Workout)
        .join(Microcycle)
        .where(Workout.trainee_id == trainee.id, Microcycle.week_number == 1)
        .order_by(Workout.scheduled_date)
    )
    for workout in workouts:
        entries = [
            as_logged(row)
            for row in workout.exercises
            if row.section in (ExerciseRole.MAIN, ExerciseRole.ACCESSORY) and row.rep_min is not None
        ]
        report = ParsedLog(
            sets=entries, completion=None, soreness=[], session_rpe=None, notes=[], unparsed=[]
        )
        record_log(
            session, trainee.id, report, local_date=workout.scheduled_date, source_message_id=None, now=NOW
        )
    session.commit()
    return trainee.id


def as_logged(row: WorkoutExercise) -> SetEntry:
    """The prescription done exactly: its load (20 kg when none), the bottom of its reps, its effort."""
    rpe = float(row.target_rpe) if row.target_rpe is not None else 10.0 - (row.target_rir or 2)
    load = float(row.load_kg) if row.load_kg is not None else 20.0
    return SetEntry(
        row.movement.slug, row.movement.name, load, Units.KG, row.rep_min or 8, row.sets, rpe, None, None
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=50)
    iterations = parser.parse_args().iterations
    os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    from tests.servers import scratch_database  # reads DATABASE_URL

    url = scratch_database("coach_bench_progression")
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_movements(session, load_library())
        trainee_id = seed_trainee(session)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    samples, counts, changed = [], [], 0
    with engine.connect() as connection:
        for _ in range(iterations):
            transaction = connection.begin()
            session = Session(bind=connection, join_transaction_mode="create_savepoint")
            session.connection()  # the savepoint is not part of progress_week
            statements.clear()
            event.listen(connection, "before_cursor_execute", record)
            started = time.perf_counter()
            result = progress_week(session, trainee_id, 2, now=NOW)
            samples.append((time.perf_counter() - started) * 1000)
            event.remove(connection, "before_cursor_execute", record)
            counts.append(len(statements))
            changed = len(result.changes)
            session.close()
            transaction.rollback()
    engine.dispose()
    p50, p95 = statistics.median(samples), percentile(samples, 95)
    print(
        f"progress week 2 of a 12-week plan from week 1 logs: {changed} exercises changed; {iterations} runs"
    )
    print(f"progress_week    p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (target < {TARGET_MS:.0f} ms)")
    print(f"SQL statements per run: {sorted(set(counts))}")
    for statement in statements:
        print("   ", " ".join(statement.split())[:100])
    print("OK" if p95 < TARGET_MS else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()
