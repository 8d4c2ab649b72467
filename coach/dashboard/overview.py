"""The overview: is anything stuck? The same figures feed the page and /dashboard/api/status."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from coach.bootstrap import Services
from coach.dashboard import formatting, jobs
from coach.dashboard.agent_runs import AgentFigures, read_agent_figures
from coach.dashboard.queue_figures import QueueFigures, read_queue_figures
from coach.dashboard.scheduler_figures import SchedulerFigures, read_scheduler_figures
from coach.messaging.views import REJECTED_KEY

log = logging.getLogger("coach.dashboard")


@dataclass(frozen=True)
class Overview:
    generated_at: datetime
    queue: QueueFigures
    scheduler: SchedulerFigures
    agent: AgentFigures
    queues: list[jobs.QueueRow]
    workers: list[jobs.WorkerRow]
    failed_jobs: int
    rejected_webhooks_last_day: int


def read_overview(services: Services, now: datetime) -> Overview:
    """Every overview figure as of `now` (one read-only database transaction, a few Redis calls)."""
    with services.sessions() as session:
        queue = read_queue_figures(session, now)
        agent = read_agent_figures(session, now)
        scheduler = read_scheduler_figures(services, session, now)
    queues = jobs.queue_rows(services.redis, now)
    return Overview(
        generated_at=now,
        queue=queue,
        scheduler=scheduler,
        agent=agent,
        queues=queues,
        workers=jobs.worker_rows(services.redis, now),
        failed_jobs=sum(q.failed for q in queues),
        rejected_webhooks_last_day=rejected_webhooks(services, now),
    )


def rejected_webhooks(services: Services, now: datetime) -> int:
    """Webhooks refused for a bad signature in the last 24 hours (hourly counters from the webhook view)."""
    start = now.astimezone(UTC)
    keys = [REJECTED_KEY.format(hour=(start - timedelta(hours=n)).strftime("%Y%m%d%H")) for n in range(24)]
    return sum(int(value) for value in services.redis.mget(keys) if value is not None)


def as_json(overview: Overview) -> dict[str, Any]:
    """The overview as plain JSON values (timestamps in ISO 8601, money as a string)."""
    plain: dict[str, Any] = _plain(dataclasses.asdict(overview))
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Past these, something is stuck and the overview says so at the top.
OLDEST_DUE_LIMIT = timedelta(minutes=5)
SCHEDULER_SILENCE_LIMIT = timedelta(minutes=3)
HEARTBEAT_LIMIT = timedelta(minutes=2)


def problems(overview: Overview) -> list[str]:
    """What an operator should look at now, in plain words; empty when all is well."""
    found = []
    oldest = overview.queue.pending.oldest_due_age_seconds
    if oldest is not None and oldest > OLDEST_DUE_LIMIT.total_seconds():
        found.append(
            f"{overview.queue.pending.due_now} due texts waiting; the oldest for {formatting.age(oldest)}."
        )
    tick_age = overview.scheduler.last_tick_age_seconds
    if tick_age is None or tick_age > SCHEDULER_SILENCE_LIMIT.total_seconds():
        found.append("The scheduler has not ticked in the last few minutes.")
    if not overview.workers:
        found.append("No RQ worker is registered.")
    stale = [
        w.name for w in overview.workers if (w.heartbeat_age_seconds or 0) > HEARTBEAT_LIMIT.total_seconds()
    ]
    if stale:
        found.append("Workers without a recent heartbeat: " + ", ".join(stale) + ".")
    if overview.failed_jobs:
        found.append(f"{overview.failed_jobs} failed jobs.")
    if overview.agent.flags_to_review:
        found.append(f"{overview.agent.flags_to_review} safety-flagged agent runs to review.")
    return found
