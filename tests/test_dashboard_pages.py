"""What an operator sees: every page shows the figures and rows that matter, and never runs a text's HTML."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coach.dashboard import charts, jobs
from coach.dashboard.overview import read_overview
from coach.dashboard.queue_figures import delivery_rate
from coach.models import AgentRun, Message, SetLog, WorkoutLog
from coach.models.enums import (
    AgentOutcome,
    DeliveryState,
    Direction,
    MovementPattern,
    OutboundKind,
    TraineeStatus,
    Units,
)
from coach.scheduling.tick import LAST_TICK_KEY
from tests import factories
from tests.test_dashboard_support import failed_text, logged_in, queued_text, trainee


@pytest.fixture
def operator(client: FlaskClient) -> FlaskClient:
    return logged_in(client)


SCRIPT = "<script>alert(1)</script>"


def test_overview_shows_the_queue_the_agent_and_the_chart(operator: FlaskClient, db: Session):
    owner = trainee(db)
    queued_text(db, owner)
    failed_text(db, owner)
    queued_text(db, owner, not_before=datetime.now(UTC) + timedelta(hours=3), kind=OutboundKind.NUDGE)
    db.add(AgentRun(trainee_id=owner.id, outcome=AgentOutcome.ANSWERED, latency_ms=800, prompt_tokens=900))
    db.flush()
    page = operator.get("/dashboard/").get_data(as_text=True)
    assert "Needs attention" in page  # no scheduler tick, no worker
    assert "waiting for quiet hours" in page
    assert "<svg" in page and "texts out" in page
    assert "Agent today" in page and "800" in page


def test_overview_shows_who_the_cost_guard_held_back_today(operator: FlaskClient, db: Session):
    spammer, calm = trainee(db), trainee(db)
    # the flood's notice, then texts held back without a word: one limit, three texts
    db.add(AgentRun(trainee_id=spammer.id, outcome=AgentOutcome.OVER_BUDGET, path="guard:flood"))
    for _ in range(2):
        db.add(AgentRun(trainee_id=spammer.id, outcome=AgentOutcome.OVER_BUDGET, path="guard:flood:quiet"))
    db.add(AgentRun(trainee_id=calm.id, outcome=AgentOutcome.DETERMINISTIC, path="fast:log"))
    db.flush()
    page = operator.get("/dashboard/").get_data(as_text=True)
    assert "Held back by the cost guard" in page and "<td>guard:flood</td>" in page
    assert "guard:flood:quiet" not in page and '<td class="num">3</td>' in page
    assert f"/dashboard/trainees/{spammer.id}" in page and f"/dashboard/trainees/{calm.id}" not in page
    assert spammer.phone not in page  # masked


def test_overview_figures_count_what_is_in_the_queue(services, db: Session, redis_client):
    owner = trainee(db)
    queued_text(db, owner)
    queued_text(db, owner, not_before=datetime.now(UTC) + timedelta(hours=3), kind=OutboundKind.NUDGE)
    failed_text(db, owner)
    queued_text(db, owner, state=DeliveryState.DELIVERED)
    for latency in (100, 200, 300, 400, 1000):
        db.add(
            AgentRun(trainee_id=owner.id, outcome=AgentOutcome.ERROR, latency_ms=latency, error_class="Boom")
        )
    db.flush()
    now = datetime.now(UTC)
    redis_client.set(LAST_TICK_KEY, now.isoformat())
    figures = read_overview(services, now + timedelta(seconds=1))
    pending = figures.queue.pending
    assert (pending.queued, pending.waiting_for_quiet_hours, pending.due_now) == (2, 1, 1)
    assert figures.queue.last_day == {"queued": 2, "failed": 1, "delivered": 1}
    assert figures.queue.delivery_rate == 0.5
    assert figures.queue.error_codes == [(30008, 1)]
    assert sum(hour.outbound for hour in figures.queue.per_hour) == 4
    assert len(figures.queue.per_hour) == 24
    assert figures.agent.runs == 5 and figures.agent.p50_latency_ms == 300
    assert figures.agent.error_classes == [("Boom", 5)]
    assert figures.scheduler.last_tick_age_seconds is not None
    assert figures.scheduler.queued_texts_next_hour == 0


def test_delivery_rate_counts_only_texts_whose_fate_is_known():
    assert delivery_rate({"delivered": 9, "failed": 1, "queued": 50}) == 0.9
    assert delivery_rate({"queued": 3}) is None


def test_api_status_returns_the_overview_as_json(operator: FlaskClient, db: Session):
    queued_text(db, trainee(db))
    body = operator.get("/dashboard/api/status").get_json()
    assert body["queue"]["pending"]["queued"] == 1
    assert {"scheduler", "agent", "queues", "workers", "failed_jobs"} <= set(body)
    assert [q["name"] for q in body["queues"]] == ["send", "agent", "default"]


def test_messages_page_filters_by_state_kind_and_phone(operator: FlaskClient, db: Session):
    first, bob = trainee(db), trainee(db)
    failed_text(db, first, "first-failed")
    queued_text(db, first, "first-queued")
    queued_text(db, bob, "bob nudge", kind=OutboundKind.NUDGE)
    by_state = operator.get("/dashboard/messages/?state=failed").get_data(as_text=True)
    assert "first-failed" in by_state and "first-queued" not in by_state
    by_kind = operator.get("/dashboard/messages/?kind=nudge").get_data(as_text=True)
    assert "bob nudge" in by_kind and "first-" not in by_kind
    by_phone = operator.get(f"/dashboard/messages/?phone={bob.phone[-6:]}").get_data(as_text=True)
    assert "bob nudge" in by_phone and "first-" not in by_phone
    assert operator.get("/dashboard/messages/?state=bogus").status_code == 400


def test_message_bodies_are_shown_as_text_not_html(operator: FlaskClient, db: Session):
    owner = trainee(db, name=SCRIPT)
    failed_text(db, owner, SCRIPT)
    page = operator.get("/dashboard/messages/").get_data(as_text=True)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_trainee_page_escapes_the_conversation_and_queue(operator: FlaskClient, db: Session):
    owner = trainee(db, name=SCRIPT)
    convo = factories.conversation(db, owner)
    db.add(
        Message(
            conversation_id=convo.id,
            trainee_id=owner.id,
            direction=Direction.INBOUND,
            body=SCRIPT,
            status=DeliveryState.RECEIVED,
        )
    )
    queued_text(db, owner, SCRIPT)
    db.flush()
    page = operator.get(f"/dashboard/trainees/{owner.id}").get_data(as_text=True)
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3


def test_trainee_search_finds_by_phone_digits_or_name(operator: FlaskClient, db: Session):
    dana = trainee(db, name="Dana Quickfoot")
    other = trainee(db, name="Someone Else")
    by_name = operator.get("/dashboard/trainees/?q=quickfoot").get_data(as_text=True)
    assert dana.phone in by_name and other.phone not in by_name
    by_phone = operator.get(f"/dashboard/trainees/?q={dana.phone[2:5]}-{dana.phone[5:]}").get_data(
        as_text=True
    )
    assert dana.phone in by_phone and other.phone not in by_phone


def test_trainee_page_shows_profile_plan_tree_logs_trend_and_agent_runs(operator: FlaskClient, db: Session):
    owner = trainee(db, name="Dana Lifter")
    move = factories.movement(db)
    workout = factories.plan_with_workout(db, owner, move)
    for day, e1rm in ((date(2026, 11, 2), "100.0"), (date(2026, 11, 9), "105.5")):
        log = WorkoutLog(trainee_id=owner.id, workout_id=workout.id, log_date=day)
        log.sets.append(
            SetLog(
                movement_id=move.id,
                pattern=MovementPattern.SQUAT,
                weight_kg=Decimal("90"),
                entered_units=Units.KG,
                reps=5,
                e1rm_kg=Decimal(e1rm),
            )
        )
        db.add(log)
    db.add(AgentRun(trainee_id=owner.id, outcome=AgentOutcome.SAFETY, flagged=True, flag_reason="dizzy"))
    db.flush()
    page = operator.get(f"/dashboard/trainees/{owner.id}").get_data(as_text=True)
    assert "Strength base" in page and "Accumulation" in page and "Week 1" in page and "pending" in page
    assert "105.5" in page and "<polyline" in page
    assert "Safety flag: dizzy" in page
    assert "Pause" in page


def test_an_unknown_trainee_is_a_404(operator: FlaskClient):
    assert operator.get("/dashboard/trainees/999999999").status_code == 404


def test_agent_runs_page_lists_tokens_latency_tools_errors_and_flags(operator: FlaskClient, db: Session):
    owner = trainee(db)
    db.add_all(
        [
            AgentRun(
                trainee_id=owner.id,
                outcome=AgentOutcome.ANSWERED,
                prompt_tokens=1234,
                completion_tokens=56,
                latency_ms=987,
                tool_calls=[{"name": "log_workout"}],
            ),
            AgentRun(trainee_id=owner.id, outcome=AgentOutcome.FALLBACK, error_class="APITimeoutError"),
            AgentRun(
                trainee_id=owner.id, outcome=AgentOutcome.SAFETY, flagged=True, flag_reason="chest pain"
            ),
        ]
    )
    db.flush()
    page = operator.get("/dashboard/agent-runs/").get_data(as_text=True)
    assert "1234" in page and "987 ms" in page and "log_workout" in page and "APITimeoutError" in page
    flagged = operator.get("/dashboard/agent-runs/?show=flagged").get_data(as_text=True)
    assert "chest pain" in flagged and "1234" not in flagged and "Mark handled" in flagged
    errors = operator.get("/dashboard/agent-runs/?show=errors").get_data(as_text=True)
    assert "APITimeoutError" in errors and "chest pain" not in errors


def test_jobs_page_shows_queues_and_failed_jobs(operator: FlaskClient, services):
    page = operator.get("/dashboard/jobs/").get_data(as_text=True)
    assert "agent" in page and "No failed jobs" in page and "No worker is registered" in page


def test_exception_summary_is_the_traceback_last_line():
    trace = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: bad input\n'
    assert jobs.exception_summary(trace) == "ValueError: bad input"
    assert jobs.exception_summary(None) == "(no exception recorded)"


def test_audit_page_lists_entries(operator: FlaskClient):
    assert "Nothing yet" in operator.get("/dashboard/audit/").get_data(as_text=True)


def test_hourly_chart_draws_two_bars_an_hour_scaled_to_the_busiest():
    from coach.dashboard.queue_figures import HourCount

    start = datetime(2026, 11, 22, tzinfo=UTC)
    hours = [HourCount(start + timedelta(hours=n), n, 0) for n in range(24)]
    chart = charts.hourly_bars(hours)
    assert len(chart.bars) == 48
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.title == "23:00 UTC: 23 out"
    assert not chart.empty


def test_pages_fit_a_phone_screen(operator: FlaskClient):
    page = operator.get("/dashboard/").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    css = operator.get("/dashboard/static/dashboard/dashboard.css")
    assert "@media (max-width: 600px)" in css.get_data(as_text=True)
    css.close()


def test_daily_texts_due_next_hour_counts_send_times_on_each_trainees_clock(db: Session):
    from datetime import time

    from coach.dashboard.scheduler_figures import DAILY_TEXTS_NEXT_HOUR

    onboarded = datetime(2026, 11, 1, tzinfo=UTC)
    now = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 23:30 in UTC, 18:30 in New York
    due = [("UTC", time(23, 45)), ("UTC", time(0, 15)), ("America/New_York", time(19, 0))]
    not_due = [("UTC", time(0, 45)), ("UTC", time(23, 0)), ("America/New_York", time(23, 45))]
    for zone, at in due + not_due:
        trainee(db, time_zone=zone, send_time=at, onboarded_at=onboarded)
    trainee(db, time_zone="UTC", send_time=time(23, 50), onboarded_at=onboarded, status=TraineeStatus.PAUSED)
    assert db.execute(DAILY_TEXTS_NEXT_HOUR, {"now": now}).scalar_one() == len(due)
