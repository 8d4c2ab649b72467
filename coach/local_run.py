"""`coach run`: the whole service on one machine.

Embedded servers, migrations, the movement library, then web + worker + scheduler.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import IO

from coach import embedded
from coach.bootstrap import bootstrap, resolve_services
from coach.config import Settings, announce_defaults, load_settings
from coach.migrate import upgrade
from coach.movements.library import seed_movements


def process_env(settings: Settings, port: int) -> dict[str, str]:
    """The environment every child process gets: concrete URLs and secrets, so none of them guesses."""
    assert settings.database_url and settings.redis_url
    env = dict(os.environ)
    env.update(
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        SECRET_KEY=settings.secret_key,
        DASHBOARD_PASSWORD=settings.dashboard_password,
        PUBLIC_BASE_URL=settings.public_base_url,
        SMS_BACKEND=settings.sms_backend,
        COACH_DATA_DIR=str(settings.data_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


def commands(port: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": [python, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "wsgi:app"],  # gunicorn.conf.py
        "worker": [python, "-m", "workers.worker"],
        "scheduler": [python, "-m", "workers.scheduler"],
    }


def wait_healthy(url: str, timeout: float, children: dict[str, subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = [name for name, proc in children.items() if proc.poll() is not None]
        if dead:
            print(f"coach: {', '.join(dead)} exited during start-up", file=sys.stderr)
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


def run(
    port: int = 8000, check: bool = False, keep_services: bool = False, phone: str = "+15551230000"
) -> int:
    """Start everything and open the SMS simulator (in a terminal).

    With check=True, exit 0 once /healthz answers 200 (used by tests and CI). A hang-up (the terminal
    closed) or a SIGTERM stops everything as Ctrl-C does: otherwise gunicorn (which takes SIGHUP as "reload")
    and the embedded servers would be left running, still holding the port.
    """
    if listening(port):
        print(
            f"coach: 127.0.0.1:{port} is already in use (another `make run`?); stop it, or choose another "
            "port: `make run RUN_PORT=8001`",
            file=sys.stderr,
        )
        return 1
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        return _run(port, check, keep_services, phone)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def listening(port: int) -> bool:
    """Something accepts connections on 127.0.0.1:`port`."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _run(port: int, check: bool, keep_services: bool, phone: str) -> int:
    settings = load_settings()
    if settings.public_base_url == "http://127.0.0.1:8000" and port != 8000:
        settings = replace(settings, public_base_url=f"http://127.0.0.1:{port}")
    announce_defaults(settings)
    started_embedded = not (settings.database_url and settings.redis_url)
    settings = resolve_services(settings)
    assert settings.database_url
    upgrade(settings.database_url)
    services = bootstrap(settings)
    with services.sessions() as session:
        result = seed_movements(session)
    services.close()
    print(f"coach: movement library ready ({result.inserted} new, {result.updated} updated)")

    env = process_env(settings, port)
    interactive = sys.stdin.isatty() and not check
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    children = {
        # In a terminal the simulator owns the screen, so the processes write to log files instead.
        name: subprocess.Popen(
            cmd, env=env, stdout=_log(log_dir, name, interactive), stderr=subprocess.STDOUT
        )
        for name, cmd in commands(port).items()
    }
    healthz = f"http://127.0.0.1:{port}/healthz"
    try:
        if not wait_healthy(healthz, 60, children):
            print(f"coach: {healthz} did not answer 200", file=sys.stderr)
            return 1
        print(f"coach: up at http://127.0.0.1:{port} (web, worker, scheduler); health: {healthz}")
        if check:
            return 0
        if interactive:
            print(f"coach: process logs are in {log_dir}/")
            _open_simulator(settings, phone, port)
            return 0
        print("coach: press Ctrl-C to stop")
        while all(proc.poll() is None for proc in children.values()):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop_children(children)
        if started_embedded and not keep_services:
            embedded.stop_redis(settings.data_dir)
            embedded.stop_postgres(settings.data_dir)


def _log(log_dir: Path, name: str, interactive: bool) -> IO[bytes] | None:
    return (log_dir / f"{name}.log").open("ab") if interactive else None


def _open_simulator(settings: Settings, phone: str, port: int) -> None:
    from coach.messaging.phone import to_e164
    from coach.messaging.simulator import Simulator, chat

    services = bootstrap(settings)
    try:
        chat(Simulator(services, to_e164(phone), f"http://127.0.0.1:{port}"))
    finally:
        services.close()


def _stop_children(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for proc in children.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in children.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
