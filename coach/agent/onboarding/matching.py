"""Finding known phrases in a text: case-insensitive, whole words, longest match first, with positions.

Parsers work on `fold(text)`, a lowercased copy of exactly the same length, so a match's span points at
the same characters in the original text (names keep their capitals; notes keep the trainee's words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from coach.agent.onboarding.items import Span
from coach.messaging.text import normalize

T = TypeVar("T")

# Texts longer than this are cut before parsing: no real answer is longer, and it bounds the work.
MAX_TEXT = 2000
_APOSTROPHES = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "`": "'", "´": "'"})
_NEGATION = re.compile(
    r"(?:\bno|\bnot|\bnever|\bwithout|\bexcept|n't|\bdont|\bdoesnt|\bcant|\bnor)(?:\s+[\w']+){0,3}\s*$"
)


def prepare(text: str) -> str:
    """The text parsers read: cut to MAX_TEXT, control characters dropped, typography made plain."""
    return normalize(text[:MAX_TEXT])


def fold(text: str) -> str:
    """The text lowercased, with typographic apostrophes made plain, keeping every character's position."""
    folded = []
    for char in text.translate(_APOSTROPHES):
        lower = char.lower()
        folded.append(lower if len(lower) == 1 else char)
    return "".join(folded)


@dataclass(frozen=True)
class Found(Generic[T]):
    """A parser's answer and the parts of the text it came from."""

    value: T
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Phrase(Generic[T]):
    pattern: re.Pattern[str]
    value: T


@dataclass(frozen=True)
class Hit(Generic[T]):
    start: int
    end: int
    value: T
    match: re.Match[str]

    @property
    def span(self) -> Span:
        return (self.start, self.end)


def phrases(table: Iterable[tuple[str, T]]) -> tuple[Phrase[T], ...]:
    """Compile (regex, value) rows; each regex must match whole words (not inside a longer word)."""
    return tuple(Phrase(re.compile(rf"(?<![\w'])(?:{pattern})(?![\w'])"), value) for pattern, value in table)


def scan(table: Sequence[Phrase[T]], folded: str) -> list[Hit[T]]:
    """Every phrase of the table in the text, in text order; where two overlap the longer one wins."""
    hits = [
        Hit(match.start(), match.end(), phrase.value, match)
        for phrase in table
        for match in phrase.pattern.finditer(folded)
        if match.end() > match.start()
    ]
    hits.sort(key=lambda hit: (hit.start - hit.end, hit.start))
    chosen: list[Hit[T]] = []
    for hit in hits:
        if all(hit.end <= other.start or hit.start >= other.end for other in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda hit: hit.start)


def negated(folded: str, start: int) -> bool:
    """Whether the words just before `start` negate it ("not bulky", "don't have dumbbells")."""
    before = folded[max(0, start - 30) : start]
    return _NEGATION.search(before) is not None


def overlaps(span: Span, spans: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "once": 1,
    "twice": 2,
}


def number(word: str) -> float | None:
    """A digit string or a small number word as a number."""
    word = word.strip()
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None
