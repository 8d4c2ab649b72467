"""The job decorator's heartbeat and the recovery rule that reads it, with a real RQ worker and Redis."""

from __future__ import annotations

import threading
import time
import uuid
import zlib
from datetime import UTC, datetime

import pytest
from redis.exceptions import ResponseError
from rq import Queue, Retry
from rq.job import Job, JobStatus

from coach import jobs
from coach.messaging import tasks
from coach.worker import Worker


@jobs.job("default", timeout=30, retries=0)
def slow_job(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def test_a_long_job_is_still_pending_while_it_runs_and_abandoned_once_its_worker_is_gone(
    committed, monkeypatch
) -> None:
    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.1)
    monkeypatch.setattr(jobs, "ABANDONED_AFTER_SECONDS", 0.4)
    jobs.install(committed)
    job = Job.fetch(jobs.enqueue(committed, slow_job, 1.2, job_id="slow-1"), connection=committed.redis)
    seen: list[set[str]] = []

    def look_while_it_runs() -> None:
        time.sleep(0.9)  # long past ABANDONED_AFTER_SECONDS since the job started
        seen.append(jobs.still_pending(committed, [job.id]))

    looker = threading.Thread(target=look_while_it_runs)
    looker.start()
    Worker([Queue("default", connection=committed.redis)], connection=committed.redis).work(burst=True)
    looker.join(timeout=10)
    assert seen == [{job.id}]  # its heartbeat was fresh
    assert job.return_value() == "done"

    # A job left marked started by a worker that died: its heartbeat goes stale and recovery takes it.
    job.set_status("started")
    job.heartbeat(datetime.now(UTC), ttl=60)
    assert jobs.still_pending(committed, [job.id]) == {job.id}
    time.sleep(0.5)
    assert jobs.still_pending(committed, [job.id]) == set()


def test_waking_the_senders_keeps_at_most_two_send_jobs_and_one_waiting(committed) -> None:
    queue = Queue("send", connection=committed.redis)
    for _ in range(5):
        tasks.wake_senders(committed)
    assert queue.job_ids == ["send-0"]  # one waiting job is enough

    first = Job.fetch("send-0", connection=committed.redis)  # a worker takes it
    queue.remove(first)
    first.set_status(JobStatus.STARTED)
    first.heartbeat(datetime.now(UTC), ttl=60)
    tasks.wake_senders(committed)
    tasks.wake_senders(committed)
    assert queue.job_ids == ["send-1"]

    second = Job.fetch("send-1", connection=committed.redis)
    queue.remove(second)
    second.set_status(JobStatus.STARTED)
    second.heartbeat(datetime.now(UTC), ttl=60)
    tasks.wake_senders(committed)
    assert queue.job_ids == []  # both running: the others keep answering trainees

    first.set_status(JobStatus.FINISHED)
    tasks.wake_senders(committed)
    assert queue.job_ids == ["send-0"]


@jobs.job("agent", timeout=45, retries=2)
def flaky_job(key: str) -> str:
    return key


