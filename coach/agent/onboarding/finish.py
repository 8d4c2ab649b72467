"""The end of onboarding: the profile and trainee written, the trainee active, a plan built, a summary."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.onboarding.clock import format_time
from coach.agent.onboarding.goals import goal_weights
from coach.agent.onboarding.items import Answers
from coach.agent.onboarding.questions import WEEKDAYS, describe_days, describe_equipment, join_phrases
from coach.agent.onboarding.zones import zone_label
from coach.agent.turn import Turn
from coach.messaging.quiet import zone
from coach.messaging.text import segment_count
from coach.models import FitnessPlan, FitnessProfile, Microcycle, Trainee, Workout
from coach.models.enums import ExperienceLevel, SplitTemplate, TraineeStatus, Units
from coach.training.replan import regenerate_plan
from coach.training.splits import SESSION_LABELS

CONSENT_SOURCE = "sms:onboarding"
MAX_SEGMENTS = 2
CLOSING = "Text me anytime with questions or how it went."
# Countries that weigh in pounds.
POUND_REGIONS = frozenset({"US", "LR", "MM"})
SPLIT_LABELS = {
    SplitTemplate.FULL_BODY: "full body",
    SplitTemplate.UPPER_LOWER: "upper/lower",
    SplitTemplate.PPL: "push/pull/legs",
    SplitTemplate.HYBRID: "PPL + upper/lower",
}
AREA_LABELS = {
    "lower_back": "lower back",
    "hypertension": "blood pressure",
    "postpartum": "postpartum recovery",
}


def finish(session: Session, turn: Turn, answers: Answers) -> str:
    """Store what onboarding learned, activate the trainee and build their plan; return the summary text.

    The plan starts on the trainee's next local day, so the first workout goes out at their send time on
    the first training day from tomorrow on (the scheduler sends it). No commit.
    """
    trainee = turn.trainee
    _write_trainee(trainee, answers, turn.now)
    _write_profile(trainee, answers)
    session.flush()
    today = turn.now.astimezone(zone(trainee.time_zone)).date()
    replanned = regenerate_plan(session, trainee.id, start=today + timedelta(days=1), reason="onboarding")
    plan = session.get(FitnessPlan, replanned.plan_id)
    assert plan is not None
    first = session.scalars(
        sa.select(Workout)
        .join(Microcycle, Workout.microcycle_id == Microcycle.id)
        .where(Microcycle.plan_id == plan.id)
        .order_by(Workout.scheduled_date)
        .limit(1)
    ).first()
    return summary(trainee, answers, plan, first, today)


def _write_trainee(trainee: Trainee, answers: Answers, now: datetime) -> None:
    assert answers.time_zone and answers.training_days and answers.send_time
    trainee.name = answers.name or None
    trainee.time_zone = answers.time_zone
    trainee.send_time = answers.send_time
    trainee.training_days = sorted(answers.training_days)
    trainee.status = TraineeStatus.ACTIVE
    trainee.onboarded_at = now
    if trainee.consent_at is None:
        trainee.consent_at = now
        trainee.consent_source = CONSENT_SOURCE
    if _region(trainee.phone) in POUND_REGIONS:
        trainee.units = Units.LB


def _write_profile(trainee: Trainee, answers: Answers) -> None:
    profile = trainee.profile
    if profile is None:
        profile = FitnessProfile(trainee_id=trainee.id)
        trainee.profile = profile
    profile.goals = goal_weights(answers.goals or ())
    profile.experience_level = answers.experience or ExperienceLevel.BEGINNER
    profile.equipment = sorted(answers.equipment or ())
    profile.limitations = [item.value for item in answers.limitations or ()]
    profile.injury_notes = answers.injury_notes
    profile.days_per_week = len(answers.training_days or ())
    profile.session_minutes = answers.session_minutes


def _region(phone: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return None


def summary(trainee: Trainee, answers: Answers, plan: FitnessPlan, first: Workout | None, today: date) -> str:
    """ "You're all set, Sam! Your plan: full body 3 days a week (Mon/Wed/Fri), ~45 min, full gym. ..." """
    days = answers.training_days or []
    hello = f"You're all set, {trainee.name}!" if trainee.name else "You're all set!"
    split = SPLIT_LABELS.get(plan.split_template, "custom")
    kit = describe_equipment(answers.equipment or [])
    parts = [
        hello,
        f"Your plan: {split} {len(days)} days a week ({describe_days(days)}), "
        f"~{answers.session_minutes} min, {kit}.",
    ]
    if answers.limitations:
        areas = [AREA_LABELS.get(item.value, item.value) for item in answers.limitations]
        parts.append(f"I'll work around your {join_phrases(areas)}.")
    if first is not None and trainee.send_time is not None:
        when = (
            "tomorrow"
            if first.scheduled_date == today + timedelta(days=1)
            else (WEEKDAYS[first.scheduled_date.isoweekday() - 1])
        )
        minutes = first.estimated_minutes or answers.session_minutes
        parts.append(
            f"Your first workout ({SESSION_LABELS[first.session_type]}, ~{minutes} min) comes {when} at "
            f"{format_time(trainee.send_time)} {zone_label(trainee.time_zone, city=False)}."
        )
    return " ".join(parts)


def with_closing(text: str, *, finished: bool) -> str:
    """The finished summary gets an invitation to text back, when it still fits in two SMS."""
    if not finished or segment_count(f"{text} {CLOSING}") > MAX_SEGMENTS:
        return text
    return f"{text} {CLOSING}"
