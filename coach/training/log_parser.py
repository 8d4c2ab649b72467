"""The deterministic parser for workout logs texted by a trainee.

`parse_log` turns a text such as "did it, squats 100kg 5x5 @8" into numbers the coach can compute with. It
never guesses: whatever it does not fully understand is returned verbatim (trimmed) in `unparsed`, so the
agent (or a human) can deal with it, and it never raises on any input.

Rules, applied the same way everywhere:

Clauses
  The text is split into clauses on newlines, semicolons, commas (except a comma between two digits, which
  is a decimal comma: "rpe 7,5") and sentence ends (. ! ? followed by a space). Each clause is understood
  as a whole or goes to `unparsed` as a whole. Clauses longer than 200 characters are never parsed.
  Apostrophes are dropped ("didn't" = "didnt"); emoji and other pictographs are decoration and ignored,
  but a clause with nothing else in it is unparsed.

Kinds of clause (first match wins)
  completion   only completion words plus filler: "did it", "done", "all done", "finished", "workout
               complete" -> done; "skipped today", "missed it", "didn't go" -> skipped.
  session RPE  "session rpe 7", "overall rpe 8/10", "srpe 6".
  soreness     has "sore", "soreness" or "doms"; body parts from a fixed list plus a level 1-5 written
               "3/5", "4 out of 5" or "3": "legs sore 3/5", "quads are sore 4 out of 5". No body part means
               "overall". Other scales ("3/10") are unparsed rather than rescaled.
  set          exactly one movement from the MovementIndex plus set grammar (below).
  note         a general remark made only of feel words: "felt great", "tough session".

Movements
  Matched exactly on normalised tokens: lowercase, punctuation and hyphens ignored, plurals folded
  ("squats" = "squat"), spaces between tokens ignored ("pull-ups" = "pullups"), and the abbreviations
  bb/db/kb/ohp/rdl/sldl/dl expanded. The longest library name or alias wins. A word in front of it is
  accepted only if that movement's own name or aliases use the word, or it names the movement's implement
  (barbell, dumbbell, kettlebell, cable, machine, band): "high bar back squat" -> the back squat, but
  "front squat" never becomes the back squat and "db pullups" is not a pull-up. A phrase that normalises
  to two different movements, or two movements in one clause, makes the clause unparsed.

Set grammar (numbers in the movement's clause, in any order)
  W kg / W lb        an explicit weight (kg, kgs, kilo(s), lb, lbs, pound(s)).
  @ N / at N         RPE when N <= 10 and has no unit ("@8", "@ 7.5"), otherwise a weight ("@ 60kg", "@60").
  rpe N, N rpe, @ rpe N, rir N, N rir.
  N reps, N sets, N sets of M, for N (reps).
  A x B x C          weight x reps x sets ("185x5x3"); only the first number may carry a unit.
  A x B              weight x reps when A carries a unit ("100kg x 5") or is a decimal ("12.5x10");
                     sets x reps when a weight is given elsewhere ("3x8 @ 60kg", "100kg 5x5") or the set is
                     marked bodyweight ("bw"); otherwise sets x reps when A <= 10 ("pullups 3x8", no weight),
                     weight x reps when A >= 20 ("squat 100x5"), and unparsed for 11-19 (either is plausible).
  a lone number      the weight when reps are known ("deadlift 140 5 reps"), the reps when a weight is
                     known ("squat 100kg 5"); otherwise unparsed.
  feel               "felt easy", "felt very heavy", or a bare feel word ("easy", "grindy").
  Weights without a unit are in the trainee's units. Sets default to 1; reps are required. Limits (else
  unparsed): reps 1-100 whole, sets 1-20 whole, weight above 0 and at most 1000 kg-equivalent, RPE 1-10 in
  half steps, RIR 0-10 whole. Any word the grammar does not know makes the clause unparsed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from coach.models.enums import Units
from coach.training.e1rm import MAX_WEIGHT_KG, to_kg

if TYPE_CHECKING:
    from coach.movements.library import LibrarySpec

Completion = Literal["done", "skipped"]

MAX_CLAUSE_CHARS = 200
MAX_TEXT_CHARS = 5000
MAX_LOGGED_REPS = 100  # allows bodyweight work like 3x50 push-ups; 500 is a typo
MAX_SETS = 20


@dataclass(frozen=True)
class SetEntry:
    """`sets` sets of `reps` reps of a movement at `weight` (None: bodyweight or not given)."""

    movement_slug: str
    movement_name: str
    weight: float | None
    units: Units
    reps: int
    sets: int
    rpe: float | None
    rir: int | None
    feel: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {**asdict(self), "units": self.units.value}


@dataclass(frozen=True)
class SorenessEntry:
    """How sore a body part is, 1 (barely) to 5 (very)."""

    body_part: str
    level: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return asdict(self)


@dataclass(frozen=True)
class ParsedLog:
    """Everything understood in one text, plus the clauses that were not (verbatim, trimmed)."""

    sets: list[SetEntry]
    completion: Completion | None
    soreness: list[SorenessEntry]
    session_rpe: float | None
    notes: list[str]
    unparsed: list[str]

    @property
    def understood_anything(self) -> bool:
        """True when at least one clause was understood."""
        return bool(
            self.sets or self.completion or self.soreness or self.notes or self.session_rpe is not None
        )

    @property
    def fully_understood(self) -> bool:
        """True when something was understood and nothing was left unparsed."""
        return self.understood_anything and not self.unparsed

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "sets": [s.to_dict() for s in self.sets],
            "completion": self.completion,
            "soreness": [s.to_dict() for s in self.soreness],
            "session_rpe": self.session_rpe,
            "notes": list(self.notes),
            "unparsed": list(self.unparsed),
            "fully_understood": self.fully_understood,
        }


# ---------------------------------------------------------------- tokens

_Kind = Literal["num", "word", "at", "slash", "times", "other"]


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    text: str

    @property
    def value(self) -> float:
        return float(self.text.replace(",", "."))

    @property
    def whole(self) -> bool:
        return self.kind == "num" and self.text.isdigit()


_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+|\S")
_SEPARATORS = frozenset('.,!?:;-–—"“”()[]{}=~_')
_SYMBOLS: dict[str, _Kind] = {"@": "at", "/": "slash", "×": "times", "*": "times"}
# Pictographs, skin tones, variation selectors and joiners: decoration, not content.
_DECORATION = frozenset({"So", "Sk", "Mn", "Me", "Cf"})
_APOSTROPHES = re.compile(r"['‘’`]")


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for piece in _TOKEN_RE.findall(_APOSTROPHES.sub("", text.lower())):
        token = _classify(piece)
        if token is not None:
            tokens.append(token)
    return tokens


def _classify(piece: str) -> _Token | None:
    if piece[0].isascii() and piece[0].isdigit():
        return _Token("num", piece)
    if piece == "x":
        return _Token("times", piece)
    if piece == "&":
        return _Token("word", "and")
    if len(piece) > 1 or piece.isalpha():
        return _Token("word", piece)
    if piece in _SYMBOLS:
        return _Token(_SYMBOLS[piece], piece)
    if piece in _SEPARATORS or unicodedata.category(piece) in _DECORATION:
        return None
    return _Token("other", piece)


# ---------------------------------------------------------------- movement index

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


def _fold(word: str) -> str:
    """One word as movement matching sees it: singular, abbreviations expanded."""
    if len(word) > 3 and word.endswith(("ches", "shes", "sses", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return _ABBREVIATIONS.get(word, word)


def _movement_key(tokens: Sequence[_Token]) -> str | None:
    if not any(t.kind == "word" for t in tokens) or any(
        t.kind not in ("word", "num", "slash") for t in tokens
    ):
        return None
    return "".join(_fold(t.text) if t.kind == "word" else t.text for t in tokens)


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
            _fold(t.text)
            for phrase in (self.name, *self.aliases)
            for t in _tokenise(phrase)
            if t.kind == "word" and t.text not in _LINKING_WORDS
        }
        return frozenset(words | {_IMPLEMENTS[e] for e in self.equipment if e in _IMPLEMENTS})


@dataclass(frozen=True)
class _Match:
    movement: KnownMovement
    start: int
    end: int


class MovementIndex:
    """Exact lookup of movement names and aliases in free text (see the module docstring)."""

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
        tokens = _tokenise(phrase)
        matches = self.find(tokens)
        if matches and len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(tokens)):
            return matches[0].movement
        return None

    def _add(self, movement: KnownMovement) -> None:
        self._descriptors[movement.slug] = movement.descriptors()
        for phrase in (movement.name, *movement.aliases):
            tokens = _tokenise(phrase)
            key = _movement_key(tokens)
            if key is None:
                continue  # purely numeric aliases ("90/90") would swallow weights and reps
            known = self._by_key.get(key, movement)
            self._by_key[key] = movement if known is not None and known.slug == movement.slug else None
            self._longest = max(self._longest, len(tokens))

    def find(self, tokens: Sequence[_Token]) -> list[_Match] | None:
        """Movements named in tokens, leftmost-longest; None when a phrase there is ambiguous."""
        matches: list[_Match] = []
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

    def _longest_at(self, tokens: Sequence[_Token], start: int) -> _Match | None:
        for end in range(min(len(tokens), start + self._longest), start, -1):
            key = _movement_key(tokens[start:end])
            if key is not None and key in self._by_key:
                return _Match(self._by_key[key] or _AMBIGUOUS, start, end)
        return None

    def _widen(self, tokens: Sequence[_Token], match: _Match, floor: int) -> _Match:
        # Leading words the movement itself uses ("back" squat, "bb" bench) belong to the match.
        descriptors = self._descriptors[match.movement.slug]
        start = match.start
        while (
            start > floor
            and tokens[start - 1].kind == "word"
            and _fold(tokens[start - 1].text) in descriptors
        ):
            start -= 1
        return _Match(match.movement, start, match.end)


_AMBIGUOUS = KnownMovement("", "")


# ---------------------------------------------------------------- parse_log


@dataclass
class _Result:
    sets: list[SetEntry] = field(default_factory=list)
    completion: Completion | None = None
    soreness: list[SorenessEntry] = field(default_factory=list)
    session_rpe: float | None = None
    notes: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.sets or self.completion or self.soreness or self.notes or self.unparsed) and (
            self.session_rpe is None
        )

    def frozen(self) -> ParsedLog:
        return ParsedLog(
            sets=self.sets,
            completion=self.completion,
            soreness=self.soreness,
            session_rpe=self.session_rpe,
            notes=self.notes,
            unparsed=self.unparsed,
        )


_CLAUSE_SPLIT = re.compile(r"[\r\n;]+|(?<![0-9]),|,(?![0-9])|[.!?]+(?=\s)")


def parse_log(text: str, *, units: Units, index: MovementIndex) -> ParsedLog:
    """Parse a trainee's workout text; `units` applies to weights written without a unit.

    Never raises; see the module docstring for the rules.
    """
    result = _Result()
    stripped = text.strip()
    if len(stripped) > MAX_TEXT_CHARS:
        result.unparsed.append(stripped)
        return result.frozen()
    for raw in _CLAUSE_SPLIT.split(stripped):
        clause = raw.strip()
        if clause and not _read_clause(clause, Units(units), index, result):
            result.unparsed.append(clause)
    if stripped and result.is_empty():
        result.unparsed.append(stripped)  # only separators, e.g. ",": still not understood
    return result.frozen()


def _read_clause(clause: str, units: Units, index: MovementIndex, result: _Result) -> bool:
    """Record what one clause says into result; False when it must go to unparsed."""
    tokens = _tokenise(clause) if len(clause) <= MAX_CLAUSE_CHARS else []
    if not tokens:
        return False
    completion = _completion(tokens)
    if completion is not None:
        return _record_completion(completion, result)
    session_rpe = _session_rpe(tokens)
    if session_rpe is not None:
        return _record_session_rpe(session_rpe, result)
    if any(t.kind == "word" and t.text in _SORE_WORDS for t in tokens):
        return _record_soreness(_soreness(tokens), result)
    matches = index.find(tokens)
    if matches:
        entry = _set_entry(tokens, matches, units) if len(matches) == 1 else None
        if entry is not None:
            result.sets.append(entry)
        return entry is not None
    if matches is not None and _is_note(tokens):
        result.notes.append(clause)
        return True
    return False


# ---------------------------------------------------------------- completion, session RPE, notes


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DONE = {("did",), ("done",), ("finished",), ("completed",), ("complete",), ("crushed",), ("nailed",)}
_SKIPPED = {
    ("skipped",),
    ("skipping",),
    ("missed",),
    ("didnt", "go"),
    ("didnt", "train"),
    ("didnt", "make"),
    ("didnt", "do"),
    ("couldnt", "make"),
}
_COMPLETION_FILLER = _words(
    "i it today todays the workout session training gym all just yes yep yeah ok okay my this"
)
_SESSION_WORDS = frozenset({"session", "workout", "training", "overall"})
_SESSION_FILLER = _words("my the was a an of for today todays whole about around")
_FEEL_WORDS = _words(
    "easy hard heavy light good great ok okay fine tough brutal smooth fast slow grindy strong weak solid "
    "rough awful terrible horrible amazing comfortable challenging difficult crisp sluggish"
)
_FEEL_VERBS = frozenset({"felt", "feel", "feels", "feeling"})
_INTENSIFIERS = _words("very really pretty super too so quite fairly kinda a bit little way extremely")
_NOTE_FILLER = _words("today session workout training it was the i everything all overall")


def _completion(tokens: Sequence[_Token]) -> Completion | None:
    if any(t.kind != "word" for t in tokens):
        return None
    core = tuple(t.text for t in tokens if t.text not in _COMPLETION_FILLER)
    if core in _DONE:
        return "done"
    if core in _SKIPPED:
        return "skipped"
    return None


def _record_completion(completion: Completion, result: _Result) -> bool:
    if result.completion not in (None, completion):
        return False  # "done" and "skipped" in one text contradict each other; let a human read it
    result.completion = completion
    return True


def _session_rpe(tokens: Sequence[_Token]) -> float | None:
    first = next((i for i, t in enumerate(tokens) if t.kind == "num"), None)
    if first is None:
        return None
    end, scale = _scale_end(tokens, first + 1)
    rest = [*tokens[:first], *tokens[end:]]
    words = {t.text for t in rest if t.kind == "word"}
    named = "srpe" in words or ("rpe" in words and bool(words & _SESSION_WORDS))
    if scale not in (None, 10) or any(t.kind != "word" for t in rest) or not named:
        return None
    if words - _SESSION_WORDS - _SESSION_FILLER - {"rpe", "srpe"}:
        return None
    value = tokens[first].value
    return value if _valid_rpe(value) else None


def _record_session_rpe(value: float, result: _Result) -> bool:
    if result.session_rpe not in (None, value):
        return False
    result.session_rpe = value
    return True


def _scale_end(tokens: Sequence[_Token], i: int) -> tuple[int, float | None]:
    """Skip a "/5", "out of 5" or "of 5" after a rating; returns the next index and the scale's top."""
    for pattern in (("slash",), ("out", "of"), ("of",)):
        n = len(pattern)
        head = tokens[i : i + n]
        matches = len(head) == n and all(
            t.kind == p or t.text == p for t, p in zip(head, pattern, strict=True)
        )
        if matches and _is_num(tokens, i + n):
            return i + n + 1, tokens[i + n].value
    return i, None


