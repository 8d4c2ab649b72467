from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from coach.models import Conversation, Message, Microcycle, OutboundMessage, Trainee, Workout
from coach.models.enums import DeliveryState, Direction, OutboundKind, TraineeStatus
from coach.scheduling import due
from tests.scheduling_helpers import add_plans, add_rows, expected_due

GRACE = timedelta(hours=3)
MONDAY = date(2026, 11, 23)


def _tick(db, at: datetime) -> dict[str, int]:
    counts = due.queue_due_texts(db, due.window(at, GRACE))
    db.commit()
    return counts


def _rows(db, trainee_id: int, kind: OutboundKind | None = None) -> list[OutboundMessage]:
    query = (
        sa.select(OutboundMessage)
        .where(OutboundMessage.trainee_id == trainee_id)
        .order_by(OutboundMessage.id)
    )
    if kind is not None:
        query = query.where(OutboundMessage.kind == kind)
    return list(db.scalars(query))


def _trainee(db, zone: str, at: time, **extra) -> int:
    [trainee_id] = add_rows(db.connection(), [{"phone": factories_phone(), "zone": zone, "at": at}])
    add_plans(db.connection(), MONDAY - timedelta(days=7), 60)
    if extra:
        db.execute(sa.update(Trainee).where(Trainee.id == trainee_id).values(**extra))
    return trainee_id


_counter = iter(range(10**6))


def factories_phone() -> str:
    return f"+1666{next(_counter):07d}"


def test_the_daily_workout_is_queued_at_the_local_send_time_and_only_once(db):
    trainee_id = _trainee(db, "America/New_York", time(7, 0))
    assert _tick(db, datetime(2026, 11, 23, 11, 59, tzinfo=UTC))["daily_workout"] == 0
    assert _tick(db, datetime(2026, 11, 23, 12, 0, tzinfo=UTC))["daily_workout"] == 1  # 07:00 EST
    assert _tick(db, datetime(2026, 11, 23, 12, 1, tzinfo=UTC))["daily_workout"] == 0
    assert _tick(db, datetime(2026, 11, 23, 12, 0, tzinfo=UTC))["daily_workout"] == 0  # a rerun
    [row] = _rows(db, trainee_id, OutboundKind.DAILY_WORKOUT)
    assert row.idempotency_key == f"daily:{trainee_id}:2026-11-23"
    assert row.body == "Workout for 2026-11-23"


def test_no_daily_text_on_a_day_without_a_workout(db):
    trainee_id = _trainee(db, "Europe/Berlin", time(7, 0))
    for hour in range(24):  # Tuesday: not a training day
        _tick(db, datetime(2026, 11, 24, hour, 0, tzinfo=UTC))
    assert _rows(db, trainee_id, OutboundKind.DAILY_WORKOUT) == []


