"""web-kill: gunicorn's workers killed (kill -9) mid-traffic while they hold answer jobs not yet in Redis.

A webhook answers Twilio once the text is committed and leaves its answer job to the web process's side
thread, which enqueues the texts of the last ANSWER_LINGER_MS together (coach/messaging/answer_jobs.py).
Here the linger is two seconds, so every kill takes texts whose jobs never reached Redis, and requests in
flight get a connection error (the poster retries them as Twilio would; a retry of a text already stored is a
duplicate and enqueues nothing). gunicorn's master starts fresh workers; the texts the dead ones held are
unanswered in PostgreSQL, and the scheduler's sweeper (a text unanswered for 60 s whose job is neither
waiting nor running) enqueues them. The scheduler's tick also runs every 5 s (the pacer) to keep the run
short. Every text comes from a number of its own, so a later text cannot answer a lost one along with it.
Every text must be answered exactly once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field

from bench.chaos.scenarios.common import answer_deadline, finish_replies
from bench.chaos.stage import Result, Stage
from bench.chaos.texting import make_texts

NAME = "web-kill"
ENV = {"ANSWER_LINGER_MS": "2000"}  # every kill then takes a few seconds' texts with it
PACE_SECONDS = 5.0
# The sweeper takes a text for lost after 60 s; add a pacer period and the time to answer a backlog.
RECOVERY = 120.0


@dataclass(frozen=True)
class Size:
    texts: int
    phones: int  # one text a number: only the sweeper can answer a text a killed worker held
    rate: float  # texts per second
    kill_at: tuple[float, ...]  # seconds into the traffic


SIZES = {
    "small": Size(texts=60, phones=60, rate=6, kill_at=(3, 6)),
    "full": Size(texts=600, phones=600, rate=20, kill_at=(5, 12, 20)),
}


@dataclass
class _Kills:
    times: list[float] = field(default_factory=list)
    workers: int = 0


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    stage.start_coach()
    stage.processes.pace(PACE_SECONDS)
    texts = make_texts(NAME, size.texts, size.phones)
    texter = stage.texter(give_up_after=120)
    kills = _Kills()

    def kill_web_workers(elapsed: float) -> None:
        if len(kills.times) < len(size.kill_at) and elapsed >= size.kill_at[len(kills.times)]:
            pids = stage.processes.web_worker_pids()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            kills.times.append(time.monotonic())
            kills.workers += len(pids)
            stage.say(f"kill -9 of gunicorn's {len(pids)} workers {elapsed:.0f} s into the traffic")

    took = texter.send_all(texts, rate=size.rate, during=kill_web_workers)
    stage.say(f"posted {len(texts)} texts at {size.rate:g}/s in {took:.0f} s; answers: {texter.codes_line()}")
    # gunicorn replacing the workers killed here is the point, not a problem to report.
    stage.web_workers = stage.processes.web_worker_pids()
    fault_ended = kills.times[-1] if kills.times else time.monotonic()
    deadline = answer_deadline(RECOVERY, len(texts))
    verdict, problems = finish_replies(
        stage, texts, fault_ended=fault_ended, deadline=deadline, grace=RECOVERY
    )
    ticks, paced = stage.processes.pacer_ticks()
    minutely = stage.processes.scheduler_requeued()
    stage.say(
        f"sweeper: the pacer's {ticks} ticks {PACE_SECONDS:g} s apart re-enqueued {paced} answers, "
        f"the minute scheduler's {minutely}"
    )
    if len(kills.times) < len(size.kill_at):
        problems.append(f"only {len(kills.times)} of {len(size.kill_at)} kills happened")
    # Whichever tick comes first after a held text's 60 s finds it; either one is the sweeper at work.
    if not paced + minutely:
        problems.append("no answer needed the sweeper: the kills took no held jobs, so nothing was tested")
    if texter.undelivered:
        problems.append(f"{len(texter.undelivered)} texts never accepted by the webhook")
    did = f"{len(texts)} texts at {size.rate:g}/s, {len(kills.times)} kills of {kills.workers} web workers"
    return Result.from_verdict(NAME, did, verdict, problems)
