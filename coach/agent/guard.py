"""The cost guard: a per-trainee daily LLM budget and an inbound flood limit.

Past the budget, the coach still answers on its deterministic paths (which run before it); only the LLM is
held back. Past the flood limit (a runaway script, or another bot answering ours) nothing is answered but
one notice a minute, so a loop costs neither LLM calls nor texts. Either way the run is recorded as over
budget so the dashboard shows who hit which limit.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.turn import AgentReply, Turn
from coach.config import Settings
from coach.models import AgentRun
from coach.models.enums import AgentOutcome

FLOOD_WINDOW = timedelta(minutes=1)
FLOOD_NOTICED = "guard:flood"  # the run that sent the flood notice
FLOOD_SILENT = "guard:flood:quiet"  # a run held back without a word, the notice having gone out

CAPABILITIES = (
    "I can log a workout ('squats 100kg 5x5 @8'), show what's on ('what's today', 'next workout'), move "
    "one ('move today to Friday', 'I can't train today'), skip one ('skip tomorrow'), shorten one ('only "
    "30 min today'), swap an exercise ('knee hurts, swap lunges'), change your days ('switch to 3 days a "
    "week'), 'pause' or 'resume', or your text time ('text me at 7am')."
)
FLOOD = "That's a lot of texts at once! Give me a minute, then send one message with what you need."
OVER_BUDGET = "I've hit my limit for longer chats today, so I'll be brief until tomorrow. " + CAPABILITIES
NO_LLM = "I can't chat about that yet: my AI side isn't switched on here. " + CAPABILITIES


def exceeded(settings: Settings, *, llm_calls_today: int, llm_tokens_today: int) -> str | None:
    """Which daily LLM limit this trainee is past ("daily_calls", "daily_tokens"), or None."""
    if llm_calls_today >= settings.llm_daily_calls:
        return "daily_calls"
    if llm_tokens_today >= settings.llm_daily_tokens:
        return "daily_tokens"
    return None


def limited_reply(session: Session, turn: Turn, limit: str) -> AgentReply:
    """The reply when a limit holds the LLM back. A flood gets its notice once a minute, then silence: the
    notice goes out even when the text before had a reply of its own a moment ago (a quick exchange that
    tips over the limit must not just go quiet)."""
    if limit == "flood":
        noticed_recently = session.scalar(
            sa.select(
                sa.exists().where(
                    AgentRun.trainee_id == turn.trainee.id,
                    AgentRun.path == FLOOD_NOTICED,
                    AgentRun.created_at > turn.now - FLOOD_WINDOW,
                )
            )
        )
        if noticed_recently:
            return AgentReply(body=None, outcome=AgentOutcome.OVER_BUDGET, path=FLOOD_SILENT)
        return AgentReply(body=FLOOD, outcome=AgentOutcome.OVER_BUDGET, path=FLOOD_NOTICED)
    return AgentReply(body=OVER_BUDGET, outcome=AgentOutcome.OVER_BUDGET, path=f"guard:{limit}")


def no_llm_reply() -> AgentReply:
    """With no LLM configured, say plainly what works without one."""
    return AgentReply(body=NO_LLM, outcome=AgentOutcome.FALLBACK, path="no_llm")
