"""The set grammar: reading one movement's clause ("squats 100kg 5x5 @8") into a checked SetEntry."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from coach.models.enums import Units
from coach.training.e1rm import MAX_WEIGHT_KG, to_kg
from coach.training.log_parsing.clauses import FEEL_VERBS, FEEL_WORDS, INTENSIFIERS, valid_rpe
from coach.training.log_parsing.movements import KnownMovement, MovementMatch
from coach.training.log_parsing.results import SetEntry
from coach.training.log_parsing.tokens import Token, is_num, word_at, word_set
from coach.training.log_parsing.volume import Load, SetFacts, Volume, volume

MAX_LOGGED_REPS = 100  # allows bodyweight work like 3x50 push-ups; 500 is a typo
MAX_SETS = 20

_UNITS = {
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), Units.KG),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), Units.LB),
}
_REP_WORDS = frozenset({"rep", "reps", "r"})
_SET_WORDS = frozenset({"set", "sets"})
_SET_FILLER = word_set("did do i my of with and then today a the got hit reps rep top set working")


def set_entry(tokens: Sequence[Token], match: MovementMatch, units: Units) -> SetEntry | None:
    """The set the clause logs for the matched movement, or None when any of it is not understood."""
    facts = SetFacts()
    # The two sides are read separately so the movement name never joins numbers across it.
    if not (_scan(tokens[: match.start], facts) and _scan(tokens[match.end :], facts)):
        return None
    found = volume(facts)
    if found is None or len(facts.rpe) > 1 or len(facts.rir) > 1 or len(facts.feel) > 1:
        return None
    return _validated(match.movement, found, facts, units)


def _scan(tokens: Sequence[Token], facts: SetFacts) -> bool:
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


# ---------------------------------------------------------------- grammar rules
# Each rule reads what it knows at position i into facts and returns the next position, or None.


def _rpe_or_rir_first(tokens: Sequence[Token], i: int, facts: SetFacts) -> int | None:
    word = word_at(tokens, i)
    if word in ("rpe", "rir") and is_num(tokens, i + 1):
        (facts.rpe if word == "rpe" else facts.rir).append(tokens[i + 1])
        return i + 2
    return None


def _at(tokens: Sequence[Token], i: int, facts: SetFacts) -> int | None:
    if tokens[i].kind != "at" and word_at(tokens, i) != "at":
        return None
    if word_at(tokens, i + 1) in ("rpe", "rir"):
        return i + 1
    if not is_num(tokens, i + 1) or (i + 2 < len(tokens) and tokens[i + 2].kind == "times"):
        return None
    number, unit = tokens[i + 1], _UNITS.get(word_at(tokens, i + 2) or "")
    if unit is None and number.value <= 10:
        facts.rpe.append(number)  # "@8": RPE notation; nobody loads a bar "at 8" without saying kg or lb
        return i + 2
    facts.weights.append((number, unit))
    return i + 3 if unit else i + 2


def _for_reps(tokens: Sequence[Token], i: int, facts: SetFacts) -> int | None:
    if word_at(tokens, i) != "for":
        return None
    following = tokens[i + 2] if i + 2 < len(tokens) else None
    if not is_num(tokens, i + 1) or (following and (following.kind == "times" or following.text in _UNITS)):
        return i + 1  # "for 3x5", "for 100kg": a filler word
    if following and following.text in _SET_WORDS:
        return i + 1
    facts.reps.append(tokens[i + 1])
    return i + 3 if following and following.text in _REP_WORDS else i + 2


def _number(tokens: Sequence[Token], i: int, facts: SetFacts) -> int | None:
    if not is_num(tokens, i):
        return None
    suffix = word_at(tokens, i + 1)
    if suffix == "rir" or (suffix == "rpe" and not is_num(tokens, i + 2)):
        (facts.rir if suffix == "rir" else facts.rpe).append(tokens[i])
        return i + 2
    if suffix in _REP_WORDS:
        facts.reps.append(tokens[i])
        return i + 2
    if suffix in _SET_WORDS:
        return _sets_of(tokens, i, facts)
    return _chain(tokens, i, facts)


def _sets_of(tokens: Sequence[Token], i: int, facts: SetFacts) -> int:
    """ "3 sets", "3 sets of 8", "3 sets x 8 reps"."""
    facts.sets.append(tokens[i])
    joiner = tokens[i + 2] if i + 2 < len(tokens) else None
    if joiner and (joiner.kind == "times" or joiner.text == "of") and is_num(tokens, i + 3):
        facts.reps.append(tokens[i + 3])
        return i + 5 if word_at(tokens, i + 4) in _REP_WORDS else i + 4
    return i + 2


def _chain(tokens: Sequence[Token], i: int, facts: SetFacts) -> int:
    """ "100", "100kg", "100 x 5", "185x5x3": numbers joined by x, each with an optional unit."""
    chain: list[Load] = []
    while True:
        unit = _UNITS.get(word_at(tokens, i + 1) or "")
        chain.append((tokens[i], unit))
        i += 2 if unit else 1
        if not (i < len(tokens) and tokens[i].kind == "times" and is_num(tokens, i + 1)):
            break
        i += 1
    if len(chain) > 1:
        facts.chains.append(chain)
    elif chain[0][1] is not None:
        facts.weights.append(chain[0])
    else:
        facts.bare.append(chain[0][0])
    return i


def _feel(tokens: Sequence[Token], i: int, facts: SetFacts) -> int | None:
    j = i + 1 if word_at(tokens, i) in FEEL_VERBS else i
    words: list[str] = []
    while (word := word_at(tokens, j)) in INTENSIFIERS:
        words.append(word or "")
        j += 1
    word = word_at(tokens, j)
    if word not in FEEL_WORDS or word is None:
        return None
    facts.feel.append(" ".join([*words, word]))
    return j + 1


def _bodyweight(tokens: Sequence[Token], i: int, facts: SetFacts) -> int | None:
    if word_at(tokens, i) in ("bw", "bodyweight"):
        facts.bodyweight = True
        return i + 1
    return None


def _filler(tokens: Sequence[Token], i: int, facts: SetFacts) -> int | None:
    return i + 1 if word_at(tokens, i) in _SET_FILLER else None


_RULES: tuple[Callable[[Sequence[Token], int, SetFacts], int | None], ...] = (
    _rpe_or_rir_first,
    _at,
    _for_reps,
    _number,
    _feel,
    _bodyweight,
    _filler,
)


# ---------------------------------------------------------------- limits


def _validated(movement: KnownMovement, found: Volume, facts: SetFacts, units: Units) -> SetEntry | None:
    weight_units = (found.weight[1] if found.weight else None) or units
    weight = found.weight[0].value if found.weight else None
    sets = found.sets or Token("num", "1")
    rpe = facts.rpe[0].value if facts.rpe else None
    rir = facts.rir[0] if facts.rir else None
    checks = (
        found.reps.whole and 1 <= found.reps.value <= MAX_LOGGED_REPS,
        sets.whole and 1 <= sets.value <= MAX_SETS,
        weight is None or (math.isfinite(weight) and 0 < to_kg(weight, weight_units) <= MAX_WEIGHT_KG),
        rpe is None or valid_rpe(rpe),
        rir is None or (rir.whole and rir.value <= 10),
    )
    if not all(checks):
        return None
    return SetEntry(
        movement_slug=movement.slug,
        movement_name=movement.name,
        weight=weight,
        units=weight_units,
        reps=int(found.reps.value),
        sets=int(sets.value),
        rpe=rpe,
        rir=int(rir.value) if rir else None,
        feel=facts.feel[0] if facts.feel else None,
    )
