from __future__ import annotations

from flask import Blueprint, Response, jsonify

from coach import health
from coach.web import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    status = health.check(services())
    healthy = all(value == "ok" for value in status.values())
    return jsonify(status=("ok" if healthy else "down"), **status), (200 if healthy else 503)
