"""Every headline figure of the benchmarks in one run and one table, each next to what it is compared with in
the same run and its target; all figures also go to bench/results.json.

    python -m bench.suite [--quick] [--only webhook,sender,scheduler,agent,latency] [--json PATH]

Uses DATABASE_URL and REDIS_URL when set, else the embedded servers, like the benchmarks it calls (`make
bench` points them at a PostgreSQL and a Redis answering on 127.0.0.1, as .ci/run does). The processes are
the real ones (gunicorn serving wsgi.py, RQ workers), with the local Twilio and OpenAI doubles on
127.0.0.1. Memory is sampled from /proc while the webhook load (the web processes) and the webhook -> send
load (the workers) run; see bench/memory.py. With --only, the sections not run keep their previous entry in
the JSON file, each with its own date.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import statistics
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench import agent_latency, memory, scheduler_bench, sender_bench, webhook_bench
from bench.agent_latency import LatencyRun
from bench.agent_script import CALLS_PER_TEXT_TARGET, ZERO_LLM_TARGET, ScriptFigures, run_script
from bench.agent_turns import STATEMENT_TARGET, TOKEN_TARGET, TurnFigures, World, measure_turns, open_world
from bench.common import ROOT, bench_database, bench_redis_url, ms, percentile, summary
from coach.db import make_engine
from tests import servers

RESULTS = ROOT / "bench" / "results.json"
# Our own memory targets: the web or worker line of the Procfile fits a 512 MiB container (gunicorn's
# master and 2 workers, or an RQ worker with its scheduler), and no one process takes half of it.
TOGETHER_MIB = 512
PROCESS_MIB = 256
WEBHOOK_RATIO = 0.5
WEBHOOK_P99 = 0.050
SENDER_RATIO = 0.5
TICK_RATIO = 3.0
TICK_SECONDS = 10.0  # for 100k trainees
# Redis databases the benchmarks run alone do not use (they use 12 and 11, the tests 15).
WEBHOOK_REDIS_DB = 10
LATENCY_REDIS_DB = 9


@dataclass
class Figure:
    figure: str
    value: float | None  # None: nothing to measure (no text was sent)
    unit: str
    shown: str  # the value as printed, with what goes with it ("354 req/s, p99 7.0 ms")
    compared_with: str
    target: str
    met: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    quick: bool
    _world: World | None = None

    def world(self) -> World:
        """The agent benchmarks' database and OpenAI double, shared by the agent and latency sections."""
        if self._world is None:
            self._world = open_world(bench_database("coach_bench_agent"))
        return self._world

    def close(self) -> None:
        if self._world is not None:
            self._world.close()


# -- sections --------------------------------------------------------------------------------------------


def webhook(run: Run) -> list[Figure]:
    """webhook_bench's two measurements of the bare route and of Coach, with the web processes' memory."""
    requests, concurrency, rate, seconds = (2000 if run.quick else 5000), 8, 100.0, (5 if run.quick else 10)
    redis_url = bench_redis_url()
    env = {
        "DATABASE_URL": bench_database("coach_bench_webhook"),
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": webhook_bench.TOKEN,
        "SMS_BACKEND": "console",
    }
    with memory.watch({"bare": ["bench.bare_app:app"], "web": ["wsgi:app"]}) as mem:
        result = webhook_bench.compare(env, requests, concurrency, rate, seconds)
    redis.Redis.from_url(redis_url).flushdb()

    errors = result.coach.errors + result.coach_latency.errors
    ratio = result.ratio
    p99 = percentile(result.coach_latency.latencies, 99)
    error_note = f", {errors} errors" if errors else ""
    figures = [
        Figure(
            f"webhook ingest, gunicorn 2x4 threads, {concurrency} clients, {len(result.ratios)} rounds",
            round(result.coach.rate, 1),
            "req/s",
            f"{result.coach.rate:.0f} req/s, {summary(result.coach.latencies)}{error_note}",
            f"bare Flask <Response/>: {result.bare.rate:.0f} req/s ({ratio:.2f}x, median of rounds)",
            f">= {WEBHOOK_RATIO}x bare",
            ratio >= WEBHOOK_RATIO and not errors,
            {
                "bare": round(result.bare.rate, 1),
                "ratio": round(ratio, 3),
                "round_ratios": [round(r, 3) for r in result.ratios],
                "machine_busy": result.machine and round(result.machine.busy, 3),
                "machine_stolen": result.machine and round(result.machine.steal, 3),
                "requests": requests,
                "errors": errors,
            },
        ),
        Figure(
            f"webhook latency at {rate:.0f} req/s (open loop)",
            round(p99 * 1000, 2),
            "ms p99",
            summary(result.coach_latency.latencies) + error_note,
            f"bare route: {summary(result.bare_latency.latencies)}",
            f"p99 < {WEBHOOK_P99 * 1000:.0f} ms",
            p99 < WEBHOOK_P99 and not errors,
            {
                "p50_ms": round(statistics.median(result.coach_latency.latencies) * 1000, 2),
                "seconds": seconds,
            },
        ),
    ]
    web, bare = mem.role("web"), mem.role("bare")
    if web and bare:
        figures += _memory_figures("web, gunicorn master + 2 workers", web, "bare Flask, same gunicorn", bare)
    return figures


