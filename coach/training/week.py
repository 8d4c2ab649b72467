"""One microcycle: open each session, place the main lifts and the must-haves, then fill to time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from coach.models.enums import ExerciseRole, MesocyclePhase, MovementPattern
from coach.movements.library import MovementSpec
from coach.training.allocation import (
    WeekContext,
    add_block,
    enforce_ceiling,
    fill_time,
    lengthen_rests,
    raise_groups,
    trim_to_budget,
)
from coach.training.draft import DraftExercise, DraftSession
from coach.training.periodization import Family
from coach.training.prescription import Prescriber, deload
from coach.training.profile import TrainingProfile
from coach.training.selection import MovementPool, rotate
from coach.training.splits import SessionTemplate
from coach.training.volume import (
    COUNTED_SECTIONS,
    GROUP_OF,
    MAJOR_GROUPS,
    MINOR_GROUPS,
    MINOR_WEEKLY_SETS,
    SESSION_GROUPS,
)

_P = MovementPattern
SKILL_PATTERNS = frozenset({_P.PLYOMETRIC, _P.OLYMPIC})
BLOCK_PATTERNS = frozenset({_P.CARDIO, _P.CONDITIONING, _P.MOBILITY})
LONGEST_MAIN_REST = {Family.STRENGTH: 300, Family.HYPERTROPHY: 180, Family.CONDITIONING: 120}
INTERVAL_PHASES = frozenset(
    {MesocyclePhase.BUILD, MesocyclePhase.INTENSIFICATION, MesocyclePhase.REALIZATION}
)
GPP_FROM_SECONDS = 15 * 60
GPP_MAX_SECONDS = 20 * 60
# A deload keeps just over half of the previous week's hard sets (a 45% cut).
DELOAD_SHARE = 0.55


@dataclass(frozen=True)
class PlanContext:
    """Everything about the trainee that every week of the plan needs."""

    profile: TrainingProfile
    pool: MovementPool
    family: Family
    band: tuple[int, int]
    rpe_cap: float
    budget_seconds: float
    warmup_seconds: int
    power: bool
    conditioning_share: float
    cardio_first: bool


def schedule(
    start: date, week: int, templates: Sequence[SessionTemplate], training_days: Sequence[int]
) -> list[tuple[date, SessionTemplate]]:
    """Week `week` runs 7 days from start + 7 * (week - 1); sessions take its training days in order."""
    first = start + timedelta(days=7 * (week - 1))
    days = [
        first + timedelta(days=i)
        for i in range(7)
        if (first + timedelta(days=i)).isoweekday() in training_days
    ]
    return list(zip(days, templates, strict=True))


def build_week(
    plan: PlanContext,
    prescriber: Prescriber,
    slots: Sequence[tuple[date, SessionTemplate]],
    mains: dict[str, list[MovementSpec]],
    week: int,
    week_in_block: int,
) -> tuple[list[DraftSession], set[str]]:
    """A loading week, and the templates whose main lifts did not fit the time (empty when all did)."""
    ctx = WeekContext(plan.pool, prescriber, plan.band[1], week, set())
    sessions = [_open(plan, ctx, day, number, template) for number, (day, template) in enumerate(slots, 1)]
    for session in sessions:
        if session.template.power_slot and plan.power:
            _add_power(session, ctx)
        session.exercises.extend(prescriber.main(m, week_in_block) for m in mains[session.template.key])
    place_pins(sessions, _pins_for(plan, week), prescriber, easy=False)
    enforce_ceiling(sessions, plan.band[1])
    over = {session.template.key for session in sessions if not trim_to_budget(session)}
    if not over:
        _fill(sessions, plan, ctx)
    return sessions, over


def deload_week(
    plan: PlanContext, prescriber: Prescriber, previous: Sequence[DraftSession], week: int
) -> list[DraftSession]:
    """The previous week at half the sets and easy effort; the freed time becomes easy cool-down work."""
    ctx = WeekContext(plan.pool, prescriber, plan.band[1], week, set())
    sessions = [
        DraftSession(
            s.date + timedelta(days=7),
            s.day_number,
            s.template,
            s.budget_seconds,
            [deload(e) for e in s.exercises if e.section is not ExerciseRole.COOLDOWN],
        )
        for s in previous
    ]
    _restore_to_share(previous, sessions)
    place_pins(sessions, _pins_for(plan, week), prescriber, easy=True)
    for session in sessions:
        trim_to_budget(session)
        fill_time(session, ctx, cardio_first=True)
    return sessions


def _restore_to_share(previous: Sequence[DraftSession], sessions: Sequence[DraftSession]) -> None:
    """Halving each exercise can cut more than half; give sets back until the week keeps DELOAD_SHARE."""
    pairs = [
        (before, after)
        for old, new in zip(previous, sessions, strict=True)
        for before, after in zip(
            [e for e in old.exercises if e.section is not ExerciseRole.COOLDOWN], new.exercises, strict=True
        )
        if after.section in COUNTED_SECTIONS
    ]
    target = int(DELOAD_SHARE * sum(before.sets for before, _ in pairs))
    while sum(after.sets for _, after in pairs) < target:
        before, after = max(
            pairs, key=lambda pair: (pair[0].sets - pair[1].sets, pair[1].section is ExerciseRole.MAIN)
        )
        if before.sets <= after.sets:
            return
        after.sets += 1


def _pins_for(plan: PlanContext, week: int) -> list[MovementSpec]:
    # Preferred movements go in every odd week, so any two consecutive weeks contain them, and in the
    # week before a deload, which the deload copies (adding them to the deload would add hard sets).
    every = plan.profile.deload_every
    wanted = week % 2 == 1 or (week + 1) % every == 0 or week % every == 0
    return [*plan.pool.must_have, *(plan.pool.preferred if wanted else [])]


def _open(
    plan: PlanContext, ctx: WeekContext, day: date, number: int, template: SessionTemplate
) -> DraftSession:
    session = DraftSession(day, number, template, plan.budget_seconds)
    options = plan.pool.session_mobility(template.session_type, ctx.offset + number)
    options = options or plan.pool.easy_cardio_options()
    half = plan.warmup_seconds // 2
    for movement in options[:2]:
        seconds = half if len(options) > 1 else plan.warmup_seconds
        session.exercises.append(ctx.prescriber.timed(movement, ExerciseRole.WARMUP, seconds))
    return session


def _add_power(session: DraftSession, ctx: WeekContext) -> None:
    options = rotate(ctx.pool.power_options(), ctx.offset)
    if options:
        session.exercises.append(ctx.prescriber.skill(options[0]))


def place_pins(
    sessions: Sequence[DraftSession], pins: Sequence[MovementSpec], prescriber: Prescriber, easy: bool
) -> None:
    """Put every must-have movement not already in the week into the session with the most room."""
    for movement in pins:
        present = [e for s in sessions for e in s.exercises if e.movement.slug == movement.slug]
        if present:
            # Already there (as a main lift or the power slot): make sure trimming for time keeps it.
            present[0].pinned = True
            continue
        draft = _pin_draft(movement, prescriber)
        draft.pinned = True
        hosts = _hosts(sessions, movement, draft.section)
        host = max(hosts, key=lambda s: (s.room(), -s.day_number))
        host.exercises.append(deload(draft) if easy else draft)


def _pin_draft(movement: MovementSpec, prescriber: Prescriber) -> DraftExercise:
    if movement.pattern in SKILL_PATTERNS:
        return prescriber.skill(movement)
    if movement.pattern in BLOCK_PATTERNS:
        if movement.metric_type.value == "reps":
            return prescriber.accessory(movement, ExerciseRole.FINISHER)
        seconds = 120 if movement.pattern is _P.MOBILITY else 300
        return prescriber.conditioning(movement, ExerciseRole.FINISHER, seconds)
    return prescriber.accessory(movement)


def _hosts(
    sessions: Sequence[DraftSession], movement: MovementSpec, section: ExerciseRole
) -> list[DraftSession]:
    lifting = [s for s in sessions if not s.template.is_recovery]
    if section is ExerciseRole.FINISHER:
        return list(sessions)
    group = GROUP_OF.get(movement.primary_muscle)
    training = [s for s in lifting if group in SESSION_GROUPS[s.template.session_type]]
    return training or lifting


def _fill(sessions: Sequence[DraftSession], plan: PlanContext, ctx: WeekContext) -> None:
    lifting = [s for s in sessions if not s.template.is_recovery]
    trainable = plan.pool.trainable_groups()
    majors = [group for group in MAJOR_GROUPS if group in trainable]
    minors = list(MINOR_GROUPS)
    low, high = plan.band
    raise_groups(lifting, majors, low, ctx)
    if plan.conditioning_share:
        options = rotate(plan.pool.conditioning_options(_intervals(ctx)), ctx.offset)
        for session in lifting:
            seconds = min(plan.conditioning_share * plan.budget_seconds, session.room() - 60)
            if seconds >= 240:
                add_block(session, options, ExerciseRole.FINISHER, seconds, ctx)
    raise_groups(lifting, minors, 2, ctx)
    raise_groups(lifting, majors, (low + high) / 2, ctx)
    raise_groups(lifting, minors, MINOR_WEEKLY_SETS, ctx)
    if plan.family is Family.HYPERTROPHY:
        raise_groups(lifting, majors, high - 4, ctx)
    raise_groups(lifting, minors, MINOR_WEEKLY_SETS + 2, ctx)
    for session in sessions:
        if session.template.is_recovery:
            _fill_recovery(session, ctx)
        else:
            lengthen_rests(session, LONGEST_MAIN_REST[plan.family])
            _add_gpp(session, plan, ctx)
            fill_time(session, ctx, plan.cardio_first)


def _intervals(ctx: WeekContext) -> bool:
    """Later phases condition with intervals; base, accumulation and linear phases with steady cardio."""
    return ctx.prescriber.phase in INTERVAL_PHASES


def _add_gpp(session: DraftSession, plan: PlanContext, ctx: WeekContext) -> None:
    """Lots of time left once the volume band is met: some general conditioning before the cool-down."""
    room = session.room()
    if room > GPP_FROM_SECONDS:
        options = rotate(plan.pool.conditioning_options(_intervals(ctx)), ctx.offset)
        add_block(session, options, ExerciseRole.FINISHER, min(GPP_MAX_SECONDS, room - 600), ctx)


def _fill_recovery(session: DraftSession, ctx: WeekContext) -> None:
    """Active recovery: easy cardio for about half the time, then short mobility blocks."""
    cardio = rotate(ctx.pool.easy_cardio_options(), ctx.offset)
    add_block(session, cardio, ExerciseRole.FINISHER, session.room() / 2, ctx)
    mobility = ctx.pool.session_mobility(session.template.session_type, ctx.offset + 3)
    for _ in range(4):
        if not add_block(session, mobility, ExerciseRole.COOLDOWN, min(300, session.room() - 60), ctx):
            break
    fill_time(session, ctx, cardio_first=True)
