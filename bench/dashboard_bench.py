"""The dashboard overview against a production-sized queue: 100k trainees and 1M outbound texts.

    .venv/bin/python -m bench.dashboard_bench [--runs 15]

Loads a scratch database with set-based INSERT ... SELECT generate_series, then times the logged-in
overview page (Flask test client) and each of its queries, and prints each query's plan summary.
Target: the overview renders in under 200 ms (p50).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from tempfile import mkdtemp

import redis
import sqlalchemy as sa
from sqlalchemy import Engine

from bench.common import bench_redis_url
from coach.bootstrap import bootstrap
from coach.config import TEST, Settings
from coach.dashboard import agent_runs, queue_figures, scheduler_figures
from coach.db import make_engine
from coach.migrate import upgrade
from coach.web import create_app
from tests import servers

TRAINEES = 100_000
OUTBOUND = 1_000_000
MESSAGES = 500_000
AGENT_RUNS = 100_000
PASSWORD = "bench-password"  # noqa: S105 - a throwaway scratch database

ZONES = (
    "ARRAY['America/New_York','America/Chicago','America/Denver','America/Los_Angeles',"
    "'Europe/London','Europe/Berlin','Asia/Tokyo','Australia/Sydney']"
)

# Statements built from the constants above only; nothing outside this file reaches them.
LOAD = [
    (
        "trainees",
        f"""
        INSERT INTO trainees (phone, name, time_zone, send_time, training_days, status, onboarded_at,
                              consent_at, opted_out_at, opt_out_source)
        SELECT '+1' || (5550000000 + i), 'Trainee ' || i, ({ZONES})[1 + i % 8],
               make_time(5 + i % 15, (i % 4) * 15, 0), '{{1,3,5}}',
               s.status::trainee_status,
               CASE WHEN s.status <> 'onboarding' THEN now() - interval '30 days' END,
               now() - interval '40 days',
               CASE WHEN s.status = 'opted_out' THEN now() - random() * interval '60 days' END,
               CASE WHEN s.status = 'opted_out' THEN 'keyword' END
        FROM generate_series(1, {TRAINEES}) i
        CROSS JOIN LATERAL (SELECT CASE WHEN i % 100 < 85 THEN 'active' WHEN i % 100 < 90 THEN 'onboarding'
                                        WHEN i % 100 < 97 THEN 'paused' ELSE 'opted_out' END AS status) s
        """,  # noqa: S608
    ),
    (
        "conversations",
        "INSERT INTO conversations (trainee_id, last_message_at) SELECT id, now() FROM trainees",
    ),
    (
        "outbound_messages",
        # Sixty days of history, evenly spread (~700 an hour); the last few minutes are still in flight.
        f"""
        INSERT INTO outbound_messages (trainee_id, kind, body, idempotency_key, state, priority, attempts,
                                       next_attempt_at, not_before, error_code, sent_at, delivered_at,
                                       created_at, updated_at)
        SELECT 1 + i % {TRAINEES}, k.kind::outbound_kind, 'Today: squat 3x5 @ RPE 7, bench 3x8, row 3x10',
               'bench:' || i, s.state::delivery_state, 4, s.attempts, c.at,
               CASE WHEN s.state = 'queued' AND i % 3 = 0 THEN now() + interval '6 hours' END,
               CASE WHEN s.state IN ('failed', 'undelivered')
                    THEN (ARRAY[30003, 30005, 30006, 30007, 30008])[1 + i % 5] END,
               CASE WHEN s.state IN ('sent', 'delivered', 'undelivered') THEN c.at + interval '2 seconds' END,
               CASE WHEN s.state = 'delivered' THEN c.at + interval '5 seconds' END,
               c.at, c.at
        FROM generate_series(1, {OUTBOUND}) i
        CROSS JOIN LATERAL (SELECT now() - (i::float8 / {OUTBOUND}) * interval '60 days' AS at) c
        CROSS JOIN LATERAL (SELECT (ARRAY['reply', 'reply', 'reply', 'daily_workout', 'daily_workout',
                                          'weekly_preview', 'nudge', 'system', 'rest_day', 'operator']
                                   )[1 + i % 10] AS kind) k
        CROSS JOIN LATERAL (SELECT
            CASE WHEN c.at > now() - interval '3 minutes' THEN 'queued'
                 WHEN c.at > now() - interval '4 minutes' THEN 'sending'
                 WHEN i % 1000 < 5 THEN 'queued'
                 WHEN i % 1000 < 20 THEN 'failed'
                 WHEN i % 1000 < 35 THEN 'undelivered'
                 WHEN i % 1000 < 40 THEN 'suppressed'
                 WHEN i % 1000 < 42 THEN 'cancelled'
                 WHEN i % 1000 < 70 THEN 'sent'
                 ELSE 'delivered' END AS state,
            CASE WHEN i % 1000 BETWEEN 5 AND 19 THEN 6 ELSE 1 END AS attempts) s
        """,  # noqa: S608
    ),
    (
        "messages",
        f"""
        INSERT INTO messages (conversation_id, trainee_id, direction, body, status, created_at, handled_at)
        SELECT 1 + i % {TRAINEES}, 1 + i % {TRAINEES}, 'inbound', 'done, squat 100kg x 5 @ 8', 'received',
               c.at, c.at + interval '3 seconds'
        FROM generate_series(1, {MESSAGES}) i
        CROSS JOIN LATERAL (SELECT now() - (i::float8 / {MESSAGES}) * interval '60 days' AS at) c
        """,  # noqa: S608
    ),
    (
        "agent_runs",
        f"""
        INSERT INTO agent_runs (trainee_id, model, prompt_tokens, completion_tokens, llm_calls, latency_ms,
                                tool_calls, outcome, error_class, cost_usd, flagged, flag_reason, created_at)
        SELECT 1 + i % {TRAINEES}, 'gpt-4o-mini', 1200 + i % 800, 150 + i % 200, 1 + i % 3,
               400 + (i * 7919) % 6000, '[]'::jsonb,
               (CASE WHEN i % 50 = 0 THEN 'fallback' WHEN i % 3 = 0 THEN 'deterministic'
                     ELSE 'answered' END)::agent_outcome,
               CASE WHEN i % 50 = 0 THEN (ARRAY['APITimeoutError','RateLimitError'])[1 + i % 2] END,
               0.00042, i % 997 = 0, CASE WHEN i % 997 = 0 THEN 'mentions chest pain' END,
               now() - (i::float8 / {AGENT_RUNS}) * interval '60 days'
        FROM generate_series(1, {AGENT_RUNS}) i
        """,  # noqa: S608
    ),
]


def load(engine: Engine) -> None:
    for table, statement in LOAD:
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.text(statement))
        print(f"loaded {table:<18} {time.perf_counter() - started:6.1f} s")
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    print(f"vacuum analyze          {time.perf_counter() - started:6.1f} s")


def timed(func: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def explain(engine: Engine, statements: dict[str, sa.TextClause], now: datetime) -> None:
    """Each overview statement's execution time as PostgreSQL measures it, and the indexes it reads."""
    with engine.connect() as conn:
        for name, statement in statements.items():
            analyzed = sa.text("EXPLAIN (ANALYZE, BUFFERS) " + statement.text)
            if "now" in statement.compile().params:
                analyzed = analyzed.bindparams(sa.bindparam("now", type_=sa.DateTime(timezone=True)))
            plan = conn.execute(analyzed, {"now": now}).scalars().all()
            total = next((line for line in plan if line.startswith("Execution Time")), "")
            scans = sorted(
                {
                    line.split(" on ")[0].split("->")[-1].strip() + " " + line.split(" on ")[1].split()[0]
                    for line in plan
                    if " on " in line and "Scan" in line
                }
            )
            print(f"  {name:<24} {total:<28} {'; '.join(scans)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    database_url = servers.scratch_database("coach_bench_dashboard")
    upgrade(database_url)
    engine = make_engine(database_url)
    print(
        f"loading {TRAINEES:,} trainees and {OUTBOUND:,} outbound texts into {database_url.rsplit('/', 1)[1]}"
    )
    load(engine)

    settings = Settings(
        env=TEST,
        database_url=database_url,
        redis_url=bench_redis_url(),
        secret_key="bench-secret-key-0123456789-abcdefghijklmnop",  # noqa: S106
        dashboard_password=PASSWORD,
        data_dir=Path(mkdtemp(prefix="coach-bench-")),
    )
    services = bootstrap(settings)
    redis.Redis.from_url(bench_redis_url()).flushdb()
    app = create_app(services=services)
    client = app.test_client()
    login(client)

    def render() -> None:
        response = client.get("/dashboard/")
        assert response.status_code == 200, response.status_code

    render()  # warm the pool and the template cache
    now = datetime.now(UTC)
    print(
        f"\noverview page (GET /dashboard/, logged in), p50 of {args.runs}: {timed(render, args.runs):.1f} ms"
    )
    print("\neach overview query, p50 ms:")
    statements = {**queue_figures.statements(), **agent_runs.statements(), **scheduler_figures.statements()}
    for name, statement in statements.items():

        def run(stmt: sa.TextClause = statement) -> None:
            with engine.connect() as conn:
                conn.execute(stmt, {"now": now}).all()

        print(f"  {name:<24} {timed(run, args.runs):7.2f}")
    print("\nplans (EXPLAIN ANALYZE):")
    explain(engine, statements, now)
    services.close()
    engine.dispose()


def login(client: object) -> None:
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    page = client.get("/dashboard/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/dashboard/login", data={"password": PASSWORD, "name": "bench", "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code


if __name__ == "__main__":
    main()
