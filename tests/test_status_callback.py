from __future__ import annotations

import pytest
import sqlalchemy as sa

from coach.messaging import delivery, outbox
from coach.models import Message, OutboundMessage
from coach.models.enums import DeliveryState, OutboundKind, TraineeStatus
from tests import factories
from tests.messaging_helpers import signed_headers, use_twilio_double
from tests.test_delivery import NOON_UTC


@pytest.fixture
def sent(services, db, twilio_api):
    """One text sent through the Twilio double: (outbound row id, provider SID)."""
    use_twilio_double(services, twilio_api)
    trainee = factories.trainee(db, status=TraineeStatus.ACTIVE)
    [row_id] = outbox.enqueue_text(
        db, trainee_id=trainee.id, kind=OutboundKind.REPLY, body="Hi", idempotency_key="r", segment_budget=3
    )
    db.commit()
    assert delivery.send_one(db, services.sms_sender(), services.settings, NOON_UTC) == "sent"
    return row_id, twilio_api.messages[0]["sid"]


def _callback(client, services, row_id: int, sid: str, status: str, **extra: str):
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32, **extra}
    path = f"/twilio/status?o={row_id}"
    return client.post(path, data=params, headers=signed_headers(services, path, params))


def _state(db, row_id: int) -> DeliveryState:
    row = db.get(OutboundMessage, row_id)
    assert row is not None
    db.refresh(row)
    return row.state


def test_delivered_callback_moves_the_text_forward(client, services, db, sent):
    row_id, sid = sent
    assert _callback(client, services, row_id, sid, "delivered").status_code == 200
    assert _state(db, row_id) is DeliveryState.DELIVERED
    message = db.scalar(sa.select(Message).where(Message.outbound_id == row_id))
    assert (
        message is not None and message.status is DeliveryState.DELIVERED and message.delivered_at is not None
    )


def test_repeated_and_out_of_order_callbacks_never_move_a_text_backwards(client, services, db, sent):
    row_id, sid = sent
    for status in ("delivered", "sent", "queued", "sending", "delivered", "undelivered", "sent"):
        assert _callback(client, services, row_id, sid, status).status_code == 200
    assert _state(db, row_id) is DeliveryState.DELIVERED


def test_undelivered_keeps_the_error_code(client, services, db, sent):
    row_id, sid = sent
    _callback(client, services, row_id, sid, "sending")
    _callback(client, services, row_id, sid, "undelivered", ErrorCode="30003")
    row = db.get(OutboundMessage, row_id)
    assert row is not None
    db.refresh(row)
    assert row.state is DeliveryState.UNDELIVERED and row.error_code == 30003


def test_an_unsigned_callback_is_rejected_and_changes_nothing(client, services, db, sent):
    row_id, sid = sent
    response = client.post(f"/twilio/status?o={row_id}", data={"MessageSid": sid, "MessageStatus": "failed"})
    assert response.status_code == 403
    assert _state(db, row_id) is DeliveryState.SENT


def test_a_callback_for_an_unknown_text_is_acknowledged_and_ignored(client, services, db):
    assert _callback(client, services, 999999, "SM" + "f" * 32, "delivered").status_code == 200


def test_a_malformed_callback_is_a_400(client, services, db, sent):
    row_id, sid = sent
    assert _callback(client, services, row_id, sid, "exploded").status_code == 400
    assert _state(db, row_id) is DeliveryState.SENT