def sender(run: Run) -> list[Figure]:
    """sender_bench: the plain POST loop, then Coach's sender, to one Twilio double in its own process."""
    texts, batch, concurrency = (300 if run.quick else 1000), 16, 8
    database_url = bench_database("coach_bench_sender")
    ports: multiprocessing.Queue[str] = multiprocessing.Queue()
    server = multiprocessing.Process(target=sender_bench._serve_double, args=(ports,), daemon=True)
    server.start()
    try:
        base_url = ports.get(timeout=10)
        sender_bench.plain_loop(base_url, 100)  # warm-up
        plain = sender_bench.plain_loop(base_url, texts)
        coach = sender_bench.coach_sender(base_url, database_url, texts, 1, batch, concurrency)
    finally:
        server.terminate()
    ratio = coach / plain
    return [
        Figure(
            f"sender, batch {batch}, {concurrency} texts in flight, {texts} texts",
            round(coach, 1),
            "texts/s",
            f"{coach:.0f} texts/s",
            f"plain requests POST loop: {plain:.0f}/s ({ratio:.2f}x)",
            f">= {SENDER_RATIO}x plain",
            ratio >= SENDER_RATIO,
            {"plain": round(plain, 1), "ratio": round(ratio, 3)},
        )
    ]


def scheduler(run: Run) -> list[Figure]:
    """scheduler_bench: load the trainees, the raw INSERT ... SELECT, then one tick of the scheduler."""
    trainees = 10_000 if run.quick else 100_000
    engine = make_engine(bench_database("coach_bench_scheduler"))
    try:
        scheduler_bench._load(engine, trainees)
        raw = scheduler_bench._raw_insert(engine)
        took, statements, queued = scheduler_bench._tick(engine)
    finally:
        engine.dispose()
    ratio = took / raw
    all_queued = queued.get("daily_workout") == trainees
    shown = f"{took:.2f} s, {statements} statements" + ("" if all_queued else f", queued {queued}")
    detail = {"trainees": trainees, "raw_s": round(raw, 3), "statements": statements, "queued": queued}
    figures = [
        Figure(
            f"scheduler tick making {trainees:,} daily texts due",
            round(took, 3),
            "s",
            shown,
            f"raw INSERT ... SELECT of the rows: {raw:.2f} s ({ratio:.1f}x)",
            f"<= {TICK_RATIO:.0f}x raw",
            ratio <= TICK_RATIO and all_queued,
            {**detail, "ratio": round(ratio, 3)},
        )
    ]
    if trainees == 100_000:  # the wall-time target is for 100k; a quick run's fixed costs would not scale
        figures.append(
            Figure(
                "scheduler tick, wall time",
                round(took, 3),
                "s",
                f"{took:.2f} s",
                "100,000 trainees in 10 zones",
                f"< {TICK_SECONDS:g} s",
                took < TICK_SECONDS,
                detail,
            )
        )
    return figures


