"""Answering a trainee's texts: once, in order, and together when they arrive in a burst."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from coach.agent.llm import ChatModel
from coach.agent.loop import AgentUnavailable
from coach.agent.respond import respond
from coach.agent.runs import failed_attempts, record_run
from coach.agent.turn import AgentReply, Turn
from coach.config import Settings
from coach.messaging import outbox
from coach.messaging.conversations import active_conversation_id
from coach.models import Conversation, Message, Trainee
from coach.models.enums import AgentOutcome, Direction, OutboundKind, TraineeStatus

# The agent job runs at most this many times for the same texts (RQ's retries, or the sweeper's requeue);
# the last attempt answers with an apology instead of waiting on the LLM again.
MAX_LLM_ATTEMPTS = 4
HOLDING = "Give me a minute, I'm thinking that one over."
GAVE_UP = (
    "Sorry, I'm having trouble thinking right now. Please try me again in a little while, "
    "or text 'today' for your workout."
)


class AnswerLater(Exception):
    """The LLM failed; a holding reply went out and the job should run again (RQ retries it)."""


def answer_inbound(
    session: Session, message_id: int, *, now: datetime, settings: Settings, model: ChatModel | None
) -> bool:
    """Answer every text this trainee is still owed an answer for. Commits; True if a reply was queued.

    A per-trainee advisory lock serialises jobs for one trainee, so two quick texts are answered in order and
    together; the reply's idempotency key is the newest text it answers, and the reply, the changes it
    confirms and the texts' handled mark commit together, so a retried or killed job never replies twice.
    Raises AnswerLater when the LLM failed and the texts should be tried again.
    """
    trainee_id = session.scalar(
        sa.select(Message.trainee_id)
        .add_columns(sa.func.pg_advisory_xact_lock(Message.trainee_id))
        .where(Message.id == message_id)
    )
    if trainee_id is None:
        session.rollback()
        return False
    owed, recent = _owed_texts(session, trainee_id, now)
    if not owed:
        session.rollback()
        return False
    trainee, conversation = _trainee_and_conversation(session, trainee_id)
    if trainee.status is TraineeStatus.OPTED_OUT:
        _mark_handled(session, owed, now)
        session.commit()
        return False
    turn = Turn(trainee, conversation, owed, now, settings, texts_last_minute=recent)
    try:
        reply = respond(session, turn, model)
    except AgentUnavailable as failure:
        return _llm_failed(session, turn, failure)
    queued = _deliver(session, turn, reply)
    session.commit()
    return queued


def _owed_texts(session: Session, trainee_id: int, now: datetime) -> tuple[list[Message], int]:
    """The unanswered texts, oldest first, with how many texts the trainee sent in the last minute."""
    recent = (
        sa.select(sa.func.count())
        .where(
            Message.trainee_id == trainee_id,
            Message.direction == Direction.INBOUND,
            Message.created_at > now - timedelta(minutes=1),
        )
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(Message, recent)
        .where(Message.trainee_id == trainee_id, Message.direction == Direction.INBOUND)
        .where(Message.handled_at.is_(None))
        .order_by(Message.id)
    ).all()
    return [row[0] for row in rows], (int(rows[0][1]) if rows else 0)


def _trainee_and_conversation(session: Session, trainee_id: int) -> tuple[Trainee, Conversation]:
    row = session.execute(
        sa.select(Trainee, Conversation)
        .outerjoin(
            Conversation, sa.and_(Conversation.trainee_id == Trainee.id, Conversation.status == "active")
        )
        .options(joinedload(Trainee.profile))
        .where(Trainee.id == trainee_id)
    ).one()
    trainee, conversation = row
    if conversation is None:  # every inbound text makes one; only hand-made rows can lack it
        conversation = session.get_one(Conversation, active_conversation_id(session, trainee_id))
    return trainee, conversation


def _deliver(session: Session, turn: Turn, reply: AgentReply) -> bool:
    """Queue the reply, record the run, and mark the texts answered (the caller commits all three).

    The conversation's folded summary (when the turn folded one) is written by the handled mark's
    statement, not flushed on its own, so an LLM turn costs the same statements in week 1 and week 10.
    """
    queued: list[int] = []
    with session.no_autoflush:
        if reply.body:
            queued = outbox.enqueue_text(
                session,
                trainee_id=turn.trainee.id,
                kind=OutboundKind.REPLY,
                body=reply.body,
                idempotency_key=f"reply:{turn.newest_id}",
                segment_budget=turn.settings.sms_segment_budget,
                in_reply_to_id=turn.newest_id,
                opt_out_notice=reply.opt_out,
            )
        record_run(session, turn.settings, turn.trainee.id, turn.message_ids, reply)
        _mark_handled(session, turn.texts, turn.now, turn.conversation)
    return bool(queued)


def _llm_failed(session: Session, turn: Turn, failure: AgentUnavailable) -> bool:
    """One holding reply and a retry; on the last attempt (or a failure retrying cannot fix) an apology."""
    attempts = failed_attempts(session, turn.trainee.id, turn.message_ids) + 1
    final = not failure.transient or attempts >= MAX_LLM_ATTEMPTS
    reply = AgentReply(
        body=GAVE_UP if final else None,
        outcome=AgentOutcome.FALLBACK if final else AgentOutcome.ERROR,
        path="llm:failed" if final else "llm:retry",
        usage=failure.usage,
        tool_calls=failure.tool_calls,
        error_class=failure.error_class,
        error=str(failure),
    )
    if final:
        queued = _deliver(session, turn, reply)
        session.commit()
        return queued
    outbox.enqueue_text(
        session,
        trainee_id=turn.trainee.id,
        kind=OutboundKind.REPLY,
        body=HOLDING,
        # Keyed by the oldest text waiting, so retries (and texts added meanwhile) hold only once.
        idempotency_key=f"hold:{turn.texts[0].id}",
        segment_budget=turn.settings.sms_segment_budget,
        in_reply_to_id=turn.texts[0].id,
    )
    record_run(session, turn.settings, turn.trainee.id, turn.message_ids, reply)
    session.commit()
    raise AnswerLater(f"LLM {failure.error_class} (attempt {attempts} of {MAX_LLM_ATTEMPTS}); retrying")


def _mark_handled(
    session: Session, texts: Sequence[Message], now: datetime, conversation: Conversation | None = None
) -> None:
    """Mark the texts answered; with them, in the same statement, the conversation's changed summary."""
    messages: sa.Table = Message.__table__  # type: ignore[assignment]
    statement = sa.update(messages).where(messages.c.id.in_([m.id for m in texts])).values(handled_at=now)
    changed = _changed_summary(conversation)
    if conversation is not None and changed:
        conversations: sa.Table = Conversation.__table__  # type: ignore[assignment]
        fold = sa.update(conversations).where(conversations.c.id == conversation.id).values(**changed)
        statement = statement.add_cte(fold.cte("folded"))
    session.execute(statement)
    for name, value in changed.items():
        set_committed_value(conversation, name, value)  # written: nothing left for the flush


def _changed_summary(conversation: Conversation | None) -> dict[str, object]:
    if conversation is None:
        return {}
    state = sa.inspect(conversation)
    return {
        name: getattr(conversation, name)
        for name in ("summary", "state")
        if state.attrs[name].history.has_changes()
    }
