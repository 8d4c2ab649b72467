"""The RQ worker process: `python -m workers.worker`."""

from __future__ import annotations

import gc
import importlib
import logging
import os
import socket

from rq import Queue

from coach import jobs
from coach.bootstrap import Services, bootstrap
from coach.jobs import QUEUES
from coach.worker import Worker

# The answer and send jobs, next week's preparation, and what that job imports lazily.
JOB_MODULES = ("coach.messaging.tasks", "coach.scheduling.weekly", "coach.training.progression")


def preload(services: Services) -> None:
    """Import every job's module and build the clients and look-ups jobs use, once, before the first job.

    Then what they left behind (about 180,000 objects, kept for the process's life) is moved out of the
    garbage collector's view: otherwise every full collection during a job walks all of them again, a
    0.1 s stall in the middle of an answer."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    from coach.agent import fast_log, tools_common

    fast_log.movement_index()  # the log parser's and the tools' movement look-ups, built once
    tools_common.movement_index()

    services.chat_model()  # builds the LLM client (no connection is opened until a call)
    services.sms_sender()
    gc.freeze()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    services = bootstrap(pre_ping=True)
    jobs.install(services)
    preload(services)
    queues = [Queue(name, connection=services.redis) for name in QUEUES]
    name = f"coach-{socket.gethostname()}-{os.getpid()}"
    # Jobs run in this process (a SimpleWorker), not in a child forked per job: a forked child pays for a new
    # database connection and copy-on-write page faults, about 100 ms a job, more than a fast-path answer
    # takes. Job timeouts still apply (SIGALRM). A worker killed mid-job is recovered like a killed child:
    # RQ's retry or the sweeper runs the job again, and every job is idempotent.
    # with_scheduler: RQ moves jobs waiting out a retry interval back onto their queue.
    Worker(queues, connection=services.redis, name=name).work(with_scheduler=True)


if __name__ == "__main__":
    main()