def _is_note(tokens: Sequence[_Token]) -> bool:
    words = [t.text for t in tokens if t.kind == "word"]
    if len(words) != len(tokens) or not any(w in _FEEL_WORDS for w in words):
        return False
    return all(w in _FEEL_WORDS | _FEEL_VERBS | _INTENSIFIERS | _NOTE_FILLER for w in words)


# ---------------------------------------------------------------- soreness

_SORE_WORDS = frozenset({"sore", "soreness", "doms"})
_SORE_FILLER = _words(
    "are is am im i my a bit very pretty really kinda quite super so feel feels feeling felt today and "
    "both the little still level"
)
_BODY_PARTS = {
    "leg": "legs",
    "quad": "quads",
    "quadricep": "quads",
    "hamstring": "hamstrings",
    "hammy": "hamstrings",
    "ham": "hamstrings",
    "glute": "glutes",
    "butt": "glutes",
    "calf": "calves",
    "calve": "calves",
    "chest": "chest",
    "pec": "chest",
    "back": "back",
    "lowerback": "lower back",
    "upperback": "upper back",
    "lat": "lats",
    "trap": "traps",
    "shoulder": "shoulders",
    "delt": "shoulders",
    "arm": "arms",
    "bicep": "biceps",
    "tricep": "triceps",
    "forearm": "forearms",
    "ab": "abs",
    "core": "core",
    "oblique": "obliques",
    "hip": "hips",
    "hipflexor": "hip flexors",
    "adductor": "adductors",
    "groin": "adductors",
    "neck": "neck",
    "everything": "overall",
    "wholebody": "overall",
    "body": "overall",
}


