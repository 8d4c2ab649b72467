from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import pytest
import sqlalchemy as sa

from coach.messaging import delivery, outbox, status
from coach.messaging.quiet import at_chosen_time
from coach.models import Message, OutboundMessage, Trainee
from coach.models.enums import DeliveryState, Direction, OutboundKind, TraineeStatus
from tests import factories
from tests.messaging_helpers import use_twilio_double

# 12:00 in New York, outside quiet hours, and later than any text a test queues now is due.
NOON_UTC = datetime(2036, 11, 23, 17, 0, tzinfo=UTC)


def _queue(db, trainee: Trainee, kind: OutboundKind, body: str, key: str, **extra) -> int:
    ids = outbox.enqueue_text(
        db, trainee_id=trainee.id, kind=kind, body=body, idempotency_key=key, segment_budget=3, **extra
    )
    db.commit()
    return ids[0]


def _drain(services, db, now=NOON_UTC) -> list[str]:
    outcomes = []
    while (outcome := delivery.send_one(db, services.sms_sender(), services.settings, now)) is not None:
        outcomes.append(outcome)
    return outcomes


def _row(db, row_id: int) -> OutboundMessage:
    row = db.get(OutboundMessage, row_id)
    assert row is not None
    db.refresh(row)
    return row


@pytest.fixture
def sending(services, twilio_api):
    use_twilio_double(services, twilio_api, timeout_seconds=1)
    return twilio_api


@pytest.fixture
def trainee(db):
    return factories.trainee(db, status=TraineeStatus.ACTIVE, time_zone="America/New_York")


def test_a_queued_text_is_sent_with_a_status_callback_and_recorded(services, db, sending, trainee):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Nice work today!", "reply:1")
    assert _drain(services, db) == ["sent"]
    [request] = sending.messages
    assert request["to"] == trainee.phone and request["body"] == "Nice work today!"
    assert request["_status_callback"] == f"https://coach.test/twilio/status?o={row_id}"
    row = _row(db, row_id)
    assert row.state is DeliveryState.SENT and row.provider_sid == request["sid"] and row.segments == 1
    message = db.scalar(sa.select(Message).where(Message.outbound_id == row_id))
    assert (
        message is not None
        and message.direction is Direction.OUTBOUND
        and message.provider_sid == row.provider_sid
    )


def test_replies_leave_before_proactive_texts(services, db, sending, trainee):
    other = factories.trainee(db, status=TraineeStatus.ACTIVE)
    _queue(db, trainee, OutboundKind.DAILY_WORKOUT, "Workout", "daily:a")
    _queue(db, other, OutboundKind.REPLY, "Reply", "reply:b")
    _drain(services, db)
    assert [m["body"] for m in sending.messages] == ["Reply", "Workout"]


def test_a_trainees_texts_leave_in_the_order_they_were_queued(services, db, sending, trainee):
    for n in range(5):
        _queue(db, trainee, OutboundKind.SYSTEM if n % 2 else OutboundKind.REPLY, f"part {n}", f"k{n}")
    _drain(services, db)
    assert [m["body"] for m in sending.messages] == [f"part {n}" for n in range(5)]


def test_a_long_text_is_split_into_ordered_parts_within_the_budget(services, db, sending, trainee):
    body = "\n".join(f"Exercise {n}: 3 sets of 10 reps, rest 90 seconds between sets." for n in range(20))
    outbox.enqueue_text(
        db,
        trainee_id=trainee.id,
        kind=OutboundKind.REPLY,
        body=body,
        idempotency_key="long",
        segment_budget=2,
    )
    db.commit()
    _drain(services, db)
    sent = [m["body"] for m in sending.messages]
    assert len(sent) > 1 and all(len(part) <= 306 for part in sent)
    assert " ".join(sent).split() == body.split()


def test_queuing_the_same_key_twice_sends_once(services, db, sending, trainee):
    _queue(db, trainee, OutboundKind.DAILY_WORKOUT, "Workout", "daily:1:2026-11-23")
    assert (
        outbox.enqueue_text(
            db,
            trainee_id=trainee.id,
            kind=OutboundKind.DAILY_WORKOUT,
            body="Workout",
            idempotency_key="daily:1:2026-11-23",
            segment_budget=3,
        )
        == []
    )
    _drain(services, db)
    assert len(sending.messages) == 1


