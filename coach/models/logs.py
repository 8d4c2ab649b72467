"""What the trainee reports: sessions, top sets, soreness and readiness."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.models.base import Base, enum_column, id_column
from coach.models.enums import E1RMFormula, MovementPattern, RecoverySource, Units


class WorkoutLog(Base):
    __tablename__ = "workout_logs"
    __table_args__ = (
        sa.Index("ix_workout_logs_trainee_date", "trainee_id", "log_date"),
        sa.CheckConstraint("session_rpe IS NULL OR session_rpe BETWEEN 1 AND 10", name="session_rpe_range"),
        sa.CheckConstraint(
            "duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 600", name="duration_range"
        ),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    workout_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workouts.id", ondelete="SET NULL"), index=True
    )
    # The inbound text this log came from, so a retried job cannot log the same text twice.
    source_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="SET NULL"), unique=True
    )
    log_date: Mapped[date]
    completed: Mapped[bool] = mapped_column(server_default=sa.true())
    session_rpe: Mapped[Decimal | None] = mapped_column(sa.Numeric(3, 1))
    duration_minutes: Mapped[int | None] = mapped_column(sa.SmallInteger)
    notes: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())

    sets: Mapped[list[SetLog]] = relationship(
        back_populates="workout_log", cascade="all, delete-orphan", passive_deletes=True
    )


class SetLog(Base):
    """A logged set (usually the top set) with its estimated one-rep max."""

    __tablename__ = "set_logs"
    __table_args__ = (
        sa.Index("ix_set_logs_movement_created", "movement_id", "created_at"),
        sa.CheckConstraint("reps BETWEEN 0 AND 100", name="reps_range"),
        sa.CheckConstraint("weight_kg >= 0 AND weight_kg < 1000", name="weight_range"),
        sa.CheckConstraint("rpe IS NULL OR rpe BETWEEN 1 AND 10", name="rpe_range"),
        sa.CheckConstraint("rir IS NULL OR rir BETWEEN 0 AND 10", name="rir_range"),
        sa.CheckConstraint("sets_done BETWEEN 1 AND 50", name="sets_done_range"),
    )

    id: Mapped[int] = id_column()
    workout_log_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workout_logs.id", ondelete="CASCADE"), index=True
    )
    movement_id: Mapped[int] = mapped_column(sa.ForeignKey("movements.id", ondelete="RESTRICT"))
    pattern: Mapped[MovementPattern] = mapped_column(enum_column(MovementPattern, "movement_pattern"))
    sets_done: Mapped[int] = mapped_column(sa.SmallInteger, server_default="1")
    weight_kg: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    entered_units: Mapped[Units] = mapped_column(enum_column(Units, "units"))
    reps: Mapped[int] = mapped_column(sa.SmallInteger)
    rpe: Mapped[Decimal | None] = mapped_column(sa.Numeric(3, 1))
    rir: Mapped[int | None] = mapped_column(sa.SmallInteger)
    is_top_set: Mapped[bool] = mapped_column(server_default=sa.true())
    e1rm_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 2))
    e1rm_formula: Mapped[E1RMFormula | None] = mapped_column(enum_column(E1RMFormula, "e1rm_formula"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())

    workout_log: Mapped[WorkoutLog] = relationship(back_populates="sets")


class SorenessLog(Base):
    __tablename__ = "soreness_logs"
    __table_args__ = (
        sa.Index("ix_soreness_logs_trainee_date", "trainee_id", "log_date"),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        # A retried job cannot log the same text's soreness twice.
        sa.UniqueConstraint("source_message_id", "body_part"),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    source_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id", ondelete="SET NULL"))
    log_date: Mapped[date]
    body_part: Mapped[str] = mapped_column(sa.String(40))
    level: Mapped[int] = mapped_column(sa.SmallInteger)
    notes: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class ReadinessLog(Base):
    __tablename__ = "readiness_logs"
    __table_args__ = (
        sa.Index("ix_readiness_logs_trainee_date", "trainee_id", "log_date"),
        sa.CheckConstraint("sleep_hours IS NULL OR sleep_hours BETWEEN 0 AND 24", name="sleep_range"),
        sa.CheckConstraint("energy IS NULL OR energy BETWEEN 1 AND 5", name="energy_range"),
        sa.CheckConstraint("stress IS NULL OR stress BETWEEN 1 AND 5", name="stress_range"),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    log_date: Mapped[date]
    sleep_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(3, 1))
    energy: Mapped[int | None] = mapped_column(sa.SmallInteger)
    stress: Mapped[int | None] = mapped_column(sa.SmallInteger)
    source: Mapped[RecoverySource] = mapped_column(
        enum_column(RecoverySource, "recovery_source"), server_default=RecoverySource.MANUAL.value
    )
    notes: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
