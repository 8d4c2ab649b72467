"""Peak memory of the processes a benchmark starts, read from /proc/<pid>/status (VmHWM, VmRSS).

`watch(roles)` runs a sampler in a separate process (so its reads do not compete with the load generator for
this process's GIL). Every `interval` it walks the tree of processes under this one; a process whose command
line ends with one of `roles`' argument lists starts that role, and its descendants (gunicorn's workers, the
work horses RQ forks per job) belong to it too. Per role it reports the largest VmHWM of any one process and
the peak over samples of the VmHWM summed over the processes alive together (a work horse that has exited no
longer counts). RSS counts pages a forked child shares with its parent in both, so sums overstate.

    python -m bench.memory --root PID [--interval 0.05]   (reads the roles as JSON on its first stdin line)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


@dataclass
class RolePeak:
    processes: int = 0
    max_kib: int = 0  # the largest VmHWM of one process
    together_kib: int = 0  # peak of the VmHWM summed over the processes alive at one sample

    @property
    def max_mib(self) -> float:
        return self.max_kib / 1024

    @property
    def together_mib(self) -> float:
        return self.together_kib / 1024


@dataclass
class MemoryReport:
    """Filled in when the `watch` block ends."""

    roles: dict[str, RolePeak] = field(default_factory=dict)

    def role(self, name: str) -> RolePeak | None:
        return self.roles.get(name)


@contextmanager
def watch(roles: dict[str, list[str]], interval: float = 0.05) -> Iterator[MemoryReport]:
    """Sample the processes started under this one while the block runs; see the module docstring."""
    report = MemoryReport()
    argv = [sys.executable, "-m", "bench.memory", "--root", str(os.getpid()), "--interval", str(interval)]
    sampler = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert sampler.stdin is not None
    sampler.stdin.write(json.dumps(roles) + "\n")
    sampler.stdin.flush()
    try:
        yield report
    finally:
        out, _ = sampler.communicate(timeout=60)  # closing stdin tells the sampler to report
        if sampler.returncode == 0 and out.strip():
            report.roles = {name: RolePeak(**peak) for name, peak in json.loads(out).items()}


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0])
    return values


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the command name may hold spaces and parentheses
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _cmdline(pid: int) -> list[str]:
    return (PROC / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]


class Sampler:
    def __init__(self, root: int, roles: dict[str, list[str]]) -> None:
        self.root = root
        self.roles = roles
        self.role_of: dict[int, str | None] = {}  # every descendant seen, with its role (None: not watched)
        self.hwm: dict[int, int] = {}
        self.peaks: dict[str, RolePeak] = {}

    def sample(self) -> None:
        tree = _children()
        together: dict[str, int] = {}
        pending = [(pid, self.role_of.get(self.root)) for pid in tree.get(self.root, [])]
        while pending:
            pid, parent_role = pending.pop()
            role = self._role(pid, parent_role)
            if role is not None:
                try:
                    hwm = _status(pid).get("VmHWM", 0)
                except OSError:
                    continue  # exited since the tree was read
                self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
                together[role] = together.get(role, 0) + self.hwm[pid]
            pending.extend((child, role) for child in tree.get(pid, []))
        for role, kib in together.items():
            peak = self.peaks.setdefault(role, RolePeak())
            peak.together_kib = max(peak.together_kib, kib)

    def _role(self, pid: int, parent_role: str | None) -> str | None:
        if pid not in self.role_of:
            role = parent_role
            if role is None:
                try:
                    cmdline = _cmdline(pid)
                except OSError:
                    return None
                role = next(
                    (name for name, tail in self.roles.items() if cmdline[-len(tail) :] == tail), None
                )
            self.role_of[pid] = role
        return self.role_of[pid]

    def report(self) -> dict[str, dict[str, int]]:
        for pid, hwm in self.hwm.items():
            role = self.role_of[pid]
            assert role is not None
            peak = self.peaks.setdefault(role, RolePeak())
            peak.processes += 1
            peak.max_kib = max(peak.max_kib, hwm)
        return {
            name: {"processes": p.processes, "max_kib": p.max_kib, "together_kib": p.together_kib}
            for name, p in self.peaks.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="sample the memory of the processes under --root")
    parser.add_argument("--root", type=int, required=True)
    parser.add_argument("--interval", type=float, default=0.05)
    args = parser.parse_args()
    sampler = Sampler(args.root, json.loads(sys.stdin.readline()))
    done = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        done.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    while not done.is_set():
        sampler.sample()
        time.sleep(args.interval)
    sampler.sample()
    print(json.dumps(sampler.report()))


if __name__ == "__main__":
    main()
