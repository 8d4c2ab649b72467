"""What one agent turn works with (the texts owed an answer) and what it produces (the reply)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coach.config import Settings
from coach.messaging.quiet import zone
from coach.models import Conversation, Message, Trainee
from coach.models.enums import AgentOutcome


@dataclass
class Turn:
    """The texts a trainee sent since the coach last answered (oldest first), and who sent them.

    `trainee.profile` is loaded; `conversation` is the active one (its `state` JSON is the coach's memory of
    what it is waiting for). Everything here belongs to this one trainee.
    """

    trainee: Trainee
    conversation: Conversation
    texts: Sequence[Message]
    now: datetime
    settings: Settings
    # Inbound texts from this trainee in the last minute, for the flood limit.
    texts_last_minute: int = 0

    @property
    def text(self) -> str:
        """The owed texts joined in order, one per line."""
        return "\n".join(message.body.strip() for message in self.texts if message.body.strip())

    @property
    def newest_id(self) -> int:
        return self.texts[-1].id

    @property
    def message_ids(self) -> list[int]:
        return [message.id for message in self.texts]

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(zone(self.trainee.time_zone))

    @property
    def local_date(self) -> date:
        return self.local_now.date()

    @property
    def num_media(self) -> int:
        return sum(message.num_media for message in self.texts)


@dataclass
class LLMUsage:
    """What the LLM calls of one turn cost."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    latency_ms: int = 0
    model: str | None = None

    def add(self, other: LLMUsage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cached_tokens += other.cached_tokens
        self.latency_ms += other.latency_ms
        self.model = other.model or self.model

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class AgentReply:
    """The coach's answer to a turn and how it was reached.

    `body` None means the coach deliberately says nothing (e.g. a flood of texts already answered).
    `path` says which way answered: "onboarding", "safety:<flag>", "fast:<intent>", "llm", "guard:<limit>".
    """

    body: str | None
    outcome: AgentOutcome
    path: str
    usage: LLMUsage = field(default_factory=LLMUsage)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    flagged: bool = False
    flag_reason: str | None = None
    # The trainee asked in words to stop: the reply is the one confirmation sent after opting out.
    opt_out: bool = False
    error_class: str | None = None
    error: str | None = None
