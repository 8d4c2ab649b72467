"""`coach parse-log "TEXT" [--units kg|lb]`: show what the deterministic log parser makes of a text.

No database: the movement index is built from the packaged library, so this works anywhere.
"""

from __future__ import annotations

import argparse
import json

from coach.models.enums import Units
from coach.movements.library import load_library
from coach.training.log_parsing import MovementIndex, parse_log


def main(argv: list[str]) -> int:
    """Parse TEXT and print the result as indented JSON; argv excludes the `parse-log` word itself."""
    parser = argparse.ArgumentParser(
        prog="coach parse-log", description="Show how a trainee's workout text is parsed (no LLM)."
    )
    parser.add_argument("text", help='the text as the trainee sent it, e.g. "squats 100kg 5x5 @8"')
    parser.add_argument(
        "--units", choices=[u.value for u in Units], default=Units.KG.value, help="units of bare weights"
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help and usage errors: report through the return code, not an exception
        return exc.code if isinstance(exc.code, int) else 2
    index = MovementIndex.from_library(load_library())
    parsed = parse_log(args.text, units=Units(args.units), index=index)
    print(json.dumps(parsed.to_dict(), indent=2, ensure_ascii=False))
    return 0
