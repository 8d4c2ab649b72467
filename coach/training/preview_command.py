"""`coach plan preview --profile FILE.json [--start YYYY-MM-DD]`: print a plan as JSON, no database needed.

``main`` takes the arguments after ``coach plan preview``. A profile that cannot be read or planned for
prints one line on stderr and exits with status 2; the packaged movement library is used.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from coach.movements.library import load_library
from coach.training.generator import generate_plan
from coach.training.profile import ProfileError, TrainingProfile

USAGE_ERROR = 2


def main(argv: list[str]) -> int:
    """Print the plan for a profile file as JSON; 0 on success, 2 on a bad profile or arguments."""
    parser = argparse.ArgumentParser(
        prog="coach plan preview", description="Preview a training plan as JSON."
    )
    parser.add_argument("--profile", required=True, type=Path, help="a training profile as JSON")
    parser.add_argument("--start", type=_start_date, help="first day of the plan, YYYY-MM-DD (default today)")
    args = parser.parse_args(argv)
    try:
        profile = TrainingProfile.from_json(args.profile.read_bytes())
        start = args.start or datetime.now(UTC).astimezone().date()
        plan = generate_plan(profile, load_library(), start)
    except OSError as exc:
        return _fail(f"cannot read profile {args.profile}: {exc.strerror or exc}")
    except ProfileError as exc:
        return _fail(f"invalid profile {args.profile}: {exc}")
    json.dump(plan.to_dict(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _start_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _fail(message: str) -> int:
    print(f"coach plan preview: {message}", file=sys.stderr)
    return USAGE_ERROR
