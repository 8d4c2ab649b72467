"""What the plan engine needs to know about a trainee, validated in one place.

Build it from JSON (``TrainingProfile.from_json``), from a dict (``TrainingProfile.model_validate``) or from
the database rows (``profile_from_records``). Example JSON (see ``example_profile.json``)::

    {"goals": [{"goal": "hypertrophy", "weight": 7}, {"goal": "strength", "weight": 3}],
     "experience": "intermediate", "days_per_week": 4, "session_minutes": 60,
     "equipment": ["barbell", "rack", "bench", "dumbbell"], "limitations": ["knee"],
     "hard_no": ["burpee"], "hard_yes": ["pull_up"], "preferred": ["hip_thrust"],
     "units": "kg", "e1rm_kg": {"barbell_back_squat": 140}}

Invalid input raises ``ProfileError`` whose message is one line naming each bad field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coach.models.enums import EnjoyableActivity, ExperienceLevel, Goal, MovementRuleType, Units
from coach.models.trainees import FitnessProfile, Trainee, TraineeMovementRule
from coach.movements.library import EQUIPMENT
from coach.training.limitations import Limitation

# A sensible spread when the trainee has not picked days: rest days fall between hard days.
DEFAULT_TRAINING_DAYS: dict[int, tuple[int, ...]] = {
    2: (1, 4),
    3: (1, 3, 5),
    4: (1, 2, 4, 5),
    5: (1, 2, 3, 5, 6),
    6: (1, 2, 3, 4, 5, 6),
    7: (1, 2, 3, 4, 5, 6, 7),
}
MAX_RULE_MOVEMENTS = 6


class ProfileError(ValueError):
    """The profile cannot be planned for; the message is a single line fit for a CLI or a log."""


class GoalWeight(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    goal: Goal
    weight: int = Field(ge=1, le=10)


class TrainingProfile(BaseModel):
    """A trainee's training inputs. Bodyweight is always available; loads are kept in kg."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    goals: list[GoalWeight] = Field(min_length=1, max_length=3)
    experience: ExperienceLevel = ExperienceLevel.BEGINNER
    days_per_week: int = Field(ge=2, le=7)
    training_days: list[int] = Field(default_factory=list)
    session_minutes: int = Field(ge=20, le=120)
    equipment: list[str] = Field(default_factory=list)
    limitations: list[Limitation] = Field(default_factory=list)
    hard_no: list[str] = Field(default_factory=list)
    hard_yes: list[str] = Field(default_factory=list, max_length=MAX_RULE_MOVEMENTS)
    preferred: list[str] = Field(default_factory=list, max_length=MAX_RULE_MOVEMENTS)
    enjoyable_activities: list[EnjoyableActivity] = Field(default_factory=list)
    units: Units = Units.KG
    e1rm_kg: dict[str, float] = Field(default_factory=dict)
    deload_every: int = Field(default=4, ge=2, le=8)
    weeks: int | None = Field(default=None, ge=8, le=16)

    @field_validator("equipment")
    @classmethod
    def _known_equipment(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - EQUIPMENT)
        if unknown:
            raise ValueError(f"unknown equipment {unknown}; known: {sorted(EQUIPMENT)}")
        return sorted(set(value))

    @field_validator("e1rm_kg")
    @classmethod
    def _positive_maxes(cls, value: dict[str, float]) -> dict[str, float]:
        bad = sorted(slug for slug, kg in value.items() if not 0 < kg < 1000)
        if bad:
            raise ValueError(f"one-rep maxes must be between 0 and 1000 kg: {bad}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        total = sum(item.weight for item in self.goals)
        if total != 10:
            raise ValueError(f"goal weights must sum to 10, got {total}")
        if len({item.goal for item in self.goals}) != len(self.goals):
            raise ValueError("each goal may appear once")
        _check_days(self)
        clash = sorted(set(self.hard_no) & (set(self.hard_yes) | set(self.preferred)))
        if clash:
            raise ValueError(f"movements both ruled out and asked for: {clash}")
        return self

    @model_validator(mode="before")
    @classmethod
    def _default_days(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("training_days") and "days_per_week" in data:
            days = DEFAULT_TRAINING_DAYS.get(data["days_per_week"])
            if days is not None:
                data = {**data, "training_days": list(days)}
        return data

    @property
    def primary_goal(self) -> Goal:
        """The goal with the highest weight (the first listed wins a tie)."""
        return max(self.goals, key=lambda item: item.weight).goal

    def goal_weight(self, goal: Goal) -> int:
        return sum(item.weight for item in self.goals if item.goal is goal)

    @property
    def available_equipment(self) -> frozenset[str]:
        return frozenset({*self.equipment, "bodyweight"})

    @classmethod
    def from_json(cls, text: str | bytes) -> TrainingProfile:
        """Parse a JSON profile; raises ProfileError with a one-line reason."""
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            raise ProfileError(describe_errors(exc)) from exc

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> TrainingProfile:
        """Validate a mapping; raises ProfileError with a one-line reason."""
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise ProfileError(describe_errors(exc)) from exc


def _check_days(profile: TrainingProfile) -> None:
    days = profile.training_days
    if sorted(set(days)) != sorted(days) or not all(1 <= day <= 7 for day in days):
        raise ValueError("training_days must be distinct ISO weekdays 1..7")
    if len(days) != profile.days_per_week:
        raise ValueError(f"training_days has {len(days)} days but days_per_week is {profile.days_per_week}")


def describe_errors(exc: ValidationError) -> str:
    """One line: each failing field and why, e.g. `days_per_week: Input should be less than or equal to 7`."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "profile"
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts).replace("\n", " ")


def profile_from_records(
    trainee: Trainee,
    profile: FitnessProfile,
    rules: Sequence[TraineeMovementRule],
    e1rm_kg: Mapping[str, float] | None = None,
    weeks: int | None = None,
) -> TrainingProfile:
    """Build the engine's profile from the stored trainee, fitness profile and movement rules.

    Session minutes outside 20..120 (the database allows 10..240) are clamped into the range the engine
    plans for; training days are used only when they match days_per_week.
    """
    days_per_week = profile.days_per_week or len(trainee.training_days)
    slugs: dict[MovementRuleType, list[str]] = {kind: [] for kind in MovementRuleType}
    for rule in rules:
        slugs[rule.rule_type].append(rule.movement.slug)
    data: dict[str, Any] = {
        "goals": profile.goals,
        "experience": profile.experience_level or ExperienceLevel.BEGINNER,
        "days_per_week": days_per_week,
        "training_days": sorted(trainee.training_days) if len(trainee.training_days) == days_per_week else [],
        "session_minutes": min(120, max(20, profile.session_minutes or 45)),
        "equipment": [item for item in profile.equipment if item != "bodyweight"],
        "limitations": profile.limitations,
        "hard_no": slugs[MovementRuleType.HARD_NO],
        "hard_yes": slugs[MovementRuleType.HARD_YES],
        "preferred": slugs[MovementRuleType.PREFERRED],
        "enjoyable_activities": profile.enjoyable_activities,
        "units": trainee.units,
        "e1rm_kg": dict(e1rm_kg or {}),
        "weeks": weeks,
    }
    return TrainingProfile.from_mapping(data)
