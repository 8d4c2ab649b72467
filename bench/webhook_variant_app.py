"""Coach's web app with part of the webhook's work taken out, for bench/webhook_parts.py only.

COACH_BENCH_VARIANT names what is left out; the rest of the request (Flask, the form, the signature, the
parsing, the answer-jobs hand-off) is Coach's own code:

- `no-enqueue`: the answer jobs are built as usual but never sent to Redis;
- `select-1`: the store runs `SELECT 1` on the same per-thread connection instead (a round trip, no write);
- `no-io`: neither PostgreSQL nor Redis (the store returns a made-up new text).
"""

from __future__ import annotations

import os
from typing import Any

from coach import hot_path
from coach.messaging import inbound

VARIANT = os.environ.get("COACH_BENCH_VARIANT", "")
VARIANTS = ("no-enqueue", "select-1", "no-io")
if VARIANT not in VARIANTS:
    raise SystemExit(f"COACH_BENCH_VARIANT must be one of {', '.join(VARIANTS)}, not {VARIANT!r}")

_MADE_UP = (1, "active", 1, 1)  # trainee 1, active, conversation 1, new text 1


def _select_1(engine: Any, sql: str, params: Any) -> tuple[Any, ...]:
    hot_path.first_row(engine, "SELECT 1", {})
    return _MADE_UP


def _no_store(engine: Any, sql: str, params: Any) -> tuple[Any, ...]:
    return _MADE_UP


def _no_redis(client: Any, script: str, keys: Any, args: Any) -> None:
    return None


# The store's statement runs through the name inbound imported (coach.hot_path.first_row).
if VARIANT == "select-1":
    setattr(inbound, "first_row", _select_1)  # noqa: B010
if VARIANT == "no-io":
    setattr(inbound, "first_row", _no_store)  # noqa: B010
if VARIANT in ("no-enqueue", "no-io"):
    hot_path.redis_eval = _no_redis

from wsgi import app  # noqa: E402 - after the parts are swapped

__all__ = ["app"]
