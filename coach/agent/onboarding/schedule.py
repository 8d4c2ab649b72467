"""Training days ("Mon Wed Fri", "weekdays", "3 days a week") and session length ("45 min", "an hour")."""

from __future__ import annotations

import re

from coach.agent.onboarding.items import MAX_DAYS, MIN_DAYS, DayChoice, Span
from coach.agent.onboarding.matching import Found, number, phrases, scan
from coach.training.profile import DEFAULT_TRAINING_DAYS
from coach.training.weekdays import spread_days

_DAY_NAMES = {
    1: "mon|monday|mondays|mondy",
    2: "tue|tues|tuesday|tuesdays|tu|tuseday",
    3: "wed|weds|wednesday|wednesdays|wensday|wednsday",
    4: "thu|thur|thurs|thursday|thursdays|th|thrusday",
    5: "fri|friday|fridays|fridy",
    6: "sat|saturday|saturdays|saterday",
    7: "sun|sunday|sundays",
}
# Every weekday word, longest first (a regex alternation; "tu" and "th" only inside a list).
WEEKDAY_WORDS = "|".join(
    sorted((name for names in _DAY_NAMES.values() for name in names.split("|")), key=len)[::-1]
)
_DAY = WEEKDAY_WORDS
_DAY_OF = {name: day for day, names in _DAY_NAMES.items() for name in names.split("|")}
# "tu" and "th" are days only inside a list ("tu/th"), never alone.
_TOO_SHORT = frozenset({"tu", "th"})
_WEEKDAYS = (1, 2, 3, 4, 5)
_ALL = (1, 2, 3, 4, 5, 6, 7)

_GROUPS = phrases(
    [
        (r"weekdays|week days|every weekday|monday to friday|mon-fri|m-f|workdays|work days", _WEEKDAYS),
        (r"weekends?|saturday and sunday|sat and sun", (6, 7)),
        (r"every ?day|daily|all week|7 days|seven days|each day", _ALL),
        (r"every other day", (1, 3, 5, 7)),
        (r"m\s*/?\s*w\s*/?\s*f|mwf", (1, 3, 5)),
        (r"t\s*/\s*th|tth|tu\s*/\s*th|t\s*/\s*r", (2, 4)),
    ]
)
_RANGE = re.compile(rf"(?<!\w)(?P<a>{_DAY})\s*(?:-|–|to|through|thru|till|until)\s*(?P<b>{_DAY})(?!\w)")
_SINGLE = re.compile(rf"(?<![\w'])(?P<day>{_DAY})(?![\w'])")
_EXCLUDED = re.compile(
    rf"(?<!\w)(?:except|but not|but|not|no|besides|other than|apart from|excluding|never)\s+(?:on\s+)?"
    rf"(?P<days>(?:{_DAY})(?:s)?(?:\s*(?:,|/|and|or|&|\s)\s*(?:{_DAY})s?)*)(?!\w)"
)
_OFF = re.compile(rf"(?<!\w)(?P<days>(?:{_DAY})s?(?:\s*(?:,|/|and|&)\s*(?:{_DAY})s?)*)\s+off(?!\w)")
_COUNT_WORD = r"\d|one|two|three|four|five|six|seven|once|twice"
_COUNT = re.compile(
    rf"(?<![\w'])(?P<n>{_COUNT_WORD})(?:\s*(?:-|to|or)\s*(?P<m>{_COUNT_WORD}))?\s*"
    r"(?:(?:x|times?|days?|d|sessions?|workouts?)\s*(?:a|per|/|each|every|in a)?\s*(?:week|wk|w)"
    r"|(?:a|per|/|each|every|in a)\s*(?:week|wk|w)"
    r"|(?:x|times|days)(?!\s*(?:ago|old|off|later|in a row)))(?![\w'])"
)

