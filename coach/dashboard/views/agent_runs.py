"""Agent runs: the list, safety flags to review, and marking a flag handled; plus the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from coach.dashboard import agent_runs, audit
from coach.dashboard.views import forms
from coach.web import services

bp = Blueprint("agent_runs", __name__)


@bp.get("/agent-runs/")
def list_runs() -> ResponseReturnValue:
    which = agent_runs.RunFilter(
        flagged_only=request.args.get("show") == "flagged",
        errors_only=request.args.get("show") == "errors",
        before_id=forms.optional_id(request.args.get("before")),
    )
    runs = agent_runs.list_runs(services(), which)
    return render_template(
        "dashboard/agent_runs.html",
        runs=runs,
        show=request.args.get("show", ""),
        more=len(runs) == agent_runs.PAGE_SIZE,
    )


@bp.post("/agent-runs/<int:run_id>/handled")
def mark_handled(run_id: int) -> ResponseReturnValue:
    agent_runs.mark_handled(services(), run_id, g.operator, datetime.now(UTC))
    flash(f"Agent run {run_id} is marked handled.")
    return redirect(forms.back_to(url_for(".list_runs", show="flagged")))


@bp.get("/audit/")
def audit_log() -> ResponseReturnValue:
    return render_template("dashboard/audit.html", entries=audit.recent_entries(services()))
