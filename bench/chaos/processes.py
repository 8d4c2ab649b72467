"""Coach's real processes for a scenario: gunicorn serving wsgi.py, RQ workers, the scheduler, and a pacer.

Each writes its output to a log file of the scenario. The pacer is the scheduler's tick every few seconds
instead of every minute (bench/chaos/scheduler_clock.py --every): the scenarios that wait on the sweeper use
it next to the minute scheduler to keep their runs short, and say so.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

from bench.chaos.servers import ROOT
from bench.common import gunicorn_args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CoachProcesses:
    """Starts and stops the processes of one scenario, each logging to <log_dir>/<name>.log."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.killed: dict[str, int] = {}  # processes killed on purpose (`kill`), with their pids
        self._logs: list[IO[bytes]] = []

    def start(self, name: str, argv: list[str]) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        self._logs.append(log)
        self.procs[name] = subprocess.Popen(
            [sys.executable, *argv],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal reaches the suite, which stops these itself
        )

    def web(self, port: int) -> str:
        """gunicorn serving wsgi:app as the Procfile does (gthread workers); returns its local URL."""
        self.start("web", gunicorn_args("wsgi:app", port))
        base = f"http://127.0.0.1:{port}"
        self._wait_healthy(base + "/healthz", "web")
        return base

    def workers(self, count: int, first: int = 1) -> list[str]:
        """`count` RQ workers named worker-<first>, worker-<first + 1>, ...; returns their names."""
        names = [f"worker-{n}" for n in range(first, first + count)]
        for name in names:
            self.start(name, ["-m", "workers.worker"])
        return names

    def pid(self, name: str) -> int:
        return self.procs[name].pid

    def kill(self, names: list[str]) -> list[int]:
        """kill -9 these processes and every process they forked, all at once; returns the pids killed.

        An RQ worker forks a work horse per job (and a scheduler process), each in a process group of its
        own, so signalling the worker's group would miss them: they are found through /proc first. The
        parents die first, so no worker outlives its horse long enough to notice and record the job failed.
        A killed process is no longer watched: it is not reported by `exited()` (it did not exit on its own).
        """
        parents = [self.procs[name] for name in names if name in self.procs]
        descendants = [pid for proc in parents for pid in _descendants(proc.pid)]
        for pid in [proc.pid for proc in parents] + descendants:
            with contextlib.suppress(ProcessLookupError):  # it had just finished
                os.kill(pid, signal.SIGKILL)
        for name in names:
            proc = self.procs.pop(name, None)
            if proc is not None:
                proc.wait(timeout=10)
                self.killed[name] = proc.pid
        return [proc.pid for proc in parents] + descendants

    def scheduler(self, name: str = "scheduler") -> None:
        """The scheduler process of the Procfile: a tick at the top of every minute."""
        self.start(name, ["-m", "workers.scheduler"])

    def pace(self, every: float) -> None:
        """The scheduler tick (`coach scheduler --once`) every `every` seconds until the scenario ends."""
        self.start("pacer", ["-m", "bench.chaos.scheduler_clock", "--every", str(every)])

    def pacer_ticks(self) -> tuple[int, int]:
        """(ticks run, texts they re-enqueued) by the pacer so far."""
        try:
            lines = (self.log_dir / "pacer.log").read_text().splitlines()
        except FileNotFoundError:
            return 0, 0
        reports = [json.loads(line) for line in lines if line.startswith("{")]
        return len(reports), sum(int(report.get("answers_requeued", 0)) for report in reports)

    def scheduler_requeued(self, name: str = "scheduler") -> int:
        """Answers the minute scheduler's own ticks re-enqueued so far (it logs each tick's counts)."""
        try:
            text = (self.log_dir / f"{name}.log").read_text()
        except FileNotFoundError:
            return 0
        return sum(int(found) for found in re.findall(r"'answers_requeued': (\d+)", text))

    def exited(self) -> dict[str, int]:
        """Processes that are no longer running, with their exit codes."""
        return {name: code for name, proc in self.procs.items() if (code := proc.poll()) is not None}

    def web_worker_pids(self) -> set[int]:
        """gunicorn's worker processes (children of the master): a changed set means one was replaced."""
        proc = self.procs.get("web")
        if proc is None:
            return set()
        try:
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text()
        except FileNotFoundError:
            return set()
        return {int(pid) for pid in children.split()}

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        for log in self._logs:
            log.close()

    def _wait_healthy(self, url: str, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited during start-up; see {self.log_dir / name}.log")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (children of any of its threads, recursively), from /proc."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def tick_report(stdout: str) -> dict[str, int]:
    """The JSON counts `coach scheduler --once` prints last."""
    found: dict[str, int] = json.loads(stdout.strip().splitlines()[-1])
    return found
