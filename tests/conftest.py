from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from coach.bootstrap import Services
from coach.config import TEST, Settings
from coach.db import make_engine
from coach.migrate import upgrade
from coach.movements.library import seed_movements
from coach.web import create_app
from tests import servers

pytest.register_assert_rewrite("tests.doubles")
from tests.doubles.openai_api import OpenAIDouble  # noqa: E402
from tests.doubles.twilio_api import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN  # noqa: E402

pytest_plugins = ["tests.doubles.twilio_api", "tests.doubles.openai_api"]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        env=TEST,
        database_url=servers.scratch_database("coach_test"),
        redis_url=servers.redis_url(),
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        dashboard_password="correct horse battery staple",
        public_base_url="https://coach.test",
        twilio_account_sid=TEST_ACCOUNT_SID,
        twilio_auth_token=TEST_AUTH_TOKEN,
        twilio_from_number="+15550009999",
        sms_backend="twilio",
        data_dir=Path(tmp_path_factory.mktemp("coach-data")),
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """The schema is built once per session, by Alembic, with the movement library seeded."""
    assert settings.database_url
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        seed_movements(session)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; commits become savepoints."""
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


@pytest.fixture
def redis_client(settings: Settings) -> Iterator[redis.Redis]:
    assert settings.redis_url
    client = redis.Redis.from_url(settings.redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def services(settings: Settings, engine: Engine, db: Session, redis_client: redis.Redis) -> Services:
    """Services whose sessions all share the test's rolled-back transaction."""
    sessions = sessionmaker(
        bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return Services(settings=settings, engine=engine, sessions=sessions, redis=redis_client)


@pytest.fixture
def app(services: Services) -> Flask:
    app = create_app(services=services)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def committed(settings: Settings, engine: Engine, redis_client: redis.Redis) -> Iterator[Services]:
    """Services that really commit (for concurrency and multi-process tests); tables are emptied after."""
    services = Services(
        settings=settings, engine=engine, sessions=sessionmaker(bind=engine), redis=redis_client
    )
    yield services
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE trainees, agent_runs RESTART IDENTITY CASCADE"))


@pytest.fixture
def live_server(committed: Services) -> Iterator[str]:
    """The app served over real HTTP on 127.0.0.1 (threaded), backed by committing services."""
    server = make_server("127.0.0.1", 0, create_app(services=committed), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def llm_settings(settings: Settings, openai_api: OpenAIDouble) -> Settings:
    """Settings with the LLM pointed at the local OpenAI double (short timeout, no client retries)."""
    return replace(
        settings,
        openai_api_key="test-openai-key",
        openai_base_url=openai_api.base_url,
        coach_model="gpt-4o-mini",
        llm_timeout_seconds=2.0,
        llm_max_retries=0,
    )
