"""When the workout text goes out: a local time of day ("7am", "6:30 pm", "mornings"). The trainee's own
time is kept, quiet hours or not (their daily text is one they asked for); a default is kept out of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from coach.agent.onboarding.matching import Found, phrases, scan
from coach.config import QuietHours

# "7am", "6:30 pm", "7a" (a lone a/p only when attached: "3 a week" is not a time).
_AMPM = re.compile(
    r"(?<![\w:])(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))?(?:\s*(?P<ap>a\.?m\.?|p\.?m\.?)|(?P<short>[ap]))(?!\w)"
)
_CLOCK = re.compile(r"(?<![\w:])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?![\w:])")
_AT_HOUR = re.compile(
    r"(?<![\w'])(?:at|around|about|by|@|maybe)\s*(?P<h>\d{1,2})(?:\s*ish)?(?![\w:])"
    r"(?!\s*(?:min|mins|minutes|days?|x|times|hours?|hrs?|years?|months?|weeks?|%|kg|lbs?))"
)
_PART_OF_DAY = re.compile(
    r"\s*(?:o'?clock\s*)?(?:in the (?P<part>morning|afternoon|evening)|(?P<night>at night|tonight))(?!\w)"
)
_ISH = re.compile(r"(?<![\w'])(?P<h>\d{1,2})\s*ish(?![\w])")
_MOMENTS = phrases(
    [
        (r"noon|midday|lunch ?time|lunch|lunch break", time(12, 0)),
        (r"early morning|first thing|crack of dawn|dawn|before work", time(6, 30)),
        (r"mornings?|in the am|wake up|when i wake", time(7, 0)),
        (r"afternoons?", time(13, 0)),
        (r"after work|after school", time(17, 30)),
        (r"evenings?|tonight|after dinner", time(18, 0)),
        (r"nights?|at night", time(19, 0)),
        (r"midnight", time(0, 0)),
    ]
)


def find_send_time(folded: str) -> Found[time] | None:
    """The local time of day for the workout text; a bare hour is read as the likelier one (7 -> 7am)
    unless the words after it say otherwise ("6 in the evening")."""
    for pattern in (_AMPM, _CLOCK, _AT_HOUR, _ISH):
        match = pattern.search(folded)
        if match is None:
            continue
        found = _time_from(match)
        part = _PART_OF_DAY.match(folded, match.end())
        if found is not None and part is not None and not match.groupdict().get("ap"):
            evening = part.group("part") != "morning"
            found = time(found.hour % 12 + (12 if evening else 0), found.minute)
            return Found(found, ((match.start(), part.end()),))
        if found is not None:
            return Found(found, (match.span(),))
    for hit in scan(_MOMENTS, folded):
        return Found(hit.value, (hit.span,))
    return None


def bare_hour(hour: int, minute: int = 0) -> time | None:
    """An hour said without am/pm: 5..11 are mornings, 12 is noon, 1..4 afternoons; 13..23 as is."""
    if not 0 <= minute <= 59 or not 0 <= hour <= 23:
        return None
    if 1 <= hour <= 4:
        hour += 12
    return time(hour, minute)


def _time_from(match: re.Match[str]) -> time | None:
    groups = match.groupdict()
    hour, minute = int(groups["h"]), int(groups.get("m") or 0)
    meridiem = (groups.get("ap") or groups.get("short") or "").replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
        return time(hour, minute)
    if groups.get("m") is not None and hour >= 13:
        return time(hour, minute)
    return bare_hour(hour, minute)


def format_time(value: time) -> str:
    """7:00am, 12:30pm."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


def outside_quiet_hours(value: time, quiet: QuietHours) -> time:
    """The send time itself, or the nearest time outside quiet hours: for a time we choose (a default), which
    the trainee did not ask for; a time they chose is kept as it is."""
    if not quiet.contains(value):
        return value
    day = datetime(2025, 1, 1, tzinfo=UTC)
    at = day.replace(hour=value.hour, minute=value.minute)
    morning = day.replace(hour=quiet.end.hour, minute=quiet.end.minute)
    evening = day.replace(hour=quiet.start.hour, minute=quiet.start.minute) - timedelta(minutes=30)
    until_morning = (morning - at) % timedelta(days=1)
    since_evening = (at - evening) % timedelta(days=1)
    return (morning if until_morning <= since_evening else evening).time()
