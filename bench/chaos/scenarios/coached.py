"""What the LLM scenarios share: onboarded trainees, texts only the LLM answers, and how each was answered.

The agent reaches the LLM only for an active trainee with a profile and a plan whose text the safety triage,
the fast path (keywords, ratings, "what's today", pause, send times, workout logs) and the guard all leave
alone. The trainees are written straight into the scenario's database before Coach starts, by
tests/agent_helpers.py::coached_trainee; the texts are questions, each tagged "(ref N)" so the
OpenAI double can tell from a request which text it is answering.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bench.chaos.texting import Text
from coach.db import sqlalchemy_url
from coach.messaging.quiet import zone
from tests.agent_helpers import coached_trainee

TIME_ZONE = "America/New_York"
# What the OpenAI double answers once it answers at all.
ANSWER = "Good question. Keep today's session easy and tell me how it feels afterwards."


@dataclass(frozen=True)
class Size:
    """An LLM scenario's size: texts (one per trainee) and RQ workers."""

    texts: int
    workers: int


SIZES = {"small": Size(texts=12, workers=3), "full": Size(texts=50, workers=4)}
QUESTIONS = (
    "my knee feels a bit stiff today, anything I should change?",
    "how long should I rest between sets on the heavy days?",
    "is it ok to train fasted in the morning or should I eat first?",
    "can I do some easy cycling on my days off or is that too much?",
)
_REF = re.compile(r"\(ref (\d+)\)")


def llm_texts(count: int, first_phone: int = 0) -> list[Text]:
    """`count` questions, one from each of `count` numbers; text n carries the tag "(ref n)"."""
    return [
        Text(
            sid="SM" + secrets.token_hex(16),
            phone=f"+1555{first_phone + n:07d}",
            body=f"{QUESTIONS[n % len(QUESTIONS)]} (ref {n})",
        )
        for n in range(count)
    ]


def ref_of(request: dict[str, Any]) -> int | None:
    """Which text (its "(ref n)") a chat completion request answers: the tag in its last user message."""
    for message in reversed(request.get("messages") or []):
        if message.get("role") == "user":
            found = _REF.search(str(message.get("content") or ""))
            return int(found.group(1)) if found else None
    return None


def add_coached_trainees(database_url: str, phones: Sequence[str]) -> list[int]:
    """An onboarded trainee (active, example profile, a plan starting today, a conversation) per number."""
    engine = sa.create_engine(sqlalchemy_url(database_url), poolclass=NullPool)
    ids = []
    today = datetime.now(zone(TIME_ZONE)).date()
    with Session(engine) as session:
        for n, phone in enumerate(phones):
            trainee = coached_trainee(
                session,
                name=f"Chaos {n}",
                time_zone=TIME_ZONE,
                start=today,
                phone=phone,
                consent_source="chaos",
            )
            ids.append(trainee.id)
        session.commit()
    engine.dispose()
    return ids


def answer_paths(database_url: str) -> Counter[str]:
    """How the texts were answered: the path of every finished agent run (a run waiting on a retry is not)."""
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT coalesce(path, '?'), count(*) FROM agent_runs "
            "WHERE path IS DISTINCT FROM 'llm:retry' GROUP BY 1"
        ).fetchall()
    return Counter({str(path): int(count) for path, count in rows})


def paths_line(paths: Counter[str]) -> str:
    return ", ".join(f"{path} x{count}" for path, count in sorted(paths.items())) or "none"
