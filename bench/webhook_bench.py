"""Webhook ingest under gunicorn (2 workers) against a bare Flask route, same load generator, same run.

    python -m bench.webhook_bench [--requests 3000] [--concurrency 8] [--rate 100] [--seconds 10]

Targets (issue: messaging): throughput >= 0.5 x the bare route; p99 < 50 ms at 100 req/s.
"""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Callable

import redis

from bench.common import (
    bench_database,
    bench_redis_url,
    free_port,
    gunicorn,
    percentile,
    print_table,
    summary,
)
from bench.load import LoadResult, closed_loop, fixed_rate
from coach.messaging.signature import sign

TOKEN = "bench-auth-token-0123456789abcdef"  # noqa: S105 - a local benchmark's own token


def make_signed(base_url: str, phones: int = 200) -> Callable[[int], tuple[dict[str, str], dict[str, str]]]:
    def make(n: int) -> tuple[dict[str, str], dict[str, str]]:
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "0" * 32,
            "From": f"+1555{n % phones:07d}",
            "To": "+15550009999",
            "Body": "did it, squats 100kg 5x5 @8",
            "NumMedia": "0",
        }
        return form, {"X-Twilio-Signature": sign(TOKEN, base_url + "/twilio/sms", form)}

    return make


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    redis_url = bench_redis_url()
    env = {
        "DATABASE_URL": bench_database("coach_bench_webhook"),
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SMS_BACKEND": "console",
    }
    bare_tp, bare_lat = _measure("bench.bare_app:app", env, args)
    coach_tp, coach_lat = _measure("wsgi:app", env, args)
    redis.Redis.from_url(redis_url).flushdb()

    ratio = coach_tp.rate / bare_tp.rate
    print_table(
        f"Webhook ingest, gunicorn 2 workers, {args.concurrency} clients, {args.requests} signed texts",
        [
            ("bare Flask <Response/>", f"{bare_tp.rate:.0f} req/s", summary(bare_tp.latencies)),
            ("Coach /twilio/sms", f"{coach_tp.rate:.0f} req/s", summary(coach_tp.latencies)),
            ("ratio (target >= 0.5)", f"{ratio:.2f}", "PASS" if ratio >= 0.5 else "MISS"),
        ],
    )
    p99 = percentile(coach_lat.latencies, 99)
    print_table(
        f"Latency at {args.rate:.0f} req/s for {args.seconds:.0f} s (open loop)",
        [
            ("bare Flask <Response/>", summary(bare_lat.latencies), f"errors {bare_lat.errors}"),
            ("Coach /twilio/sms", summary(coach_lat.latencies), f"errors {coach_lat.errors}"),
            ("Coach p99 (target < 50 ms)", f"{p99 * 1000:.1f} ms", "PASS" if p99 < 0.05 else "MISS"),
        ],
    )
    if coach_tp.errors or coach_lat.errors:
        raise SystemExit(f"Coach answered {coach_tp.errors + coach_lat.errors} requests with an error")


def _measure(app: str, env: dict[str, str], args: argparse.Namespace) -> tuple[LoadResult, LoadResult]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with gunicorn(app, {**env, "PUBLIC_BASE_URL": base}, port=port):
        make = make_signed(base)
        closed_loop(base, "/twilio/sms", make, 200, args.concurrency)  # warm-up
        throughput = closed_loop(base, "/twilio/sms", make, args.requests, args.concurrency)
        latency = fixed_rate(base, "/twilio/sms", make, args.rate, args.seconds)
    return throughput, latency


if __name__ == "__main__":
    main()