def agent(run: Run) -> list[Figure]:
    """agent_turns (statements, prompt) and agent_script (LLM calls over the scripted month)."""
    world = run.world()
    turns = measure_turns(world, quick=run.quick)
    script = run_script(world, quick=run.quick)
    return [*_turn_figures(turns), *_script_figures(script)]


def _turn_figures(turns: TurnFigures) -> list[Figure]:
    llm = [c for c in turns.costs if c.path == "llm"]
    counts = [len(c.statements) for c in llm]
    fast = [c for c in turns.costs if c.path.startswith("fast")]
    prompt = turns.prompt
    static = (prompt.system_chars + prompt.tools_chars) // 4
    return [
        Figure(
            "SQL statements per LLM-answered agent turn",
            max(counts),
            "statements",
            ", ".join(f"{len(c.statements)} ({_week(c.label)})" for c in llm),
            "fast-path turns: " + " and ".join(str(len(c.statements)) for c in fast),
            f"<= {STATEMENT_TARGET}, same for week 1 and week 10",
            max(counts) <= STATEMENT_TARGET and len(set(counts)) == 1,
            {
                c.label: {"statements": len(c.statements), "path": c.path, "llm_calls": c.llm_calls}
                for c in turns.costs
            },
        ),
        Figure(
            "prompt tokens per LLM turn",
            prompt.tokens,
            "tokens",
            f"{prompt.tokens} tokens ({turns.history_note})",
            f"system prompt + tool schemas alone: ~{static}",
            f"<= {TOKEN_TARGET:,}",
            prompt.tokens <= TOKEN_TARGET,
            asdict(prompt),
        ),
    ]


def _week(label: str) -> str:
    """ "week 1" out of "LLM turn, week 1, 12 messages of history"."""
    return label.removeprefix("LLM turn, ").split(",")[0].strip()


def _script_figures(script: ScriptFigures) -> list[Figure]:
    texts = script.texts
    calls = sum(c for _, _, c in script.runs)
    no_llm = sum(n for _, n, c in script.runs if c == 0)
    by_path: Counter[str] = Counter()
    for path, n, _ in script.runs:
        by_path[path.split(":")[0]] += n
    paths = ", ".join(f"{path} {n / texts:.0%}" for path, n in by_path.most_common())
    detail = {
        "texts": texts,
        "llm_calls": calls,
        "onboarding_texts": script.onboarding_texts,
        "by_path": dict(by_path),  # asdict() would rebuild a Counter from (key, value) pairs
    }
    return [
        Figure(
            "LLM calls per inbound text, scripted 30 days",
            round(calls / texts, 3),
            "calls/text",
            f"{calls / texts:.2f}",
            f"{calls} calls for {texts} texts ({script.onboarding_texts} onboarding)",
            f"<= {CALLS_PER_TEXT_TARGET}",
            calls / texts <= CALLS_PER_TEXT_TARGET,
            detail,
        ),
        Figure(
            "texts answered with no LLM call, same script",
            round(no_llm / texts, 3),
            "share",
            f"{no_llm / texts:.0%}",
            f"by path: {paths}",
            f">= {ZERO_LLM_TARGET:.0%}",
            no_llm / texts >= ZERO_LLM_TARGET,
            detail,
        ),
    ]


def latency(run: Run) -> list[Figure]:
    """agent_latency: webhook -> SMS send through gunicorn and each RQ worker kind, with their memory."""
    kinds = [kind for kind in agent_latency.WORKERS if not kind.diagnostic]  # the shipped worker
    roles = {"web": ["wsgi:app"], **{kind.label: kind.argv for kind in kinds}}
    texts = 25 if run.quick else 100
    with memory.watch(roles) as mem:
        runs = agent_latency.measure_latency(
            run.world(), texts=texts, rate=5.0, quick=run.quick, verbose=False, comparisons=False
        )
    figures = [_latency_figure(r) for r in runs]
    web = mem.role("web")
    web_note = f"web in the same run: {web.together_mib:.0f} MiB" if web else "web not sampled"
    for kind in kinds:
        peak = mem.role(kind.label)
        if peak:
            figures += _memory_figures(f"RQ worker + children, {kind.label}", peak, web_note, None)
    return figures


