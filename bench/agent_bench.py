"""The agent's benchmarks (issue 5): statements and prompt tokens per turn, LLM calls over a scripted month,
and the time from webhook to SMS send.

    python -m bench.agent_bench [--quick] [--verbose] [--only turns,script,latency] [--texts 100] [--rate 5]

Targets: an LLM-answered turn issues <= 8 SQL statements, the same for a week-1 trainee and one ten weeks
in with 300 texts of history; its prompt is <= 3,000 tokens; over a 30-day conversation >= 40% of texts are
answered with no LLM call and <= 1.3 LLM calls are made per text; webhook to SMS send (LLM time excluded)
p50 < 150 ms. Uses scratch databases on DATABASE_URL's server and a private Redis database on REDIS_URL's.
"""

from __future__ import annotations

import argparse

from bench.agent_latency import measure_latency, print_latency
from bench.agent_script import print_script, run_script
from bench.agent_turns import measure_turns, open_world, print_turns
from bench.common import bench_database

SECTIONS = ("turns", "script", "latency")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run: less history, fewer texts")
    parser.add_argument("--verbose", action="store_true", help="print each turn's statements and more")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    parser.add_argument("--texts", type=int, help="webhooks per latency run (100; 25 with --quick)")
    parser.add_argument("--rate", type=float, default=5.0, help="webhooks a second in the latency runs")
    args = parser.parse_args()
    sections = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = sections - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")

    texts = args.texts or (25 if args.quick else 100)
    world = open_world(bench_database("coach_bench_agent"))
    try:
        if "turns" in sections:
            print_turns(measure_turns(world, quick=args.quick), verbose=args.verbose)
        if "script" in sections:
            print_script(run_script(world, quick=args.quick), verbose=args.verbose)
        if "latency" in sections:
            runs = measure_latency(world, texts=texts, rate=args.rate, quick=args.quick, verbose=args.verbose)
            print_latency(runs, rate=args.rate)
    finally:
        world.close()


if __name__ == "__main__":
    main()
