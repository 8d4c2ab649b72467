"""Messaging over real HTTP: the app served on 127.0.0.1, RQ jobs in-process, the Twilio double."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from rq import Queue
from rq.job import Job, JobStatus

from coach import jobs
from coach.messaging import answer_jobs, delivery, outbox
from coach.models import Message, OutboundMessage, Trainee
from coach.models.enums import DeliveryState, Direction, OutboundKind, TraineeStatus
from coach.scheduling.tick import run_tick
from coach.worker import Worker
from tests.messaging_helpers import (
    inbound_params,
    new_phone,
    queued_job_ids,
    run_jobs,
    signed_headers,
    use_twilio_double,
)


def _post(base_url: str, services, path: str, params: dict[str, str]) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own local test server
        base_url + path,
        data=urllib.parse.urlencode(params).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            **signed_headers(services, path, params),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local test server
        status = int(response.status)
    assert answer_jobs.drain_all()  # the webhook enqueues its answer job just after answering
    return status


def _count(services, stmt) -> int:
    with services.sessions() as session:
        return int(session.scalar(stmt) or 0)


def test_the_same_webhook_three_times_at_once_gives_one_message_one_job_one_reply(
    live_server, committed, twilio_api
):
    use_twilio_double(committed, twilio_api)
    params = inbound_params(new_phone(), "hey coach")
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(_post(live_server, committed, "/twilio/sms", params)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200, 200]
    assert _count(committed, sa.select(sa.func.count()).select_from(Message)) == 1
    assert len(queued_job_ids(committed, "agent")) == 1
    run_jobs(committed)
    assert [m["to"] for m in twilio_api.messages] == [params["From"]]


def test_two_texts_in_a_row_are_answered_once_together(live_server, committed, twilio_api):
    use_twilio_double(committed, twilio_api)
    phone = new_phone()
    _post(live_server, committed, "/twilio/sms", inbound_params(phone, "hi"))
    _post(live_server, committed, "/twilio/sms", inbound_params(phone, "I'm new"))
    run_jobs(committed)
    assert len(twilio_api.messages) == 1
    owed = (
        sa.select(sa.func.count())
        .select_from(Message)
        .where(Message.direction == Direction.INBOUND, Message.handled_at.is_(None))
    )
    assert _count(committed, owed) == 0


def test_the_answer_job_sends_its_own_reply_without_waiting_for_a_send_job(
    live_server, committed, twilio_api
):
    use_twilio_double(committed, twilio_api)
    phone = new_phone()
    _post(live_server, committed, "/twilio/sms", inbound_params(phone, "hi"))
    jobs.install(committed)
    Worker([Queue("agent", connection=committed.redis)], connection=committed.redis).work(burst=True)
    assert [m["to"] for m in twilio_api.messages] == [phone]
    assert queued_job_ids(committed, "send") == []


def test_stop_blocks_proactive_texts_until_start(live_server, committed, twilio_api):
    use_twilio_double(committed, twilio_api)
    phone = new_phone()
    _post(live_server, committed, "/twilio/sms", inbound_params(phone, "STOP"))
    with committed.sessions() as session:
        trainee_id = session.scalar(sa.select(Trainee.id).where(Trainee.phone == phone))
        assert trainee_id is not None
        outbox.enqueue_text(
            session,
            trainee_id=trainee_id,
            kind=OutboundKind.NUDGE,
            body="Miss you!",
            idempotency_key="nudge:1",
            segment_budget=3,
        )
        session.commit()
    run_jobs(committed)
    _send_all(committed)
    assert twilio_api.messages == []

    _post(live_server, committed, "/twilio/sms", inbound_params(phone, "START"))
    with committed.sessions() as session:
        outbox.enqueue_text(
            session,
            trainee_id=trainee_id,
            kind=OutboundKind.NUDGE,
            body="Welcome back, ready?",
            idempotency_key="nudge:2",
            segment_budget=3,
        )
        session.commit()
    run_jobs(committed)
    _send_all(committed)
    bodies = [m["body"] for m in twilio_api.messages]
    assert "Miss you!" not in bodies and "Welcome back, ready?" in bodies


def _send_all(services, now: datetime | None = None) -> None:
    # Midday tomorrow in the trainees' zones: past the quiet hours a worker's send at this hour may have
    # deferred a proactive text to, whatever the wall clock says.
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    moment = now or tomorrow.replace(hour=17, minute=0, second=0, microsecond=0)
    while True:
        with services.sessions() as session:
            if delivery.send_one(session, services.sms_sender(), services.settings, moment) is None:
                return


def test_status_callbacks_from_the_double_arrive_twice_and_out_of_order(live_server, committed, twilio_api):
    use_twilio_double(committed, twilio_api)
    with committed.sessions() as session:
        trainee = Trainee(phone=new_phone(), status=TraineeStatus.ACTIVE)
        session.add(trainee)
        session.flush()
        [row_id] = outbox.enqueue_text(
            session,
            trainee_id=trainee.id,
            kind=OutboundKind.REPLY,
            body="Hi",
            idempotency_key="r",
            segment_budget=3,
        )
        session.commit()
    _send_all(committed)
    sid = twilio_api.messages[0]["sid"]
    for status in ("delivered", "sent", "delivered", "sending"):
        assert twilio_api.post_status(sid, status, rewrite_base=live_server).status_code == 200
    with committed.sessions() as session:
        assert (
            session.scalar(sa.select(OutboundMessage.state).where(OutboundMessage.id == row_id))
            is DeliveryState.DELIVERED
        )


def test_two_senders_racing_over_500_texts_send_each_once_in_each_trainees_order(committed, twilio_api):
    use_twilio_double(committed, twilio_api)
    with committed.sessions() as session:
        trainees = [Trainee(phone=new_phone(), status=TraineeStatus.ACTIVE) for _ in range(50)]
        session.add_all(trainees)
        session.flush()
        for n in range(10):
            for trainee in trainees:
                outbox.enqueue_text(
                    session,
                    trainee_id=trainee.id,
                    kind=OutboundKind.REPLY,
                    body=f"{trainee.id}:{n}",
                    idempotency_key=f"race:{trainee.id}:{n}",
                    segment_budget=3,
                )
        session.commit()
    threads = [threading.Thread(target=_send_all, args=(committed,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bodies = [m["body"] for m in twilio_api.messages]
    assert len(bodies) == 500 and len(set(bodies)) == 500
    order: dict[str, list[int]] = defaultdict(list)
    for body in bodies:
        trainee_id, n = body.split(":")
        order[trainee_id].append(int(n))
    assert all(sequence == list(range(10)) for sequence in order.values())


def test_after_redis_is_flushed_the_scheduler_recovers_every_owed_answer_once(
    live_server, committed, twilio_api
):
    use_twilio_double(committed, twilio_api)
    phones = [new_phone() for _ in range(3)]
    for phone in phones:
        _post(live_server, committed, "/twilio/sms", inbound_params(phone, "hello?"))
    committed.redis.flushdb()  # every queued job is gone
    run_tick(committed, datetime.now(UTC) + timedelta(minutes=2))
    run_jobs(committed)
    run_tick(committed, datetime.now(UTC) + timedelta(minutes=3))  # a second sweep finds nothing owed
    run_jobs(committed)
    assert sorted(m["to"] for m in twilio_api.messages) == sorted(phones)


def test_the_sweeper_leaves_answers_whose_job_is_still_waiting_or_running_alone(
    live_server, committed, twilio_api
):
    use_twilio_double(committed, twilio_api)
    phones = [new_phone() for _ in range(3)]
    for phone in phones:
        _post(live_server, committed, "/twilio/sms", inbound_params(phone, "hello?"))
    waiting = queued_job_ids(committed, "agent")
    assert len(waiting) == 3
    later = datetime.now(UTC) + timedelta(minutes=2)
    assert run_tick(committed, later)["answers_requeued"] == 0  # a backlog, not lost work
    assert queued_job_ids(committed, "agent") == waiting  # each job on its queue once

    # One job taken by a worker that then died: its heartbeat stops, and the sweeper enqueues it again.
    job = Job.fetch(waiting[0], connection=committed.redis)
    Queue("agent", connection=committed.redis).remove(job)
    job.set_status(JobStatus.STARTED)
    job.heartbeat(datetime.now(UTC), ttl=600)
    assert run_tick(committed, later)["answers_requeued"] == 0  # running, heartbeat fresh
    job.heartbeat(datetime.now(UTC) - timedelta(minutes=3), ttl=600)  # its worker stopped beating
    assert run_tick(committed, later)["answers_requeued"] == 1
    run_jobs(committed)
    assert sorted(m["to"] for m in twilio_api.messages) == sorted(phones)
