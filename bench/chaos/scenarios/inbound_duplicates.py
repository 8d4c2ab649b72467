"""inbound-duplicates: every text delivered 2-3 times at once (Twilio retrying a slow webhook).

Exactly one stored text per MessageSid, one answer per text, and no reply sent twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.chaos.scenarios.common import answer_deadline, finish_replies
from bench.chaos.stage import Result, Stage
from bench.chaos.texting import make_texts

NAME = "inbound-duplicates"


@dataclass(frozen=True)
class Size:
    texts: int
    phones: int


SIZES = {"small": Size(texts=80, phones=32), "full": Size(texts=1000, phones=400)}
RECOVERY = 60.0  # no fault to recover from: a minute after the last webhook, plus the backlog


def copies(n: int) -> int:
    return 2 + n % 2  # 2 or 3 simultaneous deliveries of the same MessageSid


def run(stage: Stage) -> Result:
    size = SIZES[stage.size]
    stage.start_coach()
    texts = make_texts(NAME, size.texts, size.phones)
    texter = stage.texter()
    took = texter.send_all(texts, concurrency=8, copies=copies)
    posts = sum(copies(n) for n in range(len(texts)))
    stage.say(
        f"posted {len(texts)} texts from {size.phones} numbers as {posts} signed webhooks "
        f"(each text 2-3 times at once, 8 texts at a time) in {took:.0f} s; answers: {texter.codes_line()}"
    )
    deadline = answer_deadline(RECOVERY, len(texts))
    verdict, problems = finish_replies(
        stage, texts, fault_ended=time.monotonic(), deadline=deadline, grace=RECOVERY
    )
    refused = sum(count for code, count in texter.codes.items() if code != "200")
    if refused:
        problems.append(f"{refused} duplicate deliveries were not answered 200 ({texter.codes_line()})")
    return Result.from_verdict(NAME, f"{len(texts)} texts x2-3 concurrent posts", verdict, problems)
