"""Background jobs of the messaging feature and the helpers that enqueue them."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import sqlalchemy as sa
from rq.timeouts import BaseTimeoutException

from coach import jobs
from coach.bootstrap import Services
from coach.conversation.answer import AnswerLater, answer_inbound
from coach.messaging import delivery
from coach.models import Message

log = logging.getLogger("coach.messaging")
SEND_BUDGET_SECONDS = 50
SEND_BATCH = 16
SEND_CONCURRENCY = 8
SEND_JOBS = 2
SEND_JOB_IDS = [f"send-{n}" for n in range(SEND_JOBS)]
SEND_NOW_MAX = 4  # texts an answer job sends itself before handing the rest to a send job


@jobs.job("agent", timeout=180, retries=3)
def handle_inbound(message_id: int) -> bool:
    """Answer the trainee who sent this text (and anything else they are owed), then send the answer."""
    services = jobs.current_services()
    try:
        with services.sessions() as session:
            queued = answer_inbound(
                session,
                message_id,
                now=datetime.now(UTC),
                settings=services.settings,
                model=services.chat_model(),
            )
    except AnswerLater:
        send_now(services, message_id)  # the holding reply is committed; send it while RQ schedules the retry
        raise
    if queued:
        send_now(services, message_id)
    return queued


def send_now(services: Services, message_id: int) -> None:
    """Send the answer just committed from this job, sparing it a send job's wait in the queue.

    Only this trainee's due texts, in their order (a long answer is several texts); a send job takes over
    if there are more than a few or sending here fails.
    """
    try:
        with services.sessions() as session:
            trainee_id = session.scalar(sa.select(Message.trainee_id).where(Message.id == message_id))
            session.rollback()
            if trainee_id is None:
                return
            sender, settings = services.sms_sender(), services.settings
            for attempt in range(SEND_NOW_MAX):
                if not delivery.send_due(session, sender, settings, datetime.now(UTC), trainee_id=trainee_id):
                    if attempt:
                        return
                    break  # nothing due yet (e.g. the database's clock runs ahead): a send job looks again
    except BaseTimeoutException:
        raise
    except Exception:
        log.exception("sending the answer to text %s failed; a send job takes over", message_id)
    wake_senders(services)


@jobs.job("send", timeout=120, retries=0)
def send_due_texts() -> dict[str, int]:
    """Drain the due part of the outbound queue; if time runs out with work left, hand on to a new job."""
    services = jobs.current_services()
    counts: dict[str, int] = {}
    started = time.monotonic()
    # Twilio takes each text in ~100-300 ms; handing a batch over concurrently keeps the sender busy.
    with ThreadPoolExecutor(max_workers=SEND_CONCURRENCY) as executor:
        while time.monotonic() - started < SEND_BUDGET_SECONDS:
            with services.sessions() as session:
                outcomes = delivery.send_due(
                    session,
                    services.sms_sender(),
                    services.settings,
                    datetime.now(UTC),
                    limit=SEND_BATCH,
                    executor=executor,
                )
            if not outcomes:
                return counts
            for outcome in outcomes:
                counts[outcome] = counts.get(outcome, 0) + 1
    wake_senders(services)
    return counts


def enqueue_answers(services: Services, message_ids: list[int]) -> None:
    """Enqueue the answer job of each of these committed texts (one Redis round trip for a burst)."""
    jobs.enqueue_many(services, handle_inbound, [(answer_job_id(m), (m,)) for m in message_ids])


def answer_job_id(message_id: int) -> str:
    return f"inbound-{message_id}"


def requeue_answers(services: Services, message_ids: list[int]) -> list[int]:
    """Enqueue answers again for texts whose job was lost; a job still waiting or running is left alone.

    Returns the ids enqueued.
    """
    calls = {answer_job_id(message_id): (message_id,) for message_id in message_ids}
    return [calls[job_id][0] for job_id in jobs.enqueue_lost(services, handle_inbound, calls)]


def wake_senders(services: Services) -> None:
    """Ask a worker to send what is due, unless a send job is already waiting to start.

    At most SEND_JOBS send jobs at once (fixed ids): during a burst of daily texts the other workers keep
    answering trainees. A send job still running hands over at the end of its time budget; the scheduler's
    tick wakes the senders every minute while texts are due.
    """
    states = jobs.job_states(services, SEND_JOB_IDS)
    if "waiting" in states.values():
        return
    free = [job_id for job_id, state in states.items() if state is None]
    if free:
        jobs.forget(services, free[:1])
        jobs.enqueue(services, send_due_texts, job_id=free[0])
