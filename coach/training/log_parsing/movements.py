"""Recognising movements in a clause: name normalisation and exact, leftmost-longest matching."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.training.log_parsing.tokens import Token, tokenise

if TYPE_CHECKING:
    from coach.movements.library import LibrarySpec

_ABBREVIATIONS = {
    "bb": "barbell",
    "db": "dumbbell",
    "kb": "kettlebell",
    "ohp": "overheadpress",
    "rdl": "romaniandeadlift",
    "sldl": "stiffleggeddeadlift",
    "dl": "deadlift",
}
# Implements that name a variant when written before a lift ("dumbbell" press); a "rack" or "bench" does not.
_IMPLEMENTS = {e: e for e in ("barbell", "dumbbell", "kettlebell", "cable", "machine")} | {"bands": "band"}
# "burpee with push up", "thread the needle": these never describe a lift on their own.
_LINKING_WORDS = frozenset({"a", "an", "the", "of", "with", "to", "in", "on", "for", "and", "at"})


def fold(word: str) -> str:
    """One word as movement matching sees it: singular, abbreviations expanded."""
    if len(word) > 3 and word.endswith(("ches", "shes", "sses", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return _ABBREVIATIONS.get(word, word)


def _movement_key(tokens: Sequence[Token]) -> str | None:
    if not any(t.kind == "word" for t in tokens) or any(
        t.kind not in ("word", "num", "slash") for t in tokens
    ):
        return None
    return "".join(fold(t.text) if t.kind == "word" else t.text for t in tokens)


@dataclass(frozen=True)
class KnownMovement:
    """A movement the index can recognise; equipment helps accept qualifiers like "bb" or "dumbbell"."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()

    def descriptors(self) -> frozenset[str]:
        """Folded words that describe this movement and may precede a shorter alias ("back" squat)."""
        words = {
            fold(t.text)
            for phrase in (self.name, *self.aliases)
            for t in tokenise(phrase)
            if t.kind == "word" and t.text not in _LINKING_WORDS
        }
        return frozenset(words | {_IMPLEMENTS[e] for e in self.equipment if e in _IMPLEMENTS})


@dataclass(frozen=True)
class MovementMatch:
    """A movement named by tokens[start:end] of a clause."""

    movement: KnownMovement
    start: int
    end: int


class MovementIndex:
    """Exact lookup of movement names and aliases in free text (see the `log_parsing` package docstring)."""

    def __init__(self, movements: Iterable[KnownMovement]) -> None:
        # A key shared by two movements maps to None: such a phrase is ambiguous and never matched.
        self._by_key: dict[str, KnownMovement | None] = {}
        self._descriptors: dict[str, frozenset[str]] = {}
        self._longest = 1
        for movement in movements:
            self._add(movement)

    @classmethod
    def from_library(cls, library: LibrarySpec) -> MovementIndex:
        """Index every movement of the validated library (`load_library()`)."""
        return cls(
            KnownMovement(m.slug, m.name, tuple(m.aliases), tuple(m.equipment)) for m in library.movements
        )

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str, Sequence[str]]]) -> MovementIndex:
        """Index plain (slug, name, aliases) triples, e.g. a handful of movements in a test."""
        return cls(
            KnownMovement(slug, name, tuple(a.lower() for a in aliases)) for slug, name, aliases in entries
        )

    def lookup(self, phrase: str) -> KnownMovement | None:
        """The movement the whole phrase names, or None (unknown, ambiguous, or more than a name)."""
        tokens = tokenise(phrase)
        matches = self.find(tokens)
        if matches and len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(tokens)):
            return matches[0].movement
        return None

    def _add(self, movement: KnownMovement) -> None:
        self._descriptors[movement.slug] = movement.descriptors()
        for phrase in (movement.name, *movement.aliases):
            tokens = tokenise(phrase)
            key = _movement_key(tokens)
            if key is None:
                continue  # purely numeric aliases ("90/90") would swallow weights and reps
            known = self._by_key.get(key, movement)
            self._by_key[key] = movement if known is not None and known.slug == movement.slug else None
            self._longest = max(self._longest, len(tokens))

    def find(self, tokens: Sequence[Token]) -> list[MovementMatch] | None:
        """Movements named in tokens, leftmost-longest; None when a phrase there is ambiguous."""
        matches: list[MovementMatch] = []
        start = 0
        while start < len(tokens):
            hit = self._longest_at(tokens, start)
            if hit is None:
                start += 1
                continue
            if hit.movement is _AMBIGUOUS:
                return None
            matches.append(self._widen(tokens, hit, matches[-1].end if matches else 0))
            start = hit.end
        return matches

    def _longest_at(self, tokens: Sequence[Token], start: int) -> MovementMatch | None:
        for end in range(min(len(tokens), start + self._longest), start, -1):
            key = _movement_key(tokens[start:end])
            if key is not None and key in self._by_key:
                return MovementMatch(self._by_key[key] or _AMBIGUOUS, start, end)
        return None

    def _widen(self, tokens: Sequence[Token], match: MovementMatch, floor: int) -> MovementMatch:
        # Leading words the movement itself uses ("back" squat, "bb" bench) belong to the match.
        descriptors = self._descriptors[match.movement.slug]
        start = match.start
        while (
            start > floor and tokens[start - 1].kind == "word" and fold(tokens[start - 1].text) in descriptors
        ):
            start -= 1
        return MovementMatch(match.movement, start, match.end)


_AMBIGUOUS = KnownMovement("", "")
