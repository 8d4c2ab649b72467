"""Webhook ingest under gunicorn (2 workers) against a bare Flask route, same load generator, same run.

    python -m bench.webhook_bench [--requests 5000] [--rounds 5] [--concurrency 8] [--rate 100] [--seconds 10]

Targets (issue: messaging): throughput >= 0.5 x the bare route; p99 < 50 ms at 100 req/s.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import redis

from bench.common import (
    CpuShare,
    bench_database,
    bench_redis_url,
    cpu_share,
    cpu_ticks,
    free_port,
    gunicorn,
    idle_machine_share,
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


ROUNDS = 5


@dataclass
class Comparison:
    """Both servers measured in alternating rounds of the same run, so a slower or faster spell of a shared
    machine falls on both: the ratio is the median of the rounds' ratios."""

    bare: LoadResult  # all rounds together
    coach: LoadResult
    ratios: list[float]
    bare_latency: LoadResult
    coach_latency: LoadResult
    machine: CpuShare | None  # the machine's CPU over the throughput rounds

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


def compare(
    env: dict[str, str], requests: int, concurrency: int, rate: float, seconds: float, rounds: int = ROUNDS
) -> Comparison:
    """Serve the bare route and Coach side by side; closed-loop throughput in `rounds` alternating rounds
    (bare first, then Coach first, ...), then open-loop latency at `rate` req/s for each."""
    apps: dict[str, tuple[str, dict[str, str]]] = {
        "bare": ("bench.bare_app:app", {}),
        "coach": ("wsgi:app", {}),
    }
    with serve_side_by_side(env, apps) as bases:
        before = cpu_ticks()
        results = alternate_rounds(bases, requests, concurrency, rounds)
        machine = cpu_share(before, cpu_ticks())
        makers = {name: make_signed(base) for name, base in bases.items()}
        latency = {
            name: fixed_rate(base, "/twilio/sms", makers[name], rate, seconds) for name, base in bases.items()
        }
    ratios = [c.rate / b.rate for b, c in zip(results["bare"], results["coach"], strict=True)]
    return Comparison(
        _pooled(results["bare"]),
        _pooled(results["coach"]),
        ratios,
        latency["bare"],
        latency["coach"],
        machine,
    )


@contextmanager
def serve_side_by_side(
    env: dict[str, str], apps: dict[str, tuple[str, dict[str, str]]]
) -> Iterator[dict[str, str]]:
    """Each of `apps` (name: (WSGI app, its own environment on top of `env`)) under gunicorn on a port of
    its own, at once; yields their base URLs by name."""
    with ExitStack() as stack:
        bases = {}
        for name, (app, own_env) in apps.items():
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            bases[name] = stack.enter_context(
                gunicorn(app, {**env, **own_env, "PUBLIC_BASE_URL": base}, port=port)
            )
        yield bases


def alternate_rounds(
    bases: dict[str, str], requests: int, concurrency: int, rounds: int
) -> dict[str, list[LoadResult]]:
    """Closed-loop throughput of every server in `rounds` rounds of requests // rounds signed texts, the
    order reversed every other round, after a warm-up: a slower or faster spell of a shared machine falls
    on all of them."""
    makers = {name: make_signed(base) for name, base in bases.items()}
    for name, base in bases.items():
        closed_loop(base, "/twilio/sms", makers[name], 200, concurrency)  # warm-up
    results: dict[str, list[LoadResult]] = {name: [] for name in bases}
    names = list(bases)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            results[name].append(
                closed_loop(bases[name], "/twilio/sms", makers[name], requests // rounds, concurrency)
            )
    return results


def _pooled(rounds: list[LoadResult]) -> LoadResult:
    return LoadResult(
        sum(r.requests for r in rounds),
        sum(r.seconds for r in rounds),
        [latency for r in rounds for latency in r.latencies],
        sum(r.errors for r in rounds),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()

    redis_url = bench_redis_url()
    env = {
        "DATABASE_URL": bench_database("coach_bench_webhook"),
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SMS_BACKEND": "console",
    }
    quiet = idle_machine_share()
    result = compare(env, args.requests, args.concurrency, args.rate, args.seconds, args.rounds)
    redis.Redis.from_url(redis_url).flushdb()

    rounds = " ".join(f"{r:.2f}" for r in result.ratios)
    print_table(
        f"Webhook ingest, gunicorn 2 workers, {args.concurrency} clients, {args.requests} signed texts each, "
        f"{args.rounds} alternating rounds",
        [
            ("bare Flask <Response/>", f"{result.bare.rate:.0f} req/s", summary(result.bare.latencies)),
            ("Coach /twilio/sms", f"{result.coach.rate:.0f} req/s", summary(result.coach.latencies)),
            (
                "ratio (target >= 0.5)",
                f"{result.ratio:.2f}",
                f"{_verdict(result.ratio >= 0.5)} (rounds {rounds})",
            ),
        ],
    )
    bare, coach = result.bare_latency, result.coach_latency
    p99 = percentile(coach.latencies, 99)
    print_table(
        f"Latency at {args.rate:.0f} req/s for {args.seconds:.0f} s (open loop)",
        [
            ("bare Flask <Response/>", summary(bare.latencies), f"errors {bare.errors}"),
            ("Coach /twilio/sms", summary(coach.latencies), f"errors {coach.errors}"),
            ("Coach p99 (target < 50 ms)", f"{p99 * 1000:.1f} ms", _verdict(p99 < 0.05)),
        ],
    )
    print_table(
        "The machine's CPU (others' work slows Coach, three processes a text, more than the bare route)",
        [
            ("before the run, nothing of ours running", str(quiet or "unknown"), ""),
            ("during the throughput rounds", str(result.machine or "unknown"), ""),
        ],
    )
    errors = result.coach.errors + result.coach_latency.errors
    if errors:
        raise SystemExit(f"Coach answered {errors} requests with an error")


def _verdict(met: bool) -> str:
    return "PASS" if met else "MISS"


if __name__ == "__main__":
    main()
