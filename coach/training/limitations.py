"""What each limitation rules out of a plan, and how it changes what stays.

A limitation is a normalised area the trainee told us about. Each maps to a rule with four kinds of
exclusion and two modifications:

| limitation | excluded tags | excluded patterns | joint out at CNS | cap |
| --- | --- | --- | --- | --- |
| knee | high_impact, jumping | plyometric | knee, high+ |  |
| lower_back | spinal_loading | olympic | lower_back, mod+ |  |
| shoulder | overhead, inverted |  | shoulder, any |  |
| wrist |  |  | wrist, any |  |
| elbow |  |  | elbow, any |  |
| hip | jumping |  | hip, high+ |  |
| ankle | high_impact, jumping | plyometric | ankle, mod+ |  |
| neck | inverted |  | neck, any |  |
| pregnancy | supine, prone, high_impact, jumping, valsalva, inverted | olympic, plyometric |  | high, RPE 7 |
| postpartum | high_impact, jumping, valsalva | plyometric |  | high, RPE 7.5 |
| hypertension | valsalva, inverted |  |  | high, RPE 8 |

"joint out at CNS": a movement that stresses that joint is excluded at that CNS load or above ("any" = at
every load; "mod+" = moderate and above). "cap": the highest CNS load kept and the RPE every exercise is
capped at.

"Modified" choices: a movement tagged ``rehab_friendly`` survives the joint-stress exclusion of its area
(a machine chest press stays for a sore shoulder, a bodyweight squat for a sore knee), because those
variations are the ones a physio would keep. Tag, pattern and CNS exclusions have no such exemption: a
rehab-friendly supine movement is still out in pregnancy. The RPE cap lowers every prescribed effort.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from coach.models.enums import CNSLoad, MovementPattern
from coach.movements.library import MovementSpec

CNS_ORDER = (CNSLoad.VERY_LOW, CNSLoad.LOW, CNSLoad.MODERATE, CNSLoad.HIGH, CNSLoad.VERY_HIGH)


def cns_rank(load: CNSLoad) -> int:
    """0 for very_low up to 4 for very_high."""
    return CNS_ORDER.index(load)


class Limitation(StrEnum):
    KNEE = "knee"
    LOWER_BACK = "lower_back"
    SHOULDER = "shoulder"
    WRIST = "wrist"
    ELBOW = "elbow"
    HIP = "hip"
    ANKLE = "ankle"
    NECK = "neck"
    PREGNANCY = "pregnancy"
    POSTPARTUM = "postpartum"
    HYPERTENSION = "hypertension"


@dataclass(frozen=True)
class LimitationRule:
    excluded_tags: frozenset[str] = frozenset()
    excluded_patterns: frozenset[MovementPattern] = frozenset()
    stressed_joint: str | None = None
    # Joint-stressing movements at or above this load are out; None with a joint means any load.
    joint_cns_from: CNSLoad | None = None
    max_cns: CNSLoad | None = None
    rpe_cap: float | None = None


def _tags(*names: str) -> frozenset[str]:
    return frozenset(names)


_P = MovementPattern
RULES: dict[Limitation, LimitationRule] = {
    Limitation.KNEE: LimitationRule(
        _tags("high_impact", "jumping"), frozenset({_P.PLYOMETRIC}), "knee", CNSLoad.HIGH
    ),
    Limitation.LOWER_BACK: LimitationRule(
        _tags("spinal_loading"), frozenset({_P.OLYMPIC}), "lower_back", CNSLoad.MODERATE
    ),
    Limitation.SHOULDER: LimitationRule(_tags("overhead", "inverted"), stressed_joint="shoulder"),
    Limitation.WRIST: LimitationRule(stressed_joint="wrist"),
    Limitation.ELBOW: LimitationRule(stressed_joint="elbow"),
    Limitation.HIP: LimitationRule(_tags("jumping"), stressed_joint="hip", joint_cns_from=CNSLoad.HIGH),
    Limitation.ANKLE: LimitationRule(
        _tags("high_impact", "jumping"), frozenset({_P.PLYOMETRIC}), "ankle", CNSLoad.MODERATE
    ),
    Limitation.NECK: LimitationRule(_tags("inverted"), stressed_joint="neck"),
    Limitation.PREGNANCY: LimitationRule(
        _tags("supine", "prone", "high_impact", "jumping", "valsalva", "inverted"),
        frozenset({_P.OLYMPIC, _P.PLYOMETRIC}),
        max_cns=CNSLoad.HIGH,
        rpe_cap=7.0,
    ),
    Limitation.POSTPARTUM: LimitationRule(
        _tags("high_impact", "jumping", "valsalva"),
        frozenset({_P.PLYOMETRIC}),
        max_cns=CNSLoad.HIGH,
        rpe_cap=7.5,
    ),
    Limitation.HYPERTENSION: LimitationRule(_tags("valsalva", "inverted"), max_cns=CNSLoad.HIGH, rpe_cap=8.0),
}


def rule_allows(rule: LimitationRule, movement: MovementSpec) -> bool:
    """Whether one limitation's rule leaves this movement in."""
    if rule.excluded_tags.intersection(movement.tags) or movement.pattern in rule.excluded_patterns:
        return False
    if rule.max_cns is not None and cns_rank(movement.cns_load) > cns_rank(rule.max_cns):
        return False
    if rule.stressed_joint is None or rule.stressed_joint not in movement.joint_stress:
        return True
    if "rehab_friendly" in movement.tags:
        return True
    return rule.joint_cns_from is not None and cns_rank(movement.cns_load) < cns_rank(rule.joint_cns_from)


def allows(movement: MovementSpec, limitations: Iterable[Limitation]) -> bool:
    """Whether a movement is safe to prescribe with all of these limitations."""
    return all(rule_allows(RULES[limitation], movement) for limitation in limitations)


def strains(movement: MovementSpec, limitations: Iterable[Limitation]) -> bool:
    """Whether a movement loads a joint one of these limitations protects, even where the rules keep it (a
    couch stretch is allowed with a sore knee, but a coach with other drills to choose from picks those)."""
    return any(RULES[item].stressed_joint in movement.joint_stress for item in limitations)


def rpe_cap(limitations: Iterable[Limitation]) -> float:
    """The highest RPE any exercise may be prescribed at (10 when nothing caps it)."""
    caps = [RULES[item].rpe_cap for item in limitations]
    return min([cap for cap in caps if cap is not None], default=10.0)
