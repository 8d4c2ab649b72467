"""two-schedulers: two scheduler processes step through the same simulated week at once, then it is rerun.

Trainees with plans (tests/scheduling_helpers.py: Mon/Wed/Fri workouts, ten time zones, every quarter hour of
the day as a send time, half of them with rest-day texts) over 2026-10-31 .. 2026-11-07, which crosses the US
fall-back. Two processes run the scheduler's own tick (`run_tick`) at every step of the week concurrently
(bench/chaos/scheduler_clock.py: one bootstrap, many ticks, since a process per tick costs ~4 s); then a
rerun: a third pass at other instants and the real `coach scheduler --once --now T` at sampled instants,
which must queue nothing. The minute scheduler process runs throughout. The workers send everything to the
Twilio double (quiet hours off, as the week is in the past and would otherwise wait for morning in real time).

Every expected daily text (workout or rest day, per trainee per local date, computed independently in Python)
must be queued once and reach Twilio once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import psycopg
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from bench.chaos.ledger import SENT_STATES, Snapshot, settle, twilio_sends, verdict
from bench.chaos.processes import tick_report
from bench.chaos.servers import ROOT
from bench.chaos.stage import Result, Stage
from coach.db import sqlalchemy_url
from tests.doubles.twilio_api import TwilioApiDouble
from tests.scheduling_helpers import ZONES, add_plans, add_rows, expected_due

NAME = "two-schedulers"
ENV = {"QUIET_HOURS": "00:00-00:00"}  # an empty window: nothing waits for the recipient's morning
WEEK_START = datetime(2026, 10, 31, tzinfo=UTC)
WEEK_END = WEEK_START + timedelta(days=7)
PLAN_START = WEEK_START.date() - timedelta(days=1)
PLAN_DAYS = 10
WORKOUT_DAYS = (1, 3, 5)
GRACE = timedelta(hours=3)  # SCHEDULER_GRACE_MINUTES: the first tick catches up this far
DEADLINE = 120.0  # seconds after the last scheduler pass by which every text must have reached Twilio


@dataclass(frozen=True)
class Size:
    trainees: int
    step: float  # minutes between ticks of the two concurrent schedulers
    rerun_step: float  # minutes between ticks of the rerun pass (offset by a few minutes)
    cli_every: int  # hours between the sampled `coach scheduler --once --now` reruns


SIZES = {
    "small": Size(trainees=100, step=30, rerun_step=60, cli_every=72),
    "full": Size(trainees=1000, step=10, rerun_step=25, cli_every=6),
}


@dataclass(frozen=True)
class Trainee:
    id: int
    phone: str
    zone: str
    at: clock_time
    rest_days: bool


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    trainees = _add_trainees(stage.database_url, size.trainees)
    expected = _expected_daily(trainees)
    stage.start_coach()
    stage.say(f"{len(trainees)} trainees with plans; {len(expected)} daily texts fall due in the week")

    started = time.monotonic()
    first = _clocks(stage, [(size.step, 0), (size.step, 0)])
    stage.say(
        f"two schedulers ticked every {size.step:g} min through the week at once ({first}) "
        f"in {time.monotonic() - started:.0f} s"
    )
    queued_before = _row_count(stage.database_url)
    started = time.monotonic()
    rerun = _clocks(stage, [(size.rerun_step, 3)])
    cli = _cli_reruns(stage, size.cli_every)
    queued_by_rerun = _row_count(stage.database_url) - queued_before
    stage.say(
        f"rerun: a pass every {size.rerun_step:g} min ({rerun}) and {len(cli)} runs of "
        f"`coach scheduler --once --now` queued {queued_by_rerun} texts "
        f"({time.monotonic() - started:.0f} s)"
    )

    def snapshot() -> Snapshot:
        return _snapshot(stage.database_url, stage.twilio, expected)

    at_deadline, finished_after = settle(
        snapshot, fault_ended=time.monotonic(), deadline=DEADLINE, grace=DEADLINE
    )
    problems = stage.process_problems()
    stage.processes.stop()
    final = snapshot()
    if finished_after is not None:
        stage.say(f"every text reached Twilio {finished_after:.0f} s after the last pass")
    for detail in final.details:
        stage.say(detail)
    result = verdict(final, at_deadline, finished_after)
    problems += final.anomalies
    if queued_by_rerun:
        problems.append(f"the rerun queued {queued_by_rerun} more texts")
    if any(
        sum(report.get(kind, 0) for kind in ("daily_workout", "rest_day", "weekly_preview", "nudge"))
        for report in cli
    ):
        problems.append("a `coach scheduler --once --now` rerun reported texts queued")
    did = f"{len(trainees)} trainees, 2 schedulers + rerun over a simulated week"
    return Result.from_verdict(NAME, did, result, problems)


def _add_trainees(database_url: str, count: int) -> list[Trainee]:
    rows = [{"phone": f"+1777{n:07d}", "zone": ZONES[n % len(ZONES)], "at": _slot(n)} for n in range(count)]
    engine = sa.create_engine(sqlalchemy_url(database_url), poolclass=NullPool)
    with engine.begin() as conn:
        ids = add_rows(conn, rows)
        conn.execute(sa.text("UPDATE trainees SET rest_day_messages = (id % 2 = 1)"))
        add_plans(conn, PLAN_START, PLAN_DAYS, WORKOUT_DAYS)
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return [
        Trainee(id, str(row["phone"]), str(row["zone"]), row["at"], id % 2 == 1)  # type: ignore[arg-type]
        for id, row in zip(ids, rows, strict=True)
    ]


def _slot(n: int) -> clock_time:
    quarter = (n * 7) % 96  # every quarter hour of the day, over the trainees
    return clock_time(quarter // 4, quarter % 4 * 15)


def _expected_daily(trainees: list[Trainee]) -> dict[str, str]:
    """idempotency key -> "daily_workout" | "rest_day", for every text due from the first tick to the last."""
    expected: dict[str, str] = {}
    plan_end = PLAN_START + timedelta(days=PLAN_DAYS)
    for trainee in trainees:
        day = WEEK_START.date() - timedelta(days=1)
        while day <= WEEK_END.date() + timedelta(days=1):
            due = expected_due(day, trainee.at, trainee.zone)
            if WEEK_START - GRACE < due <= WEEK_END and PLAN_START <= day <= plan_end:
                kind = _kind(day, trainee.rest_days)
                if kind:
                    expected[f"daily:{trainee.id}:{day.isoformat()}"] = kind
            day += timedelta(days=1)
    return expected


def _kind(day: date, rest_days: bool) -> str | None:
    if day.isoweekday() in WORKOUT_DAYS:
        return "daily_workout"
    return "rest_day" if rest_days else None


def _clocks(stage: Stage, passes: list[tuple[float, float]]) -> str:
    """Run scheduler processes on a simulated clock at once, one per (step, offset); their summed counts."""
    procs = []
    for n, (step, offset) in enumerate(passes):
        log = (stage.log_dir / f"scheduler-clock-{step:g}-{offset:g}-{n}.log").open("ab")
        argv = [
            sys.executable,
            "-m",
            "bench.chaos.scheduler_clock",
            "--start",
            WEEK_START.isoformat(),
            "--end",
            WEEK_END.isoformat(),
            "--step",
            str(step),
            "--offset",
            str(offset),
        ]
        procs.append(subprocess.Popen(argv, env=stage.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=log))
    totals: Counter[str] = Counter()
    for proc in procs:
        out, _ = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"a scheduler clock failed; see {stage.log_dir}")
        totals.update(json.loads(out.decode().strip().splitlines()[-1]))
    shown = ("ticks", "daily_workout", "rest_day", "weekly_preview", "nudge")
    return ", ".join(f"{kind} {totals[kind]}" for kind in shown)


def _cli_reruns(stage: Stage, every_hours: int) -> list[dict[str, int]]:
    reports = []
    moment = WEEK_START + timedelta(hours=every_hours)
    while moment <= WEEK_END:
        result = subprocess.run(
            [sys.executable, "-m", "coach.cli", "scheduler", "--once", "--now", moment.isoformat()],
            env=stage.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        reports.append(tick_report(result.stdout))
        moment += timedelta(hours=every_hours)
    return reports


def _row_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM outbound_messages").fetchone()
    return int(row[0]) if row else 0


def _snapshot(database_url: str, twilio: TwilioApiDouble, expected: dict[str, str]) -> Snapshot:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT o.id, o.idempotency_key, o.kind::text, o.state::text, o.trainee_id, o.body "
            "FROM outbound_messages o"
        ).fetchall()
    sends, unknown = twilio_sends(twilio)
    sent = {row_id for row_id, _, _, state, _, _ in rows if state in SENT_STATES and sends[row_id] >= 1}
    keys = {key: (row_id, kind) for row_id, key, kind, *_ in rows}
    pending = {f"row {row_id}" for row_id, *_ in rows if row_id not in sent}
    # Once the passes are over nothing queues a missing daily text; a row failed or suppressed is final too.
    lost = {f"never queued {key}" for key in expected if key not in keys}
    lost |= {f"row {row_id}" for row_id, _, _, state, _, _ in rows if state not in ("queued", *SENT_STATES)}
    pending |= lost
    # The same workout text queued twice for one trainee under different keys is a doubled daily text too.
    workouts = Counter(
        (trainee_id, body) for _, _, kind, _, trainee_id, body in rows if kind == "daily_workout"
    )
    doubled_bodies = sum(count - 1 for count in workouts.values() if count > 1)
    duplicated = sum(count - 1 for count in sends.values() if count > 1) + unknown + doubled_bodies
    unexpected = [
        key for key, (_, kind) in keys.items() if key.startswith("daily:") and expected.get(key) != kind
    ]
    daily_sent = sum(1 for key in expected if key in keys and keys[key][0] in sent)
    details = [f"{doubled_bodies} workout texts queued twice for the same trainee"] if doubled_bodies else []
    anomalies = [f"{len(unexpected)} daily texts not expected, e.g. {unexpected[:3]}"] if unexpected else []
    return Snapshot(
        pending=pending,
        lost=lost,
        duplicated=duplicated,
        counts={
            "daily texts expected": len(expected),
            "queued": sum(1 for key in keys if key.startswith("daily:")),
            "sent": daily_sent,
            "other texts sent": len(sent) - daily_sent,
        },
        details=details,
        anomalies=anomalies,
    )
