"""llm-hang: the LLM hangs past the client's timeout for a while, then answers again.

Onboarded trainees (coached.py) each text one question that only the LLM answers. Coach runs with a 2 s LLM
timeout and no client retries (LLM_TIMEOUT_SECONDS, LLM_MAX_RETRIES); the OpenAI double hangs every call
for 10 s from the first call until every text has had a call hang (and at least OUTAGE_SECONDS), then
answers at once. On a failed LLM call the agent queues one holding reply ("give me a minute", keyed by the
oldest text waiting) and the RQ job retries after 5, 30, 120 s; a retry after the outage answers for real.

Per text: exactly one holding reply, then exactly one real answer (by the LLM, not the apology the last
attempt sends), the holding reply reaching Twilio first; a second holding reply counts as a duplicate.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import psycopg

from bench.chaos.ledger import holding_replies
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
from tests.doubles.openai_api import Step, hang, reply, respond_with

NAME = "llm-hang"
TIMEOUT_SECONDS = 2
ENV = {"LLM_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS), "LLM_MAX_RETRIES": "0"}
HANG_SECONDS = 10.0
OUTAGE_SECONDS = 10.0
# After the outage a text may wait out RQ's 30 s retry interval (or the 120 s one after three failures, or
# the sweeper's 60 s), then be answered and sent behind the backlog.
RECOVERY = 150.0


class Outage:
    """The double's responder: every call hangs until each text has had one hang and OUTAGE_SECONDS passed."""

    def __init__(self, texts: int) -> None:
        self._lock = threading.Lock()
        self.everyone = set(range(texts))
        self.hung: set[int] = set()
        self.calls: Counter[str] = Counter()
        self.started: float | None = None
        self.ended: float | None = None

    def __call__(self, request: dict[str, Any]) -> Step:
        ref = ref_of(request)
        now = time.monotonic()
        with self._lock:
            if self.started is None:
                self.started = now
            if self.ended is None and self.hung >= self.everyone and now - self.started >= OUTAGE_SECONDS:
                self.ended = now
            during = self.ended is None
            if during and ref is not None:
                self.hung.add(ref)
            self.calls["hung" if during else "answered"] += 1
        return hang(HANG_SECONDS) if during else reply(ANSWER)

    def over(self) -> bool:
        with self._lock:
            return self.ended is not None


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    texts = llm_texts(size.texts)
    trainees = add_coached_trainees(stage.database_url, [text.phone for text in texts])
    outage = Outage(len(texts))
    stage.openai.push(*[respond_with(outage) for _ in range(10 * size.texts + 100)])
    stage.start_coach(workers=size.workers)
    stage.say(
        f"{len(trainees)} onboarded trainees (profile, plan); {size.workers} workers; LLM timeout "
        f"{TIMEOUT_SECONDS} s, no client retries; the double hangs every call {HANG_SECONDS:g} s until each "
        f"text has hung once (at least {OUTAGE_SECONDS:g} s)"
    )
    texter = stage.texter()
    took = texter.send_all(texts, concurrency=8)
    stage.say(
        f"posted {len(texts)} questions, one per trainee, in {took:.1f} s; answers: {texter.codes_line()}"
    )
    if not wait_until(outage.over, timeout=300):
        stage.say("the outage did not end within 300 s (some text never reached the LLM)")
    fault_ended = outage.ended if outage.ended is not None else time.monotonic()
    stage.say(
        f"the outage lasted {fault_ended - (outage.started or fault_ended):.0f} s: "
        f"{outage.calls['hung']} calls hung, {len(outage.hung)} of {len(texts)} texts among them"
    )
    deadline = answer_deadline(RECOVERY, len(texts))
    verdict, problems = finish_replies(
        stage, texts, fault_ended=fault_ended, deadline=deadline, grace=RECOVERY / 2
    )
    holds = holding_replies(stage.database_url, stage.twilio, texts)
    paths = answer_paths(stage.database_url)
    retries = _failed_runs(stage.database_url)
    calls = Counter(ref_of(request) for request in stage.openai.requests)
    stage.say(
        f"LLM calls {calls.total()} ({outage.calls['hung']} hung, {outage.calls['answered']} answered); "
        f"{retries} failed agent runs waited for a retry; answered by: {paths_line(paths)}; "
        f"{holds.held} texts had one holding reply before the answer"
    )
    if holds.extra:
        stage.say(f"{holds.extra} holding replies more than one per answer (counted as duplicated)")
    if holds.missing:
        problems.append(f"{len(holds.missing)} texts answered with no holding reply")
    if holds.out_of_order:
        problems.append(f"{len(holds.out_of_order)} holding replies unsent or sent after the answer")
    if missed := outage.everyone - outage.hung:
        problems.append(f"{len(missed)} texts never had an LLM call hang")
    if paths.get("llm", 0) != len(texts) or paths.total() != len(texts):
        problems.append(f"expected {len(texts)} answers by the LLM, got {paths_line(paths)}")
    if texter.undelivered:
        problems.append(f"{len(texter.undelivered)} texts never accepted by the webhook")
    did = f"{len(texts)} LLM texts, the LLM hanging past a {TIMEOUT_SECONDS} s timeout"
    result = Result.from_verdict(NAME, did, verdict, problems)
    result.duplicated += holds.extra  # a second holding reply for the same texts is a doubled message
    return result


def _failed_runs(database_url: str) -> int:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        row = conn.execute("SELECT count(*) FROM agent_runs WHERE path = 'llm:retry'").fetchone()
    return int(row[0]) if row else 0
