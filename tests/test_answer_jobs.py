"""The webhook's answer jobs: enqueued just after Twilio has its answer, a burst in one round trip, none lost
on a normal exit, a fork or a Redis outage (the text is in PostgreSQL; the sweeper takes it from there)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import replace

import pytest
import redis
import sqlalchemy as sa
from rq import Queue
from twilio.request_validator import RequestValidator

from coach.messaging import answer_jobs
from coach.messaging.answer_jobs import AnswerJobs
from coach.models import Message
from coach.web import create_app
from tests import servers
from tests.messaging_helpers import inbound_params, new_phone, queued_job_ids, signed_headers


class Recorded:
    """An enqueue that records its batches, and can be told to fail."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.failing = False

    def __call__(self, ids: list[int]) -> None:
        if self.failing:
            raise redis.ConnectionError("Redis is down")
        self.batches.append(list(ids))


def test_texts_posted_within_the_linger_are_enqueued_together_in_order() -> None:
    enqueue = Recorded()
    jobs = AnswerJobs(enqueue, linger=0.2)
    for message_id in range(1, 6):
        jobs.post(message_id)
    assert jobs.drain()
    jobs.post(6)  # after the flush: the next round trip
    assert jobs.drain()
    assert enqueue.batches == [[1, 2, 3, 4, 5], [6]]


