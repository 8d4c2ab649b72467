"""A workout as the text a trainee receives: a header, a warm-up line, one line per exercise, and why.

    Mon Nov 23 - Upper body (strength)
    Warm-up: Cat Cow 3 min, Thoracic Rotation 3 min
    Bench Press 4x5 @ 100kg
    Pull-Up 4x5-6 @RPE 7.5
    Dumbbell Fly 3x10-12 @RPE 8
    Plank 2x40s
    Cool-down: Couch Stretch 4 min, Stationary Bike 5 min
    Why: accumulation - build work capacity with more sets at moderate effort

Only GSM-7 characters ("x", never a multiplication sign), and at most 3 SMS segments: when a long session
would not fit, the names in the warm-up and cool-down lines go first, then the reason, then the last lines.
Loads are stored in kg and shown in the trainee's units (lb rounded to 5).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from coach.messaging.text import GSM7_BASIC, GSM7_EXTENSION, encoding_of, segment_count
from coach.models import Workout
from coach.models.enums import Encoding, ExerciseRole, SessionType, Units
from coach.training.intensity import KG_PER_LB
from coach.training.periodization import PHASE_FOCUS
from coach.training.splits import SESSION_LABELS

MAX_SEGMENTS = 3
BLOCK_SECTIONS = (ExerciseRole.WARMUP, ExerciseRole.COOLDOWN)


class ExerciseView(Protocol):
    @property
    def movement_name(self) -> str: ...
    @property
    def section(self) -> ExerciseRole: ...
    @property
    def sets(self) -> int: ...
    @property
    def rep_min(self) -> int | None: ...
    @property
    def rep_max(self) -> int | None: ...
    @property
    def duration_seconds(self) -> int | None: ...
    @property
    def load_kg(self) -> float | None: ...
    @property
    def target_rpe(self) -> float | None: ...
    @property
    def target_rir(self) -> int | None: ...


class WorkoutView(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def session_type(self) -> SessionType: ...
    @property
    def focus(self) -> str | None: ...
    @property
    def exercises(self) -> Sequence[ExerciseView]: ...


@dataclass(frozen=True)
class ExerciseLine:
    movement_name: str
    section: ExerciseRole
    sets: int
    rep_min: int | None
    rep_max: int | None
    duration_seconds: int | None
    load_kg: float | None
    target_rpe: float | None
    target_rir: int | None


@dataclass(frozen=True)
class WorkoutText:
    date: date
    session_type: SessionType
    focus: str | None
    exercises: tuple[ExerciseLine, ...]


def workout_view(workout: Workout) -> WorkoutText:
    """Adapt a stored workout (with its exercises and their movements loaded) for rendering."""
    return WorkoutText(
        date=workout.scheduled_date,
        session_type=workout.session_type,
        focus=workout.focus,
        exercises=tuple(
            ExerciseLine(
                movement_name=row.movement.name,
                section=row.section,
                sets=row.sets,
                rep_min=row.rep_min,
                rep_max=row.rep_max,
                duration_seconds=row.duration_seconds,
                load_kg=None if row.load_kg is None else float(row.load_kg),
                target_rpe=None if row.target_rpe is None else float(row.target_rpe),
                target_rir=row.target_rir,
            )
            for row in sorted(workout.exercises, key=lambda row: row.position)
        ),
    )


def render_workout(workout: WorkoutView, units: Units, phase: str | None = None) -> str:
    """The SMS text for one workout: GSM-7 only, at most three segments."""
    layouts: list[Callable[[], list[str]]] = [
        lambda: _lines(workout, units, phase, named_blocks=True, why=True),
        lambda: _lines(workout, units, phase, named_blocks=False, why=True),
        lambda: _lines(workout, units, phase, named_blocks=False, why=False),
    ]
    for layout in layouts:
        text = _gsm_safe("\n".join(layout()))
        if _fits(text):
            return text
    # A very long session: never drop an exercise the trainee is meant to do; the text runs longer instead.
    return _gsm_safe("\n".join(_lines(workout, units, phase, named_blocks=False, why=False)))


def _lines(
    workout: WorkoutView, units: Units, phase: str | None, *, named_blocks: bool, why: bool
) -> list[str]:
    lines = [_header(workout)]
    warmup = [e for e in workout.exercises if e.section is ExerciseRole.WARMUP]
    if warmup:
        lines.append(_block_line("Warm-up", warmup, named_blocks))
    lines.extend(exercise_line(e, units) for e in workout.exercises if e.section not in BLOCK_SECTIONS)
    cooldown = [e for e in workout.exercises if e.section is ExerciseRole.COOLDOWN]
    if cooldown:
        lines.append(_block_line("Cool-down", cooldown, named_blocks))
    if why:
        lines.append(_why(workout, phase))
    return lines


def _header(workout: WorkoutView) -> str:
    label = SESSION_LABELS.get(workout.session_type, "Training")
    day = f"{workout.date:%a %b} {workout.date.day}"
    focus = workout.focus or ""
    return f"{day} - {label} ({focus})" if focus and focus != label.lower() else f"{day} - {label}"


def _block_line(title: str, exercises: Sequence[ExerciseView], named: bool) -> str:
    """`Warm-up: Cat Cow 3 min, Bike 4 min`, or `Warm-up 7 min easy` when space is short."""
    if named:
        return f"{title}: {', '.join(f'{e.movement_name} {_minutes(e)} min' for e in exercises)}"
    return f"{title} {sum(_minutes(e) for e in exercises)} min easy"


def _minutes(exercise: ExerciseView) -> int:
    return max(1, round((exercise.duration_seconds or 60) * exercise.sets / 60))


def exercise_line(exercise: ExerciseView, units: Units) -> str:
    """`Back Squat 4x5 @ 100kg`, `Row 3x8-10 @RPE 7`, `Plank 3x40s` or `Bike 12 min`."""
    name = exercise.movement_name
    if exercise.duration_seconds is not None:
        if exercise.sets == 1 and exercise.duration_seconds >= 120:
            return f"{name} {round(exercise.duration_seconds / 60)} min"
        return f"{name} {exercise.sets}x{exercise.duration_seconds}s"
    low, high = exercise.rep_min, exercise.rep_max
    reps = f"{low}" if high in (None, low) else f"{low}-{high}"
    return f"{name} {exercise.sets}x{reps}{_effort(exercise, units)}"


def _effort(exercise: ExerciseView, units: Units) -> str:
    if exercise.load_kg is not None:
        return f" @ {format_load(exercise.load_kg, units)}"
    rpe = exercise.target_rpe
    if rpe is None and exercise.target_rir is not None:
        rpe = 10.0 - exercise.target_rir
    return "" if rpe is None else f" @RPE {rpe:g}"


def format_load(kg: float, units: Units) -> str:
    """`102.5kg`, or `225lb` (nearest 5 lb) for pound trainees."""
    if units is Units.LB:
        return f"{round(kg / KG_PER_LB / 5) * 5:g}lb"
    return f"{round(kg * 2) / 2:g}kg"


def _why(workout: WorkoutView, phase: str | None) -> str:
    if workout.focus == "recovery":
        return "Why: active recovery - easy movement helps you bounce back between hard days"
    if workout.focus == "deload":
        return "Why: deload week - half the work so you recover and the next block moves you forward"
    reason = next((text for key, text in PHASE_FOCUS.items() if key.value == phase), None)
    return f"Why: {phase} - {reason}" if phase and reason else f"Why: {phase or workout.focus or 'training'}"


def _gsm_safe(text: str) -> str:
    text = text.replace("×", "x").replace("’", "'").replace("–", "-")
    return "".join(c if c in GSM7_BASIC or c in GSM7_EXTENSION else "?" for c in text)


def _fits(text: str) -> bool:
    return encoding_of(text) is Encoding.GSM7 and segment_count(text) <= MAX_SEGMENTS