def _latency_figure(run: LatencyRun) -> Figure:
    """p50 and p99 over the run's texts (one never sent counts as infinitely late), next to one text sent to
    the same worker when idle just before."""
    p50, p99 = statistics.median(run.latencies), percentile(run.latencies, 99)
    lone = (run.lone.sent_at - run.lone.started).total_seconds() if run.lone.sent_at else math.inf
    shown = f"p50 {_late(p50, run.settle)}, p99 {_late(p99, run.settle)}"
    if run.missing:
        shown += f", {run.missing}/{len(run.samples)} not sent"
    jobs = [(s.job[1] - s.job[0]).total_seconds() for s in run.samples if s.job and s.answered_with == 1]
    detail = {
        "p99_ms": _finite_ms(p99),
        "idle_worker_ms": _finite_ms(lone),
        "agent_job_p50_ms": _finite_ms(statistics.median(jobs)) if jobs else None,
        "texts": len(run.samples),
        "not_sent_after_settle": run.missing,
        "settle_s": run.settle,
        "answered_together": run.together,
        "webhook_errors": sum(1 for s in run.samples if s.status != 200),
    }
    return Figure(
        f"webhook -> SMS send, {run.label}",
        _finite_ms(p50),
        "ms p50",
        shown,
        f"one text to the idle worker: {_late(lone, run.settle)}",
        f"p50 < {agent_latency.TARGET_P50 * 1000:.0f} ms",
        p50 < agent_latency.TARGET_P50,
        detail,
    )


def _late(seconds: float, settle: float) -> str:
    return f"> {settle:.0f} s" if math.isinf(seconds) else ms(seconds)


def _finite_ms(seconds: float) -> float | None:
    return None if math.isinf(seconds) else round(seconds * 1000, 1)


def _memory_figures(
    what: str, peak: memory.RolePeak, compared: str, baseline: memory.RolePeak | None
) -> list[Figure]:
    """Two rows: the processes of `what` summed, and its largest one; `baseline` is shown next to each."""

    def against(value: float) -> str:
        return f"{compared}: {value:.0f} MiB"

    detail = asdict(peak)
    return [
        Figure(
            f"{what}: peak RSS summed",
            round(peak.together_mib, 1),
            "MiB",
            f"{peak.together_mib:.0f} MiB ({peak.processes} processes seen)",
            against(baseline.together_mib) if baseline else compared,
            f"< {TOGETHER_MIB} MiB",
            peak.together_mib < TOGETHER_MIB,
            detail,
        ),
        Figure(
            f"{what}: peak RSS, largest process",
            round(peak.max_mib, 1),
            "MiB",
            f"{peak.max_mib:.0f} MiB",
            against(baseline.max_mib) if baseline else compared,
            f"< {PROCESS_MIB} MiB",
            peak.max_mib < PROCESS_MIB,
            detail,
        ),
    ]


SECTIONS: dict[str, Callable[[Run], list[Figure]]] = {
    "webhook": webhook,
    "sender": sender,
    "scheduler": scheduler,
    "agent": agent,
    "latency": latency,
}


# -- the run ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer requests, texts and trainees (a few minutes)"
    )
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the figures")
    args = parser.parse_args()
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(names) - set(SECTIONS)
    if unknown or not names:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}; there are: {', '.join(SECTIONS)}")
    keep_apart()

    started = time.monotonic()
    about = machine()
    run = Run(quick=args.quick)
    results: dict[str, dict[str, Any]] = {}
    try:
        for n, name in enumerate(names, 1):
            print(f"[{n}/{len(names)}] {name} ...", file=sys.stderr, flush=True)
            results[name] = run_section(name, run, about)
            print(f"[{n}/{len(names)}] {name}: {results[name]['seconds']:.0f} s", file=sys.stderr, flush=True)
    finally:
        run.close()
    total = time.monotonic() - started
    print_results(results, about, args.quick, total)
    write_results(args.json, results)
    print(f"\nFigures written to {args.json}")
    if any("error" in result for result in results.values()):
        raise SystemExit(1)


