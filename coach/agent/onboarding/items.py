"""What onboarding has to learn (the items), what it knows so far, and what one text told it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from coach.models.enums import ExperienceLevel, Goal
from coach.training.limitations import Limitation

Span = tuple[int, int]


class Item(StrEnum):
    NAME = "name"
    GOALS = "goals"
    EXPERIENCE = "experience"
    DAYS = "days"
    MINUTES = "minutes"
    EQUIPMENT = "equipment"
    LIMITATIONS = "limitations"
    SEND_TIME = "send_time"
    TIME_ZONE = "time_zone"


# The order questions are asked in; the time zone is confirmed together with the send time.
ORDER: tuple[Item, ...] = tuple(Item)

# The engine plans 2..7 days and 20..120 minutes; answers outside are brought into range (and we say so).
MIN_DAYS, MAX_DAYS = 2, 7
MIN_MINUTES, MAX_MINUTES = 20, 120


@dataclass(frozen=True)
class DayChoice:
    """Training days (ISO weekdays). `picked` means we chose the days (the trainee gave only a count)."""

    days: tuple[int, ...]
    picked: bool = False


@dataclass(frozen=True)
class LimitationAnswer:
    """Areas to protect, and the trainee's own words about them (None when they have nothing to report)."""

    limitations: tuple[Limitation, ...]
    notes: str | None = None


@dataclass
class Reading:
    """What one turn's text answered. Every field None means the text did not answer that item.

    `zone_reply` is a yes (True) or no (False) to "I have you on <zone>, right?"; `spans` are the parts of
    the text the parsers understood (the rest may be worth showing an LLM).
    """

    name: str | None = None
    goals: tuple[Goal, ...] | None = None
    experience: ExperienceLevel | None = None
    days: DayChoice | None = None
    minutes: int | None = None
    equipment: tuple[str, ...] | None = None
    limitations: LimitationAnswer | None = None
    send_time: time | None = None
    time_zone: str | None = None
    zone_reply: bool | None = None
    spans: list[Span] = field(default_factory=list)

    def answered(self) -> set[Item]:
        """The items this text gave a value for (a bare "yes" to the time zone counts)."""
        values = {
            Item.NAME: self.name,
            Item.GOALS: self.goals,
            Item.EXPERIENCE: self.experience,
            Item.DAYS: self.days,
            Item.MINUTES: self.minutes,
            Item.EQUIPMENT: self.equipment,
            Item.LIMITATIONS: self.limitations,
            Item.SEND_TIME: self.send_time,
            Item.TIME_ZONE: self.time_zone or (True if self.zone_reply else None),
        }
        return {item for item, value in values.items() if value is not None}


class Answers(BaseModel):
    """Everything onboarding knows so far, as stored in the conversation state (JSON)."""

    model_config = ConfigDict(extra="ignore")

    # "" means the trainee never gave a name and we went on without one.
    name: str | None = None
    goals: list[Goal] | None = None
    experience: ExperienceLevel | None = None
    training_days: list[int] | None = None
    session_minutes: int | None = None
    equipment: list[str] | None = None
    limitations: list[Limitation] | None = None
    injury_notes: str | None = None
    send_time: time | None = None
    # Guessed from the phone number until the trainee confirms it (or names another zone).
    time_zone: str | None = None
    time_zone_confirmed: bool = False

    def knows(self, item: Item) -> bool:
        """Whether this item is settled (a guessed time zone is not, until confirmed)."""
        if item is Item.TIME_ZONE:
            return self.time_zone is not None and self.time_zone_confirmed
        return getattr(self, _FIELD[item]) is not None

    def missing(self) -> list[Item]:
        """The unsettled items, in the order they are asked."""
        return [item for item in ORDER if not self.knows(item)]


_FIELD = {
    Item.NAME: "name",
    Item.GOALS: "goals",
    Item.EXPERIENCE: "experience",
    Item.DAYS: "training_days",
    Item.MINUTES: "session_minutes",
    Item.EQUIPMENT: "equipment",
    Item.LIMITATIONS: "limitations",
    Item.SEND_TIME: "send_time",
}
