"""Counting what happened: from the scenario's database and what the Twilio double was asked to send.

A text the coach sends is matched to its queue row through the status callback URL (`?o=<row id>`), so a
row handed to Twilio twice shows up as created twice, whatever its body. Counted in texts (inbound messages)
and queue rows:

- pending: a text not finished yet (not stored, not handled, or its reply not sent), or any other queue row
  not sent;
- lost: pending with nothing left that could finish it: the webhook never took the text, a reply or text
  that failed for good, a text marked answered with no reply;
- duplicated: a queue row Twilio created more than once, a Twilio message no row explains, or a text that two
  finished agent runs answered;
- late: not lost, but pending at the deadline after the fault ended: finished later, or still waiting in
  PostgreSQL (unanswered, or its reply queued) when the grace period ran out and the processes were stopped.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import psycopg

from bench.chaos.texting import Text
from tests.doubles.twilio_api import TwilioApiDouble

SENT_STATES = ("sent", "delivered")


@dataclass
class Snapshot:
    pending: set[str]
    lost: set[str]  # the part of `pending` nothing will finish
    duplicated: int
    counts: dict[str, int]
    details: list[str] = field(default_factory=list)  # printed with the result
    anomalies: list[str] = field(default_factory=list)  # must not happen: they fail the scenario


@dataclass
class Verdict:
    final: Snapshot
    late: int
    lost: int
    finished_after: float | None  # seconds after the fault ended; None if never

    @property
    def counts(self) -> dict[str, int]:
        return self.final.counts


def twilio_sends(twilio: TwilioApiDouble) -> tuple[Counter[int], int]:
    """Messages the double created, by queue row id; and how many carried no row id at all."""
    by_row: Counter[int] = Counter()
    unknown = 0
    for message in twilio.messages:
        row = parse_qs(urlsplit(message.get("_status_callback") or "").query).get("o", [""])[0]
        if row.isdigit():
            by_row[int(row)] += 1
        else:
            unknown += 1
    return by_row, unknown


def replies_snapshot(database_url: str, twilio: TwilioApiDouble, texts: Iterable[Text]) -> Snapshot:
    """Every text stored once, handled, and covered by a reply that reached Twilio (duplicates counted apart).

    Texts that arrive together are answered by one reply keyed `reply:<newest id>`; a text is covered by the
    first reply of its trainee whose in_reply_to_id is at or after it.
    """
    expected = {text.sid for text in texts}
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        inbound = conn.execute(
            "SELECT id, trainee_id, provider_sid, handled_at IS NOT NULL FROM messages "
            "WHERE direction = 'inbound'"
        ).fetchall()
        outbound = conn.execute(
            "SELECT id, trainee_id, idempotency_key, state::text, in_reply_to_id FROM outbound_messages"
        ).fetchall()
        answered_twice = _answered_twice(conn)
    sends, unknown = twilio_sends(twilio)
    # Sent: recorded as sent and created at Twilio (a second creation is counted as a duplicate, not here).
    sent = {row_id for row_id, _, _, state, _ in outbound if state in SENT_STATES and sends[row_id] >= 1}
    gone = {row_id for row_id, _, _, state, _ in outbound if state not in ("queued", *SENT_STATES)}
    anchors: dict[int, list[int]] = defaultdict(list)
    groups: dict[int, list[int]] = defaultdict(list)
    for row_id, trainee_id, key, _, reply_to in outbound:
        if key.startswith("reply:") and reply_to is not None:
            groups[reply_to].append(row_id)
            anchors[trainee_id].append(reply_to)
    for ids in anchors.values():
        ids.sort()
    # A reply's rows are counted through the texts it answers; any other queued text (a holding reply, a
    # keyword's answer) on its own.
    replies = {row for rows in groups.values() for row in rows}
    pending = {f"row {row_id}" for row_id, *_ in outbound if row_id not in sent | replies}
    lost = {f"row {row_id}" for row_id in gone - replies}

    stored = {sid for _, _, sid, _ in inbound if sid in expected}
    lost |= {f"text {sid}" for sid in expected - stored}
    pending |= lost
    answered = 0
    for message_id, trainee_id, sid, handled in inbound:
        if sid not in expected:
            continue
        trainee_anchors = anchors.get(trainee_id, [])
        at = bisect.bisect_left(trainee_anchors, message_id)
        covered = at < len(trainee_anchors)
        reply = groups[trainee_anchors[at]] if covered else []
        if handled and covered and all(row in sent for row in reply):
            answered += 1
            continue
        pending.add(f"text {sid}")
        if handled and (not covered or any(row in gone for row in reply)):
            lost.add(f"text {sid}")
    duplicated = sum(count - 1 for count in sends.values() if count > 1) + unknown + answered_twice
    details = []
    if unknown:
        details.append(f"{unknown} Twilio messages carried no queue row id")
    if answered_twice:
        details.append(f"{answered_twice} texts answered by two finished agent runs")
    return Snapshot(
        pending=pending,
        lost=lost,
        duplicated=duplicated,
        counts={"stored": len(stored), "answered": answered},
        details=details,
    )


def _answered_twice(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """Texts listed by more than one finished agent run (a retry that waits on the LLM is not finished)."""
    exists = conn.execute("SELECT to_regclass('agent_runs') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute(
        "SELECT coalesce(sum(n - 1), 0) FROM ("
        "  SELECT count(*) AS n FROM agent_runs, unnest(inbound_message_ids) AS text_id"
        "  WHERE path IS DISTINCT FROM 'llm:retry' GROUP BY text_id"
        ") runs"
    ).fetchone()
    return int(row[0]) if row else 0  # type: ignore[call-overload]


def settle(
    snapshot: Callable[[], Snapshot],
    *,
    fault_ended: float,
    deadline: float,
    grace: float,
    poll: float = 1.0,
) -> tuple[set[str] | None, float | None]:
    """Wait until nothing is pending (or only what is lost), at most `deadline` + `grace` seconds after the
    fault ended.

    Returns what was still pending at the deadline (None if finished in time) and when everything finished
    (seconds after the fault ended; None if it did not).
    """
    at_deadline: set[str] | None = None
    while True:
        try:
            current = snapshot()
        except psycopg.OperationalError:
            current = None
        now = time.monotonic()
        if current is not None and not current.pending:
            return at_deadline, now - fault_ended
        if current is not None and current.pending <= current.lost:
            return at_deadline or set(current.pending), None  # nothing left that could still finish
        if at_deadline is None and now >= fault_ended + deadline:
            at_deadline = set(current.pending) if current else {"unknown: database unreachable"}
        if now >= fault_ended + deadline + grace:
            return at_deadline, None
        time.sleep(poll)


def verdict(final: Snapshot, at_deadline: set[str] | None, finished_after: float | None) -> Verdict:
    """Late and lost from what was pending at the deadline and what is pending now (processes stopped)."""
    late = len(((at_deadline or set()) | final.pending) - final.lost)
    return Verdict(final=final, late=late, lost=len(final.lost), finished_after=finished_after)


@dataclass
class Holds:
    """Holding replies ("give me a minute", keyed `hold:<oldest text id>`) counted per text, for the LLM
    scenarios; the reply counts above take a holding reply for a text of its own and never for a duplicate."""

    held: int  # texts answered after exactly one holding reply, which reached Twilio before the answer
    missing: list[str] = field(default_factory=list)  # texts whose answer came with no holding reply
    extra: int = 0  # holding replies beyond one per answer (a second one is a duplicate)
    out_of_order: list[str] = field(default_factory=list)  # holding reply unsent, or sent after the answer


def holding_replies(database_url: str, twilio: TwilioApiDouble, texts: Iterable[Text]) -> Holds:
    """Per text: the holding replies of the answer that covers it (its trainee's, queued for a text after the
    previous answer and up to this one), and where they reached Twilio relative to that answer."""
    expected = {text.sid for text in texts}
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        inbound = conn.execute(
            "SELECT id, trainee_id, provider_sid FROM messages WHERE direction = 'inbound'"
        ).fetchall()
        outbound = conn.execute(
            "SELECT id, trainee_id, idempotency_key, in_reply_to_id FROM outbound_messages "
            "WHERE in_reply_to_id IS NOT NULL "
            "AND (idempotency_key LIKE 'reply:%' OR idempotency_key LIKE 'hold:%')"
        ).fetchall()
    order: dict[int, int] = {}  # queue row id -> position of its first creation at Twilio
    for position, message in enumerate(twilio.messages):
        row = parse_qs(urlsplit(message.get("_status_callback") or "").query).get("o", [""])[0]
        if row.isdigit():
            order.setdefault(int(row), position)
    replies: dict[tuple[int, int], list[int]] = defaultdict(list)  # (trainee, answered up to) -> rows
    holds: dict[int, list[tuple[int, int]]] = defaultdict(list)  # trainee -> [(held from text, row)]
    for row_id, trainee_id, key, reply_to in outbound:
        if key.startswith("reply:"):
            replies[(trainee_id, reply_to)].append(row_id)
        else:
            holds[trainee_id].append((reply_to, row_id))
    anchors: dict[int, list[int]] = defaultdict(list)
    for trainee_id, reply_to in replies:
        anchors[trainee_id].append(reply_to)
    for ids in anchors.values():
        ids.sort()
    found = Holds(held=0)
    counted: set[tuple[int, int]] = set()
    for message_id, trainee_id, sid in inbound:
        if sid not in expected:
            continue
        trainee_anchors = anchors.get(trainee_id, [])
        at = bisect.bisect_left(trainee_anchors, message_id)
        if at == len(trainee_anchors):
            continue  # not answered: the reply counts report it
        anchor = trainee_anchors[at]
        after = trainee_anchors[at - 1] if at else 0
        group = [row for held_from, row in holds[trainee_id] if after < held_from <= anchor]
        if (trainee_id, anchor) not in counted:
            counted.add((trainee_id, anchor))
            found.extra += max(0, len(group) - 1)
        if not group:
            found.missing.append(f"text {sid}")
            continue
        answer_at = min(order.get(row, len(order)) for row in replies[(trainee_id, anchor)])
        if any(row not in order or order[row] > answer_at for row in group):
            found.out_of_order.append(f"text {sid}")
            continue
        found.held += len(group) == 1
    return found
