"""Safe answers for items a trainee could not (or would not) answer, so nobody is stuck in onboarding."""

from __future__ import annotations

from datetime import time
from typing import Any

from coach.agent.onboarding.clock import format_time, outside_quiet_hours
from coach.agent.onboarding.equipment import BODYWEIGHT
from coach.agent.onboarding.goals import GENERAL_FITNESS
from coach.agent.onboarding.items import Answers, Item
from coach.agent.onboarding.questions import describe_days, join_phrases
from coach.agent.onboarding.zones import zone_label
from coach.config import QuietHours
from coach.models.enums import ExperienceLevel
from coach.training.profile import DEFAULT_TRAINING_DAYS

# Two answers we could not read for the same item, and we take the default instead of asking a third time.
MAX_TRIES = 2
# However it goes, onboarding ends by the trainee's eighth text.
MAX_EXCHANGES = 8
DEFAULT_MINUTES = 45
DEFAULT_SEND_TIME = time(7, 0)
FALLBACK_ZONE = "UTC"


def with_default(answers: Answers, item: Item, quiet: QuietHours) -> Answers:
    """The answers with a safe default for this item."""
    values: dict[Item, dict[str, Any]] = {
        Item.NAME: {"name": ""},
        Item.GOALS: {"goals": list(GENERAL_FITNESS)},
        Item.EXPERIENCE: {"experience": ExperienceLevel.BEGINNER},
        Item.DAYS: {"training_days": list(DEFAULT_TRAINING_DAYS[3])},
        Item.MINUTES: {"session_minutes": DEFAULT_MINUTES},
        Item.EQUIPMENT: {"equipment": [BODYWEIGHT]},
        Item.LIMITATIONS: {"limitations": []},
        Item.SEND_TIME: {"send_time": outside_quiet_hours(DEFAULT_SEND_TIME, quiet)},
        Item.TIME_ZONE: {"time_zone": answers.time_zone or FALLBACK_ZONE, "time_zone_confirmed": True},
    }
    return answers.model_copy(update=values[item])


def default_note(items: list[Item], answers: Answers) -> str | None:
    """ "No worries, I'll go with 45 min and bodyweight only for now; you can change that anytime." """
    phrases = [phrase for item in items if (phrase := _phrase(item, answers))]
    if not phrases:
        return None
    return f"No worries, I'll go with {join_phrases(phrases)} for now; you can change that anytime."


def _phrase(item: Item, answers: Answers) -> str | None:
    if item is Item.NAME:
        return None
    if item is Item.GOALS:
        return "general fitness"
    if item is Item.EXPERIENCE:
        return "a beginner-friendly start"
    if item is Item.DAYS:
        return describe_days(answers.training_days or ())
    if item is Item.MINUTES:
        return f"{answers.session_minutes} min"
    if item is Item.EQUIPMENT:
        return "bodyweight workouts"
    if item is Item.LIMITATIONS:
        return "no injuries"
    if item is Item.SEND_TIME:
        return format_time(answers.send_time) if answers.send_time else None
    return zone_label(answers.time_zone or FALLBACK_ZONE, city=False)
