"""Clauses other than sets: splitting a text into clauses, and reading completion, session RPE,
soreness and general feel notes (see the `log_parsing` package docstring for the rules).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coach.training.log_parsing.movements import fold
from coach.training.log_parsing.results import Completion, SorenessEntry
from coach.training.log_parsing.tokens import Token, is_num, word_set

_CLAUSE_SPLIT = re.compile(r"[\r\n;]+|(?<![0-9]),|,(?![0-9])|[.!?]+(?=\s)")

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
_COMPLETION_FILLER = word_set(
    "i it today todays the workout session training gym all just yes yep yeah ok okay my this"
)
_SESSION_WORDS = frozenset({"session", "workout", "training", "overall"})
_SESSION_FILLER = word_set("my the was a an of for today todays whole about around")
FEEL_WORDS = word_set(
    "easy hard heavy light good great ok okay fine tough brutal smooth fast slow grindy strong weak solid "
    "rough awful terrible horrible amazing comfortable challenging difficult crisp sluggish"
)
FEEL_VERBS = frozenset({"felt", "feel", "feels", "feeling"})
INTENSIFIERS = word_set("very really pretty super too so quite fairly kinda a bit little way extremely")
_NOTE_FILLER = word_set("today session workout training it was the i everything all overall")


def split_clauses(text: str) -> list[str]:
    """The non-empty, trimmed clauses of text (a comma between two digits is a decimal comma)."""
    return [clause for raw in _CLAUSE_SPLIT.split(text) if (clause := raw.strip())]


def valid_rpe(value: float) -> bool:
    """True for an RPE from 1 to 10 in half steps."""
    return 1 <= value <= 10 and (value * 2).is_integer()


# ---------------------------------------------------------------- completion, session RPE, notes


def completion(tokens: Sequence[Token]) -> Completion | None:
    """ "did it" -> done, "skipped today" -> skipped; None unless the clause says only that."""
    if any(t.kind != "word" for t in tokens):
        return None
    core = tuple(t.text for t in tokens if t.text not in _COMPLETION_FILLER)
    if core in _DONE:
        return "done"
    if core in _SKIPPED:
        return "skipped"
    return None


def session_rpe(tokens: Sequence[Token]) -> float | None:
    """ "session rpe 7", "overall rpe 8/10", "srpe 6"; None unless the clause says only that."""
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
    return value if valid_rpe(value) else None


def _scale_end(tokens: Sequence[Token], i: int) -> tuple[int, float | None]:
    """Skip a "/5", "out of 5" or "of 5" after a rating; returns the next index and the scale's top."""
    for pattern in (("slash",), ("out", "of"), ("of",)):
        n = len(pattern)
        head = tokens[i : i + n]
        matches = len(head) == n and all(
            t.kind == p or t.text == p for t, p in zip(head, pattern, strict=True)
        )
        if matches and is_num(tokens, i + n):
            return i + n + 1, tokens[i + n].value
    return i, None


def is_note(tokens: Sequence[Token]) -> bool:
    """True for a general remark made only of feel words: "felt great", "tough session"."""
    words = [t.text for t in tokens if t.kind == "word"]
    if len(words) != len(tokens) or not any(w in FEEL_WORDS for w in words):
        return False
    return all(w in FEEL_WORDS | FEEL_VERBS | INTENSIFIERS | _NOTE_FILLER for w in words)


# ---------------------------------------------------------------- soreness

_SORE_WORDS = frozenset({"sore", "soreness", "doms"})
_SORE_FILLER = word_set(
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


def mentions_soreness(tokens: Sequence[Token]) -> bool:
    """True when the clause says "sore", "soreness" or "doms": it is read as soreness or not at all."""
    return any(t.kind == "word" and t.text in _SORE_WORDS for t in tokens)


def soreness(tokens: Sequence[Token]) -> list[SorenessEntry] | None:
    """ "legs sore 3/5" -> legs at 3; None unless every word is a body part, filler or one level 1-5."""
    words: list[str] = []
    level: Token | None = None
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
        pair = fold(words[i]) + (fold(words[i + 1]) if i + 1 < len(words) else "")
        if i + 1 < len(words) and pair in _BODY_PARTS:
            part, i = _BODY_PARTS[pair], i + 2
        elif fold(words[i]) in _BODY_PARTS:
            part, i = _BODY_PARTS[fold(words[i])], i + 1
        else:
            return None
        if part not in parts:
            parts.append(part)
    return parts or ["overall"]
