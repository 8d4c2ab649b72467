"""The RQ worker process: `python -m workers.worker`."""

from __future__ import annotations

import importlib
import logging
import os
import socket

from rq import Queue, Worker

from coach import jobs
from coach.bootstrap import Services, bootstrap
from coach.jobs import QUEUES

# The answer and send jobs, next week's preparation, and what that job imports lazily.
JOB_MODULES = ("coach.messaging.tasks", "coach.scheduling.weekly", "coach.training.progression")


def preload(services: Services) -> None:
    """Import every job's module and build the clients jobs use, once, before RQ forks a child per job.

    Without this each forked child imports the agent and training stack itself (about 0.7 s a job).
    """
    for module in JOB_MODULES:
        importlib.import_module(module)
    from coach.agent import fast_log, tools_common

    fast_log.movement_index()  # the log parser's and the tools' movement look-ups, built once
    tools_common.movement_index()

    services.chat_model()  # builds the LLM client (no connection is opened until a call)
    services.sms_sender()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    services = bootstrap(pre_ping=True)
    jobs.install(services)
    preload(services)
    queues = [Queue(name, connection=services.redis) for name in QUEUES]
    name = f"coach-{socket.gethostname()}-{os.getpid()}"
    # with_scheduler: RQ moves jobs waiting out a retry interval back onto their queue.
    Worker(queues, connection=services.redis, name=name).work(with_scheduler=True)


if __name__ == "__main__":
    main()
