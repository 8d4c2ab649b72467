"""From Twilio's webhook to the SMS send call, through the real processes: gunicorn (wsgi.py, 2 workers) and
one RQ worker, against a scratch database and a private Redis database (db 11).

Signed webhooks are posted on a fixed schedule (open loop, ~5 a second); the Twilio double notes when each
send arrives, and a text's latency runs from the start of its POST to that moment. Both doubles run in this
process, so the two instants come from one clock. For LLM-path texts the OpenAI double answers at once
(~1 ms), so nothing is subtracted. RQ's own timestamps on each agent job split the time into: the webhook,
waiting for the agent job to start, and the agent job up to the send (the job sends its own reply, so the
send call lands before the job ends).

Two workers are compared: `workers/worker.py` as shipped (RQ's SimpleWorker: jobs run in the worker process,
after the job modules are imported and caches warmed), and RQ's default Worker, which forks a work horse per
job (left out of a --quick run).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
import sqlalchemy as sa
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job

from bench.agent_turns import World, empty_tables
from bench.common import ROOT, free_port, gunicorn, ms, percentile, print_table, wait_for
from bench.load import post
from coach.jobs import QUEUES
from coach.messaging.signature import sign
from tests.agent_helpers import coached_trainee
from tests.doubles.openai_api import OpenAIDouble
from tests.doubles.twilio_api import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TwilioApiDouble
from tests.messaging_helpers import inbound_params

TARGET_P50 = 0.150
REDIS_DB = 11  # a database of our own: the tests use 15 and the other benchmarks 12
TRAINEES = 25
SETTLE = 20.0  # seconds a worker gets after the last text to answer and send the rest
FAST_TEXT = "what's today?"
LLM_TEXT = "why so many squats?"


@dataclass
class Sample:
    phone: str
    sid: str
    started: datetime
    posted: float = 0.0
    status: int = 0
    sent_at: datetime | None = None
    # Texts its reply answered (more than 1 when the trainee's texts waited and were answered together).
    answered_with: int = 0
    # RQ's timestamps of the agent job that answered it: (started, ended).
    job: tuple[datetime, datetime] | None = None


@dataclass
class LatencyRun:
    label: str
    samples: list[Sample]
    settle: float
    lone: Sample  # one text sent to the idle worker just before the run

    @property
    def latencies(self) -> list[float]:
        """Seconds from POST to send; a text never answered counts as infinitely late."""
        return sorted(
            (s.sent_at - s.started).total_seconds() if s.sent_at else float("inf") for s in self.samples
        )

    @property
    def missing(self) -> int:
        return sum(1 for s in self.samples if s.sent_at is None)

    @property
    def together(self) -> int:
        return sum(1 for s in self.samples if s.answered_with > 1)


class TimedTwilio(TwilioApiDouble):
    """The Twilio double, noting when each message it creates arrived (by its SID)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, datetime] = {}

    def _create_message(self, form: dict[str, str]) -> dict[str, object]:
        arrived = datetime.now(UTC)
        resource = super()._create_message(form)
        self.arrived[str(resource["sid"])] = arrived
        return resource


def private_redis_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    scheme, rest = base.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}/{REDIS_DB}"


def seed_trainees(world: World, count: int) -> list[str]:
    """Onboarded trainees who train every day (so "what's today?" gets a workout); their phones."""
    empty_tables(world)
    phones = []
    with world.sessions() as session:
        for n in range(count):
            trainee = coached_trainee(session, name=f"Trainee {n}", training_days=range(1, 8))
            phones.append(trainee.phone)
        session.commit()
    return phones


# For comparison: RQ's default Worker, which forks a work horse per job (after the same preloading).
FORKING_WORKER = """
import logging, os, socket
from rq import Queue, Worker
from coach import jobs
from coach.bootstrap import bootstrap
from coach.jobs import QUEUES
from workers.worker import preload

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
services = bootstrap(pre_ping=True)
jobs.install(services)
preload(services)
queues = [Queue(name, connection=services.redis) for name in QUEUES]
Worker(queues, connection=services.redis, name=f"fork-{os.getpid()}").work(with_scheduler=True)
"""


@dataclass(frozen=True)
class WorkerKind:
    label: str
    argv: list[str]
    diagnostic: bool = False  # left out of a --quick run


WORKERS = (
    WorkerKind("workers/worker.py as shipped (no fork)", ["-m", "workers.worker"]),
    WorkerKind("rq's forking Worker", ["-c", FORKING_WORKER], diagnostic=True),
)


