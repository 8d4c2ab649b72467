"""Engines and sessions. Nothing here runs at import time."""

from __future__ import annotations

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
