"""Background jobs of the messaging feature and the helpers that enqueue them."""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from coach import jobs
from coach.bootstrap import Services
from coach.conversation.answer import AnswerLater, answer_inbound
from coach.messaging import delivery

log = logging.getLogger("coach.messaging")
SEND_BUDGET_SECONDS = 50
SEND_BATCH = 16
SEND_CONCURRENCY = 8


@jobs.job("agent", timeout=180, retries=3)
def handle_inbound(message_id: int) -> bool:
    """Answer the trainee who sent this text (and anything else they are owed)."""
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
        wake_senders(services)  # the holding reply is committed; send it while RQ schedules the retry
        raise
    if queued:
        wake_senders(services)
    return queued


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


def enqueue_answer(services: Services, message_id: int) -> None:
    jobs.enqueue(services, handle_inbound, message_id, job_id=f"inbound-{message_id}")


def wake_senders(services: Services) -> None:
    """Ask a worker to send what is due. Extra wake-ups are cheap: the sender finds nothing and stops."""
    jobs.enqueue(services, send_due_texts, job_id=f"send-{uuid.uuid4().hex}")