def _soreness(tokens: Sequence[_Token]) -> list[SorenessEntry] | None:
    words: list[str] = []
    level: _Token | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "word":
            words.append(token.text)
            i += 1
            continue
        if token.kind != "num" or level is not None:
            return None
        level = token
        i, scale = _scale_end(tokens, i + 1)
        if scale not in (None, 5):
            return None  # a 1-10 answer is not rescaled: 3/10 could mean 1 or 2 out of 5
    if level is None or not level.whole or not 1 <= level.value <= 5:
        return None
    parts = _body_parts([w for w in words if w not in _SORE_WORDS and w not in _SORE_FILLER])
    return [SorenessEntry(part, int(level.value)) for part in parts] if parts is not None else None


def _body_parts(words: Sequence[str]) -> list[str] | None:
    parts: list[str] = []
    i = 0
    while i < len(words):
        pair = _fold(words[i]) + (_fold(words[i + 1]) if i + 1 < len(words) else "")
        if i + 1 < len(words) and pair in _BODY_PARTS:
            part, i = _BODY_PARTS[pair], i + 2
        elif _fold(words[i]) in _BODY_PARTS:
            part, i = _BODY_PARTS[_fold(words[i])], i + 1
        else:
            return None
        if part not in parts:
            parts.append(part)
    return parts or ["overall"]


