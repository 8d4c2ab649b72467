"""The RQ worker every Coach process runs jobs with (the worker process, and the tests' burst runs)."""

from __future__ import annotations

import logging

from rq import SimpleWorker

log = logging.getLogger("coach.worker")

# How long a stopping worker waits for its command listener (RQ's pubsub thread) once it has been woken.
LISTENER_EXIT_SECONDS = 1.0


class Worker(SimpleWorker):
    """RQ's SimpleWorker (jobs run in this process, no fork per job), stopping promptly.

    RQ 2.12 stops its command listener by unsubscribing first and then waiting on the thread with no limit.
    When the thread reads the unsubscribe reply before the flag that ends its loop is cleared, it starts its
    next 60 s wait for a subscription and the worker's stop (or a burst run's end) hangs for a minute: a
    deploy's SIGTERM outlives its grace period, and a test that times a minute of texts sees two minutes.
    """

    def unsubscribe(self) -> None:
        thread = self.pubsub_thread
        if not thread:
            return
        # End the loop first; the unsubscribe reply then wakes the thread, which closes its own connection.
        thread.stop(timeout=0)
        try:
            self.pubsub.unsubscribe()
        except Exception:  # the listener woke for something else meanwhile, saw the flag and closed it
            log.debug("worker %s: its command listener had already closed", self.name, exc_info=True)
        thread.join(timeout=LISTENER_EXIT_SECONDS)
        if thread.is_alive():
            log.warning("worker %s: its command listener did not stop; it ends with the process", self.name)
            return
        self.pubsub.close()  # a connection the unsubscribe opened after the listener closed its own