def keep_apart() -> None:
    """Scratch and Redis databases of the suite's own: a benchmark someone runs on its own meanwhile (or
    the tests, on Redis database 15) is neither dropped nor flushed under us, nor we under it."""
    # tests.servers read its environment when imported, so its settings are set where it keeps them.
    if not os.environ.get("COACH_TEST_RUN"):
        servers.TEST_RUN_SUFFIX = "suite"
    if not os.environ.get("COACH_TEST_REDIS_DB"):
        servers.TEST_REDIS_DB = WEBHOOK_REDIS_DB
    agent_latency.REDIS_DB = LATENCY_REDIS_DB


def run_section(name: str, run: Run, about: dict[str, Any]) -> dict[str, Any]:
    started = time.monotonic()
    record: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "quick": run.quick}
    try:
        record["figures"] = [asdict(figure) for figure in SECTIONS[name](run)]
    except Exception as exc:  # one broken section must not cost the others' figures
        traceback.print_exc()
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["figures"] = []
    record["seconds"] = round(time.monotonic() - started, 1)
    record["machine"] = about
    return record


def machine() -> dict[str, Any]:
    """Cores, RAM, and the PostgreSQL and Redis the run uses (where and which version)."""
    meminfo = Path("/proc/meminfo").read_text().split()
    database_url = servers.server_url()
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            postgres = conn.execute(sa.text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    redis_url = servers.redis_url()
    info = redis.Redis.from_url(redis_url).info("server")
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2, 1),
        "python": platform.python_version(),
        "postgresql": str(postgres).split()[0],
        "postgresql_at": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded",
        "postgresql_url": make_url(database_url).render_as_string(hide_password=True),
        "redis": info.get("redis_version"),
        "redis_at": "REDIS_URL" if os.environ.get("REDIS_URL") else "embedded",
    }


def print_results(
    results: dict[str, dict[str, Any]], about: dict[str, Any], quick: bool, seconds: float
) -> None:
    print(
        f"\nCoach benchmarks{' (--quick)' if quick else ''}, {datetime.now(UTC):%Y-%m-%d}: "
        f"{about['cores']} cores, {about['ram_gib']} GiB, "
        f"PostgreSQL {about['postgresql']} ({about['postgresql_at']}), "
        f"Redis {about['redis']} ({about['redis_at']}); {seconds / 60:.1f} min"
    )
    header = ("figure", "this run", "compared with (same run)", "target", "")
    rows: list[tuple[str, ...]] = []
    for name, result in results.items():
        rows.append(("",) * 5)
        rows.append((f"[{name}]", "", "", "", ""))
        if "error" in result:
            rows.append(("  section failed", result["error"][:80], "", "", "ERROR"))
        for f in result["figures"]:
            rows.append(
                (
                    "  " + f["figure"],
                    f["shown"],
                    f["compared_with"],
                    f["target"],
                    "ok" if f["met"] else "MISS",
                )
            )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows[1:]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    missed = [(name, f) for name, r in results.items() for f in r["figures"] if not f["met"]]
    failed = [name for name, r in results.items() if "error" in r]
    if missed or failed:
        print(
            f"\nTARGETS MISSED: {len(missed)}" + (f"; sections failed: {', '.join(failed)}" if failed else "")
        )
        for name, f in missed:
            print(f"  MISS [{name}] {f['figure']}: {f['shown']} (target {f['target']})")
    else:
        print("\nEvery target met.")


def write_results(path: Path, results: dict[str, dict[str, Any]]) -> None:
    """Replace the sections just run; keep the others from the previous file, each with its own date."""
    previous: dict[str, Any] = {}
    if path.exists():
        try:
            previous = json.loads(path.read_text()).get("sections", {})
        except (ValueError, AttributeError):
            previous = {}
    sections = {**previous, **results}
    document = {
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "sections": {name: sections[name] for name in SECTIONS if name in sections},
    }
    path.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