def test_a_moved_workout_is_texted_on_its_new_day(db):
    trainee_id = _trainee(db, "Europe/London", time(8, 0))
    db.execute(
        sa.text(
            "UPDATE workouts SET scheduled_date = '2026-11-27' "
            "WHERE trainee_id = :t AND scheduled_date = '2026-11-25'"
        ),
        {"t": trainee_id},
    )
    _tick(db, datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    _tick(db, datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    [row] = _rows(db, trainee_id, OutboundKind.DAILY_WORKOUT)
    assert row.body == "Workout for 2026-11-25\n\nWorkout for 2026-11-27"


def test_a_time_skipped_by_spring_forward_is_sent_once_at_the_next_valid_minute(db):
    trainee_id = _trainee(db, "America/New_York", time(2, 30))
    db.execute(
        sa.text("UPDATE workouts SET scheduled_date = '2027-03-14' WHERE trainee_id = :t"), {"t": trainee_id}
    )
    queued_at = []
    moment = datetime(2027, 3, 14, 6, 0, tzinfo=UTC)
    while moment < datetime(2027, 3, 14, 9, 0, tzinfo=UTC):
        if _tick(db, moment)["daily_workout"]:
            queued_at.append(moment)
        moment += timedelta(minutes=1)
    assert queued_at == [datetime(2027, 3, 14, 7, 0, tzinfo=UTC)]  # 03:00 EDT
    assert len(_rows(db, trainee_id, OutboundKind.DAILY_WORKOUT)) == 1


def test_a_time_repeated_by_fall_back_is_sent_once(db):
    trainee_id = _trainee(db, "America/New_York", time(1, 30))
    db.execute(
        sa.text("UPDATE workouts SET scheduled_date = '2027-11-07' WHERE trainee_id = :t"), {"t": trainee_id}
    )
    queued = 0
    moment = datetime(2027, 11, 7, 4, 0, tzinfo=UTC)
    while moment < datetime(2027, 11, 7, 9, 0, tzinfo=UTC):
        queued += _tick(db, moment)["daily_workout"]
        moment += timedelta(minutes=1)
    assert queued == 1
    assert _rows(db, trainee_id, OutboundKind.DAILY_WORKOUT)[0].next_attempt_at == expected_due(
        date(2027, 11, 7), time(1, 30), "America/New_York"
    )


@pytest.mark.parametrize(("outage_hours", "sent"), [(2, True), (5, False)])
def test_after_an_outage_texts_within_the_grace_window_go_out_and_older_ones_are_skipped(
    db, outage_hours, sent
):
    trainee_id = _trainee(db, "America/New_York", time(7, 0))
    _tick(db, datetime(2026, 11, 23, 11, 0, tzinfo=UTC))  # the last tick before the outage
    _tick(db, datetime(2026, 11, 23, 11 + outage_hours, 0, tzinfo=UTC))  # the first tick after
    assert bool(_rows(db, trainee_id, OutboundKind.DAILY_WORKOUT)) is sent


@pytest.mark.parametrize(
    "change",
    [
        {"status": TraineeStatus.OPTED_OUT},
        {"status": TraineeStatus.PAUSED},
        {"status": TraineeStatus.ONBOARDING, "onboarded_at": None},
        {"undeliverable_at": datetime(2026, 11, 1, tzinfo=UTC)},
    ],
)
def test_no_proactive_texts_for_trainees_who_should_not_get_them(db, change):
    trainee_id = _trainee(db, "America/New_York", time(7, 0), **change)
    for hour in range(0, 48):
        _tick(db, datetime(2026, 11, 22, 0, 0, tzinfo=UTC) + timedelta(hours=hour))
    assert _rows(db, trainee_id) == []


def test_a_chat_reply_earlier_in_the_day_does_not_suppress_the_workout_text(db):
    trainee_id = _trainee(db, "America/New_York", time(7, 0))
    db.add(
        OutboundMessage(
            trainee_id=trainee_id, kind=OutboundKind.REPLY, body="Morning!", idempotency_key="r:1"
        )
    )
    db.commit()
    _tick(db, datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    assert [r.kind for r in _rows(db, trainee_id)] == [OutboundKind.REPLY, OutboundKind.DAILY_WORKOUT]


def test_a_paused_plan_sends_nothing(db):
    trainee_id = _trainee(db, "America/New_York", time(7, 0))
    db.execute(sa.text("UPDATE fitness_plans SET status = 'paused' WHERE trainee_id = :t"), {"t": trainee_id})
    _tick(db, datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    assert _rows(db, trainee_id) == []


def test_rest_days_get_a_short_text_only_when_the_trainee_wants_one(db):
    wants = _trainee(db, "Asia/Tokyo", time(7, 0), rest_day_messages=True)
    does_not = _trainee(db, "Asia/Tokyo", time(7, 0))
    _tick(db, datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # Tuesday 07:00 in Tokyo: a rest day
    assert [r.body for r in _rows(db, wants)] == [due.REST_DAY_TEXT]
    assert _rows(db, does_not) == []


def test_a_rest_day_of_the_active_plan_gets_its_text_though_a_replaced_plan_trained_that_day(db):
    trainee_id = _trainee(db, "Asia/Tokyo", time(7, 0), rest_day_messages=True)
    # The plan before (replaced when the trainee changed days) trained on Tuesdays.
    old_plan = db.execute(
        sa.text(
            "INSERT INTO fitness_plans (trainee_id, name, goal, split_template, progression_style, "
            "start_date, end_date, duration_weeks, days_per_week, status) VALUES (:t, 'Old', 'strength', "
            "'full_body', 'double_progression', :start, :end, 8, 3, 'completed') RETURNING id"
        ),
        {"t": trainee_id, "start": MONDAY - timedelta(days=7), "end": MONDAY + timedelta(days=50)},
    ).scalar_one()
    week = db.execute(
        sa.text(
            "WITH meso AS (INSERT INTO mesocycles (plan_id, sequence, name, phase, start_week, week_count) "
            "VALUES (:p, 1, 'Base', 'accumulation', 1, 8) RETURNING id) "
            "INSERT INTO microcycles (mesocycle_id, plan_id, week_number, start_date) "
            "SELECT id, :p, 1, :start FROM meso RETURNING id"
        ),
        {"p": old_plan, "start": MONDAY - timedelta(days=7)},
    ).scalar_one()
    db.execute(
        sa.text(
            "INSERT INTO workouts (microcycle_id, trainee_id, scheduled_date, day_number, session_type, "
            "sms_text) VALUES (:w, :t, :day, 1, 'full_body', 'Old Tuesday')"
        ),
        {"w": week, "t": trainee_id, "day": MONDAY + timedelta(days=1)},
    )
    _tick(db, datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # Tuesday 07:00 in Tokyo
    assert [r.body for r in _rows(db, trainee_id)] == [due.REST_DAY_TEXT]


@pytest.mark.parametrize(
    ("zone", "sunday_evening_utc"),
    [
        ("America/Los_Angeles", datetime(2026, 11, 30, 2, 0, tzinfo=UTC)),
        ("Pacific/Chatham", datetime(2026, 11, 29, 4, 15, tzinfo=UTC)),
        ("Asia/Kolkata", datetime(2026, 11, 29, 12, 30, tzinfo=UTC)),
    ],
)
def test_the_weekly_preview_goes_out_sunday_evening_local_in_every_zone(db, zone, sunday_evening_utc):
    trainee_id = _trainee(db, zone, time(7, 0))
    _tick(db, sunday_evening_utc - timedelta(minutes=1))
    assert _rows(db, trainee_id, OutboundKind.WEEKLY_PREVIEW) == []
    _tick(db, sunday_evening_utc)
    _tick(db, sunday_evening_utc + timedelta(minutes=30))
    [row] = _rows(db, trainee_id, OutboundKind.WEEKLY_PREVIEW)
    assert row.body.startswith("Next week: Mon Full body, Wed Full body, Fri Full body.")
    assert "1-5" in row.body
    assert row.idempotency_key == f"weekly:{trainee_id}:2026-W48"


def test_the_weekly_preview_of_a_deload_week_says_it_is_lighter_by_design(db):
    trainee_id = _trainee(db, "America/New_York", time(7, 0))
    db.execute(  # the plan's one microcycle, as a deload week (7-day plans' recovery days included)
        sa.update(Microcycle)
        .where(Microcycle.id.in_(sa.select(Workout.microcycle_id).where(Workout.trainee_id == trainee_id)))
        .values(is_deload=True)
    )
    _tick(db, datetime(2026, 11, 29, 23, 0, tzinfo=UTC))  # Sunday 18:00 in New York
    [row] = _rows(db, trainee_id, OutboundKind.WEEKLY_PREVIEW)
    assert row.body.startswith("Next week is a lighter one, to recover: Mon Full body, Wed Full body,")
    assert "1-5" in row.body


def test_a_trainee_whose_plan_starts_next_week_is_not_asked_how_this_week_felt(db):
    [trainee_id] = add_rows(
        db.connection(), [{"phone": factories_phone(), "zone": "America/New_York", "at": time(7, 0)}]
    )
    add_plans(db.connection(), MONDAY + timedelta(days=7), 60)  # signed up this week, starts Monday
    _tick(db, datetime(2026, 11, 29, 23, 0, tzinfo=UTC))  # Sunday 18:00 in New York
    [row] = _rows(db, trainee_id, OutboundKind.WEEKLY_PREVIEW)
    assert (
        row.body == "Your first week: Mon Full body, Wed Full body, Fri Full body. Text me how each one goes."
    )


def test_the_weekly_preview_names_each_day_by_its_session_not_the_blocks_focus(db):
    [trainee_id] = add_rows(
        db.connection(), [{"phone": factories_phone(), "zone": "America/New_York", "at": time(7, 0)}]
    )
    add_plans(db.connection(), MONDAY + timedelta(days=7), 60)
    db.execute(  # as a generated upper/lower plan has them: the focus is the block's, the same every day
        sa.text(
            "UPDATE workouts SET focus = 'hypertrophy', session_type = CAST(CASE "
            "extract(isodow FROM scheduled_date) WHEN 3 THEN 'lower' ELSE 'upper' END AS session_type) "
            "WHERE trainee_id = :t"
        ),
        {"t": trainee_id},
    )
    _tick(db, datetime(2026, 11, 29, 23, 0, tzinfo=UTC))  # Sunday 18:00 in New York
    [row] = _rows(db, trainee_id, OutboundKind.WEEKLY_PREVIEW)
    assert row.body.startswith("Your first week: Mon Upper body, Wed Lower body, Fri Upper body.")


def test_a_missed_workout_gets_one_follow_up_the_next_morning(db):
    trainee_id = _trainee(db, "Europe/London", time(7, 0))
    for hour in range(24):  # Tuesday, the day after Monday's workout
        _tick(db, datetime(2026, 11, 24, hour, 0, tzinfo=UTC))
    [nudge] = _rows(db, trainee_id, OutboundKind.NUDGE)
    assert nudge.body == due.MISSED_TEXT and nudge.next_attempt_at == datetime(
        2026, 11, 24, 10, 0, tzinfo=UTC
    )


def test_a_completed_workout_gets_no_follow_up(db):
    trainee_id = _trainee(db, "Europe/London", time(7, 0))
    db.execute(sa.text("UPDATE workouts SET status = 'completed' WHERE trainee_id = :t"), {"t": trainee_id})
    _tick(db, datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    assert _rows(db, trainee_id, OutboundKind.NUDGE) == []


def test_nudges_stop_after_three_are_ignored_until_the_trainee_writes(db):
    trainee_id = _trainee(db, "Europe/London", time(7, 0))
    db.execute(sa.text("UPDATE workouts SET status = 'skipped' WHERE trainee_id = :t"), {"t": trainee_id})
    convo_id = db.scalar(sa.select(Conversation.id).where(Conversation.trainee_id == trainee_id))
    db.add(
        Message(
            conversation_id=convo_id,
            trainee_id=trainee_id,
            direction=Direction.INBOUND,
            body="hi",
            status=DeliveryState.RECEIVED,
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    )
    db.commit()
    for day in range(10):  # silent for weeks: one re-engagement nudge a day, at most three
        _tick(db, datetime(2026, 11, 23, 10, 0, tzinfo=UTC) + timedelta(days=day))
    assert [n.body for n in _rows(db, trainee_id, OutboundKind.NUDGE)] == [due.SILENCE_TEXT] * 3


def test_a_dry_run_counts_but_queues_nothing(services, db):
    from coach.scheduling.tick import run_tick

    trainee_id = _trainee(db, "America/New_York", time(7, 0))
    report = run_tick(services, datetime(2026, 11, 23, 12, 0, tzinfo=UTC), dry_run=True)
    assert report["daily_workout"] == 1
    assert _rows(db, trainee_id) == []


def test_a_tick_is_a_fixed_number_of_statements_whatever_the_number_of_trainees(db):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.get_bind().engine
    for n in (1, 50):
        for _ in range(n):
            _trainee(db, "America/New_York", time(7, 0))
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            due.queue_due_texts(db, due.window(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), GRACE))
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        assert len(statements) == len(due.STATEMENTS)


def test_a_generated_plan_is_texted_as_rendered_by_the_engine(db):
    from pathlib import Path

    from coach.models import Workout
    from coach.models.enums import Units
    from coach.movements.library import load_library
    from coach.training.generator import generate_plan
    from coach.training.persist import save_plan
    from coach.training.profile import TrainingProfile

    profile = TrainingProfile.from_json(
        (Path(__file__).parent.parent / "coach/training/example_profile.json").read_text()
    )
    trainee_id = _trainee(db, "America/Chicago", time(6, 30))
    db.execute(sa.text("DELETE FROM fitness_plans WHERE trainee_id = :t"), {"t": trainee_id})
    save_plan(db, trainee_id, generate_plan(profile, load_library(), MONDAY), units=Units.LB)
    db.commit()
    first = db.scalars(
        sa.select(Workout).where(Workout.trainee_id == trainee_id).order_by(Workout.scheduled_date)
    ).first()
    assert first is not None and first.sms_text
    local_6_30 = expected_due(first.scheduled_date, time(6, 30), "America/Chicago")
    _tick(db, local_6_30)
    [row] = _rows(db, trainee_id, OutboundKind.DAILY_WORKOUT)
    assert row.body == first.sms_text
    assert len(row.body.splitlines()) >= 4  # header, warm-up, exercises, why


def test_next_week_is_progressed_an_hour_before_the_sunday_preview_and_only_once(db):
    from coach.scheduling import weekly

    trainee_id = _trainee(db, "Europe/Berlin", time(7, 0))
    plan_id = db.scalar(sa.text("SELECT id FROM fitness_plans WHERE trainee_id = :t"), {"t": trainee_id})
    meso_id = db.scalar(sa.text("SELECT id FROM mesocycles WHERE plan_id = :p"), {"p": plan_id})
    db.execute(
        sa.text(
            "INSERT INTO microcycles (mesocycle_id, plan_id, week_number, start_date) "
            "VALUES (:m, :p, 2, '2026-11-30')"
        ),
        {"m": meso_id, "p": plan_id},
    )
    sunday_5pm_berlin = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    before = due.window(sunday_5pm_berlin - timedelta(minutes=1), timedelta(minutes=1))
    assert weekly.weeks_to_prepare(db, before) == []
    assert weekly.weeks_to_prepare(db, due.window(sunday_5pm_berlin, GRACE)) == [(trainee_id, 2)]
    db.execute(sa.text("UPDATE microcycles SET progressed_at = now() WHERE plan_id = :p"), {"p": plan_id})
    assert weekly.weeks_to_prepare(db, due.window(sunday_5pm_berlin, GRACE)) == []
