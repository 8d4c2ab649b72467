"""The RQ worker process: `python -m workers.worker`."""

from __future__ import annotations

import logging
import os
import socket

from rq import Queue, Worker

from coach import jobs
from coach.bootstrap import bootstrap
from coach.jobs import QUEUES


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    services = bootstrap()
    jobs.install(services)
    queues = [Queue(name, connection=services.redis) for name in QUEUES]
    name = f"coach-{socket.gethostname()}-{os.getpid()}"
    # with_scheduler: RQ moves jobs waiting out a retry interval back onto their queue.
    Worker(queues, connection=services.redis, name=name).work(with_scheduler=True)


if __name__ == "__main__":
    main()
