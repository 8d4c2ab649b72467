"""Reading a turn's text: every onboarding item it answers, found by deterministic parsers (no LLM).

Each parser looks at the whole text, so one text can answer many items ("Sam, get stronger, 3 days a
week"). Bare answers ("45", "none", "no", "Sam") are read in the light of what we just asked.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import TypeVar

from coach.agent.onboarding.clock import bare_hour, find_send_time
from coach.agent.onboarding.equipment import BODYWEIGHT, find_equipment
from coach.agent.onboarding.goals import find_experience, find_goals
from coach.agent.onboarding.injuries import find_limitations
from coach.agent.onboarding.items import MAX_DAYS, MIN_DAYS, DayChoice, Item, Reading, Span
from coach.agent.onboarding.matching import Found, fold, overlaps, prepare
from coach.agent.onboarding.names import find_name
from coach.agent.onboarding.schedule import find_days, find_minutes
from coach.agent.onboarding.zones import find_time_zone, find_zone_reply
from coach.training.profile import DEFAULT_TRAINING_DAYS

T = TypeVar("T")
_CHUNK = re.compile(r"[^\n,;]+")
_BARE_NUMBER = re.compile(
    r"^\s*(?:about |around |maybe |like |probably |prob |say )?(?P<n>\d{1,3})\s*(?:ish)?[\s?!.]*$"
)
_BARE_NONE = re.compile(r"^\W*(?:none|nothing|nope|nah|no|n/?a|zero|nada)\W*$")
_BARE_NO = re.compile(r"^\W*(?:no|nah|nope)\W*$")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# Words that carry no answer: an LLM is not asked to explain them.
_FILLER_TEXT = """
    a about actually all also am an and any anything are around as at be been but can could day days do
    does doing don't for from get go going got guess had has have hello hey hi how i i'd i'll i'm i've if
    im in is it it's just kind kinda know like lol lot maybe me mine my no not now of oh ok okay on one or
    our please pretty probably really right so some sort sounds start started sure than thank thanks that
    the then there think this to too try um want wanna was we week weeks well what when which will with
    would yeah yes you your
"""
FILLER = frozenset(_FILLER_TEXT.split())


def read_answers(text: str, asked: Collection[Item] = ()) -> Reading:
    """What this text answers. `asked` are the items our last message asked about (bare answers)."""
    text = prepare(text)
    folded = fold(text)
    reading = Reading()
    spans = reading.spans
    reading.goals = _keep(find_goals(folded), spans)
    reading.experience = _keep(find_experience(folded), spans)
    reading.days = _keep(find_days(folded), spans)
    reading.minutes = _keep(find_minutes(folded), spans)
    reading.equipment = _keep(find_equipment(folded), spans)
    reading.limitations = _keep(find_limitations(text, folded, asked=Item.LIMITATIONS in asked), spans)
    reading.send_time = _keep(find_send_time(folded), spans)
    reading.name = _keep(find_name(text, folded, asked=Item.NAME in asked, taken=list(spans)), spans)
    reading.time_zone = _keep(find_time_zone(folded, taken=list(spans)), spans)
    if Item.TIME_ZONE in asked and reading.time_zone is None:
        reading.zone_reply = _keep(find_zone_reply(folded), spans)
    _read_bare(reading, folded, set(asked))
    return reading


def _keep(found: Found[T] | None, spans: list[Span]) -> T | None:
    if found is None:
        return None
    spans.extend(found.spans)
    return found.value


def _read_bare(reading: Reading, folded: str, asked: set[Item]) -> None:
    """Short chunks that only make sense as an answer to what we asked: a number, "none", "no"."""
    for chunk in _CHUNK.finditer(folded):
        span = chunk.span()
        if overlaps(span, reading.spans):
            continue
        number = _BARE_NUMBER.match(chunk.group())
        if number is not None:
            taken = _bare_number(reading, int(number.group("n")), asked)
        else:
            taken = _BARE_NONE.match(chunk.group()) is not None and _bare_none(reading, chunk.group(), asked)
        if taken:
            reading.spans.append(span)


def _bare_number(reading: Reading, value: int, asked: set[Item]) -> bool:
    if Item.DAYS in asked and reading.days is None and 1 <= value <= MAX_DAYS:
        size = max(value, MIN_DAYS)
        reading.days = DayChoice(DEFAULT_TRAINING_DAYS[size], picked=True)
        return True
    if Item.MINUTES in asked and reading.minutes is None and 10 <= value <= 240:
        reading.minutes = value
        return True
    if Item.SEND_TIME in asked and reading.send_time is None and 1 <= value <= 12:
        reading.send_time = bare_hour(value)
        return True
    return False


def _bare_none(reading: Reading, chunk: str, asked: set[Item]) -> bool:
    # "none" answers the injury question first: it is the one people answer with a bare "none".
    if Item.LIMITATIONS in asked:
        return False  # find_limitations already read it with asked=True
    if Item.EQUIPMENT in asked and reading.equipment is None:
        reading.equipment = (BODYWEIGHT,)
        return True
    if (
        Item.TIME_ZONE in asked
        and reading.time_zone is None
        and reading.zone_reply is None
        and _BARE_NO.match(chunk)
    ):
        reading.zone_reply = False
        return True
    return False


def unexplained(text: str, spans: Sequence[Span]) -> list[str]:
    """Words of the text no parser understood, minus filler: what an LLM might still make sense of."""
    folded = fold(prepare(text))
    return [
        match.group()
        for match in _TOKEN.finditer(folded)
        if not overlaps(match.span(), spans) and match.group() not in FILLER
    ]
