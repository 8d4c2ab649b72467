"""Fill a week's sessions with sets, inside the time each session has and the volume band of the goal.

The allocator works a set at a time. For the group furthest under its target it adds one set where a
session that trains the group still has room: first to an exercise below its comfortable dose, then as a
new two-set accessory, then as extra sets up to the exercise's maximum. It never pushes a major group past
the band ceiling. Stages, in order: major groups to the band floor; the goal's conditioning block; arms,
calves and core to 2 sets; major groups to the band middle; arms, calves and core to 6 sets. Time left
at the end becomes an easy cool-down (mobility and/or low-impact cardio), so every session lands within
a minute or two of its budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coach.models.enums import ExerciseRole
from coach.movements.library import MovementSpec
from coach.training.draft import DraftExercise, DraftSession
from coach.training.prescription import Prescriber
from coach.training.selection import MovementPool, rotate
from coach.training.timing import TRANSITION_SECONDS
from coach.training.volume import (
    COUNTED_SECTIONS,
    GROUP_OF,
    MAJOR_GROUPS,
    SESSION_GROUPS,
    set_credit,
    weekly_sets,
)

MAX_WORK_EXERCISES = 9
NEW_EXERCISE_SETS = 2
MIN_FILLER_SECONDS = 90
LONGEST_ACCESSORY_REST = 120


@dataclass
class WeekContext:
    pool: MovementPool
    prescriber: Prescriber
    ceiling: int
    offset: int
    used: set[str]


def volume_of(sessions: Sequence[DraftSession]) -> dict[str, float]:
    """Hard sets per group over the given sessions (see volume.py for how sets count)."""
    return weekly_sets((e.movement, e.section, e.sets) for s in sessions for e in s.exercises)


def fits_ceiling(movement: MovementSpec, sets: int, volume: dict[str, float], ceiling: int) -> bool:
    """Whether `sets` more sets of the movement keep every major group at or under the ceiling."""
    return all(
        volume[group] + credit * sets <= ceiling
        for group, credit in set_credit(movement).items()
        if group in MAJOR_GROUPS
    )


def raise_groups(
    sessions: Sequence[DraftSession], groups: Sequence[str], target: float, ctx: WeekContext
) -> None:
    """Add sets until each group reaches `target` or nothing more fits."""
    blocked: set[str] = set()
    while True:
        volume = volume_of(sessions)
        short = [g for g in groups if g not in blocked and volume[g] < target]
        if not short:
            return
        group = max(short, key=lambda g: (target - volume[g], -groups.index(g)))
        action = _best_growth(group, sessions, volume, ctx)
        if action is None:
            blocked.add(group)
        else:
            action()


def _best_growth(
    group: str, sessions: Sequence[DraftSession], volume: dict[str, float], ctx: WeekContext
) -> Callable[[], None] | None:
    options: list[tuple[tuple[int, float, int], Callable[[], None]]] = []
    for session in sessions:
        for exercise in session.exercises:
            if _extendable(exercise, group, session, volume, ctx.ceiling):
                tier = 0 if exercise.sets < exercise.comfortable_sets else 2
                options.append(((tier, -session.room(), session.day_number), _add_set(exercise)))
        new = _new_exercise(group, session, volume, ctx)
        if new is not None:
            # A second accessory for the same group in one session only once the first is at full dose.
            tier = 3 if _accessories_for(group, session) else 1
            options.append(((tier, -session.room(), session.day_number), _append(session, new, ctx)))
    return min(options, key=lambda option: option[0])[1] if options else None


def _accessories_for(group: str, session: DraftSession) -> list[DraftExercise]:
    return [
        e
        for e in session.exercises
        if e.section is ExerciseRole.ACCESSORY and GROUP_OF.get(e.movement.primary_muscle) == group
    ]


def _extendable(
    exercise: DraftExercise, group: str, session: DraftSession, volume: dict[str, float], ceiling: int
) -> bool:
    return (
        exercise.section in COUNTED_SECTIONS
        and GROUP_OF.get(exercise.movement.primary_muscle) == group
        and exercise.sets < exercise.max_sets
        and exercise.extra_set_seconds() <= session.room()
        and fits_ceiling(exercise.movement, 1, volume, ceiling)
    )


def _new_exercise(
    group: str, session: DraftSession, volume: dict[str, float], ctx: WeekContext
) -> DraftExercise | None:
    if group not in SESSION_GROUPS[session.template.session_type]:
        return None
    if session.work_count() >= MAX_WORK_EXERCISES:
        return None
    options = rotate(ctx.pool.accessory_options(group), ctx.offset + 2 * session.day_number)
    taken, families = session.slugs(), session.groups_of_work()
    fresh = [m for m in options if m.slug not in taken and m.slug not in ctx.used]
    ranked = [m for m in fresh if m.substitution_group not in families] + fresh
    ranked += [m for m in options if m.slug not in taken]
    for movement in ranked[:3]:
        draft = ctx.prescriber.accessory(movement)
        draft.sets = NEW_EXERCISE_SETS
        if draft.seconds() <= session.room() and fits_ceiling(movement, draft.sets, volume, ctx.ceiling):
            return draft
    return None


def _add_set(exercise: DraftExercise) -> Callable[[], None]:
    def run() -> None:
        exercise.sets += 1

    return run


def _append(session: DraftSession, exercise: DraftExercise, ctx: WeekContext) -> Callable[[], None]:
    def run() -> None:
        session.exercises.append(exercise)
        ctx.used.add(exercise.movement.slug)

    return run


def enforce_ceiling(sessions: Sequence[DraftSession], ceiling: int) -> None:
    """Trim sets until no major group is over the ceiling: big doses first, then down to one set each."""
    while True:
        volume = volume_of(sessions)
        over = [g for g in MAJOR_GROUPS if volume[g] > ceiling]
        if not over:
            return
        group = over[0]
        work = [
            e
            for s in sessions
            for e in s.exercises
            if e.section in COUNTED_SECTIONS and group in set_credit(e.movement) and e.sets > 1
        ]
        reducible = [e for e in work if e.sets > 2] or work
        if not reducible:
            return
        max(reducible, key=lambda e: (set_credit(e.movement)[group], e.sets)).sets -= 1


def trim_to_budget(session: DraftSession) -> bool:
    """Shrink the session to its time budget without dropping a main lift; False when that is not enough."""
    while session.room() < 0:
        if not _trim_once(session):
            return False
    return True


def _trim_once(session: DraftSession) -> bool:
    mains = [e for e in session.exercises if e.section is ExerciseRole.MAIN and not e.pinned and e.sets > 2]
    if mains:
        max(mains, key=lambda e: e.sets).sets -= 1
        return True
    skills = [e for e in session.exercises if e.section is ExerciseRole.SKILL and not e.pinned]
    if skills:
        session.exercises.remove(skills[0])
        return True
    pinned = [e for e in session.exercises if e.pinned and e.sets > 1]
    if pinned:
        pinned[0].sets -= 1
        return True
    long_blocks = [
        e for e in session.exercises if e.pinned and (e.duration_seconds or 0) > 180 and e.sets == 1
    ]
    if long_blocks:
        long_blocks[0].duration_seconds = max(
            180, (long_blocks[0].duration_seconds or 0) + int(session.room())
        )
        return True
    return False


def lengthen_rests(session: DraftSession, longest_main: int) -> None:
    """Spend spare time on fuller rests (heavy sets recover better), before it becomes easy cardio."""
    for section, longest in (
        (ExerciseRole.MAIN, longest_main),
        (ExerciseRole.ACCESSORY, LONGEST_ACCESSORY_REST),
    ):
        for exercise in session.in_section(section):
            if exercise.sets < 2 or exercise.rest_seconds >= longest:
                continue
            affordable = max(0.0, session.room() - MIN_FILLER_SECONDS) / (exercise.sets - 1)
            exercise.rest_seconds += int(min(longest - exercise.rest_seconds, affordable) // 15) * 15


def add_block(
    session: DraftSession,
    options: Sequence[MovementSpec],
    section: ExerciseRole,
    seconds: float,
    ctx: WeekContext,
) -> bool:
    """Add one timed block (conditioning or cool-down) of about `seconds` that still fits the session."""
    whole = int(min(seconds, session.room() - TRANSITION_SECONDS) // 30) * 30
    fresh = [m for m in options if m.slug not in session.slugs()]
    if whole < 60 or not fresh:
        return False
    session.exercises.append(ctx.prescriber.conditioning(fresh[0], section, whole))
    return True


def fill_time(session: DraftSession, ctx: WeekContext, cardio_first: bool) -> None:
    """Turn the time left into an easy cool-down: mobility, easy cardio, or both when there is plenty."""
    room = session.room()
    if room < MIN_FILLER_SECONDS:
        return
    cardio = rotate(ctx.pool.easy_cardio_options(), ctx.offset)
    mobility = ctx.pool.session_mobility(session.template.session_type, ctx.offset + session.day_number)
    kinds = [cardio, mobility] if cardio_first or room > 8 * 60 else [mobility, cardio]
    if room > 12 * 60 and add_block(session, mobility, ExerciseRole.COOLDOWN, 300 - 60, ctx):
        kinds = [cardio, mobility]
    for options in kinds:
        if add_block(session, options, ExerciseRole.COOLDOWN, session.room() - 60, ctx):
            return
