"""twilio-errors: Twilio's API answers 500, 429 and error 30003 for a while, then recovers.

The sender keeps each failed text queued and retries it with backoff (~30 s, 1 min, 2 min, ...); every text
must reach Twilio exactly once. Queued retries are woken by the scheduler's sweeper (due texts), so to keep
the run short the scheduler's tick also runs every 5 s (the pacer, bench/chaos/scheduler_clock.py --every)
next to the minute scheduler process.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from bench.chaos.scenarios.common import answer_deadline, finish_replies, wait_until
from bench.chaos.stage import Result, Stage
from bench.chaos.texting import make_texts
from tests.doubles.twilio_api import TwilioApiDouble

NAME = "twilio-errors"
PACE_SECONDS = 5.0
# After the last scripted failure: a text that failed twice waits up to 72 s (60 s backoff + jitter), then
# the next pacer tick, then the send.
RECOVERY = 120.0
FAILURES_WAIT = 300.0  # seconds after the last text for the sender to meet every scripted failure
# (HTTP status, Twilio error code, message), served in turn.
FAILURES = (
    (500, 20500, "Internal Server Error"),
    (429, 20429, "Too Many Requests"),
    (400, 30003, "Unreachable destination handset"),
)


@dataclass(frozen=True)
class Size:
    texts: int
    phones: int
    rate: float
    failures: int  # Messages API requests answered with an error before Twilio recovers


SIZES = {
    "small": Size(texts=50, phones=20, rate=2, failures=21),
    "full": Size(texts=1000, phones=400, rate=20, failures=300),
}


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    stage.start_coach()
    stage.processes.pace(PACE_SECONDS)
    for n in range(size.failures):
        status, code, message = FAILURES[n % len(FAILURES)]
        stage.twilio.fail_next(1, http_status=status, code=code, message=message)
    texts = make_texts(NAME, size.texts, size.phones)
    texter = stage.texter()
    started = datetime.now(UTC)
    took = texter.send_all(texts, rate=size.rate, concurrency=32)
    stage.say(
        f"posted {len(texts)} texts at {size.rate:.0f}/s in {took:.0f} s; answers: {texter.codes_line()}"
    )
    # The fault lasts until the sender has used up the scripted failures (it starts sending only once the
    # agent has answered some texts); if it never does, the fault is over when the wait gives up.
    used_up = wait_until(lambda: len(_api_calls(stage.twilio)) >= size.failures, timeout=FAILURES_WAIT)
    calls = _api_calls(stage.twilio)
    problems_before = []
    if used_up:
        last_failure = calls[size.failures - 1]
        fault_ended = time.monotonic() - (datetime.now(UTC) - last_failure).total_seconds()
        failing_for = f"{(last_failure - started).total_seconds():.0f} s from the first text"
    else:
        fault_ended = time.monotonic()
        failing_for = f"still failing {FAILURES_WAIT:.0f} s after the last text"
        problems_before.append(f"the sender met only {len(calls)} of {size.failures} scripted failures")
    stage.say(
        f"Twilio failed {min(len(calls), size.failures)} requests (500 / 429 / 30003 in turn), {failing_for}"
    )
    deadline = answer_deadline(RECOVERY, len(texts))
    verdict, problems = finish_replies(
        stage, texts, fault_ended=fault_ended, deadline=deadline, grace=RECOVERY
    )
    problems = problems_before + problems
    stage.say(_attempts_line(stage.database_url))
    ticks, requeued = stage.processes.pacer_ticks()
    stage.say(f"pacer: {ticks} scheduler ticks {PACE_SECONDS:g} s apart re-enqueued {requeued} answers")
    if texter.undelivered:
        problems.append(f"{len(texter.undelivered)} texts never accepted by the webhook")
    did = f"{len(texts)} texts, Twilio failing {size.failures} sends"
    return Result.from_verdict(NAME, did, verdict, problems)


def _api_calls(twilio: TwilioApiDouble) -> list[datetime]:
    """When each authorized Messages API create arrived (what takes a scripted failure), in order."""
    return [
        request["received_at"]
        for request in twilio.requests
        if request["authorized"]
        and request["method"] == "POST"
        and request["path"].endswith("/Messages.json")
    ]


def _attempts_line(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT attempts, state::text, count(*) FROM outbound_messages GROUP BY 1, 2"
        ).fetchall()
    by_attempts: Counter[str] = Counter()
    for attempts, state, count in rows:
        by_attempts[f"{state} after {attempts} attempt{'s' if attempts != 1 else ''}"] += count
    return "queue rows: " + ", ".join(f"{count} {what}" for what, count in sorted(by_attempts.items()))
