"""Every agent turn leaves a record: what answered, what the LLM cost, which tools ran, what went wrong."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.llm import cost_usd
from coach.agent.turn import AgentReply
from coach.config import Settings
from coach.messaging.phone import mask
from coach.models import AgentRun

# Anything that looks like a phone number (7+ digits, optional +, spaces or dashes between) is masked in
# tool arguments and results before they are stored: the dashboard shows these to operators.
PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
MAX_TOOL_TEXT = 2000


def mask_phones(text: str) -> str:
    return PHONE_LIKE.sub(lambda match: mask(re.sub(r"[^\d+]", "", match.group())), text)


def masked_tool_calls(calls: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool calls safe to store: phone-like numbers masked, long texts cut."""
    return [{key: _safe(value) for key, value in call.items()} for call in calls]


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phones(value)[:MAX_TOOL_TEXT]
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_safe(item) for item in value]
    return value


def record_run(
    session: Session, settings: Settings, trainee_id: int, message_ids: Sequence[int], reply: AgentReply
) -> None:
    """Insert the agent run for this turn (one statement; the caller commits with the reply)."""
    usage = reply.usage
    session.execute(
        sa.insert(AgentRun).values(
            trainee_id=trainee_id,
            inbound_message_ids=list(message_ids),
            model=usage.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cached_tokens=usage.cached_tokens,
            llm_calls=usage.calls,
            latency_ms=usage.latency_ms if usage.calls else None,
            tool_calls=masked_tool_calls(reply.tool_calls),
            outcome=reply.outcome,
            path=reply.path[:60],
            error_class=reply.error_class,
            error=mask_phones(reply.error)[:2000] if reply.error else None,
            cost_usd=cost_usd(settings, usage),
            flagged=reply.flagged,
            flag_reason=reply.flag_reason,
        )
    )


def failed_attempts(session: Session, trainee_id: int, message_ids: Sequence[int]) -> int:
    """How many earlier turns over any of these texts ended waiting on the LLM (holding reply sent)."""
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(AgentRun)
            .where(
                AgentRun.trainee_id == trainee_id,
                AgentRun.path == "llm:retry",
                AgentRun.inbound_message_ids.overlap(list(message_ids)),
            )
        )
        or 0
    )
