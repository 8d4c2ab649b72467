"""redis-flush: FLUSHALL while texts wait to be answered and replies wait to be sent.

Redis only wakes workers; PostgreSQL holds every text and every reply. After the flush the scheduler's sweeper
(inbound texts unanswered for 60 s, queued replies that are due) re-enqueues what Redis forgot. To keep the
run short the scheduler's tick also runs every 5 s (the pacer, bench/chaos/scheduler_clock.py --every) next
to the minute scheduler process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg

from bench.chaos.scenarios.common import answer_deadline, finish_replies, wait_until
from bench.chaos.stage import Result, Stage
from bench.chaos.texting import make_texts

NAME = "redis-flush"
PACE_SECONDS = 5.0
# The sweeper takes a text for lost after 60 s; add a pacer period and the time to answer a backlog.
RECOVERY = 120.0


@dataclass(frozen=True)
class Size:
    texts: int
    phones: int


SIZES = {"small": Size(texts=60, phones=24), "full": Size(texts=1000, phones=400)}


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    stage.start_coach()
    stage.processes.pace(PACE_SECONDS)
    # Two bursts from different numbers: the first one's trainees text no more, so only the sweeper can
    # answer what the flush took from them. A burst arrives faster than two workers answer it, so jobs wait
    # in Redis at the flush.
    half = size.phones // 2
    before = make_texts(NAME, size.texts // 2, half)
    after = make_texts(NAME + "-after", size.texts - len(before), half, first_phone=half)
    texts = before + after
    texter = stage.texter()
    took = texter.send_all(before, concurrency=16)
    # Flush once some are answered: their replies then wait behind the agent queue for a send job.
    wait_until(lambda: _answered(stage.database_url) >= len(before) // 3, timeout=120)
    _say_backlog(stage)
    stage.servers.flush_redis()
    flushed_at = time.monotonic()
    stage.say(f"FLUSHALL after {len(before)} texts from {half} numbers, posted in {took:.0f} s")
    took = texter.send_all(after, concurrency=16)
    stage.say(
        f"then {len(after)} texts from {half} other numbers ({took:.0f} s); answers: {texter.codes_line()}"
    )
    deadline = answer_deadline(RECOVERY, len(texts))
    verdict, problems = finish_replies(
        stage, texts, fault_ended=flushed_at, deadline=deadline, grace=RECOVERY
    )
    ticks, requeued = stage.processes.pacer_ticks()
    stage.say(f"pacer: {ticks} scheduler ticks {PACE_SECONDS:g} s apart re-enqueued {requeued} answers")
    if texter.undelivered:
        problems.append(f"{len(texter.undelivered)} texts never accepted by the webhook")
    did = f"{len(texts)} texts, FLUSHALL after {len(before)}"
    return Result.from_verdict(NAME, did, verdict, problems)


def _say_backlog(stage: Stage) -> None:
    """What Redis and PostgreSQL held when Redis was flushed."""
    r = stage.redis()
    queued = {name: int(r.llen(f"rq:queue:{name}")) for name in ("agent", "send", "default")}
    scheduled = int(r.zcard("rq:scheduled:agent"))
    with psycopg.connect(stage.database_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM messages WHERE direction = 'inbound' AND handled_at IS NULL), "
            "(SELECT count(*) FROM outbound_messages WHERE state = 'queued')"
        ).fetchone()
    unanswered, unsent = row if row else (0, 0)
    stage.say(
        f"at the flush: jobs waiting in Redis {queued} (+{scheduled} agent retries scheduled); "
        f"texts unanswered {unanswered}, replies queued unsent {unsent}"
    )


def _answered(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM messages WHERE direction = 'inbound' AND handled_at IS NOT NULL"
        ).fetchone()
    return int(row[0]) if row else 0
