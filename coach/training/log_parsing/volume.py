"""What the numbers of a set clause mean: weight, reps and sets, decided from everything found in it."""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.models.enums import Units
from coach.training.log_parsing.tokens import Token

Load = tuple[Token, Units | None]  # a number and the unit written after it, if any


@dataclass
class SetFacts:
    """Everything the set grammar found in a clause, before deciding what the numbers mean."""

    weights: list[Load] = field(default_factory=list)
    chains: list[list[Load]] = field(default_factory=list)
    reps: list[Token] = field(default_factory=list)
    sets: list[Token] = field(default_factory=list)
    rpe: list[Token] = field(default_factory=list)
    rir: list[Token] = field(default_factory=list)
    bare: list[Token] = field(default_factory=list)
    feel: list[str] = field(default_factory=list)
    bodyweight: bool = False


@dataclass(frozen=True)
class Volume:
    """The weight (None: bodyweight or not given), reps and sets (None: one set) of a set clause."""

    weight: Load | None
    reps: Token
    sets: Token | None


def volume(facts: SetFacts) -> Volume | None:
    """The one reading of the numbers in facts, or None when there is none or more than one."""
    if max(len(facts.chains), len(facts.weights), len(facts.reps), len(facts.sets)) > 1:
        return None
    if not facts.chains:
        return _loose(facts)
    chain = facts.chains[0]
    if len(chain) == 3:
        return _weight_reps_sets(facts, chain)
    if len(chain) == 2:
        return _pair(facts, chain[0], chain[1])
    return None


def _weight_reps_sets(facts: SetFacts, chain: list[Load]) -> Volume | None:
    weight, (reps, reps_unit), (sets, sets_unit) = chain
    if reps_unit or sets_unit or facts.weights or facts.bare or facts.reps or facts.sets or facts.bodyweight:
        return None
    return Volume(weight, reps, sets)


def _pair(facts: SetFacts, first: Load, second: Load) -> Volume | None:
    number, unit = first
    if second[1] is not None:
        return None  # "5 x 100kg": sets x weight or reps x weight, nobody can tell
    if unit is not None or not number.whole:
        return _weight_by_reps(facts, first, second[0])
    if facts.weights or facts.bare or facts.bodyweight or number.value <= 10:
        return _sets_by_reps(facts, number, second[0])
    if number.value >= 20:
        return _weight_by_reps(facts, first, second[0])
    return None


def _weight_by_reps(facts: SetFacts, weight: Load, reps: Token) -> Volume | None:
    if facts.weights or facts.bare or facts.reps or facts.bodyweight:
        return None
    return Volume(weight, reps, facts.sets[0] if facts.sets else None)


def _sets_by_reps(facts: SetFacts, sets: Token, reps: Token) -> Volume | None:
    if facts.reps or facts.sets:
        return None
    loads = [*facts.weights, *((b, None) for b in facts.bare)]
    if len(loads) > 1 or (loads and facts.bodyweight):
        return None
    return Volume(loads[0] if loads else None, reps, sets)


def _loose(facts: SetFacts) -> Volume | None:
    """No "x": reps come from "5 reps" / "for 5", or from a lone number next to an explicit weight."""
    sets = facts.sets[0] if facts.sets else None
    if facts.reps:
        loads = [*facts.weights, *((b, None) for b in facts.bare)]
        if len(loads) > 1 or (loads and facts.bodyweight):
            return None
        return Volume(loads[0] if loads else None, facts.reps[0], sets)
    if len(facts.weights) == 1 and len(facts.bare) == 1 and not facts.bodyweight:
        return Volume(facts.weights[0], facts.bare[0], sets)
    return None
