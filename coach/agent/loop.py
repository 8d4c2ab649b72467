"""The LLM agent: Chat Completions with tools, bounded, validated, and all-or-nothing.

The model may call tools up to `MAX_ITERATIONS` rounds. A failed tool call (bad arguments, unknown tool, or a
change the engine refused) goes back to the model as an error once; a second failure, running out of rounds
or an empty answer ends in a plain fallback reply, and every change the tools made in this turn is undone
(they all run inside one savepoint), so the trainee is never told one thing while the data says another.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from sqlalchemy.orm import Session

from coach.agent.context import CoachContext
from coach.agent.llm import ChatModel, LLMBadOutput, LLMUnavailable
from coach.agent.prompt import build_messages
from coach.agent.tools import TOOLS, run_tool
from coach.agent.turn import AgentReply, LLMUsage, Turn
from coach.messaging import text
from coach.models.enums import AgentOutcome

MAX_ITERATIONS = 4
# Two failed tool calls in one turn and the model is clearly lost; stop before it does damage.
MAX_FAILED_TOOL_CALLS = 2
# The whole turn, all LLM rounds included, stays well inside the agent job's timeout.
TURN_DEADLINE_SECONDS = 100
FALLBACK = "Sorry, I couldn't sort that out just now. Could you say it another way, or in a few words?"
_MARKDOWN = re.compile(r"(\*\*|__|`+|^#+\s*)", re.MULTILINE)


class AgentUnavailable(Exception):
    """The LLM failed this turn (timeout, 429, 5xx, malformed output); what it had cost so far is kept."""

    def __init__(self, cause: LLMUnavailable | LLMBadOutput, usage: LLMUsage, calls: list[dict[str, Any]]):
        super().__init__(str(cause))
        self.error_class = cause.error_class
        self.transient = getattr(cause, "transient", True)
        self.usage = usage
        self.tool_calls = calls


def run_agent(session: Session, turn: Turn, model: ChatModel, context: CoachContext) -> AgentReply:
    """Answer the turn with the LLM and its tools.

    Raises AgentUnavailable for the caller's retry policy; the savepoint is rolled back first, so nothing
    the tools did survives a failed turn.
    """
    usage = LLMUsage()
    calls: list[dict[str, Any]] = []
    savepoint = session.begin_nested()
    try:
        reply = _converse(session, turn, model, build_messages(turn, context), usage, calls)
    except (LLMUnavailable, LLMBadOutput) as exc:
        savepoint.rollback()
        raise AgentUnavailable(exc, usage, calls) from exc
    if reply is None:
        savepoint.rollback()
        return AgentReply(
            body=FALLBACK, outcome=AgentOutcome.FALLBACK, path="llm:gave_up", usage=usage, tool_calls=calls
        )
    savepoint.commit()
    return AgentReply(body=reply, outcome=AgentOutcome.ANSWERED, path="llm", usage=usage, tool_calls=calls)


def _converse(
    session: Session,
    turn: Turn,
    model: ChatModel,
    messages: list[dict[str, Any]],
    usage: LLMUsage,
    calls: list[dict[str, Any]],
) -> str | None:
    started = time.monotonic()
    failures = 0
    for _ in range(MAX_ITERATIONS):
        if time.monotonic() - started > TURN_DEADLINE_SECONDS:
            raise LLMUnavailable("deadline", "the turn ran past its deadline")
        completion = model.complete(messages, TOOLS)
        usage.add(completion.usage)
        if not completion.tool_calls:
            body = clean_reply(completion.content or "", turn.settings.sms_segment_budget)
            if not body:
                raise LLMBadOutput("the model answered with no text")
            return body
        messages.append(completion.assistant_message())
        for call in completion.tool_calls:
            result = run_tool(session, turn, call.name, call.arguments)
            calls.append(
                {
                    "name": call.name,
                    "arguments": _json(call.arguments),
                    "ok": result.ok,
                    "result": _json(result.content),
                }
            )
            messages.append({"role": "tool", "tool_call_id": call.id, "content": result.content})
            failures += 0 if result.ok else 1
        if failures >= MAX_FAILED_TOOL_CALLS:
            return None
    return None


def _json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def clean_reply(body: str, segment_budget: int) -> str:
    """Plain SMS text: no markdown, GSM-7 punctuation, and within the segment budget at a sentence end."""
    plain = _MARKDOWN.sub("", text.normalize(body)).strip()
    parts = text.split(plain, segment_budget)
    return parts[0] if parts else ""
