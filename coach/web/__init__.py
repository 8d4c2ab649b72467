"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, current_app

from coach.bootstrap import Services, bootstrap
from coach.config import Settings
from coach.messaging.answer_jobs import AnswerJobs
from coach.messaging.tasks import enqueue_answers
from coach.web.sessions import DashboardSessions


def create_app(settings: Settings | None = None, services: Services | None = None) -> Flask:
    """Build the web app. Tests pass their own services; gunicorn builds them from the environment."""
    services = services or bootstrap(settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=services.settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=services.settings.public_base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    app.extensions["coach"] = services
    app.extensions["coach.answer_jobs"] = AnswerJobs(
        lambda ids: enqueue_answers(services, ids), linger=services.settings.answer_linger_ms / 1000
    )

    from coach.dashboard.views import bp as dashboard_bp
    from coach.messaging.views import bp as twilio_bp
    from coach.web.health import bp as health_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(twilio_bp)
    app.register_blueprint(dashboard_bp)
    if not dashboard_bp.url_prefix:
        raise RuntimeError("the dashboard blueprint needs a URL prefix: sessions are opened only under it")
    app.session_interface = DashboardSessions(prefix=dashboard_bp.url_prefix)
    return app


def services() -> Services:
    """The process's services, for thin views."""
    found: Services = current_app.extensions["coach"]
    return found


def answer_jobs() -> AnswerJobs:
    """This process's queue of answer jobs still to be enqueued (see coach.messaging.answer_jobs)."""
    found: AnswerJobs = current_app.extensions["coach.answer_jobs"]
    return found