def test_nothing_is_sent_to_someone_who_opted_out(services, db, sending, trainee):
    row_id = _queue(db, trainee, OutboundKind.DAILY_WORKOUT, "Workout", "daily:x")
    trainee.status = TraineeStatus.OPTED_OUT
    db.commit()
    assert _drain(services, db) == ["suppressed"]
    assert sending.messages == []
    assert _row(db, row_id).state is DeliveryState.SUPPRESSED


def test_proactive_texts_wait_out_quiet_hours_but_replies_do_not(services, db, sending, trainee):
    late = datetime(2036, 11, 24, 3, 30, tzinfo=UTC)  # 22:30 in New York
    workout = _queue(db, trainee, OutboundKind.DAILY_WORKOUT, "Workout", "daily:q")
    reply = _queue(db, trainee, OutboundKind.REPLY, "Sure, rest tomorrow", "reply:q")
    assert sorted(_drain(services, db, now=late)) == ["deferred", "sent"]
    assert [m["body"] for m in sending.messages] == ["Sure, rest tomorrow"]
    assert _row(db, reply).state is DeliveryState.SENT
    waiting = _row(db, workout)
    assert waiting.state is DeliveryState.QUEUED
    assert waiting.not_before == datetime(2036, 11, 24, 13, 0, tzinfo=UTC)  # 08:00 New York
    assert _drain(services, db, now=datetime(2036, 11, 24, 13, 0, tzinfo=UTC)) == ["sent"]


def _early_riser(db) -> Trainee:
    zone = "America/New_York"
    return factories.trainee(db, status=TraineeStatus.ACTIVE, time_zone=zone, send_time=clock(6))


def _due_since(db, row_id: int, moment: datetime) -> None:
    """As the scheduler queues a daily text: due from the tick that found it."""
    db.execute(sa.update(OutboundMessage).where(OutboundMessage.id == row_id).values(next_attempt_at=moment))
    db.commit()


SIX_AM = datetime(2036, 11, 24, 11, 0, tzinfo=UTC)  # 06:00 in New York, inside quiet hours (21:00-08:00)
EIGHT_AM = datetime(2036, 11, 24, 13, 0, tzinfo=UTC)


def test_the_daily_text_at_the_trainees_own_early_time_goes_then_but_nothing_else(services, db, sending):
    early = _early_riser(db)
    workout = _queue(db, early, OutboundKind.DAILY_WORKOUT, "Squats 5x5", "daily:early")
    nudge = _queue(db, early, OutboundKind.NUDGE, "How did it go?", "nudge:early")
    for row_id in (workout, nudge):
        _due_since(db, row_id, SIX_AM)
    assert _drain(services, db, now=SIX_AM + timedelta(minutes=2)) == ["sent", "deferred"]
    assert [m["body"] for m in sending.messages] == ["Squats 5x5"]
    assert _row(db, workout).state is DeliveryState.SENT
    assert _row(db, nudge).not_before == EIGHT_AM


