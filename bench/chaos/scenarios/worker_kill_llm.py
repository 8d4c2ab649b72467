"""worker-kill-llm: every RQ worker killed (kill -9, with what it forked) while its job waits on the LLM.

Onboarded trainees (coached.py) each text one question that only the LLM answers. The OpenAI double holds
each text's requests until a kill has cut one of them (later requests answer after a couple of seconds), so
at every kill each worker's job is mid-LLM-call. In rounds: wait until the workers' jobs are all waiting on
the double, kill -9 every worker and, at the same instant, the processes it forked (RQ's scheduler; the work
horse running the job, when the worker forks one per job rather than running jobs
itself), then start fresh workers, which take the next texts from the
queue; until every text has had its LLM call cut. A killed job leaves its text unanswered in PostgreSQL (the
reply, the agent run and the handled mark commit together) and its RQ job "started" with no worker. The
scheduler's sweeper re-enqueues a text unanswered for 60 s whose job is not waiting in Redis nor running
(a started job counts as running until its heartbeat, refreshed every 15 s while it runs, is 60 s old); the
scheduler's tick runs every 5 s next to the minute scheduler (the pacer) to keep the run short.

Every text must then be answered exactly once, by the LLM path, with no holding reply (the LLM never failed).
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from typing import Any

import psycopg

from bench.chaos.scenarios.coached import (
    ANSWER,
    SIZES,
    add_coached_trainees,
    answer_paths,
    llm_texts,
    paths_line,
    ref_of,
)
from bench.chaos.scenarios.common import answer_deadline, finish_replies, wait_until
from bench.chaos.stage import Result, Stage
from tests.doubles.openai_api import Step, reply, respond_with

NAME = "worker-kill-llm"
PACE_SECONDS = 5.0
ANSWER_SECONDS = 2.0  # the double's answer time once a kill has cut one of a text's calls
HOLD_LIMIT = 25.0  # a held request answers after this long anyway (below the client's 30 s timeout)
SETTLE_SECONDS = 3.0  # kill once every worker waits on the double, or no new call came for this long
SETTLE_LIMIT = 15.0  # well under HOLD_LIMIT: a held call that gives up answers a live worker, uncut
# A text whose job was killed before its LLM call is back through the sweeper by then (see RECOVERY).
FIRST_CALL_TIMEOUT = 200.0
# The sweeper takes a killed job for abandoned once its heartbeat (refreshed every 15 s while it runs) is
# 60 s old (coach/jobs.py); add a pacer period, the LLM's answer, the send, and room for a busy machine.
RECOVERY = 100.0


class HoldFirstCalls:
    """The double's responder: a text's calls wait for `release()` (the kill) until a kill has cut one of
    them; after that its calls answer slowly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.holding = True
        self.seen: set[int] = set()  # texts that reached the LLM
        self.cut: set[int] = set()  # texts with a call in flight at a kill
        self.held: Counter[int] = Counter()  # held calls in flight, by text
        self.in_flight: Counter[int] = Counter()  # every call in flight, by text
        self.last_call = 0.0  # time.monotonic() of the last call

    def __call__(self, request: dict[str, Any]) -> Step:
        ref = ref_of(request)
        ref = -1 if ref is None else ref
        with self._lock:
            hold = self.holding and ref >= 0 and ref not in self.cut
            self.seen.add(ref)
            release = self._release
            self.in_flight[ref] += 1
            self.held[ref] += hold
            self.last_call = time.monotonic()
        try:
            if hold:
                release.wait(HOLD_LIMIT)
            else:
                time.sleep(ANSWER_SECONDS)
        finally:
            with self._lock:
                self.in_flight[ref] -= 1
                self.held[ref] -= hold
        return reply(ANSWER)

    def held_now(self) -> int:
        with self._lock:
            return self.held.total()

    def in_flight_now(self) -> set[int]:
        with self._lock:
            return {ref for ref, count in self.in_flight.items() if count > 0}

    def release(self, cut: set[int]) -> None:
        """After a kill: `cut` texts had a call in flight. Let the held calls go (their clients are dead: the
        answers go nowhere); hold the next calls of texts not cut yet."""
        with self._lock:
            self.cut |= cut
            self._release.set()
            self._release = threading.Event()

    def stop_holding(self) -> None:
        with self._lock:
            self.holding = False
            self._release.set()


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    texts = llm_texts(size.texts)
    trainees = add_coached_trainees(stage.database_url, [text.phone for text in texts])
    gate = HoldFirstCalls()
    stage.openai.push(*[respond_with(gate) for _ in range(10 * size.texts + 100)])
    stage.start_coach(workers=size.workers)
    stage.processes.pace(PACE_SECONDS)
    workers = [f"worker-{n}" for n in range(1, size.workers + 1)]
    stage.say(
        f"{len(trainees)} onboarded trainees (profile, plan); {size.workers} workers; the LLM double holds "
        f"each text's calls until a kill has cut one, then answers in {ANSWER_SECONDS:g} s"
    )
    texter = stage.texter()
    took = texter.send_all(texts, concurrency=8)
    stage.say(
        f"posted {len(texts)} questions, one per trainee, in {took:.1f} s; answers: {texter.codes_line()}"
    )

    everyone = set(range(len(texts)))
    cut: set[int] = set()  # texts whose LLM call a kill cut
    rounds = killed_pids = 0
    next_worker = size.workers + 1
    started = time.monotonic()
    while not everyone <= cut:
        if not wait_until(lambda: gate.held_now() > 0, timeout=FIRST_CALL_TIMEOUT):
            stage.say(f"no held LLM call for {FIRST_CALL_TIMEOUT:.0f} s; stopping the kills")
            break
        _settle(stage, gate, workers)
        killed_pids += len(stage.processes.kill(workers))
        in_flight = gate.in_flight_now()  # every call still open now had its client killed
        cut |= in_flight & everyone
        gate.release(cut)
        rounds += 1
        workers = stage.processes.workers(size.workers, first=next_worker)
        next_worker += size.workers
    gate.stop_holding()
    fault_ended = time.monotonic()
    stage.say(
        f"{rounds} rounds of kill -9 in {fault_ended - started:.0f} s: {killed_pids} processes (workers and "
        f"what they forked: RQ's scheduler, any work horse) killed with {len(cut)} of {len(texts)} "
        f"texts' LLM calls in flight; fresh workers started after each"
    )
    deadline = answer_deadline(RECOVERY, len(texts))
    verdict, problems = finish_replies(
        stage, texts, fault_ended=fault_ended, deadline=deadline, grace=RECOVERY
    )
    ticks, requeued = stage.processes.pacer_ticks()
    calls = Counter(ref_of(request) for request in stage.openai.requests)
    paths = answer_paths(stage.database_url)
    holds = _holding_replies(stage.database_url)
    stage.say(
        f"pacer: {ticks} scheduler ticks {PACE_SECONDS:g} s apart re-enqueued {requeued} answers; "
        f"LLM calls {calls.total()} ({calls.total() / len(texts):.1f} a text); "
        f"answered by: {paths_line(paths)}"
    )
    if missed := everyone - cut:
        problems.append(f"{len(missed)} texts never had their LLM call cut by a kill")
    if paths.get("llm", 0) != len(texts) or paths.total() != len(texts):
        problems.append(f"expected {len(texts)} answers by the LLM, got {paths_line(paths)}")
    if holds:
        problems.append(f"{holds} holding replies queued, yet no LLM call failed")
    if texter.undelivered:
        problems.append(f"{len(texter.undelivered)} texts never accepted by the webhook")
    did = f"{len(texts)} LLM texts, {rounds} kills of {size.workers} workers mid-LLM-call"
    return Result.from_verdict(NAME, did, verdict, problems)


def _settle(stage: Stage, gate: HoldFirstCalls, workers: list[str]) -> None:
    """Wait until each worker is idle or waiting on a held call (so none is mid-send: this scenario kills in
    the LLM call) and either all of them are held or no new call came for SETTLE_SECONDS; at most
    SETTLE_LIMIT seconds."""
    r = stage.redis()
    keys = [f"rq:worker:coach-{socket.gethostname()}-{stage.processes.pid(name)}" for name in workers]
    deadline = time.monotonic() + SETTLE_LIMIT
    while time.monotonic() < deadline:
        held = gate.held_now()
        busy = sum(r.hget(key, "current_job") is not None for key in keys)
        quiet = time.monotonic() - gate.last_call
        if held >= max(busy, 1) and (held >= len(workers) or quiet > SETTLE_SECONDS):
            return
        time.sleep(0.1)


def _holding_replies(database_url: str) -> int:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        row = conn.execute(
            "SELECT count(*) FROM outbound_messages WHERE idempotency_key LIKE 'hold:%'"
        ).fetchone()
    return int(row[0]) if row else 0
