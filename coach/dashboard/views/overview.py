"""The overview page and the same figures as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from coach.dashboard import charts
from coach.dashboard.overview import as_json, problems, read_overview
from coach.web import services

bp = Blueprint("overview", __name__)


@bp.get("/")
def page() -> ResponseReturnValue:
    figures = read_overview(services(), datetime.now(UTC))
    return render_template(
        "dashboard/overview.html",
        o=figures,
        problems=problems(figures),
        hourly=charts.hourly_bars(figures.queue.per_hour),
    )


@bp.get("/api/status")
def status() -> ResponseReturnValue:
    """The overview's figures for machines (behind the same login as the pages)."""
    return jsonify(as_json(read_overview(services(), datetime.now(UTC))))
