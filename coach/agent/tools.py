"""The tools the LLM acts through, and `run_tool`, which validates and runs one call for the turn's trainee.

No argument names a trainee or a phone number: every handler works on `turn.trainee.id` only. Arguments are
parsed with the tool's pydantic model; bad JSON, bad arguments, an unknown tool or a domain refusal come
back as `ToolResult(ok=False, content='{"error": "..."}')` so the model can correct itself. A changing tool
runs inside a SAVEPOINT of the caller's transaction, so a failing call leaves nothing half-done, and
nothing here commits.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from coach.agent import tools_logs, tools_profile, tools_workouts
from coach.agent.tools_common import Outcome, ToolError
from coach.agent.tools_schema import ARGUMENTS, TOOLS, Arguments
from coach.agent.turn import Turn
from coach.training.changes import PlanNotFound, WorkoutNotFound

__all__ = ["TOOLS", "ToolResult", "run_tool"]

log = logging.getLogger(__name__)

Handler = Callable[[Session, Turn, Any], Outcome]
HANDLERS: dict[str, Handler] = {
    "get_workout": tools_workouts.get_workout,
    "get_week": tools_workouts.get_week,
    "update_profile": tools_profile.update_profile,
    "log_workout": tools_logs.log_workout,
    "record_soreness": tools_logs.record_soreness,
    "record_readiness": tools_logs.record_readiness_tool,
    "swap_exercise": tools_workouts.swap_exercise,
    "move_workout": tools_workouts.move_workout,
    "skip_workout": tools_workouts.skip_workout,
    "shorten_workout": tools_workouts.shorten_workout,
    "adjust_difficulty": tools_workouts.adjust_difficulty,
    "pause_plan": tools_workouts.pause_plan,
    "resume_plan": tools_workouts.resume_plan,
    "set_schedule": tools_profile.set_schedule,
    "regenerate_plan": tools_profile.regenerate_plan,
}
READ_ONLY = frozenset({"get_workout", "get_week"})
ERROR_CHARS = 300


@dataclass(frozen=True)
class ToolResult:
    """One tool call's answer: `content` is the JSON string sent back to the model."""

    ok: bool
    content: str
    changed: bool


def run_tool(session: Session, turn: Turn, name: str, arguments: str) -> ToolResult:
    """Validate and run one tool call for `turn.trainee`; never commits, never raises for a bad call.

    Unexpected errors (bugs, a lost database) propagate after the savepoint is rolled back.
    """
    model = ARGUMENTS.get(name)
    if model is None:
        return _error(f"unknown tool '{name}'; the tools are: {', '.join(ARGUMENTS)}")
    try:
        args = model.model_validate_json(arguments.strip() or "{}")
    except ValidationError as exc:
        return _error(_describe(exc))
    try:
        outcome = _run(session, turn, name, args)
    except (ToolError, LookupError, ValueError) as exc:
        log.info("tool %s refused: %s", name, exc)
        return _error(_domain_message(exc))
    except (sa.exc.IntegrityError, sa.exc.DataError) as exc:
        log.warning("tool %s hit a database constraint: %s", name, exc.orig)
        return _error("a value is out of the allowed range; check the numbers and try again")
    return ToolResult(ok=True, content=_json(outcome.payload), changed=outcome.changed)


def _run(session: Session, turn: Turn, name: str, args: Arguments) -> Outcome:
    handler = HANDLERS[name]
    if name in READ_ONLY:
        return handler(session, turn, args)
    with session.begin_nested():
        outcome = handler(session, turn, args)
        session.flush()  # constraint errors surface here, inside the savepoint
    return outcome


def _error(message: str) -> ToolResult:
    return ToolResult(ok=False, content=_json({"error": message[:ERROR_CHARS]}), changed=False)


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        if error["type"] == "json_invalid":
            return "arguments are not valid JSON; send one JSON object"
        where = ".".join(str(part) for part in error["loc"]) or "arguments"
        if error["type"] == "extra_forbidden":
            parts.append(f"{where}: not an argument of this tool")
        else:
            parts.append(f"{where}: {str(error['msg']).removeprefix('Value error, ')}")
    return "invalid arguments: " + "; ".join(parts)


def _domain_message(exc: Exception) -> str:
    if isinstance(exc, WorkoutNotFound):
        return "no such workout in this trainee's plan"
    if isinstance(exc, PlanNotFound):
        return "the trainee has no current plan"
    # Engine messages are written for people; internal ids in a few of them mean nothing to the model.
    return re.sub(r"\btrainee \d+\b", "the trainee", str(exc)) or type(exc).__name__
