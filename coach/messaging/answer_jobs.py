"""Answer jobs for the texts a web process stored, enqueued a few at a time, after Twilio has its answer.

The webhook commits the text, hands its id to this process's AnswerJobs and answers Twilio; a side thread
enqueues the answer jobs of the texts that came in over the last few milliseconds (ANSWER_LINGER_MS) with
one Redis script (at most jobs.ENQUEUE_BATCH jobs a script). Under load one round trip carries many jobs (a
round trip per webhook cost 8-17% of webhook throughput in side-by-side runs: `python -m
bench.webhook_bench`), and a slow or unreachable Redis no longer holds a text's webhook up.

PostgreSQL stays the source of truth: a text whose job never reached Redis (Redis down, or the process
killed in the few milliseconds before the flush) is unhandled in the database, and the scheduler's sweeper
enqueues it within two minutes (a text unanswered for 60 s, at the next minute's tick), as it does after a
Redis flush. A process that exits normally (gunicorn's graceful stop, a restart after max requests) flushes
what it holds first.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from collections.abc import Callable

log = logging.getLogger("coach.messaging")

IDLE_SECONDS = 30  # a side thread with nothing to do for this long ends; the next text starts another
CLOSE_SECONDS = 5  # at exit, how long the last flush may take


class AnswerJobs:
    """Collects the ids of committed texts and enqueues their answer jobs through `enqueue`, in order, the
    texts of `linger` seconds together (an answer takes seconds; a few milliseconds more lets a burst share
    one round trip)."""

    def __init__(self, enqueue: Callable[[list[int]], object], linger: float) -> None:
        self._enqueue = enqueue
        self._linger = linger
        self._reset()
        _LIVE.add(self)

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._pending: list[int] = []
        self._posted = 0  # texts handed over so far ...
        self._done = 0  # ... and of those, the ones whose flush has ended (enqueued, or failed and logged)
        self._thread: threading.Thread | None = None
        self._closing = False

    def post(self, message_id: int) -> None:
        """Enqueue this committed text's answer job soon. Never blocks on Redis, never raises for it."""
        with self._cond:
            self._pending.append(message_id)
            self._posted += 1
            if self._thread is None or not self._thread.is_alive():
                self._start()
            elif len(self._pending) == 1:
                self._cond.notify_all()

    def _start(self) -> None:
        thread = threading.Thread(target=self._run, name="answer-jobs", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had (a process or memory limit): the next text tries again
            log.exception("could not start the answer jobs' thread; %d texts wait", len(self._pending))
            return
        self._thread = thread

    def drain(self, timeout: float = 5) -> bool:
        """Wait until every text posted so far has been flushed; False if that took longer than `timeout`."""
        with self._cond:
            target = self._posted
            return self._cond.wait_for(lambda: self._done >= target, timeout)

    def close(self) -> None:
        """Flush what is held and stop the side thread (at exit)."""
        with self._cond:
            self._closing = True
            thread = self._thread
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread() and thread.is_alive():
            thread.join(CLOSE_SECONDS)
        self._flush_pending()

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    if not self._pending and not self._closing:
                        self._cond.wait(IDLE_SECONDS)
                    if not self._pending:
                        return  # idle or closing: a later post starts a new thread
                    self._cond.wait_for(lambda: self._closing, self._linger)  # gather the burst
                self._flush_pending()
        finally:
            with self._cond:  # ended, or died of something unexpected: the next post starts another
                if self._thread is threading.current_thread():
                    self._thread = None

    def _flush_pending(self) -> None:
        with self._cond:
            batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            self._enqueue(batch)
        except Exception:
            log.exception(
                "could not enqueue the answer jobs of %d stored texts (those not in Redis: the sweeper will)",
                len(batch),
            )
        finally:
            with self._cond:
                self._done += len(batch)
                self._cond.notify_all()


_LIVE: weakref.WeakSet[AnswerJobs] = weakref.WeakSet()


def _forked() -> None:
    # The child has none of the parent's threads, and the parent flushes what it held.
    for jobs in list(_LIVE):
        jobs._reset()


def drain_all(timeout: float = 5) -> bool:
    """Wait until every AnswerJobs in this process has flushed what it was given (the tests' helpers)."""
    return all(jobs.drain(timeout) for jobs in list(_LIVE))


def _exiting() -> None:
    for jobs in list(_LIVE):
        try:
            jobs.close()
        except Exception:  # one failing must not keep the others from flushing
            log.exception("could not flush the answer jobs at exit; the sweeper will")


os.register_at_fork(after_in_child=_forked)
atexit.register(_exiting)
