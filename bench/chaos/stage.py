"""One scenario's world: a fresh database, an empty Redis, the Twilio and OpenAI doubles, Coach processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bench.chaos.ledger import Verdict
from bench.chaos.processes import CoachProcesses, free_port
from bench.chaos.servers import PrivateServers
from bench.chaos.texting import COACH_NUMBER, Texter
from tests.doubles.openai_api import OpenAIDouble
from tests.doubles.twilio_api import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TwilioApiDouble


@dataclass
class Result:
    """What a scenario did and what came of it; `line` is the one line the suite promises."""

    name: str
    did: str
    counts: dict[str, int]
    lost: int
    duplicated: int
    late: int
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # anything else that must not happen (fails the run)

    @classmethod
    def from_verdict(cls, name: str, did: str, verdict: Verdict, problems: list[str]) -> Result:
        return cls(
            name=name,
            did=did,
            counts=verdict.counts,
            lost=verdict.lost,
            duplicated=verdict.final.duplicated,
            late=verdict.late,
            problems=problems,
        )

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.late or self.problems)

    @property
    def line(self) -> str:
        counts = [f"{name} {value}" for name, value in self.counts.items()]
        counts += [f"lost {self.lost}", f"duplicated {self.duplicated}", f"late {self.late}"]
        line = f"{self.name}: {self.did} -> {', '.join(counts)} ({self.seconds:.0f} s)"
        return line + ("" if not self.problems else " | " + "; ".join(self.problems))


@dataclass
class Stage:
    name: str
    size: str
    servers: PrivateServers
    database_url: str
    log_dir: Path
    twilio: TwilioApiDouble
    openai: OpenAIDouble
    app_url: str
    env: dict[str, str]
    processes: CoachProcesses
    web_workers: set[int] = field(default_factory=set)  # gunicorn's workers once started

    def say(self, text: str) -> None:
        print(f"  [{self.name}] {text}", flush=True)

    def start_coach(self, *, workers: int = 2, scheduler: bool = True) -> None:
        """web (gunicorn, 2 x 4 threads), RQ workers and the minute scheduler, as the Procfile runs them."""
        port = int(self.app_url.rsplit(":", 1)[1])
        self.processes.web(port)
        self.processes.workers(workers)
        if scheduler:
            self.processes.scheduler()
        self.wait_for_workers(workers)
        self.web_workers = self.processes.web_worker_pids()

    def wait_for_workers(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.redis().scard("rq:workers") < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{count} RQ workers did not register; see {self.log_dir}")
            time.sleep(0.2)

    def texter(self, give_up_after: float = 180) -> Texter:
        return Texter(self.app_url, TEST_AUTH_TOKEN, give_up_after=give_up_after)

    def redis(self) -> redis.Redis:
        return self.servers.redis()

    def process_problems(self) -> list[str]:
        """A Coach process that exited, or a web worker gunicorn had to replace: recovery needs no restart."""
        problems = [f"{name} exited with {code}" for name, code in self.processes.exited().items()]
        replaced = self.web_workers - self.processes.web_worker_pids()
        if replaced and "web" not in self.processes.exited():
            problems.append(f"gunicorn replaced {len(replaced)} of its workers")
        return problems


@contextmanager
def open_stage(
    servers: PrivateServers, name: str, size: str, run_dir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Stage]:
    log_dir = run_dir / name
    log_dir.mkdir(parents=True, exist_ok=True)
    database_url = servers.fresh_database("chaos_" + name.replace("-", "_"))
    servers.flush_redis()
    twilio = TwilioApiDouble().start()
    openai = OpenAIDouble().start()
    app_url = f"http://127.0.0.1:{free_port()}"
    env = servers.child_env(database_url)
    env.update(
        COACH_ENV="development",
        SECRET_KEY="chaos-secret-key-" + "0" * 32,
        DASHBOARD_PASSWORD="chaos-dashboard",  # noqa: S106 - a throwaway local run
        PUBLIC_BASE_URL=app_url,
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=TEST_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=TEST_AUTH_TOKEN,
        TWILIO_FROM_NUMBER=COACH_NUMBER,
        TWILIO_API_BASE_URL=twilio.base_url,
        OPENAI_API_KEY="chaos-key",
        OPENAI_BASE_URL=openai.base_url,
        **(extra_env or {}),
    )
    processes = CoachProcesses(env, log_dir)
    stage = Stage(name, size, servers, database_url, log_dir, twilio, openai, app_url, env, processes)
    try:
        yield stage
    finally:
        processes.stop()
        twilio.stop()
        openai.stop()
