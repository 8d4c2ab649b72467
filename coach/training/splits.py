"""Which sessions make up a training week, by days per week.

| days | split        | sessions in order                                             |
|------|--------------|---------------------------------------------------------------|
| 2    | full_body    | Full body A, Full body B                                      |
| 3    | full_body    | Full body A, B, C                                             |
| 4    | upper_lower  | Upper A, Lower A, Upper B, Lower B                            |
| 5    | hybrid       | Push, Pull, Legs, Upper, Lower (PPL + upper/lower)            |
| 6    | ppl          | Push A, Pull A, Legs A, Push B, Pull B, Legs B                |
| 7    | ppl          | Push A, Pull A, Legs A, Recovery (mobility + easy cardio), Push B, Pull B, Legs B |

Sessions take the training days in date order. Each session names its main-lift slots: a slot lists the
patterns it accepts (in order) and which ranked candidate it takes (``variant`` 1 = the second choice), so
the B day trains a different variation of the same pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.models.enums import MovementPattern, SessionType, SplitTemplate

_P = MovementPattern


@dataclass(frozen=True)
class MainSlot:
    patterns: tuple[MovementPattern, ...]
    variant: int = 0


@dataclass(frozen=True)
class SessionTemplate:
    key: str
    session_type: SessionType
    mains: tuple[MainSlot, ...]
    # Whether jumps or throws open the session when the goal asks for power.
    power_slot: bool = False

    @property
    def is_recovery(self) -> bool:
        return self.session_type is SessionType.RECOVERY


SQUAT = MainSlot((_P.SQUAT, _P.LUNGE))
SQUAT_2 = MainSlot((_P.SQUAT, _P.LUNGE), 1)
HINGE = MainSlot((_P.HINGE,))
HINGE_2 = MainSlot((_P.HINGE,), 1)
H_PUSH = MainSlot((_P.HORIZONTAL_PUSH,))
H_PUSH_2 = MainSlot((_P.HORIZONTAL_PUSH,), 1)
V_PUSH = MainSlot((_P.VERTICAL_PUSH,))
H_PULL = MainSlot((_P.HORIZONTAL_PULL,))
V_PULL = MainSlot((_P.VERTICAL_PULL, _P.HORIZONTAL_PULL))

_S = SessionType
FULL_A = SessionTemplate("full_body_a", _S.FULL_BODY, (SQUAT, H_PUSH, H_PULL), power_slot=True)
FULL_B = SessionTemplate("full_body_b", _S.FULL_BODY, (HINGE, V_PUSH, V_PULL), power_slot=True)
FULL_C = SessionTemplate("full_body_c", _S.FULL_BODY, (SQUAT_2, H_PUSH_2, V_PULL), power_slot=True)
UPPER_A = SessionTemplate("upper_a", _S.UPPER, (H_PUSH, V_PULL))
UPPER_B = SessionTemplate("upper_b", _S.UPPER, (V_PUSH, H_PULL))
LOWER_A = SessionTemplate("lower_a", _S.LOWER, (SQUAT, HINGE_2), power_slot=True)
LOWER_B = SessionTemplate("lower_b", _S.LOWER, (HINGE, SQUAT_2), power_slot=True)
PUSH_A = SessionTemplate("push_a", _S.PUSH, (H_PUSH, V_PUSH))
PUSH_B = SessionTemplate("push_b", _S.PUSH, (V_PUSH, H_PUSH_2))
PULL_A = SessionTemplate("pull_a", _S.PULL, (V_PULL, H_PULL))
PULL_B = SessionTemplate("pull_b", _S.PULL, (H_PULL, V_PULL))
LEGS_A = SessionTemplate("legs_a", _S.LEGS, (SQUAT, HINGE_2), power_slot=True)
LEGS_B = SessionTemplate("legs_b", _S.LEGS, (HINGE, SQUAT_2), power_slot=True)
RECOVERY = SessionTemplate("recovery", _S.RECOVERY, ())

SPLITS: dict[int, tuple[SplitTemplate, tuple[SessionTemplate, ...]]] = {
    2: (SplitTemplate.FULL_BODY, (FULL_A, FULL_B)),
    3: (SplitTemplate.FULL_BODY, (FULL_A, FULL_B, FULL_C)),
    4: (SplitTemplate.UPPER_LOWER, (UPPER_A, LOWER_A, UPPER_B, LOWER_B)),
    5: (SplitTemplate.HYBRID, (PUSH_A, PULL_A, LEGS_A, UPPER_A, LOWER_B)),
    6: (SplitTemplate.PPL, (PUSH_A, PULL_A, LEGS_A, PUSH_B, PULL_B, LEGS_B)),
    7: (SplitTemplate.PPL, (PUSH_A, PULL_A, LEGS_A, RECOVERY, PUSH_B, PULL_B, LEGS_B)),
}

SESSION_LABELS: dict[SessionType, str] = {
    _S.UPPER: "Upper body",
    _S.LOWER: "Lower body",
    _S.PUSH: "Push",
    _S.PULL: "Pull",
    _S.LEGS: "Legs",
    _S.FULL_BODY: "Full body",
    _S.CARDIO: "Cardio",
    _S.MOBILITY: "Mobility",
    _S.RECOVERY: "Recovery",
    _S.SKILL: "Skill",
    _S.CUSTOM: "Training",
}


# How a week of deloads is introduced in the texts that list a week ("Next week is a lighter one, to
# recover: Mon Upper body, ..."): the weekly preview and "what's next week".
LIGHTER_WEEK = " is a lighter one, to recover"


def split_for(days_per_week: int) -> tuple[SplitTemplate, tuple[SessionTemplate, ...]]:
    """The split and its session templates for 2..7 training days."""
    return SPLITS[days_per_week]
