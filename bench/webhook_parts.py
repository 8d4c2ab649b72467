"""Where the webhook's throughput goes: Coach with parts of the work taken out, next to the bare route.

    python -m bench.webhook_parts [--requests 4000] [--rounds 8] [--concurrency 8]

Every server runs at once under the same gunicorn configuration and is loaded in alternating rounds
(bench/webhook_bench.py); each line is a median over the rounds of its throughput over the bare route's in
the same round. The variants (bench/webhook_variant_app.py) take out, in turn: the answer jobs' Redis round
trip; the text's write and commit (a `SELECT 1` round trip instead); all of PostgreSQL and Redis. The steps
between the lines are what each part costs. A diagnostic, with no target of its own.
"""

from __future__ import annotations

import argparse
import statistics

import redis

from bench.common import bench_database, bench_redis_url, print_table
from bench.webhook_bench import TOKEN, alternate_rounds, serve_side_by_side

VARIANT_APP = "bench.webhook_variant_app:app"
SERVERS: dict[str, tuple[str, dict[str, str]]] = {
    "bare": ("bench.bare_app:app", {}),
    "coach": ("wsgi:app", {}),
    "no-enqueue": (VARIANT_APP, {"COACH_BENCH_VARIANT": "no-enqueue"}),
    "select-1": (VARIANT_APP, {"COACH_BENCH_VARIANT": "select-1"}),
    "no-io": (VARIANT_APP, {"COACH_BENCH_VARIANT": "no-io"}),
}
WHAT = {
    "coach": "Coach /twilio/sms, as shipped",
    "no-enqueue": "  without the answer jobs' Redis round trip",
    "select-1": "  and SELECT 1 instead of the text's write + commit",
    "no-io": "  and no PostgreSQL round trip either",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    redis_url = bench_redis_url()
    env = {
        "DATABASE_URL": bench_database("coach_bench_webhook_parts"),
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SMS_BACKEND": "console",
    }
    with serve_side_by_side(env, SERVERS) as bases:
        results = alternate_rounds(bases, args.requests, args.concurrency, args.rounds)
    redis.Redis.from_url(redis_url).flushdb()
    bare = results["bare"]
    rows = [("bare Flask <Response/>", f"{statistics.median(r.rate for r in bare):.0f} req/s", "1.00x")]
    for name, what in WHAT.items():
        ratios = [mine.rate / theirs.rate for mine, theirs in zip(results[name], bare, strict=True)]
        rate = statistics.median(r.rate for r in results[name])
        spread = f"rounds {min(ratios):.2f}-{max(ratios):.2f}"
        rows.append((what, f"{rate:.0f} req/s", f"{statistics.median(ratios):.2f}x of bare ({spread})"))
    print_table(
        f"Webhook throughput by part, gunicorn 2 workers, {args.concurrency} clients, "
        f"{args.rounds} alternating rounds of {args.requests // args.rounds} signed texts each",
        rows,
    )


if __name__ == "__main__":
    main()
