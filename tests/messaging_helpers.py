"""Helpers for messaging tests: signed Twilio requests, running queued jobs, wiring the Twilio double."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator, Mapping
from typing import Any

from rq import Queue
from rq.job import Job
from twilio.request_validator import RequestValidator

from coach import jobs
from coach.bootstrap import Services
from coach.jobs import QUEUES
from coach.messaging import answer_jobs
from coach.messaging.sms import TwilioSender
from coach.worker import Worker
from tests.doubles.twilio_api import TwilioApiDouble

_phones: Iterator[int] = itertools.count(5557000000)


def new_phone() -> str:
    return f"+1{next(_phones)}"


def message_sid() -> str:
    return "SM" + secrets.token_hex(16)


def inbound_params(phone: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid or message_sid(),
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": "+15550009999",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def signed_headers(services: Services, path: str, params: Mapping[str, str]) -> dict[str, str]:
    """The X-Twilio-Signature Twilio would send, computed by twilio's own RequestValidator."""
    url = services.settings.public_base_url + path
    token = services.settings.twilio_auth_token
    assert token
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, dict(params))}


def post_sms(client: Any, services: Services, params: Mapping[str, str]) -> Any:
    """POST a signed inbound webhook, then wait until its answer job (if any) has reached Redis."""
    response = client.post(
        "/twilio/sms", data=dict(params), headers=signed_headers(services, "/twilio/sms", params)
    )
    assert answer_jobs.drain_all()
    return response


def use_twilio_double(services: Services, double: TwilioApiDouble, timeout_seconds: float = 5) -> None:
    services.sms = TwilioSender(
        account_sid=double.account_sid,
        auth_token=double.auth_token,
        from_number=services.settings.twilio_from_number,
        api_base_url=double.base_url,
        timeout_seconds=timeout_seconds,
    )


def run_jobs(services: Services) -> None:
    """Run every queued job in this process until the queues are empty (coach's Worker, burst mode)."""
    assert answer_jobs.drain_all()  # the answers to texts this process's webhooks took are enqueued
    jobs.install(services)
    queues = [Queue(name, connection=services.redis) for name in QUEUES]
    Worker(queues, connection=services.redis).work(burst=True)


def run_retries(services: Services) -> None:
    """Run the retries RQ scheduled for failed jobs now (a worker's scheduler would, after the backoff)."""
    for name in QUEUES:
        queue = Queue(name, connection=services.redis)
        registry = queue.scheduled_job_registry
        for job_id in registry.get_job_ids():
            job = Job.fetch(job_id, connection=services.redis)
            registry.remove(job)
            queue.enqueue_job(job)
    run_jobs(services)


def queued_job_ids(services: Services, queue: str) -> list[str]:
    assert answer_jobs.drain_all()
    return list(Queue(queue, connection=services.redis).job_ids)
