"""postgres-restart: PostgreSQL crashes (SIGQUIT, immediate shutdown) mid-run and comes back seconds later.

Webhooks answer 5xx while it is down and the poster retries them as Twilio would; the web and worker processes
must recover on their own (same pids), nothing may be half-written, and every text is answered once.
Recovery is the product's own: RQ's retries of the agent job and the minute scheduler's sweeper.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from bench.chaos.scenarios.common import answer_deadline, finish_replies, half_written
from bench.chaos.stage import Result, Stage
from bench.chaos.texting import make_texts

NAME = "postgres-restart"
# After PostgreSQL is back and the last text is in: RQ retries the agent job after 5 s and 30 s, the
# scheduler's sweeper requeues a text after 60 s at the next minute.
RECOVERY = 120.0


@dataclass(frozen=True)
class Size:
    texts: int
    phones: int
    rate: float  # texts per second
    down_at: float  # seconds into the traffic
    down_for: float


SIZES = {
    "small": Size(texts=60, phones=24, rate=3, down_at=5, down_for=4),
    "full": Size(texts=1000, phones=400, rate=20, down_at=15, down_for=10),
}


@dataclass
class _Outage:
    stopped: float | None = None
    started: float | None = None
    codes_before: Counter[str] | None = None
    codes_during: Counter[str] | None = None


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    stage.start_coach()
    texts = make_texts(NAME, size.texts, size.phones)
    texter = stage.texter(give_up_after=300)
    outage = _Outage()

    def crash_and_restart(elapsed: float) -> None:
        if outage.stopped is None and elapsed >= size.down_at:
            outage.codes_before = texter.codes_snapshot()
            stage.servers.stop_postgres(immediate=True)
            outage.stopped = time.monotonic()
            stage.say(f"PostgreSQL stopped (SIGQUIT) {elapsed:.0f} s into the traffic")
        elif outage.stopped and outage.started is None and time.monotonic() >= outage.stopped + size.down_for:
            stage.servers.start_postgres()  # returns once it accepts connections (after WAL recovery)
            outage.codes_during = texter.codes_snapshot() - (outage.codes_before or Counter())
            outage.started = time.monotonic()
            down = outage.started - outage.stopped
            stage.say(f"PostgreSQL accepting connections again {down:.1f} s after the crash (WAL recovery)")

    took = texter.send_all(texts, rate=size.rate, concurrency=64, during=crash_and_restart)
    while outage.started is None:  # the traffic ended before the outage did
        crash_and_restart(took)
        time.sleep(0.1)
    stage.say(
        f"posted {len(texts)} texts at {size.rate:.0f}/s in {took:.0f} s; answers: {texter.codes_line()}"
    )
    during = outage.codes_during or Counter()
    after = texter.codes_snapshot() - (outage.codes_before or Counter()) - during
    after.pop("200", None)
    stage.say(f"webhook answers while PostgreSQL was down: {_codes(during) or 'none'}")
    last_refusal = max(texter.refused_at, default=outage.started) - outage.started
    stage.say(
        f"refused after it was back: {_codes(after) or 'none'}"
        + (f", the last {last_refusal:.1f} s after" if last_refusal > 0 else "")
    )

    deadline = answer_deadline(RECOVERY, len(texts))
    verdict, problems = finish_replies(
        stage, texts, fault_ended=time.monotonic(), deadline=deadline, grace=RECOVERY
    )
    broken = half_written(stage.database_url)
    for what, count in broken.items():
        problems.append(f"half-written: {count} {what}")
    if texter.undelivered:
        problems.append(f"{len(texter.undelivered)} texts never accepted by the webhook")
    verdict.final.counts["half-written"] = sum(broken.values())
    down = (outage.started or 0) - (outage.stopped or 0)
    did = f"{len(texts)} texts at {size.rate:.0f}/s, PostgreSQL down {down:.0f} s"
    return Result.from_verdict(NAME, did, verdict, problems)


def _codes(codes: Counter[str]) -> str:
    return ", ".join(f"{code} x{n}" for code, n in sorted(codes.items()))
