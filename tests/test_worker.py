"""The worker every process runs jobs with: it stops promptly, whatever its command listener is doing."""

from __future__ import annotations

import threading
import time

from rq import Queue

from coach.worker import Worker


def _wait_until(condition, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_worker_stops_at_once_when_its_listener_read_the_unsubscribe_reply_first(redis_client) -> None:
    worker = Worker([Queue("default", connection=redis_client)], connection=redis_client)
    worker.subscribe()
    pubsub = worker.pubsub
    _wait_until(lambda: pubsub.subscribed)
    send_unsubscribe = pubsub.unsubscribe

    def unsubscribe_then_let_the_listener_read_the_reply(*args, **kwargs):
        # What a busy machine does now and then: the listener thread runs before the worker's next line.
        result = send_unsubscribe(*args, **kwargs)
        _wait_until(lambda: not pubsub.subscribed)
        return result

    pubsub.unsubscribe = unsubscribe_then_let_the_listener_read_the_reply  # type: ignore[method-assign]
    stopping = threading.Thread(target=worker.unsubscribe, daemon=True)
    started = time.monotonic()
    stopping.start()
    stopping.join(timeout=10)
    assert not stopping.is_alive(), "the worker waited out its listener's 60 s poll"
    assert time.monotonic() - started < 3
    assert not worker.pubsub_thread.is_alive()


def test_a_worker_stops_cleanly_when_its_listener_closed_before_the_unsubscribe(redis_client) -> None:
    worker = Worker([Queue("default", connection=redis_client)], connection=redis_client)
    worker.subscribe()
    pubsub, listener = worker.pubsub, worker.pubsub_thread
    _wait_until(lambda: pubsub.subscribed)
    send_unsubscribe = pubsub.unsubscribe

    def unsubscribe_after_the_listener_closed(*args, **kwargs):
        # The listener wakes (here for a PING's reply), sees that it is to stop and closes its connection.
        pubsub.ping()
        listener.join(timeout=5)
        assert not listener.is_alive()
        return send_unsubscribe(*args, **kwargs)

    pubsub.unsubscribe = unsubscribe_after_the_listener_closed  # type: ignore[method-assign]
    worker.unsubscribe()  # raises nothing
    assert pubsub.connection is None  # and leaves no connection behind
