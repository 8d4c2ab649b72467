"""New standing training days, read without an LLM: "can I do 3 days a week instead of 4?", "switch to Mon
Wed Fri", "I can only train 3 days a week now", "change my days to tue thu sat".

Pure functions, no I/O. Like `coach.agent.intents`, the whole text (normalised the same way) must be the
request: a count of days a week, or two or more named days (ranges and "weekdays" included), after a verb
that asks for the change. Days after "train" / "do" count only with words that make them standing ("from now
on", "instead of mon tue thu fri"): "can I train sat and sun (instead)" may be about this weekend alone, so
the LLM reads it.
One day ("can I train friday instead") is a single workout's move, not this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.agent.intents import normalise
from coach.agent.onboarding.matching import number
from coach.agent.onboarding.schedule import WEEKDAY_WORDS, find_days


@dataclass(frozen=True)
class TrainingDaysRequest:
    """Train on `days` (ISO weekdays, two or more), or on `count` days a week that the coach picks."""

    days: tuple[int, ...] | None = None
    count: int | None = None


_N = r"(?:\d|one|two|three|four|five|six|seven)"
_WEEK = r"(?:a|per|each|every|in a) (?:week|wk)"
_UNIT = r"(?:x|times|sessions?|workouts?)"
# "3 days a week", "3x a week", "three times per week", "4 a week".
_COUNT_WEEK = rf"(?:only |just )?(?P<n>{_N})(?: days?| ?{_UNIT})? {_WEEK}"
# ... or "3 days", which may be this week's: only after a change verb, or "instead of 4" / "from now on".
_COUNT = rf"(?:only |just )?(?P<n>{_N})(?: days?(?: {_WEEK})?| ?{_UNIT}? {_WEEK})"
_D = f"(?:{WEEKDAY_WORDS})"
_GROUP = r"(?:weekdays|week days|weekends|mwf|m/w/f|t/th|tu/th|tth|every ?day)"
_ITEM = rf"(?:{_D}(?: (?:to|through|thru|till|until) {_D})?|{_GROUP})"
_SEP = r"(?: ?/ ?| and | )"
_LIST = rf"(?:on )?(?P<list>{_ITEM}(?:{_SEP}{_ITEM})*)"
# Days that can only be standing ones: "mondays and thursdays", "weekdays".
_PLURAL = r"(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|weekdays|week days|weekends)"
_PLURAL_LIST = re.compile(rf"{_PLURAL}(?:{_SEP}{_PLURAL})*")
# What the trainee trains on now, after "instead of": "4", "the usual 4 days", "mon tue thu fri".
_OLD = (
    rf"(?:(?:the |my )?(?:usual |current )?{_N}(?: ?(?:x|times|days?|sessions?|workouts?))?(?: {_WEEK})?"
    rf"|{_D}(?:{_SEP}{_D})*)"
)
# Words that make days standing, not this week's: "instead" alone may be about this weekend only.
_FOR_GOOD_WORDS = r"(?:from now on|going forward|moving forward)"
_FOR_GOOD = rf"(?:{_FOR_GOOD_WORDS}|(?:instead of|rather than) {_OLD})"
_MARKER = rf"(?:now|for now|instead|{_FOR_GOOD})"
_TAIL = rf"(?: {_MARKER})*(?: (?:if thats ok|if possible|is that ok|is that possible|would that work))?"
_STANDS = rf"(?: {_MARKER})*(?: {_FOR_GOOD})" + _TAIL  # a tail with a word that makes it standing

# "actually, can I ...": words that lead in without changing the request.
_LEAD_IN = r"(?:(?:actually|also|and|but|so|hmm|um|ok|okay|honestly|realistically|hey) )*"
_ASK = _LEAD_IN + (
    r"(?:(?:can|could|may) (?:i|we|you) |i want to |i wanna |i need to |id like to |i would like to |lets "
    r"|let us |i have to )?"
)
# A change verb takes a count ("drop me down to 2 days", "switch to 3 days a week") ...
_CHANGE = (
    _ASK + r"(?:switch|change|move|go|drop|cut|bump|reduce|increase|scale|up)(?: (?:me|us|things|everything"
    r"|it|my (?:plan|schedule|training|training days|workout days|days)))?(?: (?:down|up|back|over))?"
    r" (?:to|for) "
)
# ... but named days only after "switch (me) to" or "my days": "move it to sat and sun" is one workout.
_CHANGE_DAYS = _ASK + (
    r"(?:(?:switch|change)(?: (?:me|us|things|everything))?(?: over)? to "
    r"|(?:switch|change|move|put|shift|set|make|update) (?:my )?(?:training |workout |gym )?"
    r"(?:days|schedule) (?:to |be )?)"
)
_SET = _ASK + (
    r"(?:change|set|make|update|switch|reduce|cut|drop|increase|bump|up) my (?:training |workout |gym )?"
    r"(?:days|schedule)(?: (?:down|up))?(?: to| be)? "
)
_DO = _ASK + r"(?:just |only )?(?:train|do|work out|workout|lift|try) "
_CAN = _LEAD_IN + (
    r"(?:i (?:can |could )?only (?:have time for |have time to train |train |do |make |manage |get in "
    r"|fit in |have )?|i can (?:now |only )?(?:train|do|make|manage) |i (?:only )?have time for )"
)
_PREFER = _LEAD_IN + (
    r"(?:(?:id|i would|i) (?:rather|prefer|like)(?: to)?(?: (?:train|do|go|have|switch to|train on))? "
    r"|i want(?: to (?:train|do))? |(?:ill|i will|im going to|im gonna) (?:train|do) )"
)

_COUNT_REQUESTS = (
    re.compile(_CHANGE + _COUNT + _TAIL),
    re.compile(_SET + _COUNT + _TAIL),
    re.compile(_SET + rf"(?P<n>{_N})" + _TAIL),  # "reduce my days to 3"
    *(re.compile(lead + _COUNT_WEEK + _TAIL) for lead in (_DO, _CAN, _PREFER)),
    *(re.compile(lead + _COUNT + _STANDS) for lead in (_DO, _CAN, _PREFER, _LEAD_IN)),
    re.compile(_LEAD_IN + _COUNT_WEEK + r"(?: now)? instead" + _TAIL),
)
# Named days after "switch to" / "my days"; after "I can only" or a preference only when plural ("mondays")
# or with a word that makes them standing, as after "train"/"do" or alone.
_LIST_REQUESTS = (
    re.compile(_CHANGE_DAYS + _LIST + _TAIL),
    *(re.compile(lead + _LIST + _STANDS) for lead in (_DO, _CAN, _PREFER, _LEAD_IN)),
)
_PLURAL_LIST_REQUESTS = tuple(re.compile(lead + _LIST + _TAIL) for lead in (_CAN, _PREFER))
_LEADING_FOR_GOOD = re.compile(rf"(?P<marker>{_FOR_GOOD_WORDS}) (?P<rest>.+)")


def read_training_days(text: str) -> TrainingDaysRequest | None:
    """The request, or None when the text is anything else (or asks for no days at all)."""
    words = normalise(_ranges(text))
    leading = _LEADING_FOR_GOOD.fullmatch(words)
    if leading:  # "from now on I can only train 3 days a week": the marker read where it usually comes
        words = f"{leading.group('rest')} {leading.group('marker')}"
    match = _first(_COUNT_REQUESTS, words)
    if match:
        value = number(match.group("n"))
        return TrainingDaysRequest(count=int(value)) if value and 1 <= value <= 7 else None
    match = _first(_LIST_REQUESTS, words)
    if match is None:
        plural = _first(_PLURAL_LIST_REQUESTS, words)
        match = plural if plural and _PLURAL_LIST.fullmatch(plural.group("list")) else None
    if match is None:
        return None
    found = find_days(match.group("list"))
    if found is None or found.value.picked or len(found.value.days) < 2:
        return None  # one day named: a single workout's move, for the LLM to read
    return TrainingDaysRequest(days=found.value.days)


def _first(patterns: tuple[re.Pattern[str], ...], words: str) -> re.Match[str] | None:
    return next((match for pattern in patterns if (match := pattern.fullmatch(words))), None)


def _ranges(text: str) -> str:
    """ "mon-fri" as "mon to fri" (the normalised text has no hyphens, and "mon fri" would be two days);
    "mon-wed-fri" is a list of three."""
    return _HYPHENED.sub(_unhyphen, text)


def _unhyphen(match: re.Match[str]) -> str:
    days = re.split(r"\s*[-–]\s*", match.group(0))
    return f"{days[0]} to {days[1]}" if len(days) == 2 else " ".join(days)


_HYPHENED = re.compile(rf"(?i)\b{_D}(?:\s*[-–]\s*{_D})+\b")
