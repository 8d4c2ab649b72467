"""A private PostgreSQL and Redis for the fault suite, in a temporary data dir, that it may crash and flush.

Never the machine's shared servers (DATABASE_URL / REDIS_URL are ignored): scenarios restart PostgreSQL and
FLUSHALL Redis. Both are the embedded servers `coach run` uses (coach/embedded.py), started in child processes
so this process holds no handle that would keep a stopped server "running" in its own bookkeeping.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "coach_template"

_START_POSTGRES = (
    "import sys; from pathlib import Path; from coach import embedded; "
    "print(embedded.postgres_url(Path(sys.argv[1]), 'postgres'))"
)
_START_REDIS = (
    "import sys; from pathlib import Path; from coach import embedded; "
    "print(embedded.redis_url(Path(sys.argv[1])))"
)


class PrivateServers:
    """Embedded PostgreSQL + Redis under `data_dir`; one migrated, seeded template database to copy."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.admin_url = ""
        self.redis_url = ""

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        self.admin_url = _last_line(self._python(_START_POSTGRES))
        self.redis_url = _last_line(self._python(_START_REDIS))

    def prepare_template(self) -> None:
        """Migrate (alembic upgrade head, the release step) and seed the movement library, once."""
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(TEMPLATE)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
        env = self.child_env(self.url(TEMPLATE))
        for argv in (["-m", "alembic", "upgrade", "head"], ["-m", "coach.cli", "seed"]):
            subprocess.run(
                [sys.executable, *argv], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300
            )

    def fresh_database(self, name: str) -> str:
        """A new database copied from the template (migrated and seeded); returns its URL."""
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(TEMPLATE)
                )
            )
        return self.url(name)

    def close(self) -> None:
        self._signal_redis(signal.SIGTERM)
        self.stop_postgres(immediate=False)

    # -- faults -------------------------------------------------------------------------------------

    def stop_postgres(self, *, immediate: bool) -> None:
        """Stop the postmaster: immediate = SIGQUIT (a crash; WAL recovery on start), else a fast shutdown."""
        pid = self.postgres_pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGQUIT if immediate else signal.SIGINT)
        _wait_gone(pid, 30)

    def start_postgres(self) -> None:
        """Start it again on the same socket (the URLs every process holds stay valid)."""
        url = _last_line(self._python(_START_POSTGRES))
        if url != self.admin_url:
            raise RuntimeError(f"PostgreSQL came back elsewhere: {url} (was {self.admin_url})")

    def postgres_pid(self) -> int | None:
        pid_file = self.data_dir / "postgres" / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None
        return pid if _alive(pid) else None

    def flush_redis(self) -> None:
        self.redis().flushall()

    # -- access -------------------------------------------------------------------------------------

    def url(self, database: str) -> str:
        path, _, query = self.admin_url.partition("?")
        return path.rsplit("/", 1)[0] + "/" + database + (f"?{query}" if query else "")

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url, socket_timeout=5)

    def child_env(self, database_url: str) -> dict[str, str]:
        """The environment of every Coach process: these servers, never whatever the caller exported."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("COACH_TEST")}
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=self.redis_url,
            COACH_DATA_DIR=str(self.data_dir),
            PYTHONUNBUFFERED="1",
            XDG_RUNTIME_DIR=str(self.data_dir),
        )
        return env

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.admin_url, autocommit=True)

    def _python(self, code: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code, str(self.data_dir)],
            cwd=ROOT,
            env={**os.environ, "XDG_RUNTIME_DIR": str(self.data_dir)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"could not start an embedded server:\n{result.stderr}")
        return result.stdout

    def _signal_redis(self, sig: signal.Signals) -> None:
        pid_file = self.data_dir / "redis" / "redis.pid"
        try:
            pid = int(pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return
        if _alive(pid):
            os.kill(pid, sig)
            _wait_gone(pid, 20)


def _last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def _alive(pid: int) -> bool:
    """Running, and not a zombie (a daemon's exit is reaped by init, which may be slow or absent here)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
