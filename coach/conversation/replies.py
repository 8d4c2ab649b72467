"""What the coach says back. The coaching agent (LLM and deterministic paths) plugs in here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from coach.models import Message, Trainee
from coach.models.enums import TraineeStatus

INTRO = (
    "Hi! I'm Coach, your personal trainer by text. I'll build you a plan and text you each workout. "
    "Reply STOP to opt out or HELP for help. Msg & data rates may apply. First, what should I call you?"
)
ACKNOWLEDGE = "Got it, thanks! I've noted that."


def compose_reply(
    session: Session, trainee: Trainee, texts: Sequence[Message], *, first_contact: bool
) -> str:
    """One reply to the texts the trainee sent since the coach last answered (oldest first)."""
    if first_contact and trainee.status is TraineeStatus.ONBOARDING:
        return INTRO
    return ACKNOWLEDGE
