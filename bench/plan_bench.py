"""Benchmark: build and store a 12-week plan for one trainee, N times, against a real PostgreSQL.

    .venv/bin/python -m bench.plan_bench [--iterations 30]

Uses a scratch database "coach_bench_plan" on the server of DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrated and seeded with the movement library. Each
iteration runs inside a transaction that is rolled back, so every save starts from the same state.
Prints p50/p95 wall time for generating only and for generating + saving (target: under 300 ms), and the
number of SQL statements per saved plan.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.common import percentile
from coach.db import make_engine
from coach.migrate import upgrade
from coach.models import Trainee
from coach.movements.library import load_library, seed_movements
from coach.training.generator import generate_plan
from coach.training.persist import save_plan
from coach.training.profile import TrainingProfile
from tests.servers import scratch_database

TARGET_MS = 300.0
PROFILE = {
    "goals": [{"goal": "hypertrophy", "weight": 7}, {"goal": "strength", "weight": 3}],
    "experience": "intermediate",
    "days_per_week": 5,
    "session_minutes": 75,
    "equipment": ["barbell", "rack", "bench", "dumbbell", "cable", "machine", "pullup_bar", "bike"],
    "e1rm_kg": {"barbell_back_squat": 150, "bench_press": 105, "conventional_deadlift": 190},
    "weeks": 12,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=30)
    iterations = parser.parse_args().iterations
    os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = scratch_database("coach_bench_plan")
    upgrade(url)
    engine = make_engine(url)
    library = load_library()
    with Session(engine) as session:
        seed_movements(session, library)
    profile = TrainingProfile.from_mapping(PROFILE)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    generate_ms, total_ms, counts, rows = [], [], [], 0
    with engine.connect() as connection:
        for _ in range(iterations):
            transaction = connection.begin()
            session = Session(bind=connection, join_transaction_mode="create_savepoint")
            trainee = Trainee(phone="+15550009999")
            session.add(trainee)
            session.flush()
            started = time.perf_counter()
            plan = generate_plan(profile, library, date(2026, 11, 23))
            generated = time.perf_counter()
            statements.clear()
            event.listen(engine, "before_cursor_execute", record)
            save_plan(session, trainee.id, plan)
            event.remove(engine, "before_cursor_execute", record)
            saved = time.perf_counter()
            generate_ms.append((generated - started) * 1000)
            total_ms.append((saved - started) * 1000)
            counts.append(len(statements))
            rows = sum(len(w.exercises) for w in plan.workouts())
            session.close()
            transaction.rollback()
    engine.dispose()
    p95 = percentile(total_ms, 95)
    print(
        f"12-week plan: {sum(1 for _ in plan.workouts())} workouts, {rows} exercises; {iterations} iterations"
    )
    for label, samples in (("generate only", generate_ms), ("generate + save", total_ms)):
        p50, high = statistics.median(samples), percentile(samples, 95)
        print(f"{label:<16} p50 {p50:7.1f} ms   p95 {high:7.1f} ms   (target < {TARGET_MS:.0f} ms)")
    print(f"SQL statements per saved plan: {sorted(set(counts))}")
    print("OK" if p95 < TARGET_MS else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()
