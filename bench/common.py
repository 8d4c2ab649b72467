"""Shared pieces of the benchmarks: servers to measure against, timing, and printing figures."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from coach.migrate import upgrade
from tests import servers

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_database(name: str) -> str:
    """A fresh, migrated database for one benchmark on the test server (DATABASE_URL or embedded)."""
    url = servers.scratch_database(name)
    upgrade(url)
    return url


BENCH_REDIS_DB = 12  # not the tests' database (15): a benchmark flushes its own


def bench_redis_url() -> str:
    # tests.servers read COACH_TEST_REDIS_DB when it was imported, so set the module's value itself.
    servers.TEST_REDIS_DB = int(os.environ.get("COACH_BENCH_REDIS_DB", BENCH_REDIS_DB))
    return servers.redis_url()


def gunicorn_args(app: str, port: int) -> list[str]:
    """The arguments after the interpreter that serve `app` on 127.0.0.1:`port` as the Procfile does: workers,
    threads and timeouts come from gunicorn.conf.py (read from ROOT, the working directory)."""
    return ["-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]


@contextmanager
def gunicorn(app: str, env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """Serve `app` with gunicorn on a local port (free if not given); yields its base URL."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, *gunicorn_args(app, port)],
        env={**os.environ, **env},
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - local
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# /proc/stat's first line: CPU time of the whole machine since boot, in ticks, by what it was spent on.
_USER, _NICE, _SYSTEM, _IDLE, _IOWAIT, _IRQ, _SOFTIRQ, _STEAL = range(8)


@dataclass(frozen=True)
class CpuShare:
    """How the machine's CPU time was spent over an interval: `busy` running anything (ours or another's),
    `steal` taken by the hypervisor for other guests; fractions of all CPUs' time."""

    busy: float
    steal: float

    def __str__(self) -> str:
        return f"busy {self.busy:.0%}, stolen {self.steal:.0%}"


def cpu_ticks() -> list[int] | None:
    """The machine's CPU time so far (None where there is no /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            return [int(field) for field in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None


def cpu_share(before: list[int] | None, after: list[int] | None) -> CpuShare | None:
    if before is None or after is None:
        return None
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1
    busy = sum(spent[i] for i in (_USER, _NICE, _SYSTEM, _IRQ, _SOFTIRQ))
    return CpuShare(busy / total, spent[_STEAL] / total)


def idle_machine_share(seconds: float = 1.0) -> CpuShare | None:
    """The CPU others use while this process sleeps: what a benchmark about to start competes with."""
    before = cpu_ticks()
    time.sleep(seconds)
    return cpu_share(before, cpu_ticks())


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(latencies: list[float]) -> str:
    return f"p50 {ms(statistics.median(latencies))}, p99 {ms(percentile(latencies, 99))}"


def print_table(title: str, rows: list[tuple[str, str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"  {name.ljust(width)}  {value:>18}  {note}")
