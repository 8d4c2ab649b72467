"""The trainee's time zone: guessed from the phone number (phonenumbers' prefix data), then confirmed;
"no, I'm in London", "Pacific" or "PST" changes it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from phonenumbers import timezone as phone_zones

from coach.agent.onboarding.items import Span
from coach.agent.onboarding.matching import Found, overlaps, phrases, scan

_ZONES = phrases(
    [
        (
            r"eastern|east coast|est|edt|new york|nyc|ny|boston|miami|atlanta|philadelphia|philly|"
            r"washington dc|dc|florida|detroit",
            "America/New_York",
        ),
        (r"toronto|ottawa|montreal", "America/Toronto"),
        (
            r"central(?! europe\w*)|cst|cdt|chicago|texas|dallas|houston|austin|minneapolis|nashville|"
            r"new orleans|st\.? louis",
            "America/Chicago",
        ),
        (r"mountain(?! bike)|mst|mdt|denver|utah|salt lake|colorado|boise|albuquerque", "America/Denver"),
        (r"arizona|phoenix|tucson", "America/Phoenix"),
        (
            r"pacific|pst|pdt|west coast|los angeles|la|california|cali|seattle|portland|san francisco|"
            r"sf|bay area|san diego|las vegas|vegas",
            "America/Los_Angeles",
        ),
        (r"vancouver", "America/Vancouver"),
        (r"alaska|anchorage|akst", "America/Anchorage"),
        (r"hawaii|honolulu|hst", "Pacific/Honolulu"),
        (
            r"uk|u\.k\.?|london|england|britain|great britain|scotland|wales|gmt|bst|manchester|"
            r"edinburgh|glasgow|birmingham",
            "Europe/London",
        ),
        (r"ireland|dublin", "Europe/Dublin"),
        (r"paris|france", "Europe/Paris"),
        (r"berlin|germany|munich|cet|cest|central europe\w*", "Europe/Berlin"),
        (r"madrid|spain|barcelona", "Europe/Madrid"),
        (r"amsterdam|netherlands|holland", "Europe/Amsterdam"),
        (r"rome|italy|milan", "Europe/Rome"),
        (r"lisbon|portugal", "Europe/Lisbon"),
        (r"sydney|nsw|aest|canberra", "Australia/Sydney"),
        (r"melbourne", "Australia/Melbourne"),
        (r"brisbane|queensland", "Australia/Brisbane"),
        (r"perth", "Australia/Perth"),
        (r"adelaide", "Australia/Adelaide"),
        (r"auckland|new zealand|nz|wellington", "Pacific/Auckland"),
        (r"tokyo|japan|jst", "Asia/Tokyo"),
        (r"singapore", "Asia/Singapore"),
        (r"hong kong", "Asia/Hong_Kong"),
        (r"india|ist|mumbai|delhi|bangalore|bengaluru", "Asia/Kolkata"),
        (r"dubai|uae", "Asia/Dubai"),
        (r"johannesburg|south africa|cape town", "Africa/Johannesburg"),
        (r"mexico city|mexico", "America/Mexico_City"),
        (r"sao paulo|são paulo|brazil", "America/Sao_Paulo"),
        (r"utc", "UTC"),
    ]
)
_IANA = re.compile(r"(?<![\w/])[a-z]+(?:/[a-z_\-]+){1,2}(?![\w/])")
_OFFSET = re.compile(r"(?<![\w])(?:utc|gmt)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?![\w:])")
_YES = phrases(
    [(r"yes|yep|yeah|yup|yea|ya|correct|that's right|thats right|that's correct|exactly|affirmative|y", True)]
)
_NO = phrases(
    [(r"nope|wrong|incorrect|not (?:right|correct|quite|there)|no,? i'm not|different time ?zone", False)]
)

# Well-known zones by the names people use for them; other zones are named after their city.
LABELS = {
    "America/New_York": ("Eastern time", "New York"),
    "America/Toronto": ("Eastern time", "Toronto"),
    "America/Chicago": ("Central time", "Chicago"),
    "America/Denver": ("Mountain time", "Denver"),
    "America/Phoenix": ("Arizona time", "Phoenix"),
    "America/Los_Angeles": ("Pacific time", "Los Angeles"),
    "America/Vancouver": ("Pacific time", "Vancouver"),
    "America/Anchorage": ("Alaska time", "Anchorage"),
    "Pacific/Honolulu": ("Hawaii time", "Honolulu"),
    "Europe/London": ("UK time", "London"),
    "UTC": ("UTC", ""),
}


def find_time_zone(folded: str, taken: Sequence[Span] = ()) -> Found[str] | None:
    """An IANA zone from a zone name, abbreviation, city, country, UTC offset or IANA name.

    Words in `taken` (a name: "I'm Austin") are not read as places.
    """
    for match in _IANA.finditer(folded):
        name = _canonical_zone(match.group())
        if name is not None:
            return Found(name, (match.span(),))
    offset = _OFFSET.search(folded)
    if offset is not None and int(offset.group("h")) <= 12:
        # The Etc/GMT zones have the sign inverted (POSIX): UTC+2 is Etc/GMT-2.
        sign = "-" if offset.group("sign") == "+" else "+"
        hours = int(offset.group("h"))
        return Found(f"Etc/GMT{sign}{hours}" if hours else "UTC", (offset.span(),))
    hits = [hit for hit in scan(_ZONES, folded) if not overlaps(hit.span, taken)]
    return Found(hits[0].value, (hits[0].span,)) if hits else None


def find_zone_reply(folded: str) -> Found[bool] | None:
    """A yes or no to "I have you on <zone>, right?" (a bare "no" is left to the caller: it may mean
    "no injuries")."""
    for table in (_NO, _YES):
        hits = scan(table, folded)
        if hits:
            return Found(hits[0].value, tuple(hit.span for hit in hits))
    return None


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def _canonical_zone(text: str) -> str | None:
    return _zone_names().get(text.lower())


def is_zone(name: str) -> bool:
    """Whether this is an IANA zone name we can use."""
    return name in _zone_names().values()


def zone_for_phone(phone: str) -> str | None:
    """The phone number's time zone when its prefix pins one down (all candidates agree), else None."""
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    candidates = [name for name in phone_zones.time_zones_for_number(parsed) if is_zone(name)]
    if not candidates:
        return None
    preferred = [name for name in candidates if name in LABELS] or candidates
    if len(candidates) == 1 or all(_same_offsets(preferred[0], other) for other in candidates):
        return preferred[0]
    return None


def _same_offsets(first: str, second: str) -> bool:
    """Whether two zones keep the same clock in winter and in summer (e.g. London and Jersey)."""
    moments = (datetime(2025, 1, 15, 12, tzinfo=UTC), datetime(2025, 7, 15, 12, tzinfo=UTC))
    return all(
        moment.astimezone(ZoneInfo(first)).utcoffset() == moment.astimezone(ZoneInfo(second)).utcoffset()
        for moment in moments
    )


def zone_label(name: str, *, city: bool = True) -> str:
    """How we name a zone to the trainee: "Eastern time (New York)", or "Berlin time" for the rest."""
    if name in LABELS:
        label, place = LABELS[name]
        return f"{label} ({place})" if city and place else label
    if name.startswith("Etc/GMT"):
        offset = name.removeprefix("Etc/GMT")
        flipped = offset.replace("-", "+") if offset.startswith("-") else offset.replace("+", "-")
        return f"UTC{flipped}"
    return name.rsplit("/", 1)[-1].replace("_", " ") + " time"
