"""Is this process able to reach what it needs?"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from coach.bootstrap import Services

log = logging.getLogger(__name__)


def check(services: Services) -> dict[str, str]:
    """Each dependency as "ok" or "down" (never the error text: /healthz is public)."""
    result = {"database": "down", "redis": "down"}
    try:
        with services.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        result["database"] = "ok"
    except sa.exc.SQLAlchemyError:
        log.warning("health check: database unreachable", exc_info=True)
    try:
        if services.redis.ping():
            result["redis"] = "ok"
    except Exception:  # any failure to reach Redis means "down"
        log.warning("health check: redis unreachable", exc_info=True)
    return result
