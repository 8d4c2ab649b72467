"""The dashboard's routes: one parent blueprint under /dashboard that guards every request.

Every route needs a logged-in session, except the login form and the stylesheet; every POST needs the
session's CSRF token. The feature blueprints below are nested in this one, so the guard covers them all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from coach.dashboard import auth, formatting
from coach.dashboard.audit import Operator
from coach.dashboard.errors import NotAllowed, NotFound
from coach.dashboard.views import agent_runs, jobs, login, messages, overview, trainees

bp = Blueprint(
    "dashboard",
    "coach.dashboard",
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
PUBLIC_ENDPOINTS = frozenset({"dashboard.login.form", "dashboard.login.submit", "dashboard.static"})
SECURITY_HEADERS = {
    # No inline script or style anywhere: the charts are SVG drawn on the server.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

for child in (login.bp, overview.bp, messages.bp, jobs.bp, trainees.bp, agent_runs.bp):
    bp.register_blueprint(child)
bp.record_once(login.install_password_check)
formatting.install(bp)


@bp.before_request
def require_login() -> ResponseReturnValue | None:
    if request.endpoint not in PUBLIC_ENDPOINTS:
        name = auth.logged_in_operator(session, datetime.now(UTC))
        if name is None:
            return _logged_out()
        g.operator = Operator(name=name, address=request.remote_addr or "unknown")
    if request.method == "POST" and not auth.csrf_valid(session, request.form.get("csrf_token")):
        abort(400, "The form was stale or not sent by this dashboard. Reload the page and try again.")
    return None


def _logged_out() -> ResponseReturnValue:
    if request.endpoint == "dashboard.overview.status":
        return jsonify(error="login required"), 401
    if request.method == "GET":
        return redirect(url_for("dashboard.login.form", next=request.full_path.rstrip("?")))
    abort(403)


@bp.after_request
def harden(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if request.endpoint != "dashboard.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def page_context() -> dict[str, Any]:
    return {"csrf_token": auth.csrf_token(session), "operator": g.get("operator")}


@bp.errorhandler(NotFound)
def not_found(error: NotFound) -> ResponseReturnValue:
    return render_template("dashboard/error.html", message=str(error)), 404


@bp.errorhandler(NotAllowed)
def not_allowed(error: NotAllowed) -> ResponseReturnValue:
    return render_template("dashboard/error.html", message=str(error)), 409