def test_posts_from_many_threads_each_reach_redis_once() -> None:
    enqueue = Recorded()
    jobs = AnswerJobs(enqueue, linger=0.001)

    def post(start: int) -> None:
        for message_id in range(start, start + 500):
            jobs.post(message_id)

    threads = [threading.Thread(target=post, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert jobs.drain()
    posted = [m for batch in enqueue.batches for m in batch]
    assert sorted(posted) == [n * 1000 + i for n in range(4) for i in range(500)]
    assert len(enqueue.batches) < len(posted)  # some shared a round trip


def test_a_failed_flush_is_logged_and_the_next_texts_still_go(caplog) -> None:
    enqueue = Recorded()
    jobs = AnswerJobs(enqueue, linger=0)
    enqueue.failing = True
    jobs.post(1)
    assert jobs.drain()
    assert "could not enqueue the answer jobs of 1 stored texts" in caplog.text
    enqueue.failing = False
    jobs.post(2)
    assert jobs.drain()
    assert enqueue.batches == [[2]]


def test_closing_flushes_at_once_without_waiting_out_the_linger() -> None:
    enqueue = Recorded()
    jobs = AnswerJobs(enqueue, linger=30)
    jobs.post(1)
    jobs.post(2)
    started = time.monotonic()
    jobs.close()
    assert enqueue.batches == [[1, 2]]
    assert time.monotonic() - started < 1


def test_an_idle_side_thread_ends_and_the_next_text_starts_another(monkeypatch) -> None:
    monkeypatch.setattr(answer_jobs, "IDLE_SECONDS", 0.05)
    enqueue = Recorded()
    jobs = AnswerJobs(enqueue, linger=0)
    jobs.post(1)
    first = jobs._thread
    assert first is not None and jobs.drain()
    first.join(timeout=5)
    assert not first.is_alive()
    jobs.post(2)
    assert jobs.drain()
    assert enqueue.batches == [[1], [2]]


def test_a_forked_child_holds_none_of_its_parents_texts_and_the_parent_still_flushes() -> None:
    enqueue = Recorded()
    jobs = AnswerJobs(enqueue, linger=30)  # the parent's text is still held at the fork
    jobs.post(1)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: nothing inherited to flush, and its own posts work
        try:
            jobs.post(2)
            jobs.close()
            os.write(write_end, repr(enqueue.batches).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    assert os.read(read_end, 100) == b"[[2]]"
    jobs.close()
    assert enqueue.batches == [[1]]


def test_a_side_thread_that_cannot_start_leaves_the_text_for_the_next_one(monkeypatch, caplog) -> None:
    enqueue = Recorded()
    jobs = AnswerJobs(enqueue, linger=0)
    start = threading.Thread.start

    def refuse(thread: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    jobs.post(1)  # does not raise: the text is committed, the webhook answers 200
    assert "could not start the answer jobs' thread" in caplog.text
    monkeypatch.setattr(threading.Thread, "start", start)
    jobs.post(2)
    assert jobs.drain()
    assert enqueue.batches == [[1, 2]]


class Interrupted(BaseException):
    pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_side_thread_that_dies_is_replaced_by_the_next_text() -> None:
    batches: list[list[int]] = []

    def enqueue(ids: list[int]) -> None:
        if not batches:
            batches.append([])
            raise Interrupted  # not an Exception: it ends the thread
        batches.append(list(ids))

    jobs = AnswerJobs(enqueue, linger=0)
    jobs.post(1)
    first = jobs._thread
    assert first is not None and jobs.drain()
    first.join(timeout=5)  # it died (its exception reported now, within this test)
    assert not first.is_alive()
    jobs.post(2)
    assert jobs.drain()
    assert batches == [[], [2]]


def test_the_webhook_answers_twilio_before_the_job_is_in_redis_and_the_job_follows(services, db) -> None:
    lingering = replace(services, settings=replace(services.settings, answer_linger_ms=500))
    client = create_app(services=lingering).test_client()
    params = inbound_params(new_phone(), "what's today?")
    response = client.post(
        "/twilio/sms", data=params, headers=signed_headers(services, "/twilio/sms", params)
    )
    assert response.status_code == 200
    assert Queue("agent", connection=services.redis).job_ids == []  # not waited for
    message_id = db.scalar(sa.select(Message.id).where(Message.provider_sid == params["MessageSid"]))
    assert queued_job_ids(services, "agent") == [f"inbound-{message_id}"]  # drained: it followed


def test_with_redis_unreachable_the_webhook_still_stores_the_text_and_answers_200(
    services, db, caplog
) -> None:
    down = replace(services, redis=redis.Redis(host="127.0.0.1", port=_free_port()))  # nothing listens
    client = create_app(services=down).test_client()
    params = inbound_params(new_phone(), "hello?")
    response = client.post("/twilio/sms", data=params, headers=signed_headers(down, "/twilio/sms", params))
    assert response.status_code == 200
    assert answer_jobs.drain_all()
    assert "the sweeper will" in caplog.text
    stored = db.scalar(sa.select(Message).where(Message.provider_sid == params["MessageSid"]))
    assert stored is not None and stored.handled_at is None  # owed an answer: the sweeper finds it


def test_a_redis_that_never_replies_does_not_hold_the_webhook_up(services, db) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        port = silent.getsockname()[1]
        stuck = redis.Redis(host="127.0.0.1", port=port, socket_timeout=3, socket_connect_timeout=3)
        client = create_app(services=replace(services, redis=stuck)).test_client()
        params = inbound_params(new_phone(), "hello?")
        started = time.monotonic()
        response = client.post(
            "/twilio/sms", data=params, headers=signed_headers(services, "/twilio/sms", params)
        )
        answered_after = time.monotonic() - started
        assert answer_jobs.drain_all(timeout=10)  # the side thread waited out Redis's timeout
        flushed_after = time.monotonic() - started
    assert response.status_code == 200
    assert answered_after < 1 < 3 <= flushed_after


def test_gunicorn_stopping_gracefully_enqueues_the_answers_it_still_holds(tmp_path, settings) -> None:
    """Texts taken just before a SIGTERM: their jobs are in Redis once the web process has exited."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": servers.scratch_database("coach_test_answer_jobs"),
        "REDIS_URL": settings.redis_url,
        "PUBLIC_BASE_URL": base,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "COACH_DATA_DIR": str(tmp_path),
        "WEB_CONCURRENCY": "1",
        "ANSWER_LINGER_MS": "5000",  # the longest allowed, far longer than the posts: only the exit flushes
    }
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"], env=env, check=True, cwd=servers.ROOT
    )
    agent = Queue("agent", connection=redis.Redis.from_url(settings.redis_url))
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    web = subprocess.Popen(command, env=env, cwd=servers.ROOT)
    try:
        _wait_for(base + "/healthz")
        for n in range(5):
            params = inbound_params(new_phone(), f"text {n}")
            url = base + "/twilio/sms"
            signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, params)
            assert _post_form(url, params, {"X-Twilio-Signature": signature}) == 200
        assert agent.job_ids == []
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)
    assert len(agent.job_ids) == 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own local server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _post_form(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own local server
        url, data=urllib.parse.urlencode(params).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own local server
        return int(response.status)
