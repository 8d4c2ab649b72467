"""`parse_log`: a trainee's text, clause by clause, into a ParsedLog (rules in the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.models.enums import Units
from coach.training.log_parsing import clauses
from coach.training.log_parsing.movements import MovementIndex
from coach.training.log_parsing.results import Completion, ParsedLog, SetEntry, SorenessEntry
from coach.training.log_parsing.sets import set_entry
from coach.training.log_parsing.tokens import tokenise

MAX_CLAUSE_CHARS = 200
MAX_TEXT_CHARS = 5000


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


def parse_log(text: str, *, units: Units, index: MovementIndex) -> ParsedLog:
    """Parse a trainee's workout text; `units` applies to weights written without a unit.

    Never raises; see the `coach.training.log_parsing` package docstring for the rules.
    """
    result = _Result()
    stripped = text.strip()
    if len(stripped) > MAX_TEXT_CHARS:
        result.unparsed.append(stripped)
        return result.frozen()
    for clause in clauses.split_clauses(stripped):
        if not _read_clause(clause, Units(units), index, result):
            result.unparsed.append(clause)
    if stripped and result.is_empty():
        result.unparsed.append(stripped)  # only separators, e.g. ",": still not understood
    return result.frozen()


def _read_clause(clause: str, units: Units, index: MovementIndex, result: _Result) -> bool:
    """Record what one clause says into result; False when it must go to unparsed."""
    tokens = tokenise(clause) if len(clause) <= MAX_CLAUSE_CHARS else []
    if not tokens:
        return False
    completion = clauses.completion(tokens)
    if completion is not None:
        return _record_completion(completion, result)
    session_rpe = clauses.session_rpe(tokens)
    if session_rpe is not None:
        return _record_session_rpe(session_rpe, result)
    if clauses.mentions_soreness(tokens):
        return _record_soreness(clauses.soreness(tokens), result)
    matches = index.find(tokens)
    if matches:
        entry = set_entry(tokens, matches[0], units) if len(matches) == 1 else None
        if entry is not None:
            result.sets.append(entry)
        return entry is not None
    if matches is not None and clauses.is_note(tokens):
        result.notes.append(clause)
        return True
    return False


def _record_completion(completion: Completion, result: _Result) -> bool:
    if result.completion not in (None, completion):
        return False  # "done" and "skipped" in one text contradict each other; let a human read it
    result.completion = completion
    return True


def _record_session_rpe(value: float, result: _Result) -> bool:
    if result.session_rpe not in (None, value):
        return False
    result.session_rpe = value
    return True


def _record_soreness(entries: list[SorenessEntry] | None, result: _Result) -> bool:
    if entries is None:
        return False
    result.soreness.extend(entries)
    return True