_MINUTE_UNIT = r"(?:m|min|mins|minutes?)"
_HOUR_UNIT = r"(?:h|hr|hrs|hours?)"
_MINUTE_WORDS = {
    "fifteen": 15,
    "twenty": 20,
    "twenty five": 25,
    "thirty": 30,
    "thirty five": 35,
    "forty": 40,
    "forty five": 45,
    "fifty": 50,
    "sixty": 60,
    "seventy five": 75,
    "ninety": 90,
}
_MINUTES = phrases(
    [
        (rf"(?P<a>\d{{1,3}})\s*(?:-|–|to|or)\s*\d{{1,3}}\s*{_MINUTE_UNIT}", "a"),
        (rf"(?P<a>\d{{1,3}})\s*\+?\s*{_MINUTE_UNIT}", "a"),
        (rf"(?P<w>{'|'.join(w.replace(' ', '[- ]?') for w in _MINUTE_WORDS)})\s*{_MINUTE_UNIT}", "w"),
        (rf"(?P<h>\d(?:\.\d+)?)\s*(?:-|–|to|or)\s*\d(?:\.\d+)?\s*{_HOUR_UNIT}", "h"),
        (rf"(?P<h>\d(?:\.\d+)?)\s*{_HOUR_UNIT}(?:\s*(?:and\s*)?(?P<m>\d{{1,2}})\s*{_MINUTE_UNIT})?", "h"),
        (
            r"(?P<h>an?|one|two)\s+hours?(?:\s+and\s+(?:a\s+half|(?P<m>\d{1,2})\s*(?:m|mins?|minutes?)?))?",
            "h",
        ),
        (r"(?:an?\s+)?hour and a half|one and a half hours?|(?:1|one) ?(?:\.5|½) ?hours?", "90"),
        (r"half (?:an )?hour|half-hour|half an hr", "30"),
        (r"(?:a )?quarter (?:of an )?hour", "15"),
        (r"hour(?:-| )long|full hour", "60"),
        (r"(?:about|around|roughly|like) an? hour|an hour or so", "60"),
    ]
)


def find_days(folded: str) -> Found[DayChoice] | None:
    """Which weekdays to train on, from named days or a count ("3 days" -> Mon/Wed/Fri, picked by us).

    Fewer than two days is raised to two (the least a plan is built for); a count with a longer list of
    allowed days ("3 days, any weekday") picks that many spread over the list.
    """
    named, spans = _named_days(folded)
    count = _count(folded)
    if count is not None:
        spans.append(count[1])
    if not named and count is None:
        return None
    wanted = count[0] if count else None
    if named:
        days = sorted(named)
        if wanted is not None and MIN_DAYS <= wanted < len(days):
            return Found(DayChoice(spread_days(wanted, within=days), picked=True), tuple(spans))
        if len(days) >= MIN_DAYS:
            return Found(DayChoice(tuple(days)), tuple(spans))
        return Found(DayChoice(_pad(days[0]), picked=True), tuple(spans))
    assert wanted is not None
    size = min(max(wanted, MIN_DAYS), MAX_DAYS)
    return Found(DayChoice(DEFAULT_TRAINING_DAYS[size], picked=True), tuple(spans))


def _named_days(folded: str) -> tuple[set[int], list[Span]]:
    days: set[int] = set()
    spans: list[Span] = []
    for hit in scan(_GROUPS, folded):
        days.update(hit.value)
        spans.append(hit.span)
    for match in _RANGE.finditer(folded):
        first, last = _DAY_OF[match.group("a")], _DAY_OF[match.group("b")]
        days.update(((first - 1 + step) % 7) + 1 for step in range((last - first) % 7 + 1))
        spans.append(match.span())
    for match in _SINGLE.finditer(folded):
        name = match.group("day")
        if name in _TOO_SHORT or any(start <= match.start() < end for start, end in spans):
            continue
        days.add(_DAY_OF[name])
        spans.append(match.span())
    for pattern in (_EXCLUDED, _OFF):
        for match in pattern.finditer(folded):
            for name in re.findall(rf"(?<!\w)(?:{_DAY})(?=s?(?!\w))", match.group("days")):
                days.discard(_DAY_OF[name])
    return days, spans


def _count(folded: str) -> tuple[int, Span] | None:
    for match in _COUNT.finditer(folded):
        value = number(match.group("n"))
        if value is not None and 1 <= value <= MAX_DAYS:
            return int(value), match.span()
    return None


def _pad(day: int) -> tuple[int, ...]:
    """A second day three days after the one named, so the two sessions are spread through the week."""
    return tuple(sorted({day, (day + 2) % 7 + 1}))


def find_minutes(folded: str) -> Found[int] | None:
    """Session length in minutes ("45 min", "an hour" = 60, "30-45 min" = 30); the first one named."""
    for hit in scan(_MINUTES, folded):
        minutes = _minutes(hit.value, hit.match)
        if minutes is not None and 5 <= minutes <= 300:
            return Found(minutes, (hit.span,))
    return None


def _minutes(kind: str, match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if kind == "a":
        return int(groups["a"])
    if kind == "w":
        return _MINUTE_WORDS.get(re.sub(r"[- ]+", " ", groups["w"]).strip())
    if kind == "h":
        hours = number(groups["h"])
        if hours is None:
            return None
        extra = 30 if "half" in match.group() else int(groups.get("m") or 0)
        return int(hours * 60) + extra
    return int(kind)
