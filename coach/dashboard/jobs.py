"""Background work as RQ sees it: queue depths, workers, and failed jobs an operator can requeue or delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from rq import Queue, Worker
from rq.job import Job
from rq.registry import FailedJobRegistry

from coach.bootstrap import Services
from coach.dashboard import audit
from coach.dashboard.errors import NotFound
from coach.jobs import QUEUES

FAILED_PAGE = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class QueueRow:
    name: str
    depth: int
    oldest_age_seconds: float | None
    failed: int


@dataclass(frozen=True)
class WorkerRow:
    name: str
    state: str
    queues: list[str]
    heartbeat_age_seconds: float | None
    current_job: str | None
    current_job_runtime_seconds: float | None


@dataclass(frozen=True)
class FailedJob:
    queue: str
    id: str
    description: str
    exception: str
    enqueued_at: datetime | None
    ended_at: datetime | None


def _age(now: datetime, at: datetime | None) -> float | None:
    if at is None:
        return None
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)  # older RQ versions return naive UTC
    return max(0.0, (now - aware).total_seconds())


def queue_rows(connection: redis.Redis, now: datetime) -> list[QueueRow]:
    """Each queue's depth, the age of its oldest waiting job, and its failed-job count."""
    rows = []
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        oldest_ids = queue.get_job_ids(0, 1)
        oldest = Job.fetch_many(oldest_ids, connection=connection)[0] if oldest_ids else None
        rows.append(
            QueueRow(
                name=name,
                depth=queue.count,
                oldest_age_seconds=_age(now, oldest.enqueued_at) if oldest else None,
                failed=queue.failed_job_registry.count,
            )
        )
    return rows


def worker_rows(connection: redis.Redis, now: datetime) -> list[WorkerRow]:
    """Every registered worker: its state, how long since its heartbeat, and what it is running."""
    rows = []
    for worker in Worker.all(connection=connection):
        job = worker.get_current_job()
        rows.append(
            WorkerRow(
                name=worker.name,
                state=str(worker.get_state()),
                queues=worker.queue_names(),
                heartbeat_age_seconds=_age(now, worker.last_heartbeat),
                current_job=job.description if job else None,
                current_job_runtime_seconds=_age(now, job.started_at) if job else None,
            )
        )
    return sorted(rows, key=lambda row: row.name)


def failed_jobs(services: Services, limit: int = FAILED_PAGE) -> list[FailedJob]:
    """The newest failed jobs of every queue, with the last line of each exception."""
    found = []
    for name in QUEUES:
        registry = FailedJobRegistry(name, connection=services.redis)
        ids = registry.get_job_ids(0, limit - 1, desc=True)
        for job in Job.fetch_many(ids, connection=services.redis):
            if job is not None:
                found.append(_failed_job(name, job))
    return sorted(found, key=lambda j: j.ended_at or EPOCH, reverse=True)[:limit]


def _failed_job(queue: str, job: Job) -> FailedJob:
    return FailedJob(
        queue=queue,
        id=job.id,
        description=job.description or job.func_name or job.id,
        exception=exception_summary(_traceback(job)),
        enqueued_at=job.enqueued_at,
        ended_at=job.ended_at,
    )


def _traceback(job: Job) -> str | None:
    result = job.latest_result()
    return result.exc_string if result is not None else None


def exception_summary(exc_info: str | None) -> str:
    """The last non-empty line of a traceback: the exception's type and message."""
    lines = [line.strip() for line in (exc_info or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no exception recorded)"


def _registry(services: Services, queue: str, job_id: str) -> FailedJobRegistry:
    if queue not in QUEUES:
        raise NotFound(f"no queue {queue}")
    registry = FailedJobRegistry(queue, connection=services.redis)
    if job_id not in registry:
        raise NotFound(f"no failed job {job_id} in {queue}")
    return registry


def requeue_job(services: Services, queue: str, job_id: str, operator: audit.Operator) -> None:
    """Put a failed job back on its queue (the audit entry is committed only if the requeue worked)."""
    registry = _registry(services, queue, job_id)
    with services.sessions() as session:
        audit.record(session, operator, "job.requeue", "rq_job", job_id, queue=queue)
        session.flush()
        registry.requeue(job_id)
        session.commit()


def delete_job(services: Services, queue: str, job_id: str, operator: audit.Operator) -> None:
    """Drop a failed job and its data for good."""
    registry = _registry(services, queue, job_id)
    with services.sessions() as session:
        exception = exception_summary(_traceback(Job.fetch(job_id, connection=services.redis)))
        audit.record(session, operator, "job.delete", "rq_job", job_id, queue=queue, exception=exception)
        session.flush()
        registry.remove(job_id, delete_job=True)
        session.commit()
