"""Every fault scenario, in the order `python -m bench.chaos` runs them.

To add one: a module under bench/chaos/scenarios/ with `run(stage: Stage) -> Result` (see
inbound_duplicates.py for the shape: start Coach, make traffic, fire the fault, `finish_replies`), then an
entry here. A `run` of None lists a scenario that is planned but not written yet; it is reported as pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.chaos.scenarios import (
    inbound_duplicates,
    llm_hang,
    postgres_restart,
    redis_flush,
    twilio_errors,
    two_schedulers,
    web_kill,
    worker_kill_llm,
)
from bench.chaos.stage import Result, Stage


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: str
    run: Callable[[Stage], Result] | None
    # Environment for every Coach process of this scenario, on top of the stage's.
    env: dict[str, str] = field(default_factory=dict)


SCENARIOS = [
    Scenario(inbound_duplicates.NAME, "every webhook delivered 2-3 times at once", inbound_duplicates.run),
    Scenario(redis_flush.NAME, "FLUSHALL of Redis with answers and sends waiting", redis_flush.run),
    Scenario(postgres_restart.NAME, "PostgreSQL crashes and comes back mid-run", postgres_restart.run),
    Scenario(twilio_errors.NAME, "Twilio answers 500, 429 and 30003 for a while", twilio_errors.run),
    Scenario(
        two_schedulers.NAME,
        "two schedulers and a rerun over a simulated week",
        two_schedulers.run,
        env=two_schedulers.ENV,
    ),
    Scenario(
        web_kill.NAME,
        "gunicorn's workers killed (kill -9) holding answer jobs not yet in Redis",
        web_kill.run,
        env=web_kill.ENV,
    ),
    # The coaching agent's LLM path (issue 8).
    Scenario(worker_kill_llm.NAME, "RQ workers killed (kill -9) during the LLM call", worker_kill_llm.run),
    Scenario(llm_hang.NAME, "the LLM hangs past the client's timeout", llm_hang.run, env=llm_hang.ENV),
]


def find(name: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    names = ", ".join(scenario.name for scenario in SCENARIOS)
    raise SystemExit(f"no scenario {name!r}; there are: {names}")
