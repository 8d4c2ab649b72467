"""Onboarding's memory between texts, kept in the conversation state under "onboarding" (JSON)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.agent.onboarding.items import Answers, Item
from coach.models import Conversation

KEY = "onboarding"


class OnboardingState(BaseModel):
    """What we know, what our last message asked, and how often each item went unanswered."""

    model_config = ConfigDict(extra="ignore")

    answers: Answers = Field(default_factory=Answers)
    asked: list[Item] = Field(default_factory=list)
    tries: dict[Item, int] = Field(default_factory=dict)
    defaulted: list[Item] = Field(default_factory=list)
    exchanges: int = 0


def load_state(conversation: Conversation) -> OnboardingState | None:
    """The stored state, or None on first contact (or when what is stored is unreadable)."""
    raw = (conversation.state or {}).get(KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return OnboardingState.model_validate(raw)
    except ValidationError:
        return None


def save_state(conversation: Conversation, state: OnboardingState) -> None:
    # A new dict, not an in-place change: SQLAlchemy only notices a JSONB column being reassigned.
    conversation.state = {**(conversation.state or {}), KEY: state.model_dump(mode="json")}


def clear_state(conversation: Conversation) -> None:
    conversation.state = {key: value for key, value in (conversation.state or {}).items() if key != KEY}
