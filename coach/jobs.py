"""Background jobs: one decorator carries queue, timeout, retries and logging for every job.

Jobs take ids, reload state, and are idempotent. They run with the worker process's services, installed once
by the worker's bootstrap (or by a test).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar
from uuid import uuid4

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus, get_current_job
from rq.serializers import DefaultSerializer
from rq.utils import get_call_string, utcformat
from rq.utils import now as rq_now

from coach import hot_path
from coach.bootstrap import Services

# Sends first: a send job is short and carries texts already decided, so under a backlog of texts to answer
# the answers already made still leave at once. Then answers to trainees, then slower work (plan generation).
QUEUES = ("send", "agent", "default")

# A running job refreshes its heartbeat every HEARTBEAT_SECONDS; one marked started whose heartbeat is older
# than ABANDONED_AFTER_SECONDS has lost its worker (killed, or its machine gone) and is run again (every job
# is idempotent, and answers are serialised per trainee).
HEARTBEAT_SECONDS = 15
ABANDONED_AFTER_SECONDS = 60
RETRY_INTERVALS = (5, 30, 120)  # seconds before a failed job's 1st, 2nd and 3rd retry
RESULT_TTL = 600
FAILURE_TTL = 7 * 86400  # failed jobs stay a week for the dashboard
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}

log = logging.getLogger("coach.jobs")
P = ParamSpec("P")
R = TypeVar("R")

_services: Services | None = None
_fork_hook_registered = False


def install(services: Services) -> None:
    """Make `services` the ones jobs in this process use."""
    global _services, _fork_hook_registered
    _services = services
    if not _fork_hook_registered:
        # A process forked after install (RQ's forking Worker, gunicorn) must not reuse pooled connections.
        os.register_at_fork(after_in_child=_forget_inherited_connections)
        _fork_hook_registered = True


def _forget_inherited_connections() -> None:
    if _services is not None:
        _services.engine.dispose(close=False)


def current_services() -> Services:
    if _services is None:
        raise RuntimeError("no services installed in this process; the worker bootstrap calls jobs.install()")
    return _services


@dataclass(frozen=True)
class JobSpec:
    queue: str
    timeout: int
    retries: int


def job(queue: str, *, timeout: int = 60, retries: int = 3) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a background job. Exceptions propagate so RQ records them and retries."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.monotonic()
            try:
                with _heartbeats(get_current_job()):
                    return func(*args, **kwargs)
            finally:
                # Sessions are opened per job with `with`; nothing to clean up beyond logging.
                log.info("job %s%s took %.0f ms", func.__name__, args, (time.monotonic() - started) * 1000)

        run.coach_job = JobSpec(queue=queue, timeout=timeout, retries=retries)  # type: ignore[attr-defined]
        return run

    return decorate


@contextmanager
def _heartbeats(current: Job | None) -> Iterator[None]:
    """Refresh the running job's heartbeat every HEARTBEAT_SECONDS from a side thread, so recovery can tell
    a long job from one whose worker died (RQ's in-process worker does not refresh it during a job)."""
    if current is None:  # called directly, not by a worker
        yield
        return
    done = threading.Event()

    def beat() -> None:
        while not done.wait(HEARTBEAT_SECONDS):
            try:
                current.heartbeat(datetime.now(UTC), ttl=HEARTBEAT_SECONDS + 60)
            except Exception:  # Redis away: recovery may run the job again, which is safe
                log.warning("could not refresh the heartbeat of job %s", current.id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{current.id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


# What Queue.enqueue writes, atomically, for each of a batch of jobs of one function: the queue's name in the
# set of queues, each job's hash (marked queued) and its id pushed on the queue, in order. KEYS: the set of
# queues, the queue, then each job's hash; ARGV: the queue's key, the number of fields a hash has, then per
# job its id and its fields.
# A script is not rolled back when a command in it fails, so what could fail is checked before anything is
# written: a job's hash left "queued" with no id on its queue would count as waiting forever.
_ENQUEUE = """
for k = 1, #KEYS do
  local found, wanted = redis.call('TYPE', KEYS[k]).ok, (k == 1 and 'set') or (k == 2 and 'list') or 'hash'
  if found ~= 'none' and found ~= wanted then
    return redis.error_reply('WRONGTYPE ' .. KEYS[k] .. ' holds a ' .. found)
  end
end
redis.call('SADD', KEYS[1], ARGV[1])
local width, at = tonumber(ARGV[2]), 3
for k = 3, #KEYS do
  redis.call('HSET', KEYS[k], unpack(ARGV, at + 1, at + width))
  redis.call('RPUSH', KEYS[2], ARGV[at])
  at = at + 1 + width
end
return #KEYS - 2
"""
ENQUEUE_BATCH = 200  # jobs a script call carries at most: Redis runs nothing else while a script runs


def enqueue(services: Services, func: Callable[..., Any], *args: Any, job_id: str | None = None) -> str:
    """Enqueue a declared job; returns its id. Call only after the rows it needs are committed."""
    return enqueue_many(services, func, [(job_id or str(uuid4()), args)])[0]


def enqueue_many(
    services: Services, func: Callable[..., Any], calls: Sequence[tuple[str, tuple[Any, ...]]]
) -> list[str]:
    """Enqueue `func(*args)` under each `(job id, args)` of `calls`, in order, in one round trip per
    ENQUEUE_BATCH jobs; returns the ids. Call only after the rows they need are committed.

    The webhook's answers are enqueued this way, so this writes what RQ's `Queue.enqueue` writes (the job's
    hash, marked queued, the queue's name in the set of queues, the id pushed on the queue) with one script
    on the thread's own connection, without the rest of that call's machinery: the hash's fixed fields are
    built once per job function by RQ's own Job. `tests/test_jobs.py` checks the hash against RQ's own and
    runs the job on a worker.
    """
    fixed, queue_key, func_name = _fixed_fields(func)
    for start in range(0, len(calls), ENQUEUE_BATCH):
        moment = utcformat(rq_now())
        keys = [Queue.redis_queues_keys, queue_key]
        arguments: list[Any] = [queue_key, 0]
        for job_id, args in calls[start : start + ENQUEUE_BATCH]:
            fields = [
                "created_at",
                moment,
                "enqueued_at",
                moment,
                "data",
                _zlib_stream(DefaultSerializer.dumps((func_name, None, args, {}))),
                "description",
                get_call_string(func_name, args, {}, max_length=75),
                *fixed,
            ]
            arguments[1] = len(fields)
            keys.append(Job.key_for(job_id))
            arguments += [job_id, *fields]
        hot_path.redis_eval(services.redis, _ENQUEUE, keys, arguments)
    return [job_id for job_id, _ in calls]


def _zlib_stream(payload: bytes) -> bytes:
    """`payload` as the zlib stream RQ's Job reads back. A call is a few dozen bytes, so it is stored, not
    compressed, and with the smallest state: `zlib.compress` sets up (and the allocator hands back) a
    quarter-megabyte deflate state on every call."""
    stream = zlib.compressobj(0, zlib.DEFLATED, 9, 1)
    return stream.compress(payload) + stream.flush()


_PER_CALL = frozenset({"created_at", "enqueued_at", "data", "description"})


@functools.cache
def _fixed_fields(func: Callable[..., Any]) -> tuple[list[Any], str, str]:
    """What every job of `func` carries in its hash (built by RQ's own Job), its queue's key, its name."""
    spec: JobSpec = func.coach_job  # type: ignore[attr-defined]
    job = Job.create(
        func,
        id="template",
        connection=Redis(),  # never connects: only the job's fields are read
        origin=spec.queue,
        status=JobStatus.QUEUED,
        timeout=spec.timeout,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
    )
    if spec.retries:
        job.retries_left = spec.retries
        job.retry_intervals = list(RETRY_INTERVALS[: spec.retries])
    job.enqueued_at = rq_now()
    # RQ reads a missing field as it reads an empty one; leaving out the eight empty ones (callbacks, start
    # and end, heartbeat, worker, group) makes the hash and the script's arguments half as long.
    fields = job.to_dict().items()
    fixed = [item for key, value in fields if key not in _PER_CALL and value != "" for item in (key, value)]
    return fixed, Queue.redis_queue_namespace_prefix + spec.queue, str(job.func_name)


def enqueue_lost(
    services: Services, func: Callable[..., Any], calls: dict[str, tuple[Any, ...]]
) -> list[str]:
    """Recovery: enqueue `func(*args)` under each job id of `calls`, except where that job is still waiting
    or running (enqueueing an id already queued would put it on its queue twice). Returns the ids enqueued."""
    pending = still_pending(services, list(calls))
    lost = [job_id for job_id in calls if job_id not in pending]
    forget(services, lost)
    return enqueue_many(services, func, [(job_id, calls[job_id]) for job_id in lost])


def forget(services: Services, job_ids: list[str]) -> None:
    """Delete what Redis still holds of these jobs (finished, failed, abandoned) before they are enqueued
    again under the same ids, so the new job does not inherit an old hash's expiry."""
    if job_ids:
        services.redis.delete(*(Job.key_for(job_id) for job_id in job_ids))


def still_pending(services: Services, job_ids: list[str]) -> set[str]:
    """The ids among `job_ids` whose job is waiting in Redis or running on a live worker."""
    return {job_id for job_id, state in job_states(services, job_ids).items() if state is not None}


def job_states(services: Services, job_ids: list[str]) -> dict[str, str | None]:
    """Each id's job: "waiting" (queued, scheduled for a retry, deferred), "running" (started, heartbeat
    fresh), or None (finished, failed, abandoned, or unknown to Redis). One round trip.

    Heartbeats are wall-clock times, so they are judged against the clock (not a tick's `now`, which
    `coach scheduler --once --now` may set anywhere).
    """
    now = datetime.now(UTC)
    states: dict[str, str | None] = {}
    for job_id, found in zip(job_ids, Job.fetch_many(job_ids, connection=services.redis), strict=True):
        states[job_id] = None
        if found is None:
            continue
        status = found.get_status(refresh=False)
        if status in WAITING:
            states[job_id] = "waiting"
        elif status == JobStatus.STARTED and found.last_heartbeat is not None:
            beat = found.last_heartbeat
            beat = beat.replace(tzinfo=UTC) if beat.tzinfo is None else beat
            if (now - beat).total_seconds() < ABANDONED_AFTER_SECONDS:
                states[job_id] = "running"
    return states
