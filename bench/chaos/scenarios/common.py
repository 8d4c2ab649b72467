"""What the reply scenarios share: waiting for every text to be answered, then counting."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import psycopg

from bench.chaos.ledger import Verdict, replies_snapshot, settle, verdict
from bench.chaos.stage import Stage
from bench.chaos.texting import Text

# Two RQ workers on a 2-core machine answer and send several texts a second (an answer job sends its own
# reply); deadlines allow this much per text on top of the fault's own recovery, for a busy machine.
SECONDS_PER_TEXT = 0.3


def answer_deadline(recovery: float, texts: int) -> float:
    """Seconds after a fault ends by which every text must be answered: recovery plus the backlog."""
    return recovery + SECONDS_PER_TEXT * texts


def finish_replies(
    stage: Stage, texts: Sequence[Text], *, fault_ended: float, deadline: float, grace: float
) -> tuple[Verdict, list[str]]:
    """Wait for every text to be answered (at most deadline + grace after the fault), stop the processes,
    then count. Problems: any process that exited on its own."""

    at_deadline, finished_after = settle(
        lambda: replies_snapshot(stage.database_url, stage.twilio, texts),
        fault_ended=fault_ended,
        deadline=deadline,
        grace=grace,
    )
    problems = stage.process_problems()
    stage.processes.stop()  # nothing can be sent after this: the final count includes any late duplicate
    final = replies_snapshot(stage.database_url, stage.twilio, texts)
    if finished_after is not None:
        stage.say(
            f"everything answered {finished_after:.0f} s after the fault ended (deadline {deadline:.0f} s)"
        )
    else:
        stage.say(f"unfinished {deadline + grace:.0f} s after the fault ended: {_sample(final.pending)}")
        stage.say(_queue_state(stage.database_url))
    for detail in final.details:
        stage.say(detail)
    return verdict(final, at_deadline, finished_after), problems


def half_written(database_url: str) -> dict[str, int]:
    """Rows that only make sense together, found apart (a transaction cut in half would leave these)."""
    checks = {
        "trainees without an active conversation": (
            "SELECT count(*) FROM trainees t WHERE NOT EXISTS "
            "(SELECT 1 FROM conversations c WHERE c.trainee_id = t.id AND c.status = 'active')"
        ),
        "trainees without a text": (
            "SELECT count(*) FROM trainees t "
            "WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.trainee_id = t.id)"
        ),
        "sent queue rows without their outbound message": (
            "SELECT count(*) FROM outbound_messages o WHERE o.state IN ('sent', 'delivered') "
            "AND (o.provider_sid IS NULL OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.outbound_id = o.id))"
        ),
        "outbound messages whose queue row is not sent": (
            "SELECT count(*) FROM messages m JOIN outbound_messages o ON o.id = m.outbound_id "
            "WHERE o.state NOT IN ('sent', 'delivered') OR o.provider_sid IS DISTINCT FROM m.provider_sid"
        ),
        "answered texts without a reply row": (
            "SELECT count(*) FROM messages m WHERE m.direction = 'inbound' AND m.handled_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.trainee_id = m.trainee_id "
            "AND o.idempotency_key LIKE 'reply:%' AND o.in_reply_to_id >= m.id)"
        ),
    }
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        found = {name: _count(conn, query) for name, query in checks.items()}
    return {name: count for name, count in found.items() if count}


def _count(conn: psycopg.Connection[tuple[object, ...]], query: str) -> int:
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0  # type: ignore[call-overload]


def _sample(items: set[str], limit: int = 5) -> str:
    shown = sorted(items)[:limit]
    return f"{len(items)} ({', '.join(shown)}{', ...' if len(items) > limit else ''})"


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _queue_state(database_url: str) -> str:
    """Where unfinished texts wait: unanswered in messages, or answered with the reply queued unsent."""
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM messages WHERE direction = 'inbound' AND handled_at IS NULL), "
            "(SELECT count(*) FROM outbound_messages WHERE state = 'queued')"
        ).fetchone()
    unanswered, queued = row if row else (0, 0)
    return f"in PostgreSQL: {unanswered} texts unanswered, {queued} replies queued unsent"
