"""The real processes: `coach run` brings up web + worker + scheduler; the scheduler ticks on demand."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from coach.local_run import listening
from coach.scheduling.tick import last_tick
from tests import servers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path, database: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": servers.scratch_database(database),
        "REDIS_URL": redis_url,
        "COACH_DATA_DIR": str(tmp_path),
    }


def _run_check(tmp_path, settings, port: int, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`coach run --check --port PORT`: start everything, exit once /healthz answers."""
    return subprocess.run(
        [sys.executable, "-m", "coach.cli", "run", "--check", "--port", str(port)],
        env=_env(tmp_path, "coach_test_run", settings.redis_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=servers.ROOT,
    )


def test_coach_run_brings_up_web_worker_and_scheduler_with_healthz_ok(tmp_path, settings):
    port = _free_port()
    result = _run_check(tmp_path, settings, port)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"up at http://127.0.0.1:{port}" in result.stdout
    assert "movement library ready" in result.stdout


def test_coach_run_refuses_a_port_already_in_use_instead_of_reporting_that_server_as_up(tmp_path, settings):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run_check(tmp_path, settings, port, timeout=60)
    assert result.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in result.stderr
    assert "up at" not in result.stdout


def _children(pid: int) -> set[int]:
    found = set()
    with contextlib.suppress(FileNotFoundError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found.update(int(child) for child in listed.read().split())
    return found


def _descendants(pid: int) -> set[int]:
    found = _children(pid)
    for child in list(found):
        found |= _descendants(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_coach_run_stops_web_worker_and_scheduler_when_its_terminal_closes(tmp_path, settings, signum):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach.cli", "run", "--port", str(port)],
        env=_env(tmp_path, "coach_test_run", settings.redis_url),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=servers.ROOT,
        start_new_session=True,  # the signal reaches coach run alone: the worst case for its children
    )
    children: set[int] = set()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "press Ctrl-C to stop" in line:
                break
        assert len(_children(proc.pid)) == 3  # web, worker, scheduler
        children = _descendants(proc.pid)  # and theirs: gunicorn's workers, the worker's senders
        proc.send_signal(signum)
        assert proc.wait(timeout=60) == 0
        assert not [child for child in children if _alive(child)]
        assert not listening(port)
    finally:
        for pid in [proc.pid, *children]:  # when the test fails, it leaves nothing running either
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()


def test_scheduler_once_ticks_as_of_the_given_instant(tmp_path, settings, services):
    env = _env(tmp_path, "coach_test_scheduler", settings.redis_url)
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        env=env,
        check=True,
        cwd=servers.ROOT,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "coach.cli", "scheduler", "--once", "--now", "2026-11-23T12:00:00Z"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=servers.ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "daily_workout": 0,
        "rest_day": 0,
        "weekly_preview": 0,
        "nudge": 0,
        "weeks_to_progress": 0,
        "answers_requeued": 0,
        "texts_due": 0,
    }
    assert last_tick(services) == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_scheduler_rejects_an_instant_without_an_offset(tmp_path, settings):
    result = subprocess.run(
        [sys.executable, "-m", "coach.cli", "scheduler", "--once", "--now", "2026-11-23T12:00:00"],
        env=_env(tmp_path, "coach_test_scheduler", settings.redis_url),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=servers.ROOT,
    )
    assert result.returncode == 2
    assert "UTC offset" in result.stderr


def _frozen_and_tracked(tmp_path, settings, probe: str) -> tuple[int, int]:
    """Run `probe` in a fresh interpreter; then count the objects frozen and those the collector sees."""
    code = f"{probe}; import gc, json; print(json.dumps([gc.get_freeze_count(), len(gc.get_objects())]))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path, "coach_test_frozen", settings.redis_url),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=servers.ROOT,
        check=True,
    )
    frozen, tracked = json.loads(result.stdout.splitlines()[-1])
    return int(frozen), int(tracked)


def test_the_web_entry_point_keeps_the_apps_lifelong_objects_out_of_full_collections(tmp_path, settings):
    """wsgi.py freezes what building the app left behind: a full collection in a web process then walks the
    objects of requests, not the ~200,000 of modules and mappers (a 0.1 s stall every few thousand texts)."""
    frozen, tracked = _frozen_and_tracked(tmp_path, settings, "import wsgi")
    assert frozen > 50_000
    assert tracked < frozen / 100


def test_the_worker_keeps_what_it_preloaded_out_of_full_collections(tmp_path, settings):
    frozen, tracked = _frozen_and_tracked(
        tmp_path,
        settings,
        "from coach.bootstrap import bootstrap; from coach import jobs; from workers.worker import preload; "
        "services = bootstrap(); jobs.install(services); preload(services)",
    )
    assert frozen > 50_000
    assert tracked < frozen / 100
