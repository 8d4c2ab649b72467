"""Older turns, folded into the conversation's running summary: a few short dated lines, deterministically.

Texts that fell out of the prompt's conversation window (`CoachContext.older`) become lines such as
"Mar 02: knee is a bit sore after lunges, can we swap them?" (the trainee's own words, cut at
`LINE_CHARS`; acknowledgements and the coach's own texts are left out). The summary keeps
its newest lines within `SUMMARY_CHARS`; `state["memory"]` records the newest text folded, so each text is
folded once and never read again (the context query starts after it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from coach.agent.turn import Turn
from coach.messaging.quiet import zone

if TYPE_CHECKING:  # context re-exports fold_into_summary, so it cannot be imported from here at run time
    from coach.agent.context import CoachContext, PastMessage

SUMMARY_CHARS = 600
LINE_CHARS = 90
# A text made only of these words ("ok thanks", "done", "got it") carries nothing worth remembering.
NOISE_WORDS = frozenset(
    [
        "ok",
        "okay",
        "k",
        "kk",
        "thanks",
        "thank",
        "you",
        "thx",
        "ty",
        "yes",
        "yep",
        "no",
        "nope",
        "cool",
        "great",
        "good",
        "sounds",
        "perfect",
        "sure",
        "got",
        "it",
        "done",
        "did",
        "will",
        "do",
        "lol",
        "nice",
        "awesome",
    ]
)


def fold_into_summary(session: Session, turn: Turn, context: CoachContext) -> None:
    """Fold the texts that left the window into `turn.conversation.summary`; the caller commits.

    Does nothing (and costs nothing) when there is nothing to fold. `session` is where the conversation
    lives; the change is written at the caller's flush or commit.
    """
    if not context.older:
        return
    conversation = turn.conversation
    tz = zone(context.trainee.time_zone)
    lines = [line for line in (_line(message, tz) for message in context.older) if line]
    summary = _capped([*(context.summary or "").splitlines(), *lines])
    newest = context.older[-1]
    memory: dict[str, Any] = dict((conversation.state or {}).get("memory") or {})
    memory.update(summary_through_id=newest.id, summary_through_at=newest.at.isoformat())
    conversation.summary = summary or None
    # New dicts, so SQLAlchemy sees the JSONB column change.
    conversation.state = {**(conversation.state or {}), "memory": memory}
    session.add(conversation)


def _line(message: PastMessage, tz: Any) -> str | None:
    if not message.inbound:
        return None
    text = re.sub(r"\s+", " ", message.body).strip()
    if not set(re.findall(r"[\w']+", text.lower())) - NOISE_WORDS:
        return None
    if len(text) > LINE_CHARS:
        text = text[: LINE_CHARS - 3].rstrip() + "..."
    return f"{message.at.astimezone(tz):%b %d}: {text}"


def _capped(lines: list[str]) -> str:
    kept = [line for line in lines if line.strip()]
    while kept and len("\n".join(kept)) > SUMMARY_CHARS:
        kept.pop(0)
    return "\n".join(kept)
