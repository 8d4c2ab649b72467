"""How the coach answers a turn: safety first, onboarding, the fast path, the guard, then the LLM agent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from coach.agent import fast_path, guard, onboarding, safety
from coach.agent.context import fold_into_summary, load_context
from coach.agent.llm import ChatModel
from coach.agent.loop import run_agent
from coach.agent.turn import AgentReply, Turn
from coach.models.enums import TraineeStatus


def respond(session: Session, turn: Turn, model: ChatModel | None) -> AgentReply:
    """The coach's reply to a turn; no commit. Raises AgentUnavailable when the LLM failed this turn."""
    flag = safety.triage(turn.text)
    if flag is not None:
        return safety.safety_reply(session, turn, flag)
    if turn.texts_last_minute > turn.settings.flood_texts_per_minute:
        return guard.limited_reply(session, turn, "flood")
    if turn.trainee.status is TraineeStatus.ONBOARDING:
        return onboarding.respond(session, turn, model)
    quick = fast_path.respond(session, turn)
    if quick is not None:
        return quick
    context = load_context(session, turn)
    limit = guard.exceeded(
        turn.settings,
        llm_calls_today=context.llm_calls_today,
        llm_tokens_today=context.llm_tokens_today,
    )
    if limit is not None:
        return guard.limited_reply(session, turn, limit)
    if model is None:
        return guard.no_llm_reply()
    reply = run_agent(session, turn, model, context)
    fold_into_summary(session, turn, context)
    return reply
