"""The `coach` command."""

from __future__ import annotations

import argparse
import sys

from coach import embedded
from coach.config import load_settings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "scheduler":
        from workers.scheduler import main as scheduler_main

        scheduler_main(args[1:])
        return 0
    if args[:2] == ["plan", "preview"]:
        from coach.training.preview_command import main as preview_main

        return preview_main(args[2:])
    if args and args[0] == "parse-log":
        from coach.training.parse_log_command import main as parse_log_main

        return parse_log_main(args[1:])
    parser = _parser()
    ns = parser.parse_args(args)
    if ns.command is None:
        parser.print_help()
        return 2
    handler = _HANDLERS[ns.command]
    return handler(ns)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description="Coach: an SMS-first AI fitness coach.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("seed", help="load the movement library (idempotent)")
    run = sub.add_parser("run", help="run the whole service locally")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--check", action="store_true", help="exit once /healthz answers 200")
    run.add_argument("--keep-services", action="store_true", help="leave embedded servers running")
    run.add_argument("--phone", default="+15551230000", help="the number the simulator texts from")
    services = sub.add_parser("services", help="embedded PostgreSQL and Redis for local runs")
    services.add_argument("action", choices=["start", "stop"])
    chat = sub.add_parser("chat", help="text a running Coach from this terminal")
    chat.add_argument("--phone", default="+15551230000", help="the number you text from (E.164)")
    chat.add_argument("--url", default=None, help="where Coach listens (default: PUBLIC_BASE_URL)")
    sub.add_parser("parse-log", help='show what the log parser understands: coach parse-log "squat 100x5"')
    sub.add_parser(
        "plan", help="coach plan preview --profile FILE.json [--start YYYY-MM-DD]: the plan as JSON"
    )
    sub.add_parser("worker", help="run an RQ worker")
    sub.add_parser("scheduler", help="run the scheduler (see coach scheduler --help)")
    return parser


def _seed(_: argparse.Namespace) -> int:
    from coach.bootstrap import bootstrap
    from coach.movements.library import seed_movements

    services = bootstrap()
    with services.sessions() as session:
        result = seed_movements(session)
    print(
        f"movements: {result.inserted} inserted, {result.updated} updated, {result.unchanged} unchanged; "
        f"relationships: {result.relationships_added} added, {result.relationships_removed} removed"
    )
    return 0


def _run(ns: argparse.Namespace) -> int:
    from coach.local_run import run

    return run(port=ns.port, check=ns.check, keep_services=ns.keep_services, phone=ns.phone)


def _services(ns: argparse.Namespace) -> int:
    settings = load_settings()
    if ns.action == "start":
        print("DATABASE_URL=" + embedded.postgres_url(settings.data_dir, "coach"))
        print("REDIS_URL=" + embedded.redis_url(settings.data_dir))
    else:
        embedded.stop_redis(settings.data_dir)
        embedded.stop_postgres(settings.data_dir)
    return 0


def _chat(ns: argparse.Namespace) -> int:
    from coach.bootstrap import bootstrap
    from coach.messaging.phone import to_e164
    from coach.messaging.simulator import Simulator, chat

    services = bootstrap()
    chat(Simulator(services, to_e164(ns.phone), ns.url or services.settings.public_base_url))
    return 0


def _worker(_: argparse.Namespace) -> int:
    from workers.worker import main as worker_main

    worker_main()
    return 0


_HANDLERS = {"seed": _seed, "run": _run, "services": _services, "worker": _worker, "chat": _chat}

if __name__ == "__main__":
    sys.exit(main())