@contextmanager
def rq_worker(argv: list[str], env: dict[str, str], log_path: str) -> Iterator[None]:
    """One RQ worker process (`argv` after the interpreter), stopped with SIGTERM (warm shutdown)."""
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, *argv], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def measure_latency(
    world: World, *, texts: int, rate: float, quick: bool, verbose: bool, comparisons: bool | None = None
) -> list[LatencyRun]:
    """For each worker, fast-path texts then LLM-path texts, `texts` of each at `rate` a second.

    Every run gets a fresh worker and starts with empty queues; a worker that falls behind gets `SETTLE`
    seconds (half with --quick) after the last text to catch up; what it has not sent by then counts as
    never sent. Before each run one text warms the worker up and one more measures an idle worker.
    """
    phones = seed_trainees(world, TRAINEES)
    twilio = TimedTwilio()
    twilio.start()
    openai_double = OpenAIDouble("Squats train your whole lower body, so they anchor the plan.").start()
    redis_url = private_redis_url()
    redis.Redis.from_url(redis_url).flushdb()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tempfile.mkdtemp(prefix="coach-agent-bench-")
    env = _environment(world, redis_url, base, data_dir, twilio.base_url, openai_double.base_url)
    comparisons = not quick if comparisons is None else comparisons
    workers = [w for w in WORKERS if comparisons or not w.diagnostic]
    settle = SETTLE / 2 if quick else SETTLE
    runs = []
    try:
        with gunicorn("wsgi:app", env, port=port):
            wait_for(base + "/healthz")
            for n, worker in enumerate(workers, 1):
                for path, body in (("fast path", FAST_TEXT), ("LLM path", LLM_TEXT)):
                    log_path = f"{data_dir}/worker-{n}-{path.split()[0]}.log"
                    with rq_worker(worker.argv, env, log_path):
                        _post_and_wait(world, base, phones[-1:], body, 1, rate, settle)  # warm-up
                        lone = _post_and_wait(world, base, phones[:1], body, 1, rate, settle)
                        samples = _post_and_wait(world, base, phones, body, texts, rate, settle)
                    _clear_backlog(world, redis_url)
                    _answers(world, redis_url, twilio, [*lone, *samples])
                    runs.append(LatencyRun(f"{path}, {worker.label}", samples, settle, lone[0]))
                    if verbose:
                        print(f"  worker log: {log_path}")
    finally:
        twilio.stop()
        openai_double.stop()
        redis.Redis.from_url(redis_url).flushdb()
        if not verbose:  # --verbose keeps the workers' logs and says where
            shutil.rmtree(data_dir, ignore_errors=True)
    return runs


def _environment(
    world: World, redis_url: str, base: str, data_dir: str, twilio_url: str, openai_url: str
) -> dict[str, str]:
    assert world.settings.database_url
    return {
        **os.environ,
        "COACH_ENV": "development",
        "COACH_DATA_DIR": data_dir,
        "DATABASE_URL": world.settings.database_url,
        "REDIS_URL": redis_url,
        "PUBLIC_BASE_URL": base,
        "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "DASHBOARD_PASSWORD": "bench-dashboard-password",
        "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+15550009999",
        "TWILIO_API_BASE_URL": twilio_url,
        "SMS_BACKEND": "twilio",
        "OPENAI_API_KEY": "bench-key",
        "OPENAI_BASE_URL": openai_url,
        "LLM_MAX_RETRIES": "0",
    }


def _post_and_wait(
    world: World, base: str, phones: list[str], body: str, texts: int, rate: float, settle: float
) -> list[Sample]:
    """Post `texts` signed webhooks on a schedule; wait until all are answered and sent (or `settle` s)."""
    samples: list[Sample] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        params = inbound_params(phones[n % len(phones)], body)
        headers = {"X-Twilio-Signature": sign(TEST_AUTH_TOKEN, base + "/twilio/sms", params)}
        sample = Sample(params["From"], params["MessageSid"], datetime.now(UTC))
        sample.status, sample.posted = post(base, "/twilio/sms", params, headers)
        with lock:
            samples.append(sample)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for n in range(texts):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, n)
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline and _work_left(world):
        time.sleep(0.1)
    return samples


# Texts not yet answered, or replies not yet handed to Twilio.
WORK_LEFT = sa.text(
    "SELECT EXISTS (SELECT 1 FROM messages WHERE direction = 'inbound' AND handled_at IS NULL) "
    "OR EXISTS (SELECT 1 FROM outbound_messages WHERE state = 'queued')"
)


def _work_left(world: World) -> bool:
    with world.engine.connect() as conn:
        return bool(conn.scalar(WORK_LEFT))


