"""Trainees and what the coach knows about them."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.models.base import Base, Timestamps, enum_column, id_column
from coach.models.enums import (
    E1RMFormula,
    ExperienceLevel,
    MovementRuleType,
    PersonaTone,
    RuleCadence,
    TraineeStatus,
    Units,
)

if TYPE_CHECKING:
    from coach.models.movements import Movement

E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"


class Trainee(Timestamps, Base):
    __tablename__ = "trainees"
    __table_args__ = (
        sa.CheckConstraint(f"phone ~ '{E164_PATTERN}'", name="phone_e164"),
        sa.CheckConstraint("persona_aggression BETWEEN 1 AND 5", name="persona_aggression_range"),
        sa.CheckConstraint("training_days <@ ARRAY[1,2,3,4,5,6,7]::smallint[]", name="training_days_isodow"),
        # The scheduler's hot path: active trainees of a zone by local send time.
        sa.Index("ix_trainees_due", "time_zone", "send_time", postgresql_where=sa.text("status = 'active'")),
    )

    id: Mapped[int] = id_column()
    phone: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    time_zone: Mapped[str] = mapped_column(sa.String(64), server_default="UTC")
    send_time: Mapped[time | None] = mapped_column(sa.Time())
    # ISO weekdays, Monday = 1 .. Sunday = 7.
    training_days: Mapped[list[int]] = mapped_column(
        ARRAY(sa.SmallInteger), server_default=sa.text("'{}'::smallint[]")
    )
    status: Mapped[TraineeStatus] = mapped_column(
        enum_column(TraineeStatus, "trainee_status"), server_default=TraineeStatus.ONBOARDING.value
    )
    onboarded_at: Mapped[datetime | None]
    consent_at: Mapped[datetime | None]
    consent_source: Mapped[str | None] = mapped_column(sa.String(40))
    opted_out_at: Mapped[datetime | None]
    opt_out_source: Mapped[str | None] = mapped_column(sa.String(40))
    undeliverable_at: Mapped[datetime | None]
    units: Mapped[Units] = mapped_column(enum_column(Units, "units"), server_default=Units.KG.value)
    e1rm_formula: Mapped[E1RMFormula] = mapped_column(
        enum_column(E1RMFormula, "e1rm_formula"), server_default=E1RMFormula.EPLEY.value
    )
    persona_tone: Mapped[PersonaTone] = mapped_column(
        enum_column(PersonaTone, "persona_tone"), server_default=PersonaTone.SUPPORTIVE.value
    )
    persona_aggression: Mapped[int] = mapped_column(sa.SmallInteger, server_default="3")
    rest_day_messages: Mapped[bool] = mapped_column(server_default=sa.false())

    profile: Mapped[FitnessProfile | None] = relationship(
        back_populates="trainee", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )
    movement_rules: Mapped[list[TraineeMovementRule]] = relationship(
        back_populates="trainee", cascade="all, delete-orphan", passive_deletes=True
    )


class FitnessProfile(Timestamps, Base):
    __tablename__ = "fitness_profiles"
    __table_args__ = (
        sa.CheckConstraint("days_per_week BETWEEN 1 AND 7", name="days_per_week_range"),
        sa.CheckConstraint("session_minutes BETWEEN 10 AND 240", name="session_minutes_range"),
        sa.CheckConstraint("age BETWEEN 13 AND 110", name="age_range"),
        sa.CheckConstraint("height_cm > 0 AND height_cm < 260", name="height_range"),
        sa.CheckConstraint("weight_kg > 0 AND weight_kg < 400", name="weight_range"),
        sa.CheckConstraint("jsonb_typeof(goals) = 'array'", name="goals_is_array"),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), unique=True)
    # [{"goal": "<Goal value>", "weight": 1..10}, ...] — weights sum to 10, validated by the service layer.
    goals: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=sa.text("'[]'::jsonb"))
    experience_level: Mapped[ExperienceLevel | None] = mapped_column(
        enum_column(ExperienceLevel, "experience_level")
    )
    age: Mapped[int | None] = mapped_column(sa.SmallInteger)
    height_cm: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    weight_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    gender: Mapped[str | None] = mapped_column(sa.String(30))
    equipment: Mapped[list[str]] = mapped_column(ARRAY(sa.String(40)), server_default=sa.text("'{}'"))
    # Normalised areas the engine understands (knee, lower_back, shoulder, wrist, pregnancy, ...).
    limitations: Mapped[list[str]] = mapped_column(ARRAY(sa.String(40)), server_default=sa.text("'{}'"))
    injury_notes: Mapped[str | None]
    days_per_week: Mapped[int | None] = mapped_column(sa.SmallInteger)
    session_minutes: Mapped[int | None] = mapped_column(sa.SmallInteger)
    enjoyable_activities: Mapped[list[str]] = mapped_column(
        ARRAY(sa.String(40)), server_default=sa.text("'{}'")
    )
    notes: Mapped[str | None]

    trainee: Mapped[Trainee] = relationship(back_populates="profile")


class TraineeMovementRule(Timestamps, Base):
    __tablename__ = "trainee_movement_rules"
    __table_args__ = (sa.UniqueConstraint("trainee_id", "movement_id"),)

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    movement_id: Mapped[int] = mapped_column(sa.ForeignKey("movements.id", ondelete="RESTRICT"), index=True)
    rule_type: Mapped[MovementRuleType] = mapped_column(enum_column(MovementRuleType, "movement_rule_type"))
    cadence: Mapped[RuleCadence] = mapped_column(
        enum_column(RuleCadence, "rule_cadence"), server_default=RuleCadence.PER_MICROCYCLE.value
    )
    notes: Mapped[str | None]

    trainee: Mapped[Trainee] = relationship(back_populates="movement_rules")
    movement: Mapped[Movement] = relationship()
