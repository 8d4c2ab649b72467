"""A request to swap an exercise, read without an LLM: "knee hurts, swap lunges", "swap squats for leg press".

Pure functions, no I/O. Like `coach.agent.intents`, the reading is strict: the whole text (normalised the same
way) must be a swap request, optionally with a day ("swap friday's squats", "sub out deadlifts today") and
one aching joint as the reason ("my knee is killing me, can we swap the lunges", "swap lunges, back is
sore"). Anything more ("swap lunges and squats", "swap lunges, and can I train Sunday?") is left to the LLM.
Whether the exercise is really in the trainee's workouts is for the caller to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.agent.intents import DAY_WORDS, WorkoutDay, normalise, workout_day


@dataclass(frozen=True)
class SwapRequest:
    """Swap `exercise` (as the trainee named it) on `day` (None: the next workout that has it), for
    `replacement` (None: the coach picks a safe one), sparing what `reason` says hurts."""

    exercise: str
    replacement: str | None = None
    day: WorkoutDay | None = None
    reason: str | None = None


_JOINT = (
    r"(?:knees?|(?:lower |low )?back|shoulders?|rotator cuff|wrists?|elbows?|hips?|groin|ankles?|achilles|"
    r"neck)"
)
_ACHING = (
    r"(?:hurts?|hurting|sore|aches?|aching|achy|bothering me|bugging me|acting up|playing up|killing me|"
    r"tweaked|tweaky|off|tight|cranky|stiff|flaring up|flared up|in pain|painful|beat up|banged up|"
    r"not (?:great|good|happy|right|feeling great)|isnt (?:great|good|happy|right))"
)
_HOW = (
    r"(?:(?:is|are|feels|feel|has been|have been|been|still|kinda|a bit|bit|a little|really|pretty|super|so|"
    r"very) )*"
)
_REASON = (
    r"(?P<reason>"
    rf"(?:my )?{_JOINT} {_HOW}{_ACHING}(?: (?:today|again|a bit|a little|lately|still|rn))?"
    r"|(?:(?:i have|ive got|i got|got|have|with) )?(?:a |my )?"
    rf"(?:sore|bad|achy|tweaked|cranky|tight|stiff|dodgy|banged up|beat up|painful) {_JOINT}"
    rf"|(?:my )?{_JOINT} pain"
    r")"
)
_DAY = f"(?:{DAY_WORDS})"
# An exercise's name: one to four words, none of them a day or a word that joins the parts of a request.
_WORD = (
    rf"(?!(?:{DAY_WORDS}|my|the|for|with|to|on|and|or|but|because|cause|since|instead|out|as|time|"
    r"alarm|texts?|messages?|workouts?|sessions?|plan|days?|reminders?)\b)[a-z0-9]+"
)
_WORDS = rf"{_WORD}(?: {_WORD}){{0,3}}?"
_ASK = (
    r"(?:(?:can|could|would) (?:you|we|i) |i want to |i need to |id like to |i would like to |lets |just )?"
)
_SWAP = (
    _ASK + r"(?:swap|sub|substitute|replace|switch|change)(?: out)?"
    rf"(?: (?P<day_before>{_DAY})s?)?(?: (?:the|my|those|these))? (?P<exercise>{_WORDS})(?: out)?"
    rf"(?: (?:for|with|to) (?:a |an |some |the )?(?P<replacement>{_WORDS}))?"
    rf"(?: (?:on |for )?(?P<day_after>{_DAY}))?(?: instead)?"
)
_ALTERNATIVE = (
    r"(?:(?:(?:can|could) (?:i|we|you) (?:do|have|get|give me) |give me |i need |is there |whats )?"
    r"(?:something|anything|an alternative|a substitute|a sub|another exercise|a different exercise)"
    r"(?: else)?"
    r"|what (?:else )?(?:can|could|should) i do)"
    rf" (?:instead of|to replace|in place of) (?:the |my )?(?P<exercise>{_WORDS})"
    rf"(?: (?:on |for )?(?P<day_after>{_DAY}))?"
)
_THEN = r"(?: (?:so|and|but|anyway|ugh|today))*"
_BECAUSE = r"(?: (?:because|cause|cuz|coz|bc|since|as))?"


def _patterns() -> tuple[re.Pattern[str], ...]:
    # Python's re allows a group name once per pattern, so each alternative is a pattern of its own.
    shapes = (  # with a reason first: a reason is never part of an exercise's name
        "{request}" + _BECAUSE + " " + _REASON,
        _REASON + _THEN + " {request}",
        "{request}",
    )
    requests = (_SWAP, _ALTERNATIVE)
    return tuple(re.compile(shape.format(request=request)) for shape in shapes for request in requests)


_PATTERNS = _patterns()
# "something else", "anything easier": no replacement named, the coach picks.
_ANY = re.compile(r"(?:something|anything)(?: (?:else|easier|different|lighter|other))?|another one|other")


# A body part is not an exercise: "what can I do instead of legs" is a question for the LLM.
_BODY_PARTS = frozenset(
    (  # noqa: SIM905 - a list of words reads best as words
        "knee knees lower low back shoulder shoulders wrist wrists elbow elbows hip hips groin ankle ankles "
        "achilles neck chest leg legs arm arms ab abs core glute glutes hamstring hamstrings quad quads calf "
        "calves bicep biceps tricep triceps lat lats upper body"
    ).split()
)


def read_swap(text: str) -> SwapRequest | None:
    """The swap a text asks for, or None when it is anything else."""
    words = normalise(text)
    for pattern in _PATTERNS:
        match = pattern.fullmatch(words)
        if match is not None:
            request = _request(match)
            return None if set(request.exercise.split()) <= _BODY_PARTS else request
    return None


def _request(match: re.Match[str]) -> SwapRequest:
    found = match.groupdict()
    replacement = found.get("replacement")
    if replacement is not None and _ANY.fullmatch(replacement):
        replacement = None
    day = found.get("day_before") or found.get("day_after")
    return SwapRequest(
        exercise=found["exercise"],
        replacement=replacement,
        day=workout_day(day) if day else None,
        reason=found.get("reason"),
    )