@pytest.mark.parametrize(
    ("late", "outcome"),
    [
        (timedelta(0), "sent"),
        (timedelta(minutes=60), "sent"),
        (timedelta(minutes=61), "deferred"),
        (timedelta(minutes=90), "deferred"),
        (timedelta(days=1, minutes=10), "deferred"),  # yesterday's, found at the same hour today
    ],
)
def test_a_daily_text_long_after_the_chosen_time_waits_for_the_morning(services, db, sending, late, outcome):
    row_id = _queue(db, _early_riser(db), OutboundKind.REST_DAY, "Rest day", "daily:late")
    _due_since(db, row_id, SIX_AM)
    now = SIX_AM + late
    assert _drain(services, db, now=now) == [outcome]
    if outcome == "deferred":  # an outage or retries made it late: the usual morning, not the small hours
        assert _row(db, row_id).not_before == EIGHT_AM + (late // timedelta(days=1)) * timedelta(days=1)


def test_the_chosen_time_counts_across_midnight_in_the_trainees_zone_and_dst_nights() -> None:
    due = datetime(2036, 11, 24, 23, 30, tzinfo=UTC)  # 23:30 in London
    assert at_chosen_time(
        clock(23, 30), "Europe/London", due, due + timedelta(minutes=45)
    )  # 00:15, past midnight
    assert not at_chosen_time(clock(23, 30), "Europe/London", due, due + timedelta(minutes=61))
    assert not at_chosen_time(clock(23, 30), "America/New_York", due, due + timedelta(minutes=45))
    assert not at_chosen_time(None, "Europe/London", due, due + timedelta(minutes=45))
    # New York falls back at 02:00 on 2036-11-02: a 00:30 text is on the wall clock's hour for 2.5 real hours,
    # but due for no more than one of them.
    fall_back_due = datetime(2036, 11, 2, 4, 30, tzinfo=UTC)  # 00:30 EDT
    two_hours_later = fall_back_due + timedelta(hours=2)  # 01:30 EST
    assert not at_chosen_time(clock(0, 30), "America/New_York", fall_back_due, two_hours_later)
    assert at_chosen_time(
        clock(0, 30), "America/New_York", fall_back_due, fall_back_due + timedelta(minutes=50)
    )


@pytest.mark.parametrize("code", [30003, 21611, 30001])
def test_transient_failures_are_retried_with_backoff(services, db, sending, trainee, code):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Hi", "r")
    sending.fail_next(1, http_status=400, code=code)
    assert _drain(services, db) == ["retry"]
    row = _row(db, row_id)
    assert row.state is DeliveryState.QUEUED and row.attempts == 1 and row.error_code == code
    assert row.next_attempt_at > NOON_UTC + timedelta(seconds=20)
    assert _drain(services, db, now=NOON_UTC + timedelta(minutes=1)) == ["sent"]
    assert _row(db, row_id).state is DeliveryState.SENT


@pytest.mark.parametrize("http_status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_retried(services, db, sending, trainee, http_status):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Hi", "r")
    sending.fail_next(1, http_status=http_status, code=20429 if http_status == 429 else 20500)
    assert _drain(services, db) == ["retry"]
    assert _row(db, row_id).state is DeliveryState.QUEUED


def test_a_timeout_is_retried(services, db, sending, trainee):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Hi", "r")
    sending.hang_next(1, seconds=3)
    assert _drain(services, db) == ["retry"]
    assert _row(db, row_id).error_code is None


def test_a_timed_out_send_twilio_took_is_recorded_from_its_callback_and_not_sent_again(
    services, db, sending, trainee
):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Squats today, 3x5.", "r")
    sending.hang_next(1, seconds=2)  # Twilio creates the message after our 1 s timeout gave up
    assert _drain(services, db) == ["retry"]
    row = _row(db, row_id)
    assert row.next_attempt_at >= NOON_UTC + delivery.UNKNOWN_OUTCOME_WAIT  # time for the callback first
    deadline = time.monotonic() + 10
    while not sending.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [created] = sending.messages
    status.apply_status(
        db, {"MessageSid": created["sid"], "MessageStatus": "sent"}, outbound_hint=str(row_id), now=NOON_UTC
    )

    row = _row(db, row_id)
    assert row.state is DeliveryState.SENT and row.provider_sid == created["sid"] and row.segments == 1
    message = db.scalar(sa.select(Message).where(Message.outbound_id == row_id))
    assert (
        message is not None
        and message.provider_sid == created["sid"]
        and message.body == "Squats today, 3x5."
    )
    assert _drain(services, db, now=NOON_UTC + timedelta(hours=1)) == []
    assert len(sending.messages) == 1


def test_a_last_attempt_that_timed_out_is_recorded_as_sent_when_twilio_reports_it(
    services, db, sending, trainee
):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Rest day tomorrow.", "r")
    db.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.id == row_id)
        .values(attempts=services.settings.sms_max_attempts - 1)
    )
    db.commit()
    sending.hang_next(1, seconds=2)
    assert _drain(services, db) == ["failed"]  # out of attempts, outcome unknown
    deadline = time.monotonic() + 10
    while not sending.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [created] = sending.messages
    status.apply_status(
        db,
        {"MessageSid": created["sid"], "MessageStatus": "delivered"},
        outbound_hint=str(row_id),
        now=NOON_UTC,
    )
    row = _row(db, row_id)
    assert (
        row.state is DeliveryState.DELIVERED
        and row.provider_sid == created["sid"]
        and row.error_message is None
    )
    assert db.scalar(sa.select(Message.provider_sid).where(Message.outbound_id == row_id)) == created["sid"]


def test_retries_stop_at_the_configured_limit(services, db, sending, trainee):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Hi", "r")
    sending.fail_next(10, http_status=400, code=30003)
    now = NOON_UTC
    outcomes = []
    for _ in range(services.settings.sms_max_attempts):
        outcomes += _drain(services, db, now=now)
        now += timedelta(hours=1)
    assert outcomes == ["retry"] * (services.settings.sms_max_attempts - 1) + ["failed"]
    assert _row(db, row_id).state is DeliveryState.FAILED


