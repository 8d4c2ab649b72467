"""Signed-cookie sessions for the dashboard only.

Twilio's webhooks and the health check never use a session, and opening one (building the signing
serializer, reading the cookie) is a measurable part of the webhook's hot path, so outside /dashboard the
request gets Flask's null session: nothing read, nothing written.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class DashboardSessions(SecureCookieSessionInterface):
    """Sessions under `prefix` (the dashboard blueprint's URL prefix) only. Flask opens the session before it
    matches the URL, so the path is all there is to go on."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not request.path.startswith(self.prefix):
            return self.make_null_session(app)
        return super().open_session(app, request)
