"""The arithmetic of week-to-week progression: given last week's prescription and logged sets, next week's.

Pure functions, no database. A week "hits" when every logged set of the movement reached the target reps at
or under the target RPE (an unrated set counts as on target). A week "misses" when a set fell short of the
target reps or went one RPE or more over target; anything between (a little over on effort) is a hold.

- single: hit -> one load step up (`load_step`); otherwise hold; a miss two weeks running -> 5% lighter.
- double: every set at the top of the rep range on target -> one load step up and back to the bottom of the
  range; a hit below the top -> same load, and the range starts one rep above the reps done (climbing);
  misses as single.
- wave: the generator already waves reps and effort week to week; the load is set from the newest e1RM
  (the best of last week's sets, see `newest_e1rm`) for this week's reps and effort.

A week that starts a new block (mesocycle) re-bases single and double on the newest e1RM as wave does,
since last week's load was for other reps and effort. Deload weeks keep their sets and effort cap and
take the new base load converted to their reps and effort on the RPE chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coach.models.enums import ProgressionStyle, Units
from coach.training.intensity import (
    KG_INCREMENT,
    KG_PER_LB,
    LB_INCREMENT,
    MAX_REPS,
    MAX_RPE,
    MIN_RPE,
    load_for,
    percent_1rm,
    round_load,
)

REDUCTION = 0.05
MISS_MARGIN = 1.0


@dataclass(frozen=True)
class Target:
    """What a week asked of one movement: the rep range, the effort (RPE, or 10 - RIR) and the load."""

    rep_min: int
    rep_max: int
    rpe: float | None
    load_kg: float | None


@dataclass(frozen=True)
class LoggedTopSet:
    weight_kg: float
    reps: int
    rpe: float | None
    e1rm_kg: float | None


@dataclass(frozen=True)
class Step:
    """Next week's numbers for one movement and the rule that set them."""

    load_kg: float | None
    rep_min: int
    rule: str


def hit(target: Target, sets: Sequence[LoggedTopSet], reps: int | None = None) -> bool:
    """Every set reached `reps` (default the bottom of the range) at or under the target effort."""
    needed = target.rep_min if reps is None else reps
    return bool(sets) and all(s.reps >= needed and _on_effort(s, target) for s in sets)


def missed(target: Target, sets: Sequence[LoggedTopSet]) -> bool:
    """A set fell short of the target reps or went a full RPE (or more) over the target."""
    return any(
        s.reps < target.rep_min or (target.rpe is not None and s.rpe is not None and s.rpe >= target.rpe + 1)
        for s in sets
    )


def _on_effort(logged: LoggedTopSet, target: Target) -> bool:
    return target.rpe is None or logged.rpe is None or logged.rpe <= target.rpe


def load_step(units: Units) -> float:
    """One plate step in kg: 2.5 kg upper or lower body, or the trainee's 5 lb.

    Upper-body lifts could move by 1.25 kg, but the text shows kilograms to 0.5 and most gyms lack the
    micro-plates, so a kilogram trainee steps by 2.5 kg everywhere.
    """
    return round(LB_INCREMENT * KG_PER_LB, 2) if units is Units.LB else KG_INCREMENT


def next_step(
    style: ProgressionStyle,
    last: Target,
    sets: Sequence[LoggedTopSet],
    missed_before: bool,
    now: Target,
    new_block: bool,
    units: Units,
) -> Step | None:
    """Next week's load and bottom rep for a movement trained last week; None keeps the prescription."""
    base = max(s.weight_kg for s in sets)
    step_kg = load_step(units)
    if base <= 0:
        return None  # bodyweight: nothing to load
    if style is ProgressionStyle.WAVE_LOADING or new_block:
        load = _from_e1rm(newest_e1rm(sets), now, units)
        return None if load is None else Step(load, now.rep_min, "e1rm")
    if missed(last, sets) and missed_before:
        return Step(_reduced(base, step_kg, units), now.rep_min, "reduce")
    if style is ProgressionStyle.DOUBLE_PROGRESSION:
        return _double(last, sets, base, now, step_kg)
    if hit(last, sets):
        return Step(round(base + step_kg, 2), now.rep_min, "increase")
    return Step(base, now.rep_min, "hold")


def newest_e1rm(sets: Sequence[LoggedTopSet]) -> float | None:
    """The best e1RM of last week's sets, read off the same RPE chart the loads come from.

    A rated set says how many reps were left (5 @ RPE 8 is a 7-rep max), so the chart gives a truer 1RM
    than a reps-only formula, and a lifter who does exactly what was prescribed keeps the same e1RM. Sets
    without a usable rating fall back to the stored (formula) e1RM.
    """
    best: float | None = None
    for s in sets:
        if s.rpe is not None and MIN_RPE <= s.rpe <= MAX_RPE and 1 <= s.reps <= MAX_REPS and s.weight_kg > 0:
            estimate: float | None = s.weight_kg * 100.0 / percent_1rm(s.reps, s.rpe)
        else:
            estimate = s.e1rm_kg
        if estimate is not None and (best is None or estimate > best):
            best = estimate
    return best


def _double(last: Target, sets: Sequence[LoggedTopSet], base: float, now: Target, step_kg: float) -> Step:
    if hit(last, sets, reps=last.rep_max):
        return Step(round(base + step_kg, 2), now.rep_min, "increase")
    if hit(last, sets):
        done = min(s.reps for s in sets)
        return Step(base, max(now.rep_min, min(now.rep_max, done + 1)), "more reps")
    return Step(base, now.rep_min, "hold")


def _reduced(base: float, step_kg: float, units: Units) -> float:
    lighter = round_load(base * (1 - REDUCTION), units)
    return lighter if lighter < base else round(max(step_kg, base - step_kg), 2)


def _from_e1rm(e1rm: float | None, now: Target, units: Units) -> float | None:
    if e1rm is None or now.rpe is None or not MIN_RPE <= now.rpe <= MAX_RPE or now.rep_min > MAX_REPS:
        return None
    return load_for(e1rm, now.rep_min, now.rpe, units)


def deload_load(base_kg: float, base: Target, deload: Target, units: Units) -> float:
    """The new base load moved to the deload's reps and effort along the RPE chart."""
    if base.rpe is None or deload.rpe is None or max(base.rep_min, deload.rep_min) > MAX_REPS:
        return base_kg
    if not (MIN_RPE <= base.rpe <= MAX_RPE and MIN_RPE <= deload.rpe <= MAX_RPE):
        return base_kg
    ratio = percent_1rm(deload.rep_min, deload.rpe) / percent_1rm(base.rep_min, base.rpe)
    return min(base_kg, round_load(base_kg * ratio, units))