def _record_soreness(entries: list[SorenessEntry] | None, result: _Result) -> bool:
    if entries is None:
        return False
    result.soreness.extend(entries)
    return True


# ---------------------------------------------------------------- sets

_Load = tuple[_Token, Units | None]  # a number and the unit written after it, if any
_UNITS = {
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), Units.KG),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), Units.LB),
}
_REP_WORDS = frozenset({"rep", "reps", "r"})
_SET_WORDS = frozenset({"set", "sets"})
_SET_FILLER = _words("did do i my of with and then today a the got hit reps rep top set working")


@dataclass
class _SetFacts:
    """Everything the set grammar found in a clause, before deciding what the numbers mean."""

    weights: list[_Load] = field(default_factory=list)
    chains: list[list[_Load]] = field(default_factory=list)
    reps: list[_Token] = field(default_factory=list)
    sets: list[_Token] = field(default_factory=list)
    rpe: list[_Token] = field(default_factory=list)
    rir: list[_Token] = field(default_factory=list)
    bare: list[_Token] = field(default_factory=list)
    feel: list[str] = field(default_factory=list)
    bodyweight: bool = False


@dataclass(frozen=True)
class _Volume:
    weight: _Load | None
    reps: _Token
    sets: _Token | None


def _set_entry(tokens: Sequence[_Token], matches: list[_Match], units: Units) -> SetEntry | None:
    match = matches[0]
    facts = _SetFacts()
    # The two sides are read separately so the movement name never joins numbers across it.
    if not (_scan(tokens[: match.start], facts) and _scan(tokens[match.end :], facts)):
        return None
    volume = _volume(facts)
    if volume is None or len(facts.rpe) > 1 or len(facts.rir) > 1 or len(facts.feel) > 1:
        return None
    return _validated(match.movement, volume, facts, units)