def test_21610_means_the_trainee_opted_out_at_the_carrier(services, db, sending, trainee):
    first = _queue(db, trainee, OutboundKind.REPLY, "Hi", "r1")
    second = _queue(db, trainee, OutboundKind.DAILY_WORKOUT, "Workout", "d1")
    sending.fail_next(1, http_status=400, code=21610)
    assert _drain(services, db) == ["opted_out"]
    db.refresh(trainee)
    assert trainee.status is TraineeStatus.OPTED_OUT and trainee.opt_out_source == "carrier:21610"
    assert _row(db, first).state is DeliveryState.SUPPRESSED
    assert _row(db, second).state is DeliveryState.SUPPRESSED


@pytest.mark.parametrize("code", [30005, 30006, 21211, 21614])
def test_an_undeliverable_number_is_marked_and_texting_it_stops(services, db, sending, trainee, code):
    first = _queue(db, trainee, OutboundKind.REPLY, "Hi", "r1")
    second = _queue(db, trainee, OutboundKind.DAILY_WORKOUT, "Workout", "d1")
    sending.fail_next(1, http_status=400, code=code)
    assert _drain(services, db) == ["failed"]
    db.refresh(trainee)
    assert trainee.undeliverable_at is not None
    assert _row(db, first).state is DeliveryState.FAILED and _row(db, first).error_code == code
    assert _row(db, second).state is DeliveryState.SUPPRESSED


def test_carrier_filtering_fails_the_text_and_keeps_its_code(services, db, sending, trainee):
    row_id = _queue(db, trainee, OutboundKind.REPLY, "Hi", "r1")
    sending.fail_next(1, http_status=400, code=30007)
    assert _drain(services, db) == ["failed"]
    row = _row(db, row_id)
    assert row.state is DeliveryState.FAILED and row.error_code == 30007 and row.error_message
    db.refresh(trainee)
    assert trainee.undeliverable_at is None


def test_a_retry_waiting_earlier_holds_back_the_trainees_later_texts(services, db, sending, trainee):
    _queue(db, trainee, OutboundKind.REPLY, "first", "a")
    _queue(db, trainee, OutboundKind.REPLY, "second", "b")
    sending.fail_next(1, http_status=503, code=20503)
    assert _drain(services, db) == ["retry"]
    assert sending.messages == []
    _drain(services, db, now=NOON_UTC + timedelta(minutes=5))
    assert [m["body"] for m in sending.messages] == ["first", "second"]


def test_a_batch_takes_one_text_per_trainee_and_sends_them_concurrently(services, db, sending):
    from concurrent.futures import ThreadPoolExecutor

    people = [factories.trainee(db, status=TraineeStatus.ACTIVE) for _ in range(3)]
    for n in range(2):
        for person in people:
            _queue(db, person, OutboundKind.REPLY, f"{person.id}:{n}", f"batch:{person.id}:{n}")
    with ThreadPoolExecutor(max_workers=4) as executor:
        first = delivery.send_due(
            db, services.sms_sender(), services.settings, NOON_UTC, limit=10, executor=executor
        )
        second = delivery.send_due(
            db, services.sms_sender(), services.settings, NOON_UTC, limit=10, executor=executor
        )
        idle = delivery.send_due(
            db, services.sms_sender(), services.settings, NOON_UTC, limit=10, executor=executor
        )
    assert (first, second, idle) == (["sent"] * 3, ["sent"] * 3, [])
    bodies = [m["body"] for m in sending.messages]
    for person in people:
        assert [b for b in bodies if b.startswith(f"{person.id}:")] == [f"{person.id}:0", f"{person.id}:1"]
    assert (
        db.scalar(
            sa.select(sa.func.count()).select_from(Message).where(Message.direction == Direction.OUTBOUND)
        )
        >= 6
    )


def test_a_failure_inside_a_batch_does_not_hold_up_the_others(services, db, sending):
    people = [factories.trainee(db, status=TraineeStatus.ACTIVE) for _ in range(3)]
    for person in people:
        _queue(db, person, OutboundKind.REPLY, "hello", f"mixed:{person.id}")
    sending.fail_next(1, http_status=400, code=30007)
    outcomes = delivery.send_due(db, services.sms_sender(), services.settings, NOON_UTC, limit=10)
    assert sorted(outcomes) == ["failed", "sent", "sent"]
