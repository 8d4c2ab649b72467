"""The plan engine: a deterministic function from a training profile and the movement library to a plan.

Dates: the first microcycle starts on ``start`` itself (not the Monday before), so no workout is ever
scheduled before ``start`` and every microcycle is 7 days holding each training day exactly once.

Main lifts are chosen once per mesocycle per session slot (the same lift every week of the block, so
progress is measurable); strength plans keep them for the whole plan, other goals switch to the next
variation each block. Accessories rotate every week. After all weeks are built, a heavy main lift (RPE 8
or more on a compound or high-CNS movement) the day after a heavy lift of the same pattern is turned
into a lighter technique day at RPE 7.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from coach.models.enums import CNSLoad, ExerciseRole, Goal
from coach.movements.library import LibrarySpec, MovementSpec
from coach.training import limitations, timing
from coach.training.blueprint import MesocycleBlueprint, MicrocycleBlueprint, PlanBlueprint
from coach.training.draft import DraftExercise, DraftSession
from coach.training.freeze import freeze_workout
from coach.training.periodization import (
    DELOAD_FOCUS,
    FAMILY_OF,
    PHASE_FOCUS,
    Block,
    Family,
    blocks,
    is_deload_week,
    plan_weeks,
    progression_style,
)
from coach.training.prescription import Prescriber
from coach.training.profile import TrainingProfile
from coach.training.selection import MovementPool
from coach.training.splits import SessionTemplate, split_for
from coach.training.volume import volume_band
from coach.training.week import PlanContext, build_week, deload_week, schedule

HEAVY_RPE = 8.0
LIGHT_DAY_RPE = 7.0
SHORT_SESSION_MINUTES = 30
CONDITIONING_SHARE = {Goal.ENDURANCE: 0.3, Goal.FAT_LOSS: 0.2}
Week = list[DraftSession]


def generate_plan(profile: TrainingProfile, library: LibrarySpec, start: date) -> PlanBlueprint:
    """Build a whole plan for the profile, starting on `start`. Same inputs, same plan."""
    pool = MovementPool(profile, library)
    split, templates = split_for(profile.days_per_week)
    plan = _context(profile, pool)
    built = [
        _build_block(plan, templates, block, index, start) for index, block in enumerate(blocks(profile))
    ]
    spread_heavy_days([session for weeks in built for week in weeks for session in week])
    mesocycles = tuple(
        _mesocycle(plan, block, index, weeks, start)
        for index, (block, weeks) in enumerate(zip(blocks(profile), built, strict=True))
    )
    weeks = plan_weeks(profile)
    goal = profile.primary_goal
    return PlanBlueprint(
        name=f"{weeks}-week {goal.value.replace('_', ' ')} plan",
        goal=goal,
        split=split,
        progression_style=progression_style(profile.experience),
        start_date=start,
        weeks=weeks,
        deload_every=profile.deload_every,
        days_per_week=profile.days_per_week,
        session_minutes=profile.session_minutes,
        volume_band=plan.band,
        mesocycles=mesocycles,
        notes=tuple(pool.notes),
    )


def _context(profile: TrainingProfile, pool: MovementPool) -> PlanContext:
    goal = profile.primary_goal
    family = FAMILY_OF[goal]
    endurance_weight = profile.goal_weight(Goal.ENDURANCE) + profile.goal_weight(Goal.FAT_LOSS)
    share = CONDITIONING_SHARE.get(goal, 0.0) if family is Family.CONDITIONING else 0.0
    if not share and endurance_weight >= 3:
        share = 0.1
    return PlanContext(
        profile=profile,
        pool=pool,
        family=family,
        band=volume_band(goal, profile.experience),
        rpe_cap=limitations.rpe_cap(profile.limitations),
        budget_seconds=profile.session_minutes * 60.0,
        warmup_seconds=timing.warmup_minutes(profile.session_minutes) * 60,
        power=profile.goal_weight(Goal.EXPLOSIVENESS) + profile.goal_weight(Goal.SPEED) >= 3,
        conditioning_share=share,
        cardio_first=family is Family.CONDITIONING and goal is not Goal.MOBILITY,
    )


def _build_block(
    plan: PlanContext, templates: Sequence[SessionTemplate], block: Block, index: int, start: date
) -> list[Week]:
    """All weeks of one mesocycle; main lifts that do not fit the time are dropped for the whole block."""
    profile = plan.profile
    prescriber = Prescriber(
        plan.family,
        block.phase,
        progression_style(profile.experience),
        profile.experience,
        plan.rpe_cap,
        profile.session_minutes <= SHORT_SESSION_MINUTES,
    )
    dropped: Counter[str] = Counter()
    while True:
        mains = choose_mains(plan, templates, index, dropped)
        weeks: list[Week] = []
        over: set[str] = set()
        for week in range(block.start_week, block.start_week + block.week_count):
            if is_deload_week(week, profile.deload_every) and weeks:
                weeks.append(deload_week(plan, prescriber, weeks[-1], week))
                continue
            slots = schedule(start, week, templates, profile.training_days)
            sessions, late = build_week(plan, prescriber, slots, mains, week, week - block.start_week + 1)
            weeks.append(sessions)
            over |= late
        if not over or all(not mains[key] for key in over):
            return weeks
        dropped.update(key for key in over if mains[key])


def choose_mains(
    plan: PlanContext, templates: Sequence[SessionTemplate], block_index: int, dropped: Counter[str]
) -> dict[str, list[MovementSpec]]:
    """The main lifts of each session template for one block."""
    shift = 0 if plan.family is Family.STRENGTH else block_index % 2
    mains: dict[str, list[MovementSpec]] = {}
    for template in templates:
        chosen: list[MovementSpec] = []
        for slot in template.mains:
            taken = {m.slug for m in chosen}
            candidates = [m for m in plan.pool.main_candidates(slot.patterns) if m.slug not in taken]
            if candidates:
                chosen.append(candidates[min(slot.variant + shift, len(candidates) - 1)])
        mains[template.key] = chosen[: max(0, len(chosen) - dropped[template.key])]
    return mains


def is_heavy(exercise: DraftExercise) -> bool:
    """Heavy work: a main lift at RPE 8+ that is compound or taxes the nervous system."""
    demanding = exercise.movement.compound or exercise.movement.cns_load in (CNSLoad.HIGH, CNSLoad.VERY_HIGH)
    return (
        exercise.section is ExerciseRole.MAIN
        and demanding
        and exercise.target_rpe is not None
        and exercise.target_rpe >= HEAVY_RPE
    )


def spread_heavy_days(sessions: Sequence[DraftSession]) -> None:
    """No heavy work on the same pattern two calendar days running: the second day goes lighter."""
    heavy_on: dict[date, set[str]] = {}
    for session in sorted(sessions, key=lambda s: s.date):
        yesterday = heavy_on.get(session.date - timedelta(days=1), set())
        today: set[str] = set()
        for exercise in session.exercises:
            if not is_heavy(exercise):
                continue
            if exercise.movement.pattern in yesterday:
                exercise.target_rpe = LIGHT_DAY_RPE
            else:
                today.add(exercise.movement.pattern)
        heavy_on[session.date] = today


def _mesocycle(
    plan: PlanContext, block: Block, index: int, weeks: Sequence[Week], start: date
) -> MesocycleBlueprint:
    micro = []
    for offset, sessions in enumerate(weeks):
        number = block.start_week + offset
        deload = is_deload_week(number, plan.profile.deload_every) and offset > 0
        micro.append(
            MicrocycleBlueprint(
                week_number=number,
                start_date=start + timedelta(days=7 * (number - 1)),
                is_deload=deload,
                focus=DELOAD_FOCUS if deload else PHASE_FOCUS[block.phase],
                workouts=tuple(freeze_workout(s, plan.profile, plan.family, deload) for s in sessions),
            )
        )
    return MesocycleBlueprint(
        name=f"Block {index + 1}: {block.phase.value.title()}",
        phase=block.phase,
        focus=PHASE_FOCUS[block.phase],
        start_week=block.start_week,
        week_count=block.week_count,
        microcycles=tuple(micro),
    )
