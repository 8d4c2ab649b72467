"""The scheduler process: ticks once a minute, or once as of a given instant with --once --now."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from datetime import UTC, datetime

from coach.bootstrap import bootstrap
from coach.scheduling.tick import run_tick

log = logging.getLogger("coach.scheduler")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="coach scheduler", description="Queue what is due, every minute.")
    parser.add_argument("--once", action="store_true", help="run a single tick and exit")
    parser.add_argument("--now", type=_instant, help="the instant to tick at, e.g. 2026-11-23T12:00:00Z")
    parser.add_argument("--dry-run", action="store_true", help="print what would be queued; change nothing")
    return parser.parse_args(argv)


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a UTC offset, e.g. 2026-11-23T12:00:00Z")
    return value.astimezone(UTC)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    services = bootstrap(pre_ping=True)
    if args.once or args.now:
        print(json.dumps(run_tick(services, args.now or datetime.now(UTC), dry_run=args.dry_run)))
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        now = datetime.now(UTC)
        try:
            queued = run_tick(services, now, dry_run=args.dry_run)
            log.info("tick %s queued %s", now.isoformat(timespec="seconds"), queued)
        except Exception:
            log.exception("tick failed; the next tick retries")
        stop.wait(60 - datetime.now(UTC).second % 60)  # wake at the top of the next minute


if __name__ == "__main__":
    main()
