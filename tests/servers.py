"""Where the test suite's PostgreSQL and Redis are: the URLs from the environment, else embedded servers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from coach import embedded
from coach.db import libpq_url

ROOT = Path(__file__).resolve().parent.parent
TEST_REDIS_DB = int(os.environ.get("COACH_TEST_REDIS_DB", "15"))
# Two test runs on one machine stay apart by naming their databases differently.
TEST_RUN_SUFFIX = os.environ.get("COACH_TEST_RUN", "")


def data_dir() -> Path:
    return Path(os.environ.get("COACH_DATA_DIR") or ROOT / ".coach")


def server_url() -> str:
    """A URL on the PostgreSQL server the tests use (any database on it)."""
    return os.environ.get("DATABASE_URL") or embedded.postgres_url(data_dir(), "postgres")


def scratch_database(name: str) -> str:
    """Drop and create `name` on the test server; return its URL. Tests never touch other databases."""
    if TEST_RUN_SUFFIX:
        name = f"{name}_{TEST_RUN_SUFFIX}"
    base = make_url(server_url())
    admin = base.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(libpq_url(admin), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return base.set(database=name).render_as_string(hide_password=False)


def redis_url() -> str:
    """The test Redis: a separate logical database on the configured (or embedded) server."""
    url = os.environ.get("REDIS_URL") or embedded.redis_url(data_dir())
    if url.startswith("unix://"):
        return url.split("?", 1)[0] + f"?db={TEST_REDIS_DB}"
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].split("?", 1)[0]
    return f"{scheme}://{host}/{TEST_REDIS_DB}"


if __name__ == "__main__":
    # `python -m tests.servers NAME` prints the URL of a fresh scratch database (used by `make test`).
    print(scratch_database(sys.argv[1]))
