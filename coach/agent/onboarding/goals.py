"""Goals ("get stronger", "lose weight and tone up") and experience ("new", "2 years", "advanced")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from coach.agent.onboarding.matching import Found, negated, number, phrases, scan
from coach.models.enums import ExperienceLevel, Goal

MAX_GOALS = 3
# Weights for one, two or three goals in the order the trainee named them (they always sum to 10).
WEIGHTS = {1: (10,), 2: (6, 4), 3: (5, 3, 2)}
GENERAL_FITNESS = (Goal.STRENGTH, Goal.HYPERTROPHY, Goal.ENDURANCE)

_G = Goal
_GOALS = phrases(
    [
        (r"strong(?:er|est)?|strength(?: training)?|powerlift\w*|lift heav\w*|heavier", (_G.STRENGTH,)),
        (
            r"muscle[sy]?|muscular|hypertrophy|bulk(?:ing| up|y)?|bigger|size|mass|bodybuild\w*|gains?|"
            r"get big|jacked|swole|build (?:some )?muscle|put on (?:some )?weight|gain weight",
            (_G.HYPERTROPHY,),
        ),
        (
            r"los(?:e|ing) (?:some |the |my |a (?:few|bit of|little) )?"
            r"(?:weight|fat|pounds|lbs|kg|kilos|belly|gut|inches)|"
            r"weight ?loss|fat ?loss|burn(?:ing)? fat|lean(?:er)?|slim\w*|shred\w*|cut(?:ting)?|"
            r"drop (?:some )?(?:weight|pounds|lbs|kg|fat)|lose \d+\s*(?:lbs?|pounds|kg|kilos)?|belly fat|"
            r"fat|get lean|trim down|skinnier|thinner",
            (_G.FAT_LOSS,),
        ),
        (
            r"endurance|stamina|cardio|conditioning|run(?:ning|ner)?|marathon|half marathon|\d+k|"
            r"triathlon|cycling|swimming|out of breath|fitter|aerobic",
            (_G.ENDURANCE,),
        ),
        (
            r"mobility|flexib\w*|stretch\w*|move better|posture|stiff(?:ness)?|supple|touch my toes",
            (_G.MOBILITY,),
        ),
        (
            r"explosiv\w*|power(?:ful)?(?! rack)|jump(?:ing)? higher|vertical(?: jump)?|dunk|plyo\w*",
            (_G.EXPLOSIVENESS,),
        ),
        (r"speed|fast(?:er)?|quick(?:er|ness)?|sprint\w*|agil\w*", (_G.SPEED,)),
        (r"ton(?:e|ed|ing)(?: up)?", (_G.FAT_LOSS, _G.HYPERTROPHY)),
        (
            r"athlet\w*|sports?|performance|soccer|football|basketball|tennis|hockey|rugby|volleyball|"
            r"baseball|lacrosse|martial arts|mma|bjj",
            (_G.EXPLOSIVENESS, _G.STRENGTH, _G.SPEED),
        ),
        (
            r"(?:get|getting|be|stay|staying) (?:fit|fitter|in shape|healthy|healthier|active)|"
            r"general (?:fitness|health)|overall (?:fitness|health)|in (?:better )?shape|healthier|"
            r"feel better|longevity",
            GENERAL_FITNESS,
        ),
    ]
)

_E = ExperienceLevel
_EXPERIENCE = phrases(
    [
        (
            r"beginner|complete beginner|total beginner|newbie|novice|new(?: to (?:this|it|lifting|"
            r"training|the gym|working out|fitness|exercise))?(?! york| zealand| jersey| mexico| orleans)|"
            r"never(?: \w+)? (?:trained|lifted|worked out|been to a gym|exercised)|just start\w*|"
            r"starting out|first time|no experience|not much(?: experience)?|not (?:very )?experienced|"
            r"haven't (?:trained|lifted|worked out|exercised)(?: \w+){0,3}|out of shape|couch potato|"
            r"been a (?:long )?while|rusty|getting back into it|coming back|returning|zero|very little|"
            r"little experience|none really",
            _E.BEGINNER,
        ),
        (
            r"intermediate|some experience|a bit of experience|on and off|on ?& ?off|off and on|"
            r"know my way around(?: the gym)?|a while|moderate(?:ly experienced)?|decent(?: experience)?|"
            r"been lifting|lift regularly|train regularly",
            _E.INTERMEDIATE,
        ),
        (
            r"advanced|experienced|very experienced|seasoned|veteran|lots of experience|a lot of experience|"
            r"for years|many years|years and years|competed|compete in \w+|competitive (?:lifter|athlete)",
            _E.ADVANCED,
        ),
        (r"expert|elite|(?:i'm|i am) a (?:coach|trainer|pt)|personal trainer|pro athlete", _E.EXPERT),
    ]
)
_DURATION = re.compile(
    r"(?<![\w'])(?P<n>\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|"
    r"a couple(?: of)?|couple(?: of)?|several|many|half a)\s*\+?\s*(?:or so\s*)?"
    r"(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?)(?![\w'])"
    r"(?!\s*(?:old|ago|pregnant|postpartum|post-partum|back|since|off))"
)
_VAGUE = {"a few": 3, "few": 3, "a couple": 2, "a couple of": 2, "couple": 2, "couple of": 2, "several": 5}


def find_goals(folded: str) -> Found[tuple[Goal, ...]] | None:
    """The goals named, most important (first named) first, at most three; negated ones are skipped."""
    goals: list[Goal] = []
    spans = []
    for hit in scan(_GOALS, folded):
        if negated(folded, hit.start):
            continue
        spans.append(hit.span)
        goals.extend(goal for goal in hit.value if goal not in goals)
    return Found(tuple(goals[:MAX_GOALS]), tuple(spans)) if goals else None


def goal_weights(goals: Sequence[Goal]) -> list[dict[str, Any]]:
    """Goals as the profile stores them: [{"goal": "strength", "weight": 6}, ...], weights summing to 10."""
    chosen = list(dict.fromkeys(goals))[:MAX_GOALS] or list(GENERAL_FITNESS)
    return [
        {"goal": goal.value, "weight": weight}
        for goal, weight in zip(chosen, WEIGHTS[len(chosen)], strict=True)
    ]


def find_experience(folded: str) -> Found[ExperienceLevel] | None:
    """How experienced the trainee is: a stated duration wins over words ("2 years" beats "on and off")."""
    for match in _DURATION.finditer(folded):
        if negated(folded, match.start()):
            continue  # "haven't trained in 5 years"
        level = _level_for(match.group("n"), match.group("unit"))
        if level is not None:
            return Found(level, (match.span(),))
    for hit in scan(_EXPERIENCE, folded):
        if hit.value is not _E.BEGINNER and negated(folded, hit.start):
            continue
        return Found(hit.value, (hit.span,))
    return None


def _level_for(amount: str, unit: str) -> ExperienceLevel | None:
    if amount in ("a", "an") and unit.startswith("w"):
        return None  # "3 days a week" is how often, not how long
    value = 0.5 if amount == "half a" else _VAGUE.get(amount) or number(amount)
    if value is None:
        return None
    years = value if unit.startswith("y") else value / 12 if unit.startswith("mo") else value / 52
    if years < 1:
        return _E.BEGINNER
    if years < 5:
        return _E.INTERMEDIATE
    return _E.ADVANCED
