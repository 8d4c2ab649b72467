"""What `parse_log` returns: the sets, soreness, completion and notes understood in one text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from coach.models.enums import Units

Completion = Literal["done", "skipped"]


@dataclass(frozen=True)
class SetEntry:
    """`sets` sets of `reps` reps of a movement at `weight` (None: bodyweight or not given)."""

    movement_slug: str
    movement_name: str
    weight: float | None
    units: Units
    reps: int
    sets: int
    rpe: float | None
    rir: int | None
    feel: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {**asdict(self), "units": self.units.value}


@dataclass(frozen=True)
class SorenessEntry:
    """How sore a body part is, 1 (barely) to 5 (very)."""

    body_part: str
    level: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return asdict(self)


@dataclass(frozen=True)
class ParsedLog:
    """Everything understood in one text, plus the clauses that were not (verbatim, trimmed)."""

    sets: list[SetEntry]
    completion: Completion | None
    soreness: list[SorenessEntry]
    session_rpe: float | None
    notes: list[str]
    unparsed: list[str]

    @property
    def understood_anything(self) -> bool:
        """True when at least one clause was understood."""
        return bool(
            self.sets or self.completion or self.soreness or self.notes or self.session_rpe is not None
        )

    @property
    def fully_understood(self) -> bool:
        """True when something was understood and nothing was left unparsed."""
        return self.understood_anything and not self.unparsed

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "sets": [s.to_dict() for s in self.sets],
            "completion": self.completion,
            "soreness": [s.to_dict() for s in self.soreness],
            "session_rpe": self.session_rpe,
            "notes": list(self.notes),
            "unparsed": list(self.unparsed),
            "fully_understood": self.fully_understood,
        }
