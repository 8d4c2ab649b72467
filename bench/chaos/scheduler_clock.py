"""The scheduler's own tick (`run_tick`, what `coach scheduler` runs each minute) on another clock.

    python -m bench.chaos.scheduler_clock --every 5
        ticks at the real time every 5 s instead of every minute, until stopped (SIGTERM);
    python -m bench.chaos.scheduler_clock --start 2026-10-31T00:00:00Z --end 2026-11-07T00:00:00Z --step 15
        ticks as of every 15 minutes of that span, as fast as it can, then prints the summed counts as JSON.

Both are `coach scheduler --once [--now T]` run repeatedly, in one process with one bootstrap: a process per
tick costs ~4 s of imports on this machine, too slow to step through a week or to tick every few seconds.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from coach.bootstrap import Services, bootstrap
from coach.scheduling.tick import run_tick


def instants(start: datetime, end: datetime, step: timedelta, offset: timedelta) -> list[datetime]:
    found, moment = [], start + offset
    while moment <= end:
        found.append(moment)
        moment += step
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos.scheduler_clock")
    parser.add_argument("--every", type=float, help="tick at the real time every this many seconds")
    parser.add_argument("--start", type=_instant, help="simulated span: first instant")
    parser.add_argument("--end", type=_instant, help="simulated span: last instant")
    parser.add_argument("--step", type=float, default=15, help="minutes between simulated ticks")
    parser.add_argument("--offset", type=float, default=0, help="minutes after --start of the first tick")
    args = parser.parse_args(argv)
    services = bootstrap()
    if args.every:
        _tick_every(services, args.every)
    elif args.start and args.end:
        span = instants(args.start, args.end, timedelta(minutes=args.step), timedelta(minutes=args.offset))
        totals: Counter[str] = Counter()
        for moment in span:
            totals.update(run_tick(services, moment))
        print(json.dumps({"ticks": len(span), **totals}))
    else:
        parser.error("give --every, or --start and --end")
    services.close()


def _tick_every(services: Services, seconds: float) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.wait(seconds):
        try:
            print(json.dumps(run_tick(services, datetime.now(UTC))), flush=True)
        except Exception as exc:  # as the scheduler does: a failed tick is retried by the next one
            print(json.dumps({"failed": repr(exc)}), flush=True)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


if __name__ == "__main__":
    main()
