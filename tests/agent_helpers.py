"""Builders for agent tests: a coached trainee with a profile and a plan, texts posted the way Twilio does."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.bootstrap import Services
from coach.messaging import answer_jobs
from coach.messaging.quiet import zone
from coach.models import Conversation, FitnessProfile, Message, OutboundMessage, Trainee
from coach.models.enums import Direction, TraineeStatus
from coach.training.replan import regenerate_plan
from tests import factories
from tests.messaging_helpers import inbound_params, signed_headers

EXAMPLE = json.loads((Path(__file__).parents[1] / "coach" / "training" / "example_profile.json").read_text())


def coached_trainee(
    db: Session,
    *,
    name: str = "Sam",
    time_zone: str = "America/New_York",
    start: date | None = None,
    training_days: Sequence[int] = (1, 2, 3, 4, 5),
    **fields: object,
) -> Trainee:
    """An onboarded trainee in the example profile (every weekday unless told), with a plan starting today.

    The benchmarks and the fault suite build their trainees with this too; `fields` go to the trainee row.
    """
    owner = factories.trainee(
        db,
        name=name,
        status=TraineeStatus.ACTIVE,
        time_zone=time_zone,
        training_days=list(training_days),
        onboarded_at=datetime.now(UTC),
        **fields,
    )
    db.add(
        FitnessProfile(
            trainee_id=owner.id,
            goals=EXAMPLE["goals"],
            experience_level=EXAMPLE["experience"],
            equipment=EXAMPLE["equipment"],
            days_per_week=len(training_days),
            session_minutes=45,
        )
    )
    db.add(Conversation(trainee_id=owner.id))
    db.flush()
    today = datetime.now(zone(time_zone)).date()
    regenerate_plan(db, owner.id, start=start or today, reason="test")
    db.flush()
    return owner


def outbound_bodies(services: Services, trainee_id: int) -> list[str]:
    with services.sessions() as session:
        return list(
            session.scalars(
                sa.select(OutboundMessage.body)
                .where(OutboundMessage.trainee_id == trainee_id)
                .order_by(OutboundMessage.sequence)
            )
        )


def owed(services: Services, trainee_id: int) -> int:
    with services.sessions() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Message)
                .where(
                    Message.trainee_id == trainee_id,
                    Message.direction == Direction.INBOUND,
                    Message.handled_at.is_(None),
                )
            )
            or 0
        )


def post_text(base_url: str, services: Services, phone: str, body: str) -> int:
    """POST a signed inbound SMS webhook to the app served at base_url, as Twilio does."""
    params = inbound_params(phone, body)
    request = urllib.request.Request(  # noqa: S310 - our own local test server
        base_url + "/twilio/sms",
        data=urllib.parse.urlencode(params).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            **signed_headers(services, "/twilio/sms", params),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local test server
        status = int(response.status)
    assert answer_jobs.drain_all()  # the webhook enqueues its answer job just after answering
    return status
