"""How gunicorn serves Coach: read from the working directory by every `gunicorn wsgi:app` (the Procfile's web
process, `make run`, the benchmarks and the fault suite), so they all run the same server.

Threaded workers: a webhook spends part of its time waiting on PostgreSQL's commit and on Redis, and a
dashboard page on its queries; a worker's other threads use that time. WEB_CONCURRENCY sets the processes
(two per core is plenty: the hot path is short); PORT the port, as platforms set it.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
