"""The inbound text's round trips, on connections the calling thread keeps to itself.

A webhook stores the text with one statement; its web process's answer-jobs thread enqueues the jobs of a
burst of texts with one Redis script (coach/messaging/answer_jobs.py). Around those round trips the
general-purpose clients spend more CPU than the round trips themselves: a checkout from SQLAlchemy's pool
and back, a cursor, redis-py's pool, command packing and bookkeeping (about 0.25 ms of a request's 0.5 ms
there; `python -m bench.webhook_bench`). gunicorn's threads live as long as their worker, so each keeps one
autocommit psycopg connection (the statement prepared on it once, run through libpq:
`coach.libpq_statement`), and a thread that enqueues keeps one Redis connection, used only here. A thread
that ends closes them; a forked child never touches its parent's.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import hiredis
import psycopg
import redis
from sqlalchemy import Engine

from coach import libpq_statement
from coach.db import libpq_url

# Connections a forked child inherited: closing them would end the parent's sessions, so they are kept.
_INHERITED: list[object] = []


class _Held:
    """One thread's connections: PostgreSQL per database, Redis per connection pool."""

    def __init__(self) -> None:
        self.pid = _pid
        # each connection with the names of the statements prepared on it
        self.postgres: dict[str, tuple[psycopg.Connection[Any], libpq_statement.Prepared]] = {}
        self.redis: dict[int, tuple[redis.ConnectionPool, Any]] = {}

    def __del__(self) -> None:  # the thread ended (or a forked child replaced what it inherited)
        if self.pid != os.getpid():
            _INHERITED.append(self)
            return
        with contextlib.suppress(Exception):  # at interpreter exit the clients may be half torn down
            for connection, _ in self.postgres.values():
                connection.close()
            for _, connection in self.redis.values():
                connection.disconnect()


_local = threading.local()


# The process's id, kept current by a fork hook: os.getpid() is a system call, twice a webhook.
_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


def _held() -> _Held:
    held: _Held | None = getattr(_local, "held", None)
    if held is None or held.pid != _pid:
        held = _local.held = _Held()
    return held


_dsns: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _dsn(engine: Engine) -> str:
    """The engine's libpq connection string, once: hashing its URL renders it as a string on every call."""
    dsn = _dsns.get(engine)
    if dsn is None:
        dsn = _dsns[engine] = libpq_url(engine.url.render_as_string(hide_password=False))
    return dsn


def first_row(engine: Engine, sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """Run one statement (psycopg `%(name)s` placeholders, prepared on first use) in autocommit on this
    thread's connection to `engine`'s database, and return its first row.

    The statement must be safe to run twice: when the connection turns out to be dead (the database
    restarted since this thread last used it) it is replaced and the statement runs once more, instead of
    failing the request.
    """
    held = _held()
    dsn = _dsn(engine)
    for attempt in (1, 2):
        found = held.postgres.get(dsn)
        if found is None:
            connection = psycopg.connect(dsn, autocommit=True)
            found = held.postgres[dsn] = (connection, {})
        connection, prepared = found
        try:
            return libpq_statement.first_row(connection, prepared, sql, params)
        except psycopg.OperationalError:
            if not connection.closed or attempt == 2:
                raise
            del held.postgres[dsn]
    raise AssertionError("unreachable")


def redis_eval(client: redis.Redis, script: str, keys: Sequence[str], args: Sequence[Any]) -> Any:
    """Run a Lua `script` (atomic on the server) with `keys` and `args` in one command and one reply, on this
    thread's connection to `client`'s server. An error the script meets raises; any failure drops the
    connection, so a half-read reply never reaches the next call."""
    held = _held()
    pool = client.connection_pool
    found = held.redis.get(id(pool))
    if found is None or found[0] is not pool:
        connection = pool.connection_class(**pool.connection_kwargs)
        found = held.redis[id(pool)] = (pool, connection)
    connection = found[1]
    # As redis-py's pool checks a connection it hands out: one the server closed (a restart, its idle
    # timeout) reads as ready or fails to read; drop it, and the send below connects afresh.
    try:
        stale = connection._sock is not None and connection.can_read()
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        stale = True
    if stale:
        connection.disconnect()
    try:
        connection.send_packed_command([hiredis.pack_command(("EVAL", script, len(keys), *keys, *args))])
        return connection.read_response()
    except BaseException:
        connection.disconnect()
        raise
