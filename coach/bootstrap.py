"""The one composition root shared by the web app, the worker, the scheduler and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from coach import embedded
from coach.agent.llm import ChatModel, build_chat_model
from coach.config import ConfigError, Settings, load_settings
from coach.db import make_engine, make_session_factory
from coach.messaging.sms import SmsSender, make_sender


def resolve_services(settings: Settings) -> Settings:
    """Fill in DATABASE_URL / REDIS_URL with embedded servers when they are unset (never in production)."""
    if settings.database_url and settings.redis_url:
        return settings
    if settings.is_production:
        raise ConfigError("production refuses to start; missing: DATABASE_URL or REDIS_URL")
    database_url = settings.database_url or embedded.postgres_url(settings.data_dir, "coach")
    redis_url = settings.redis_url or embedded.redis_url(settings.data_dir)
    return settings.with_services(database_url, redis_url)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    redis: redis.Redis
    sms: SmsSender | None = field(default=None)
    llm: ChatModel | None = field(default=None)

    def sms_sender(self) -> SmsSender:
        """The SMS backend chosen by configuration, built on first use."""
        if self.sms is None:
            self.sms = make_sender(self.settings)
        return self.sms

    def chat_model(self) -> ChatModel | None:
        """The configured LLM client, built on first use; None when no LLM is configured."""
        if self.llm is None:
            self.llm = build_chat_model(self.settings)
        return self.llm

    def close(self) -> None:
        self.engine.dispose()
        self.redis.close()


def bootstrap(settings: Settings | None = None, *, pre_ping: bool = False) -> Services:
    """Build the process-wide services from settings (read from the environment when not given).

    Background processes pass pre_ping: a job or tick is worth a round trip to not fail on a connection a
    database restart broke, where a webhook would rather fail fast and be retried by Twilio.
    """
    resolved = resolve_services(settings or load_settings())
    assert resolved.database_url and resolved.redis_url
    engine = make_engine(resolved.database_url, pool_pre_ping=pre_ping)
    return Services(
        settings=resolved,
        engine=engine,
        sessions=make_session_factory(engine),
        redis=redis.Redis.from_url(resolved.redis_url, socket_timeout=5, socket_connect_timeout=5),
    )
