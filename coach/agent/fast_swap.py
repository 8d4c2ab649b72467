"""The fast path's swap: "knee hurts, swap lunges" changes the next workout that has lunges, without an LLM.

The exercise is looked for in the trainee's pending workouts from today on (the day named, or the coming
week), by the library name it resolves to or by the words of its name ("lunges" finds a Dumbbell Reverse
Lunge). The swap itself is `coach.training.changes.swap_exercise`, the same as the LLM's tool: the
replacement comes from the library, fits the trainee's equipment and limitations, and spares the joint the
text says hurts. A text naming nothing in their workouts, or a replacement the library does not know, is
left to the LLM. Nothing here commits.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy.orm import Session, selectinload

from coach.agent.swap_request import SwapRequest
from coach.agent.tools_common import current_workouts, library_movement
from coach.agent.turn import Turn
from coach.agent.workout_days import day_name, on_day
from coach.models import Workout, WorkoutExercise
from coach.models.enums import ExerciseRole, MovementPattern, WorkoutStatus
from coach.training import changes
from coach.training.changes_swap import NoSubstitute, joints_named
from coach.training.log_parsing.movements import fold

LOOK_AHEAD = timedelta(days=7)  # without a day named, the swap is for the next workout within a week
STRETCHES = frozenset({ExerciseRole.WARMUP, ExerciseRole.COOLDOWN})
# Patterns that say little about the work: a biceps curl and a leg curl are both "isolation".
BY_MUSCLE = frozenset({MovementPattern.ISOLATION, MovementPattern.ISOMETRIC, MovementPattern.MOBILITY})
PAIN_ADVICE = "If it's a sharp pain or it gets worse, stop and get it checked."


def swap(session: Session, turn: Turn, request: SwapRequest) -> tuple[str, str] | None:
    """(path, reply) once the swap is made or refused with a reason; None to leave the text to the LLM."""
    today = turn.local_date
    first = request.day.on(today) if request.day else today
    workouts = _pending(session, turn.trainee.id, first, first if request.day else today + LOOK_AHEAD)
    known = library_movement(request.exercise)
    for workout in workouts:
        rows = _matching(workout, request.exercise, known.slug if known else None)
        if _ask_which(rows, request):
            names = sorted({row.movement.name for row in rows})
            listed = ", ".join(names[:-1]) + " or " + names[-1]
            return "swap_which", f"Which one: {listed}? Text e.g. 'swap {names[0].lower()}'."
        if rows:  # "swap lunges": every lunge in that workout
            return _swap(session, turn, request, workout, rows)
    if known is None or changes.current_plan(session, turn.trainee.id) is None:
        return None
    where = on_day(day_name(first, today)) if request.day else "this coming week"
    body = f"There's no {known.name} left in your workouts {where}"  # "left": today's may be done
    return "swap_none", body + _which_hurts(request, workouts)


def _ask_which(rows: list[WorkoutExercise], request: SwapRequest) -> bool:
    """Several exercises fit the name: all of them are meant only when it is plural, no replacement is
    named, and they are one kind of work: one pattern, or one muscle for isolation work ("lunges": a
    lateral and a reverse lunge; not "curls": a biceps curl and a leg curl)."""
    movements = {row.movement.slug: row.movement for row in rows}.values()
    if len(movements) < 2:
        return False
    kinds = {
        (movement.pattern, movement.primary_muscle if movement.pattern in BY_MUSCLE else None)
        for movement in movements
    }
    return request.replacement is not None or not _plural(request.exercise) or len(kinds) > 1


def _which_hurts(request: SwapRequest, workouts: list[Workout]) -> str:
    """The end of the "nothing to swap" reply: when something hurts, ask what loads it in the next workout."""
    sore = joints_named(request.reason)
    if not sore:
        return ", so nothing to swap."
    loading = [
        row.movement.name
        for workout in workouts[:1]
        for row in workout.exercises
        if row.section not in STRETCHES and sore & set(row.movement.joint_stress)
    ]
    example = f" Text e.g. 'swap {loading[0].lower()}'." if loading else ""
    return f". Which exercise bothers your {_spoken(sore)}?{example} {PAIN_ADVICE}"


def _swap(
    session: Session, turn: Turn, request: SwapRequest, workout: Workout, rows: list[WorkoutExercise]
) -> tuple[str, str] | None:
    replacement = None
    if request.replacement is not None:
        named = library_movement(request.replacement)
        if named is None:
            return None  # a movement the library does not know: the LLM can ask what they mean
        replacement = named.slug
    try:
        with session.begin_nested():  # anything unexpected leaves nothing half-swapped for the LLM's turn
            swapped, dropped, refused = _swap_each(session, turn, request, workout, rows, replacement)
    except (LookupError, ValueError):
        return None
    if not swapped and not dropped:
        return "swap_refused", " ".join([*refused, *_advice(request)])
    day = day_name(workout.scheduled_date, turn.local_date)
    if workout.scheduled_date - turn.local_date >= timedelta(days=7):
        day = f"next {day}"  # today's workout is done: "Tuesday" alone would read as today
    sore = joints_named(request.reason)
    spared = f", easier on your {_spoken(sore)}" if sore else ""
    parts = []
    if swapped:
        parts.append(f"Done: {' and '.join(swapped)} in {day}'s workout{spared}.")
    if dropped:
        parts.append(
            f"Nothing I have stands in for {' or '.join(dropped)} without loading your {_spoken(sore)}, "
            f"so I've taken {'it' if len(dropped) == 1 else 'them'} out of {day}'s workout."
        )
    parts.extend(refused)
    if swapped:
        parts.append("Same sets and reps; start light and find your weight.")
    body = " ".join([*parts, *_advice(request)])
    if workout.scheduled_date == turn.local_date:  # today's text may have gone out already
        body += f"\n\n{workout.sms_text}"
    return ("swap" if swapped else "swap_dropped"), body


def _spoken(joints: frozenset[str]) -> str:
    """Joints as a trainee says them: "knee and lower back"."""
    return " and ".join(sorted(joint.replace("_", " ") for joint in joints))


def _advice(request: SwapRequest) -> list[str]:
    """The pain advice, when the text said something hurts."""
    return [PAIN_ADVICE] if request.reason else []


def _swap_each(
    session: Session,
    turn: Turn,
    request: SwapRequest,
    workout: Workout,
    rows: list[WorkoutExercise],
    replacement: str | None,
) -> tuple[list[str], list[str], list[str]]:
    """What was swapped ("Hip Thrust instead of Reverse Lunge"), what was taken out (it hurts, and nothing
    stands in for it without loading the sore joint), and why what is left could not be swapped."""
    swapped: list[str] = []
    dropped: list[str] = []
    refused: list[str] = []
    for row in rows:
        try:
            result = changes.swap_exercise(
                session,
                turn.trainee.id,
                workout.id,
                row.movement.slug,
                request.reason,
                replacement,
                exercise_id=row.id,
            )
        except NoSubstitute as exc:
            taken_out = None
            if replacement is None:
                taken_out = changes.take_out_if_it_hurts(
                    session, turn.trainee.id, workout.id, row.id, request.reason
                )
            (dropped if taken_out else refused).append(taken_out or str(exc))
        else:
            swapped.append(f"{result.new_movement} instead of {result.old_movement}")
    return swapped, dropped, refused


def _pending(session: Session, trainee_id: int, first: date, last: date) -> list[Workout]:
    """The trainee's pending workouts dated first..last in their current plan, soonest first."""
    query = (
        current_workouts(trainee_id)
        .where(Workout.status == WorkoutStatus.PENDING, Workout.scheduled_date.between(first, last))
        .order_by(Workout.scheduled_date, Workout.id)
        .options(selectinload(Workout.exercises).joinedload(WorkoutExercise.movement))
    )
    return list(session.scalars(query))


def _matching(workout: Workout, phrase: str, slug: str | None) -> list[WorkoutExercise]:
    """The workout's exercises the phrase names: the library movement it resolves to, and those whose name
    (or an alias) has all of the phrase's words and ends in its last ("lunges": Dumbbell Reverse Lunge; not
    "back": Barbell Back Squat). The training ones before the warm-up and cool-down when both match."""
    wanted = _words(phrase)
    rows = [
        row
        for row in workout.exercises
        if row.movement.slug == slug
        or any(
            set(wanted) <= set(words) and words[-1] == wanted[-1]
            for name in (row.movement.name, *row.movement.aliases)
            if (words := _words(name))
        )
    ]
    # "swap squats" means the Hack Squat, not the Deep Squat Hold the session ends with.
    training = [row for row in rows if row.section not in STRETCHES]
    return training or rows


def _plural(phrase: str) -> bool:
    """ "lunges", "pull ups": the trainee means every one of them."""
    last = phrase.split()[-1]
    return last.endswith("s") and fold(last) != last


def _words(text: str) -> list[str]:
    """The words of a name as matching sees them, in order: "Incline Push-Up" -> incline, push, up."""
    return [fold(word) for word in re.findall(r"[a-z0-9]+", text.lower())]
