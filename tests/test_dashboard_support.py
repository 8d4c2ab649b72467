"""Shared pieces of the dashboard tests: logging in, reading the CSRF token, and queue rows to act on.

Imported by the other test_dashboard_* modules (it holds no tests of its own).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coach.models import OutboundMessage, Trainee
from coach.models.enums import DeliveryState, OutboundKind, TraineeStatus
from tests import factories

PASSWORD = "correct horse battery staple"  # the test settings' DASHBOARD_PASSWORD
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_keys = iter(range(1, 10**9))


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def login(client: FlaskClient, password: str = PASSWORD, name: str = "alice") -> Any:
    token = csrf_from(client.get("/dashboard/login").get_data(as_text=True))
    return client.post("/dashboard/login", data={"password": password, "name": name, "csrf_token": token})


def csrf(client: FlaskClient, page: str = "/dashboard/") -> str:
    """The logged-in session's CSRF token, as a page of the dashboard renders it."""
    return csrf_from(client.get(page).get_data(as_text=True))


def logged_in(client: FlaskClient) -> FlaskClient:
    """The test client, logged in to the dashboard as 'alice' (each module's `operator` fixture)."""
    assert login(client).status_code == 302
    return client


def trainee(db: Session, **fields: Any) -> Trainee:
    fields.setdefault("status", TraineeStatus.ACTIVE)
    fields.setdefault("name", "Dana Lifter")
    return factories.trainee(db, **fields)


def queued_text(
    db: Session,
    owner: Trainee,
    body: str = "Squat 3x5 today",
    state: DeliveryState = DeliveryState.QUEUED,
    kind: OutboundKind = OutboundKind.REPLY,
    **fields: Any,
) -> OutboundMessage:
    row = OutboundMessage(
        trainee_id=owner.id,
        kind=kind,
        body=body,
        idempotency_key=f"test:{next(_keys)}:{owner.id}",
        state=state,
        **fields,
    )
    db.add(row)
    db.flush()
    return row


def failed_text(db: Session, owner: Trainee, body: str = "Squat 3x5 today") -> OutboundMessage:
    return queued_text(
        db,
        owner,
        body,
        state=DeliveryState.FAILED,
        attempts=6,
        error_code=30008,
        error_message="Unknown error",
        next_attempt_at=datetime.now(UTC) - timedelta(hours=1),
    )
