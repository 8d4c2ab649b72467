"""The fault suite (issue 8): "never loses or doubles a message", checked with faults in real processes.

    python -m bench.chaos [--size small|full] [--only NAME ...] [--keep] [--list]

Each scenario (bench/chaos/registry.py) starts Coach as the Procfile does (gunicorn serving wsgi.py, RQ
workers, the scheduler) against a private embedded PostgreSQL and Redis in a temporary directory (never
DATABASE_URL / REDIS_URL: the suite crashes and flushes them), with the Twilio and OpenAI doubles of
tests/doubles served from this process. Texts arrive as signed webhooks over HTTP; what reaches Twilio is read
back from the double. Each scenario prints what it did and one line of counts; lost, duplicated and late must
all be 0, else the exit code is 1 and the data dir, with every process's log, is kept.
"""