def _clear_backlog(world: World, redis_url: str) -> None:
    """After a worker stops: drop what it left undone, so the next run starts from an empty queue."""
    with world.engine.begin() as conn:
        conn.execute(sa.text("UPDATE outbound_messages SET state = 'failed' WHERE state = 'queued'"))
        conn.execute(
            sa.text(
                "UPDATE messages SET handled_at = now() WHERE direction = 'inbound' AND handled_at IS NULL"
            )
        )
    # Keep the finished jobs (their timestamps are read next); drop the waiting ones.
    connection = redis.Redis.from_url(redis_url)
    for name in QUEUES:
        Queue(name, connection=connection).empty()  # type: ignore[no-untyped-call]


# Each text, the reply sent for it (the first sent reply to its trainee at or after it), and the agent run
# that answered it.
ANSWERS = sa.text(
    """
    SELECT m.provider_sid, o.provider_sid, cardinality(r.inbound_message_ids), r.inbound_message_ids[1]
    FROM messages m
    LEFT JOIN LATERAL (
        SELECT provider_sid FROM outbound_messages o
        WHERE o.trainee_id = m.trainee_id AND o.kind = 'reply' AND o.in_reply_to_id >= m.id
          AND o.provider_sid IS NOT NULL
        ORDER BY o.in_reply_to_id, o.sequence
        LIMIT 1
    ) o ON true
    LEFT JOIN LATERAL (
        SELECT inbound_message_ids FROM agent_runs r WHERE m.id = ANY(r.inbound_message_ids) LIMIT 1
    ) r ON true
    WHERE m.provider_sid = ANY(:sids)
    """
)


def _answers(world: World, redis_url: str, twilio: TimedTwilio, samples: list[Sample]) -> None:
    """When each text's reply reached Twilio, how many texts it answered, and its agent job's timestamps."""
    with world.engine.connect() as conn:
        rows = conn.execute(ANSWERS, {"sids": [s.sid for s in samples]}).all()
    found = {row[0]: row[1:] for row in rows}
    connection = redis.Redis.from_url(redis_url)
    for sample in samples:
        if sample.sid not in found:
            continue
        reply_sid, count, first_id = found[sample.sid]
        sample.sent_at = twilio.arrived.get(reply_sid) if reply_sid else None
        sample.answered_with = int(count or 0)
        if first_id is None:
            continue
        try:
            job = Job.fetch(f"inbound-{first_id}", connection=connection)
        except NoSuchJobError:
            continue
        if job.started_at and job.ended_at:
            sample.job = (_utc(job.started_at), _utc(job.ended_at))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def print_latency(runs: list[LatencyRun], *, rate: float) -> None:
    rows = []
    for run in runs:
        latencies = run.latencies
        p50, p99 = statistics.median(latencies), percentile(latencies, 99)
        lone = run.lone.sent_at
        alone = _seconds((lone - run.lone.started).total_seconds() if lone else float("inf"), run.settle)
        note = f"p99 {_seconds(p99, run.settle)}; one text to the idle worker {alone}"
        if run.missing:
            note += f", {run.missing} of {len(run.samples)} not sent {run.settle:.0f} s after the last text"
        if run.together:
            note += f", {run.together} answered together with another"
        errors = sum(1 for s in run.samples if s.status != 200)
        if errors:
            note += f", {errors} webhook errors"
        verdict = "PASS" if p50 < TARGET_P50 else "MISS"
        rows.append(
            (f"{run.label} (target p50 < 150 ms)", f"p50 {_seconds(p50, run.settle)}", f"{verdict}; {note}")
        )
    print_table(
        f"Webhook POST -> SMS send call reaching the Twilio double, {len(runs[0].samples)} texts at "
        f"{rate:.0f}/s, gunicorn 2 workers + 1 RQ worker",
        rows,
    )
    print_table(
        "  where the time goes: the agent job (RQ's timestamps; a forked horse's start-up included)",
        [_split(run) for run in runs],
    )


def _split(run: LatencyRun) -> tuple[str, str, str]:
    """Medians over the texts whose own agent job answered them alone (it ran, even if nothing was sent)."""
    alone = [(s, s.job) for s in run.samples if s.job and s.answered_with == 1]
    if not alone:
        return (run.label, "n/a", "no agent job ran in time")

    def median(values: list[float]) -> str:
        return ms(statistics.median(values)) if values else "n/a"

    post_ms = median([s.posted for s, _ in alone])
    queued = median([(job[0] - s.started).total_seconds() for s, job in alone])
    job = median([(job[1] - job[0]).total_seconds() for _, job in alone])
    send = median([(s.sent_at - job[0]).total_seconds() for s, job in alone if s.sent_at])
    return (
        run.label,
        f"job {job}",
        f"webhook {post_ms}, POST to job start {queued}, job start to send {send} ({len(alone)} texts)",
    )


def _seconds(value: float, settle: float) -> str:
    return f"> {settle:.0f} s" if value == float("inf") else ms(value)
