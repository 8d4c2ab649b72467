from __future__ import annotations

import redis

from coach.bootstrap import Services
from coach.web import create_app


def test_healthz_reports_database_and_redis_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_unreachable(services):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    broken = Services(
        settings=services.settings, engine=services.engine, sessions=services.sessions, redis=dead
    )
    response = create_app(services=broken).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "down", "database": "ok", "redis": "down"}


def test_healthz_reveals_nothing_but_up_or_down(client):
    body = client.get("/healthz").get_data(as_text=True)
    assert "postgres" not in body.lower() and "unix" not in body and "127.0.0.1" not in body
