"""A month of scheduling for 1,000 trainees in 10 time zones, across DST changes, with two schedulers."""

from __future__ import annotations

import os
import secrets
import threading
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coach.config import QuietHours
from coach.messaging import delivery
from coach.messaging.sms import SendResult
from coach.scheduling import due
from tests.scheduling_helpers import ZONES, add_plans, add_rows, expected_due

START = datetime(2027, 3, 8, 0, 0, tzinfo=UTC)  # US and EU spring forward, Sydney and Chatham fall back
DAYS = int(os.environ.get("COACH_SIMULATION_DAYS", "30"))
STEP = timedelta(minutes=15)
TRAINEES = 1000
QUIET = QuietHours.parse("21:00-08:00")


class RecordingSender:
    """Takes every text at once and remembers the simulated instant it went out."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, datetime]] = []
        self.now = START
        self._lock = threading.Lock()

    def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        with self._lock:
            self.sent.append((to, body, self.now))
        return SendResult(sid="SM" + secrets.token_hex(16), status="queued", segments=1)


def _slot(n: int) -> time:
    quarter = (n * 7) % 96  # every quarter hour of the day, 02:30 (skipped in New York) included
    return time(quarter // 4, quarter % 4 * 15)


def _tick_twice(services, moment: datetime) -> None:
    """Two schedulers tick at the same instant, each in its own transaction."""

    def one() -> None:
        with services.sessions() as session:
            due.queue_due_texts(session, due.window(moment, timedelta(hours=3)))
            session.commit()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_month_for_a_thousand_trainees_sends_each_text_once_at_the_right_local_minute(committed):
    trainees = [
        {"phone": f"+1888{n:07d}", "zone": ZONES[n % len(ZONES)], "at": _slot(n)} for n in range(TRAINEES)
    ]
    with committed.engine.begin() as conn:
        add_rows(conn, trainees)
        add_plans(conn, START.date(), DAYS + 8)
        conn.execute(sa.text("ANALYZE"))
    sender = RecordingSender()
    committed.sms = sender
    moment = START
    end = START + timedelta(days=DAYS)
    while moment < end:
        _tick_twice(committed, moment)
        sender.now = moment
        with committed.sessions() as session:
            while delivery.send_due(session, sender, committed.settings, moment, limit=500):
                pass
        moment += STEP

    with committed.sessions() as session:
        rows = session.execute(
            sa.text(
                "SELECT t.phone, o.kind::text, o.idempotency_key, o.next_attempt_at, o.state::text "
                "FROM outbound_messages o JOIN trainees t ON t.id = o.trainee_id"
            )
        ).all()
    by_phone = {t["phone"]: t for t in trainees}

    # Every training day: exactly one daily text, queued at the minute the local send time happened.
    daily = {
        (phone, key.rsplit(":", 1)[1]): queued_at
        for phone, kind, key, queued_at, _ in rows
        if kind == "daily_workout"
    }
    expected = {}
    for phone, trainee in by_phone.items():
        day = START.date() - timedelta(days=1)
        while day <= end.date():
            if day.isoweekday() in (1, 3, 5) and day >= START.date():
                instant = expected_due(day, trainee["at"], trainee["zone"])
                if START - timedelta(hours=3) < instant < end:  # the first tick catches up 3 h
                    expected[(phone, day.isoformat())] = max(instant, START)
            day += timedelta(days=1)
    assert daily == expected

    # Nothing the trainee did not ask for went out inside their quiet hours, and nothing twice: what went out
    # then is a daily text at the time the trainee chose (trainees whose slot is at night get it then).
    # (The simulation's sender runs at every tick, so such a text goes at the very tick it fell due.)
    at_night = 0
    for to, body, sent_at in sender.sent:
        trainee = by_phone[to]
        local = sent_at.astimezone(ZoneInfo(trainee["zone"]))
        if QUIET.contains(local.time()):
            at_night += 1
            assert not body.startswith("Next week") and body not in (due.MISSED_TEXT, due.SILENCE_TEXT), to
            fell_due = [
                max(expected_due(day, trainee["at"], trainee["zone"]), START)
                for day in (local.date() - timedelta(days=1), local.date())
            ]
            assert any(timedelta(0) <= sent_at - instant < STEP for instant in fell_due), (to, sent_at)
    assert at_night > len(sender.sent) // 4  # 11 of the day's 24 hours are quiet: those trainees got theirs
    assert len(sender.sent) == sum(1 for *_, state in rows if state == "sent")
    assert all(state in ("sent", "queued") for *_, state in rows)

    # A weekly preview every Sunday evening in every zone, including Pacific/Chatham.
    previews = Counter(phone for phone, kind, *_ in rows if kind == "weekly_preview")
    assert set(previews) == set(by_phone)
    assert set(previews.values()) <= {4, 5}
    zones_previewed = {by_phone[phone]["zone"] for phone in previews}
    assert zones_previewed == set(ZONES)
