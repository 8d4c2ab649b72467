"""Logging in and out of the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from coach.dashboard import auth
from coach.web import services

bp = Blueprint("login", __name__)
PASSWORD_CHECK = "coach_dashboard_password"  # noqa: S105 - an extensions key, not a secret


def install_password_check(state: BlueprintSetupState) -> None:
    """Hash DASHBOARD_PASSWORD once, when the app is built; only the hash stays in memory."""
    state.app.extensions[PASSWORD_CHECK] = auth.PasswordCheck.from_password(
        state.app.extensions["coach"].settings.dashboard_password
    )


def _next_page() -> str:
    target = request.values.get("next") or ""
    if target.startswith("/dashboard/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.overview.page")


@bp.get("/login")
def form() -> ResponseReturnValue:
    return render_template("dashboard/login.html", next=_next_page())


@bp.post("/login")
def submit() -> ResponseReturnValue:
    outcome = auth.check_login(
        auth.LoginRateLimit(services().redis),
        current_app.extensions[PASSWORD_CHECK],
        request.remote_addr or "unknown",
        request.form.get("password", ""),
    )
    if outcome is auth.LoginOutcome.LOCKED_OUT:
        message = "Too many failed logins from this address. Wait 15 minutes and try again."
        return render_template("dashboard/login.html", next=_next_page(), error=message), 429
    if outcome is auth.LoginOutcome.WRONG_PASSWORD:
        return render_template("dashboard/login.html", next=_next_page(), error="Wrong password."), 401
    auth.start_session(session, auth.operator_name(request.form.get("name")), datetime.now(UTC))
    return redirect(_next_page())


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.clear()
    flash("Logged out.")
    return redirect(url_for("dashboard.login.form"))
