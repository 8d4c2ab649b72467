"""The web app with an answer-job linger far longer than a test, for tests/test_answer_jobs.py: jobs reach
Redis only when the process exits."""

from coach.messaging import answer_jobs

answer_jobs.LINGER_SECONDS = 600

from wsgi import app  # noqa: E402

__all__ = ["app"]
