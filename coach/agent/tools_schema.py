"""The agent's tools as pydantic argument models, and their strict Chat Completions schemas.

A model's docstring is the tool's description; every field is required in the schema and optional values
are nullable (the strict mode of structured outputs): `"type": [T, "null"]`, or `anyOf` with null for an
enum. No argument names a trainee or a phone number: every
tool acts on the trainee the turn belongs to.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import openai
from pydantic import BaseModel, ConfigDict, Field

from coach.models.enums import ExperienceLevel, Goal, PersonaTone, Units
from coach.training.limitations import Limitation

# The format is in the system prompt (YYYY-MM-DD, today, tomorrow or a weekday), not repeated per field.
DateText = Annotated[str, Field(max_length=20)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# The movement library's equipment names, spelled out for the type checker (a test keeps them in step).
Equipment = Literal[
    "bands",
    "barbell",
    "bench",
    "bike",
    "bodyweight",
    "box",
    "cable",
    "dip_station",
    "dumbbell",
    "jump_rope",
    "kettlebell",
    "machine",
    "medicine_ball",
    "pullup_bar",
    "rack",
    "rower",
    "treadmill",
]


class Arguments(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GetWorkout(Arguments):
    """A workout and its text."""

    date: DateText


class GetWeek(Arguments):
    """A plan week and its workouts."""

    offset: int = Field(ge=-8, le=16, description="0 = this week")


class UpdateProfile(Arguments):
    """Set profile fields; null = unchanged. Says if the plan needs regenerating."""

    name: str | None = Field(None, max_length=100)
    goals: list[Goal] | None = Field(None, min_length=1, max_length=3, description="most important first")
    experience: ExperienceLevel | None = None
    session_minutes: int | None = Field(None, ge=10, le=240)
    equipment: list[Equipment] | None = Field(None, description="all they have")
    limitations: list[Limitation] | None = Field(None, description="all current")
    injury_notes: str | None = Field(None, max_length=500)
    units: Units | None = None
    persona_tone: PersonaTone | None = None
    persona_aggression: int | None = Field(None, ge=1, le=5, description="1-5")


class LoggedSet(Arguments):
    exercise: str = Field(max_length=80)
    weight: float | None = Field(ge=0, le=2000, description="null = bodyweight")
    unit: Units | None
    reps: int = Field(ge=1, le=100)
    sets: int = Field(ge=1, le=20)
    rpe: float | None = Field(ge=1, le=10)


class LogWorkout(Arguments):
    """Log a done or skipped session and its top sets."""

    date: DateText
    completed: bool
    sets: list[LoggedSet] = Field(max_length=20)
    session_rpe: float | None = Field(None, ge=1, le=10)
    notes: str | None = Field(None, max_length=300)


class RecordSoreness(Arguments):
    """Record soreness today."""

    body_part: str = Field(min_length=2, max_length=40)
    level: int = Field(ge=1, le=5, description="1-5")


class RecordReadiness(Arguments):
    """Record today's sleep, energy 1-5, stress 1-5."""

    sleep_hours: float | None = Field(None, ge=0, le=24)
    energy: int | None = Field(None, ge=1, le=5)
    stress: int | None = Field(None, ge=1, le=5)


class SwapExercise(Arguments):
    """Swap an exercise in a pending workout; null replacement = safe pick."""

    date: DateText
    exercise: str = Field(max_length=80)
    reason: str | None = Field(None, max_length=200)
    replacement: str | None = Field(None, max_length=80)


class MoveWorkout(Arguments):
    """Move a pending workout to another day."""

    from_date: DateText
    to_date: DateText


class SkipWorkout(Arguments):
    """Skip a pending workout."""

    date: DateText


class ShortenWorkout(Arguments):
    """Fit a pending workout into fewer minutes."""

    date: DateText
    minutes: int = Field(ge=10, le=240)


class AdjustDifficulty(Arguments):
    """Make a pending workout easier or harder."""

    date: DateText
    direction: Literal["easier", "harder"]


class PausePlan(Arguments):
    """Pause the plan and daily texts."""


class ResumePlan(Arguments):
    """Resume the plan and daily texts."""


class SetSchedule(Arguments):
    """Set text time, time zone, training days; null = unchanged. New days rebuild the plan."""

    send_time: str | None = Field(None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM")
    time_zone: str | None = Field(None, max_length=64, description="IANA")
    training_days: list[Weekday] | None = Field(None, min_length=2, max_length=7)


class RegeneratePlan(Arguments):
    """Rebuild the plan from the profile: from today if today's workout text is still to come, else from
    tomorrow."""

    reason: str = Field(min_length=2, max_length=300)


ARGUMENTS: dict[str, type[Arguments]] = {
    "get_workout": GetWorkout,
    "get_week": GetWeek,
    "update_profile": UpdateProfile,
    "log_workout": LogWorkout,
    "record_soreness": RecordSoreness,
    "record_readiness": RecordReadiness,
    "swap_exercise": SwapExercise,
    "move_workout": MoveWorkout,
    "skip_workout": SkipWorkout,
    "shorten_workout": ShortenWorkout,
    "adjust_difficulty": AdjustDifficulty,
    "pause_plan": PausePlan,
    "resume_plan": ResumePlan,
    "set_schedule": SetSchedule,
    "regenerate_plan": RegeneratePlan,
}


def tool_schema(name: str, model: type[Arguments]) -> dict[str, Any]:
    """One strict Chat Completions tool, generated by `openai.pydantic_function_tool`, then made compact.

    Titles and value bounds (lengths, minimum, maximum, pattern) are left out of the schema: every call is
    validated against the model anyway, whose error says what is wrong, and the schemas ride along with every
    request. References are inlined so each property reads on its own.
    """
    tool: dict[str, Any] = dict(openai.pydantic_function_tool(model, name=name))
    function = dict(tool["function"])
    parameters = dict(function["parameters"])
    definitions = parameters.pop("$defs", {})
    parameters.pop("description", None)  # the function's own description says it already
    function["parameters"] = _compact(parameters, definitions)
    tool["function"] = function
    return tool


_LEFT_OUT = frozenset(
    {"title", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern"}
)


def _compact(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, list):
        return [_compact(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = definitions[schema["$ref"].rsplit("/", 1)[-1]]
        return _compact({**target, **{k: v for k, v in schema.items() if k != "$ref"}}, definitions)
    nullable = _nullable_type(schema)
    if nullable is not None:
        return _compact(nullable, definitions)
    cleaned: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            cleaned[key] = {name: _compact(sub, definitions) for name, sub in value.items()}
        elif key not in _LEFT_OUT:
            cleaned[key] = _compact(value, definitions)
    return cleaned


def _nullable_type(schema: dict[str, Any]) -> dict[str, Any] | None:
    """`anyOf: [{type: T, ...}, {type: null}]` as `{type: [T, null], ...}`, the shorter spelling strict mode
    also accepts; an enum keeps its `anyOf`, since `null` would have to join the enum's values."""
    options = schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or options[1] != {"type": "null"}:
        return None
    inner = options[0]
    if "enum" in inner or not isinstance(inner.get("type"), str):
        return None
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**inner, **rest, "type": [inner["type"], "null"]}


TOOLS: list[dict[str, Any]] = [tool_schema(name, model) for name, model in ARGUMENTS.items()]
