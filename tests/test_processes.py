"""The real processes: `coach run` brings up web + worker + scheduler; the scheduler ticks on demand."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime

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


def test_coach_run_brings_up_web_worker_and_scheduler_with_healthz_ok(tmp_path, settings):
    port = _free_port()
    result = subprocess.run(
        [sys.executable, "-m", "coach.cli", "run", "--check", "--port", str(port)],
        env=_env(tmp_path, "coach_test_run", settings.redis_url),
        capture_output=True,
        text=True,
        timeout=180,
        cwd=servers.ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"up at http://127.0.0.1:{port}" in result.stdout
    assert "movement library ready" in result.stdout


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
