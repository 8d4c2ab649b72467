"""Signed-cookie sessions for the dashboard only.

Twilio's webhooks and the health check never use a session, and opening one (building the signing
serializer, reading the cookie) is a measurable part of the webhook's hot path, so outside /dashboard the
request gets Flask's null session: nothing read, nothing written.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

SESSION_PATH_PREFIX = "/dashboard"


class DashboardSessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not request.path.startswith(SESSION_PATH_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)