def _scan(tokens: Sequence[_Token], facts: _SetFacts) -> bool:
    i = 0
    while i < len(tokens):
        for rule in _RULES:
            after = rule(tokens, i, facts)
            if after is not None:
                i = after
                break
        else:
            return False
    return True


def _word(tokens: Sequence[_Token], i: int) -> str | None:
    return tokens[i].text if i < len(tokens) and tokens[i].kind == "word" else None


def _is_num(tokens: Sequence[_Token], i: int) -> bool:
    return i < len(tokens) and tokens[i].kind == "num"


def _rpe_or_rir_first(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int | None:
    word = _word(tokens, i)
    if word in ("rpe", "rir") and _is_num(tokens, i + 1):
        (facts.rpe if word == "rpe" else facts.rir).append(tokens[i + 1])
        return i + 2
    return None


def _at(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int | None:
    if tokens[i].kind != "at" and _word(tokens, i) != "at":
        return None
    if _word(tokens, i + 1) in ("rpe", "rir"):
        return i + 1
    if not _is_num(tokens, i + 1) or (i + 2 < len(tokens) and tokens[i + 2].kind == "times"):
        return None
    number, unit = tokens[i + 1], _UNITS.get(_word(tokens, i + 2) or "")
    if unit is None and number.value <= 10:
        facts.rpe.append(number)  # "@8": RPE notation; nobody loads a bar "at 8" without saying kg or lb
        return i + 2
    facts.weights.append((number, unit))
    return i + 3 if unit else i + 2


def _for_reps(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int | None:
    if _word(tokens, i) != "for":
        return None
    following = tokens[i + 2] if i + 2 < len(tokens) else None
    if not _is_num(tokens, i + 1) or (following and (following.kind == "times" or following.text in _UNITS)):
        return i + 1  # "for 3x5", "for 100kg": a filler word
    if following and following.text in _SET_WORDS:
        return i + 1
    facts.reps.append(tokens[i + 1])
    return i + 3 if following and following.text in _REP_WORDS else i + 2


def _number(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int | None:
    if not _is_num(tokens, i):
        return None
    suffix = _word(tokens, i + 1)
    if suffix == "rir" or (suffix == "rpe" and not _is_num(tokens, i + 2)):
        (facts.rir if suffix == "rir" else facts.rpe).append(tokens[i])
        return i + 2
    if suffix in _REP_WORDS:
        facts.reps.append(tokens[i])
        return i + 2
    if suffix in _SET_WORDS:
        return _sets_of(tokens, i, facts)
    return _chain(tokens, i, facts)


def _sets_of(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int:
    """ "3 sets", "3 sets of 8", "3 sets x 8 reps"."""
    facts.sets.append(tokens[i])
    joiner = tokens[i + 2] if i + 2 < len(tokens) else None
    if joiner and (joiner.kind == "times" or joiner.text == "of") and _is_num(tokens, i + 3):
        facts.reps.append(tokens[i + 3])
        return i + 5 if _word(tokens, i + 4) in _REP_WORDS else i + 4
    return i + 2


def _chain(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int:
    """ "100", "100kg", "100 x 5", "185x5x3": numbers joined by x, each with an optional unit."""
    chain: list[_Load] = []
    while True:
        unit = _UNITS.get(_word(tokens, i + 1) or "")
        chain.append((tokens[i], unit))
        i += 2 if unit else 1
        if not (i < len(tokens) and tokens[i].kind == "times" and _is_num(tokens, i + 1)):
            break
        i += 1
    if len(chain) > 1:
        facts.chains.append(chain)
    elif chain[0][1] is not None:
        facts.weights.append(chain[0])
    else:
        facts.bare.append(chain[0][0])
    return i


def _feel(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int | None:
    j = i + 1 if _word(tokens, i) in _FEEL_VERBS else i
    words: list[str] = []
    while (word := _word(tokens, j)) in _INTENSIFIERS:
        words.append(word or "")
        j += 1
    word = _word(tokens, j)
    if word not in _FEEL_WORDS or word is None:
        return None
    facts.feel.append(" ".join([*words, word]))
    return j + 1


def _bodyweight(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int | None:
    if _word(tokens, i) in ("bw", "bodyweight"):
        facts.bodyweight = True
        return i + 1
    return None


def _filler(tokens: Sequence[_Token], i: int, facts: _SetFacts) -> int | None:
    return i + 1 if _word(tokens, i) in _SET_FILLER else None


_RULES: tuple[Callable[[Sequence[_Token], int, _SetFacts], int | None], ...] = (
    _rpe_or_rir_first,
    _at,
    _for_reps,
    _number,
    _feel,
    _bodyweight,
    _filler,
)


# ---------------------------------------------------------------- what the numbers mean


def _volume(facts: _SetFacts) -> _Volume | None:
    if max(len(facts.chains), len(facts.weights), len(facts.reps), len(facts.sets)) > 1:
        return None
    if not facts.chains:
        return _loose(facts)
    chain = facts.chains[0]
    if len(chain) == 3:
        return _weight_reps_sets(facts, chain)
    if len(chain) == 2:
        return _pair(facts, chain[0], chain[1])
    return None


def _weight_reps_sets(facts: _SetFacts, chain: list[_Load]) -> _Volume | None:
    weight, (reps, reps_unit), (sets, sets_unit) = chain
    if reps_unit or sets_unit or facts.weights or facts.bare or facts.reps or facts.sets or facts.bodyweight:
        return None
    return _Volume(weight, reps, sets)


def _pair(facts: _SetFacts, first: _Load, second: _Load) -> _Volume | None:
    number, unit = first
    if second[1] is not None:
        return None  # "5 x 100kg": sets x weight or reps x weight, nobody can tell
    if unit is not None or not number.whole:
        return _weight_by_reps(facts, first, second[0])
    if facts.weights or facts.bare or facts.bodyweight or number.value <= 10:
        return _sets_by_reps(facts, number, second[0])
    if number.value >= 20:
        return _weight_by_reps(facts, first, second[0])
    return None


def _weight_by_reps(facts: _SetFacts, weight: _Load, reps: _Token) -> _Volume | None:
    if facts.weights or facts.bare or facts.reps or facts.bodyweight:
        return None
    return _Volume(weight, reps, facts.sets[0] if facts.sets else None)


def _sets_by_reps(facts: _SetFacts, sets: _Token, reps: _Token) -> _Volume | None:
    if facts.reps or facts.sets:
        return None
    loads = [*facts.weights, *((b, None) for b in facts.bare)]
    if len(loads) > 1 or (loads and facts.bodyweight):
        return None
    return _Volume(loads[0] if loads else None, reps, sets)


def _loose(facts: _SetFacts) -> _Volume | None:
    """No "x": reps come from "5 reps" / "for 5", or from a lone number next to an explicit weight."""
    sets = facts.sets[0] if facts.sets else None
    if facts.reps:
        loads = [*facts.weights, *((b, None) for b in facts.bare)]
        if len(loads) > 1 or (loads and facts.bodyweight):
            return None
        return _Volume(loads[0] if loads else None, facts.reps[0], sets)
    if len(facts.weights) == 1 and len(facts.bare) == 1 and not facts.bodyweight:
        return _Volume(facts.weights[0], facts.bare[0], sets)
    return None


def _validated(movement: KnownMovement, volume: _Volume, facts: _SetFacts, units: Units) -> SetEntry | None:
    weight_units = (volume.weight[1] if volume.weight else None) or units
    weight = volume.weight[0].value if volume.weight else None
    sets = volume.sets or _Token("num", "1")
    rpe = facts.rpe[0].value if facts.rpe else None
    rir = facts.rir[0] if facts.rir else None
    checks = (
        volume.reps.whole and 1 <= volume.reps.value <= MAX_LOGGED_REPS,
        sets.whole and 1 <= sets.value <= MAX_SETS,
        weight is None or (math.isfinite(weight) and 0 < to_kg(weight, weight_units) <= MAX_WEIGHT_KG),
        rpe is None or _valid_rpe(rpe),
        rir is None or (rir.whole and rir.value <= 10),
    )
    if not all(checks):
        return None
    return SetEntry(
        movement_slug=movement.slug,
        movement_name=movement.name,
        weight=weight,
        units=weight_units,
        reps=int(volume.reps.value),
        sets=int(sets.value),
        rpe=rpe,
        rir=int(rir.value) if rir else None,
        feel=facts.feel[0] if facts.feel else None,
    )


def _valid_rpe(value: float) -> bool:
    return 1 <= value <= 10 and (value * 2).is_integer()
