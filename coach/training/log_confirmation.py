"""The one-line SMS confirmation of a logged workout, in the trainee's units (GSM-7, one segment)."""

from __future__ import annotations

from collections.abc import Sequence

from coach.messaging.text import describe, normalize
from coach.models.enums import Units
from coach.training.e1rm import from_kg
from coach.training.workout_log import LoggedSet, LogResult


def confirmation(result: LogResult, units: Units) -> str:
    """A one-line GSM-7 reply confirming what was logged, kept to one SMS segment for a typical log."""
    if result.completed is False:
        return "Marked today's workout as skipped. Rest up."
    if result.sets:
        return _sets_confirmation(result.sets, units)
    if result.completed:
        return "Marked today's workout as done. Nice work!"
    if result.soreness_logged:
        return "Noted your soreness. Thanks for telling me."
    return "Nothing to log in that one."


def _sets_confirmation(sets: Sequence[LoggedSet], units: Units) -> str:
    # Drop whole sets from the end (and say how many) rather than cut a number in half.
    items = [_describe_set(logged, units) for logged in sets]
    text = ""
    for shown in range(len(items), 0, -1):
        more = f" +{len(items) - shown} more" if shown < len(items) else ""
        text = normalize(f"Logged: {'; '.join(items[:shown])}{more}. Nice work!")
        if describe(text).segments == 1:
            break
    return text


def _describe_set(logged: LoggedSet, units: Units) -> str:
    text = f"{logged.movement_name} {logged.sets}x{logged.reps}"
    if logged.weight_kg > 0:
        text += f" @ {_amount(logged.weight_kg, units)}"
    if logged.e1rm_kg is not None:
        text += f" (e1RM {round(from_kg(logged.e1rm_kg, units))}{units.value})"
    return text


def _amount(kg: float, units: Units) -> str:
    """100 -> "100kg", 102.5 -> "102.5kg": one decimal at most, none when it is zero."""
    value = f"{from_kg(kg, units):.1f}".rstrip("0").rstrip(".")
    return f"{value}{units.value}"
