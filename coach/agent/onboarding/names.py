"""The trainee's name: "I'm Sam", "call me Sam", "Sam here", or a bare "Sam" when we asked for it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from coach.agent.onboarding.items import Span
from coach.agent.onboarding.matching import Found, overlaps

MAX_NAME_LENGTH = 40
MAX_NAME_WORDS = 3
_KEPT_PUNCTUATION = frozenset("-'.")
_WORD = r"[^\W\d_][\w'\-.]*"
_FULL = rf"(?P<first>{_WORD})(?:\s+(?P<second>{_WORD}))?"
_STRONG = re.compile(
    rf"(?<!\w)(?:my name is|my name's|my names|name's|name is|names|call me|i go by)\s+{_FULL}"
)
_WEAK = re.compile(rf"(?<!\w)(?:i am|i'm|im|this is|it's|its)\s+{_FULL}")
_HERE = re.compile(rf"^(?:(?:hi|hey|hello|yo|hiya)\W+)?(?P<first>{_WORD})\s+here(?!\w)")
# A chunk is a clause: cut at line breaks, commas, semicolons and sentence ends (not at "J.R.").
_CHUNK = re.compile(r"(?:[^\n,;:!?().]|\.(?=\S))+")
_LEADING_FILLER = re.compile(
    r"^(?:(?:hi|hey|hello|hiya|yo|sup|ok|okay|sure|yes|yeah|yep|well|so|um|uh|oh|its|it's|im|i'm|i am|"
    r"just|call me|my name is|my name's|name's|name is|name|there)\b[\s.]*)*"
)
# Words that follow "I'm" without being a name, and other words that are never a first name here.
_NOT_NAMES_TEXT = """
    a about above actually after again all almost already also always am an and any anyone anything are
    around as at available away back bad based being best better big bit bored both busy but by can cant
    could currently definitely did do does doing done down drop each early easy either else even ever every
    excited exercise experienced fat female fine first fit fitness for free from full fun getting glad go
    going gone good great gym happy hard have having he healthy hello help here hey hi him hoping how huh
    i idk if ignore important in instructions interested into is it its just keen kinda kind last late
    lazy let like little lol looking lost lot lots male maybe me mostly much my myself need needing new
    nice no none nope not nothing now of off oh ok okay old on once one only or other our out over overweight
    please pretty prompt ready real really retired right same select seriously she short should sick
    skinny slow so some someone something sorry sort still stop struggling stuck such super sure system
    table tall than thanks that the their them then there these they thing this those tired to too
    training trying um unsure up us very want wanting was we weak well were what when where which who why
    will with working would yeah yes yet you your yours
"""
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


def clean_name(raw: str) -> str | None:
    """A name safe to store and text back: letters, marks, spaces and - ' . only, at most 40 characters.

    All-lowercase names are capitalised ("sam" -> "Sam"); None when nothing name-like is left.
    """
    text = unicodedata.normalize("NFKC", raw)
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or char in _KEPT_PUNCTUATION or unicodedata.category(char)[0] in "LM"
    )
    name = " ".join(kept.split()).strip(" -'.")[:MAX_NAME_LENGTH].strip(" -'.")
    if not any(char.isalpha() for char in name):
        return None
    if name == name.lower():
        name = " ".join(word[:1].upper() + word[1:] for word in name.split())
    return name


def find_name(text: str, folded: str, *, asked: bool, taken: Sequence[Span] = ()) -> Found[str] | None:
    """The name the trainee gave, if any.

    "my name is X" / "call me X" / "I'm X" / "X here" count anywhere; a bare short chunk ("Sam", "sam
    jones") only when we asked for the name. Words other parsers understood (`taken`) are never a name.
    """
    for pattern in (_STRONG, _HERE, _WEAK):
        for match in pattern.finditer(folded):
            found = _candidate(text, match, taken)
            if found is not None:
                return Found(found, ((match.start(), match.end()),))
    if not asked:
        return None
    for chunk in _CHUNK.finditer(folded):
        lead = _LEADING_FILLER.match(chunk.group())
        start = chunk.start() + (lead.end() if lead else 0)
        words = folded[start : chunk.end()].strip()
        if not words or len(words.split()) > MAX_NAME_WORDS:
            continue
        start = folded.index(words, start)
        if not all(re.fullmatch(_WORD, word) for word in words.split()):
            continue
        if any(word.strip(".'-") in NOT_NAMES for word in words.split()):
            continue
        if overlaps((start, start + len(words)), taken):
            continue
        name = clean_name(text[start : start + len(words)])
        if name:
            return Found(name, ((chunk.start(), chunk.end()),))
    return None


def _candidate(text: str, match: re.Match[str], taken: Sequence[Span]) -> str | None:
    """The first word after "I'm"/"call me" (and a capitalised second word), unless it is not a name."""
    first = match.group("first").strip(".'-")
    if first in NOT_NAMES or overlaps(match.span("first"), taken):
        return None
    end = match.end("first")
    second = match.groupdict().get("second")
    if second and text[match.start("second")].isupper() and second.strip(".'-") not in NOT_NAMES:
        end = match.end("second")
    return clean_name(text[match.start("first") : end])
