"""Entry point of the fault suite; see bench/chaos/__init__.py."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.chaos.registry import SCENARIOS, Scenario, find
from bench.chaos.servers import PrivateServers
from bench.chaos.stage import Result, open_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description="The fault suite.")
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--only", action="append", metavar="NAME", help="run this scenario (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and logs even on success")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    if args.list:
        for scenario in SCENARIOS:
            print(f"{scenario.name:20} {scenario.fault}{'' if scenario.run else '  (pending)'}")
        return 0
    chosen = [find(name) for name in args.only] if args.only else SCENARIOS
    # Stopped from outside (Ctrl-C, SIGTERM, even when started in the background with SIGINT ignored), the
    # suite still stops the processes and servers it started: the `finally` blocks below run.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    run_dir = Path(tempfile.mkdtemp(prefix="coach-chaos-"))
    print(f"chaos ({args.size}): private PostgreSQL and Redis under {run_dir}", flush=True)
    servers = PrivateServers(run_dir)
    results: list[Result] = []
    pending: list[str] = []
    try:
        started = time.monotonic()
        servers.start()
        servers.prepare_template()
        print(f"chaos: servers up, template migrated and seeded ({time.monotonic() - started:.0f} s)")
        for scenario in chosen:
            if scenario.run is None:
                pending.append(scenario.name)
                continue
            results.append(_run(scenario, servers, args.size, run_dir))
            print(results[-1].line, flush=True)
    finally:
        servers.close()

    print("\nchaos summary")
    for result in results:
        print(("  ok    " if result.ok else "  FAIL  ") + result.line)
    for name in pending:
        print(f"  --    {name}: pending (listed in bench/chaos/registry.py, not written yet)")
    failed = [result for result in results if not result.ok]
    if failed or args.keep:
        print(f"chaos: logs and data kept in {run_dir}")
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    if args.only and pending and not results:
        return 2
    return 1 if failed else 0


def _run(scenario: Scenario, servers: PrivateServers, size: str, run_dir: Path) -> Result:
    assert scenario.run is not None
    print(f"\n{scenario.name}: {scenario.fault}", flush=True)
    started = time.monotonic()
    try:
        with open_stage(servers, scenario.name, size, run_dir, scenario.env) as stage:
            result = scenario.run(stage)
    except Exception as exc:
        traceback.print_exc()
        result = Result(scenario.name, "did not complete", {}, 0, 0, 0, problems=[f"crashed: {exc!r}"])
        if servers.postgres_pid() is None:  # the scenario died between crashing PostgreSQL and restarting it
            servers.start_postgres()
    result.seconds = time.monotonic() - started
    return result


if __name__ == "__main__":
    sys.exit(main())
