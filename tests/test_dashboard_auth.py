"""Who can reach the dashboard: login, logout, rate limit, CSRF, and every route guarded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.dashboard import auth
from tests.test_dashboard_support import PASSWORD, csrf, csrf_from, logged_in, login


@pytest.fixture
def operator(client: FlaskClient) -> FlaskClient:
    return logged_in(client)


PUBLIC = {"dashboard.login.form", "dashboard.login.submit", "dashboard.static"}


def _example_url(rule: object) -> str:
    """A concrete URL for a rule, with made-up values for its variables."""
    url = str(rule)
    for name, value in (("<int:outbound_id>", "1"), ("<int:trainee_id>", "1"), ("<int:run_id>", "1")):
        url = url.replace(name, value)
    return url.replace("<queue>", "send").replace("<job_id>", "some-job")


def _dashboard_rules(app: Flask) -> list[tuple[object, str]]:
    rules = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("dashboard.") and rule.endpoint not in PUBLIC
        for method in sorted(rule.methods or ())
        if method in ("GET", "POST")
    ]
    assert len(rules) >= 15, "the dashboard's routes were not found"
    return rules


def test_every_dashboard_route_refuses_a_logged_out_visitor(app: Flask, client: FlaskClient):
    for rule, method in _dashboard_rules(app):
        response = client.open(_example_url(rule), method=method)
        if method == "GET" and rule.endpoint != "dashboard.overview.status":
            assert response.status_code == 302, rule
            assert response.headers["Location"].startswith("/dashboard/login"), rule
        else:
            assert response.status_code in (401, 403), (rule, method, response.status_code)


def test_every_post_route_needs_the_csrf_token_even_when_logged_in(app: Flask, operator: FlaskClient):
    for rule, method in _dashboard_rules(app):
        if method == "POST":
            response = operator.post(_example_url(rule), data={"csrf_token": "forged"})
            assert response.status_code == 400, rule
            assert operator.post(_example_url(rule)).status_code == 400, rule


def test_login_with_the_right_password_opens_the_overview(client: FlaskClient):
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "alice" in page.get_data(as_text=True)


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(client: FlaskClient):
    first = client.get("/dashboard/messages/?state=failed")
    assert "next=/dashboard/messages/?state%3Dfailed" in first.headers["Location"]
    token = csrf_from(client.get(first.headers["Location"]).get_data(as_text=True))
    form = {"password": PASSWORD, "csrf_token": token, "next": "/dashboard/messages/?state=failed"}
    assert (
        client.post("/dashboard/login", data=form).headers["Location"] == "/dashboard/messages/?state=failed"
    )
    client.post("/dashboard/logout", data={"csrf_token": csrf(client)})
    token = csrf_from(client.get("/dashboard/login").get_data(as_text=True))
    form = {"password": PASSWORD, "csrf_token": token, "next": "https://evil.example/"}
    assert client.post("/dashboard/login", data=form).headers["Location"] == "/dashboard/"


def test_wrong_password_is_refused(client: FlaskClient):
    response = login(client, password="guess")
    assert response.status_code == 401
    assert "Wrong password" in response.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302


def test_login_without_the_csrf_token_is_refused(client: FlaskClient):
    client.get("/dashboard/login")
    response = client.post("/dashboard/login", data={"password": PASSWORD, "csrf_token": "nope"})
    assert response.status_code == 400
    assert client.get("/dashboard/").status_code == 302


def test_five_failed_logins_lock_the_address_out_even_with_the_right_password(client: FlaskClient):
    for _ in range(auth.MAX_FAILURES):
        assert login(client, password="guess").status_code == 401
    response = login(client)
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302


def test_the_lockout_is_per_address_and_expires(client: FlaskClient, redis_client):
    for _ in range(auth.MAX_FAILURES):
        login(client, password="guess")
    key = auth.FAILURES_KEY.format(client="127.0.0.1")
    assert 0 < redis_client.ttl(key) <= auth.FAILURE_WINDOW.total_seconds()
    other = client.application.test_client()
    token = csrf_from(other.get("/dashboard/login").get_data(as_text=True))
    response = other.post(
        "/dashboard/login",
        data={"password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 302
    redis_client.delete(key)  # what the expiry does after 15 minutes
    assert login(client).status_code == 302


def test_logout_ends_the_session(operator: FlaskClient):
    response = operator.post("/dashboard/logout", data={"csrf_token": csrf(operator)})
    assert response.status_code == 302
    assert operator.get("/dashboard/").status_code == 302


def test_session_cookie_is_signed_httponly_and_samesite(client: FlaskClient):
    response = login(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "alice" not in cookie.split(";")[0] or "." in cookie.split(";")[0]


def test_a_forged_session_cookie_is_not_logged_in(client: FlaskClient):
    client.set_cookie("session", "eyJkYXNoYm9hcmRfb3BlcmF0b3IiOiJtYWxsb3J5In0.forged.signature")
    assert client.get("/dashboard/").status_code == 302


def test_an_old_session_must_log_in_again():
    session: dict[str, str] = {}
    long_ago = datetime.now(UTC) - auth.SESSION_LIFETIME - timedelta(minutes=1)
    auth.start_session(session, "alice", long_ago)
    assert auth.logged_in_operator(session, datetime.now(UTC)) is None
    auth.start_session(session, "alice", datetime.now(UTC))
    assert auth.logged_in_operator(session, datetime.now(UTC)) == "alice"


def test_the_password_is_kept_only_as_a_hash(app: Flask):
    check = app.extensions["coach_dashboard_password"]
    assert PASSWORD.encode() not in check.digest
    assert check.matches(PASSWORD) and not check.matches(PASSWORD + " ")


def test_an_empty_password_refuses_to_build_a_check():
    with pytest.raises(ValueError, match="DASHBOARD_PASSWORD"):
        auth.PasswordCheck.from_password("")


def test_api_status_wants_a_login(client: FlaskClient):
    response = client.get("/dashboard/api/status")
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required"}


def test_healthz_stays_public_and_says_only_ok_or_down(client: FlaskClient):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert set(response.get_json().values()) <= {"ok", "down"}


def test_pages_carry_security_headers(operator: FlaskClient):
    response = operator.get("/dashboard/")
    assert "script-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_stylesheet_is_served_without_login(client: FlaskClient):
    response = client.get("/dashboard/static/dashboard/dashboard.css")
    assert response.status_code == 200
    response.close()


def test_operator_names_are_trimmed_and_default_to_operator():
    assert auth.operator_name("  Sam   Ops ") == "Sam Ops"
    assert auth.operator_name("") == "operator"
    assert len(auth.operator_name("x" * 500)) == auth.MAX_NAME_LENGTH
