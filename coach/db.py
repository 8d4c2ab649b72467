"""Engines and sessions. Nothing here runs at import time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker


def sqlalchemy_url(url: str) -> str:
    """Point a plain postgres URL at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def libpq_url(url: str) -> str:
    """The same URL as libpq (psql, psycopg.connect) spells it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def make_engine(url: str, **kwargs: object) -> Engine:
    # No pre-ping by default: it costs a round trip per request. A connection broken by a database restart
    # fails one request (a webhook gets a 5xx and Twilio retries it) and SQLAlchemy then refreshes the pool.
    # The worker and the scheduler ask for it (bootstrap(pre_ping=True)).
    options: dict[str, object] = {"pool_recycle": 1800}
    if "poolclass" not in kwargs:
        options.update(pool_size=5, max_overflow=10)
    options.update(kwargs)
    return create_engine(sqlalchemy_url(url), **options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def first_row_autocommit(engine: Engine, sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """Run one statement (psycopg `%(name)s` placeholders) in autocommit on a pooled connection, straight
    through the driver, and return its first row.

    For the hot path only (the inbound webhook): no BEGIN / COMMIT round trips, a server-side prepared
    statement, and none of SQLAlchemy's execution and result machinery (a third of the CPU of the same
    statement through a Session). The statement must be safe to run twice: when the pooled connection turns
    out to be dead (the database restarted since it was last used), the pool's idle connections are dropped
    and the statement runs once more on a fresh one, instead of failing the request.
    """
    for attempt in (1, 2):
        pooled = engine.raw_connection()
        driver: psycopg.Connection[Any] = pooled.driver_connection  # type: ignore[assignment]
        try:
            driver.autocommit = True
            try:
                with driver.cursor() as cursor:
                    cursor.execute(sql, params, prepare=True)
                    return cursor.fetchone()
            finally:
                if not driver.closed:  # back to the pool as SQLAlchemy expects it: transactions on
                    driver.autocommit = False
        except psycopg.OperationalError as exc:
            if not driver.broken:
                raise
            pooled.invalidate(exc)
            engine.pool.dispose()  # its idle connections died with this one
            if attempt == 2:
                raise
        finally:
            pooled.close()
    raise AssertionError("unreachable")