def test_enqueue_writes_what_rqs_own_enqueue_writes_and_a_worker_runs_it(committed) -> None:
    """The hot-path enqueue skips RQ's Queue.enqueue; the job it leaves in Redis must be the same."""
    redis = committed.redis
    queue = Queue("agent", connection=redis)

    def theirs(arg: str, job_id: str) -> str:
        return queue.enqueue(
            flaky_job,
            arg,
            job_id=job_id,
            job_timeout=45,
            retry=Retry(max=2, interval=[5, 30]),
            result_ttl=jobs.RESULT_TTL,
            failure_ttl=jobs.FAILURE_TTL,
        ).id

    def stored(job_id: str) -> dict[bytes, bytes]:
        fields = redis.hgetall(Job.key_for(job_id))
        for moment in (b"created_at", b"enqueued_at"):
            assert fields.pop(moment)
        fields[b"data"] = zlib.decompress(fields[b"data"])  # the call; ours is stored, RQ's compressed
        return {name: value for name, value in fields.items() if value}  # ours leaves empty fields out

    ours = jobs.enqueue(committed, flaky_job, "a", job_id="ours-1")
    assert Queue.all(connection=redis) == [queue]  # listed among the queues, as RQ's enqueue does
    assert stored(ours) == stored(theirs("a", "theirs-1"))
    # The second job of the same function carries its own arguments (and an id of RQ's form when none given).
    second = jobs.enqueue(committed, flaky_job, "b")
    assert str(uuid.UUID(second)) == second
    assert stored(second) == stored(theirs("b", "theirs-2")) != stored(ours)

    # ... and RQ reads both back as the same job
    def restored(job_id: str) -> dict[str, object]:
        fields = Job.fetch(job_id, connection=redis).to_dict()
        for varying in ("created_at", "enqueued_at", "data"):
            fields.pop(varying)
        return fields

    assert restored(ours) == restored("theirs-1")
    assert Job.fetch(ours, connection=redis).args == ("a",)
    assert redis.ttl(Job.key_for(ours)) == redis.ttl(Job.key_for("theirs-1")) == -1
    assert queue.job_ids == ["ours-1", "theirs-1", second, "theirs-2"]

    fetched = Job.fetch("ours-1", connection=redis)
    assert (fetched.retries_left, fetched.retry_intervals, fetched.timeout) == (2, [5, 30], 45)
    Worker([queue], connection=redis).work(burst=True)
    assert fetched.return_value() == "a"
    assert Job.fetch(second, connection=redis).return_value() == "b"
    assert fetched.get_status() == JobStatus.FINISHED


def test_an_enqueue_redis_refuses_raises_writes_nothing_and_leaves_the_connection_usable(committed) -> None:
    redis = committed.redis
    redis.set("rq:queue:agent", "not a list")  # RPUSH inside the transaction fails with WRONGTYPE
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        jobs.enqueue(committed, flaky_job, "b", job_id="refused-1")
    assert not redis.exists(Job.key_for("refused-1"))  # no hash left "queued" with no id on a queue
    redis.delete("rq:queue:agent")
    jobs.enqueue(committed, flaky_job, "c", job_id="accepted-1")
    assert Queue("agent", connection=redis).job_ids == ["accepted-1"]
    assert redis.ping()


def test_a_batch_of_jobs_is_enqueued_in_order_each_as_a_single_enqueue_leaves_it(
    committed, monkeypatch
) -> None:
    redis = committed.redis
    monkeypatch.setattr(jobs, "ENQUEUE_BATCH", 2)  # five jobs: three script calls
    calls = [(f"batch-{n}", (f"arg {n}",)) for n in range(5)]
    assert jobs.enqueue_many(committed, flaky_job, calls) == [job_id for job_id, _ in calls]
    jobs.enqueue(committed, flaky_job, "arg 0", job_id="single-0")
    queue = Queue("agent", connection=redis)
    assert queue.job_ids == [*(job_id for job_id, _ in calls), "single-0"]

    def fields(job_id: str) -> dict[bytes, bytes]:
        stored = redis.hgetall(Job.key_for(job_id))
        for moment in (b"created_at", b"enqueued_at"):
            assert stored.pop(moment)
        return stored

    assert fields("batch-0") == fields("single-0")
    Worker([queue], connection=redis).work(burst=True)
    assert [Job.fetch(job_id, connection=redis).return_value() for job_id, _ in calls] == [
        f"arg {n}" for n in range(5)
    ]


def test_lost_answers_are_enqueued_again_but_a_waiting_one_is_left_alone(committed) -> None:
    tasks.enqueue_answers(committed, [1])  # still waiting in Redis
    assert tasks.requeue_answers(committed, [1, 2, 3]) == [2, 3]
    assert Queue("agent", connection=committed.redis).job_ids == ["inbound-1", "inbound-2", "inbound-3"]


def test_a_batch_with_a_job_redis_would_refuse_writes_none_of_it(committed) -> None:
    redis = committed.redis
    redis.set(Job.key_for("batch-1"), "not a hash")
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        jobs.enqueue_many(committed, flaky_job, [("batch-0", ("a",)), ("batch-1", ("b",))])
    assert not redis.exists(Job.key_for("batch-0"))
    assert Queue("agent", connection=redis).job_ids == []
