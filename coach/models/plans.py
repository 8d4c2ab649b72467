"""The plan hierarchy: fitness plan -> mesocycles -> microcycles -> workouts -> exercises."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.models.base import Base, Timestamps, enum_column, id_column
from coach.models.enums import (
    ExerciseRole,
    Goal,
    MesocyclePhase,
    MicrocycleStatus,
    PlanStatus,
    ProgressionStyle,
    SessionType,
    SplitTemplate,
    WorkoutStatus,
)
from coach.models.movements import Movement


class FitnessPlan(Timestamps, Base):
    __tablename__ = "fitness_plans"
    __table_args__ = (
        sa.CheckConstraint("duration_weeks BETWEEN 1 AND 16", name="duration_weeks_range"),
        sa.CheckConstraint("days_per_week BETWEEN 1 AND 7", name="days_per_week_range"),
        sa.CheckConstraint("deload_every BETWEEN 2 AND 8", name="deload_every_range"),
        # At most one current (active or paused) plan per trainee; completed plans are history.
        sa.Index(
            "uq_fitness_plans_current",
            "trainee_id",
            unique=True,
            postgresql_where=sa.text("status <> 'completed'"),
        ),
    )

    id: Mapped[int] = id_column()
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    goal: Mapped[Goal] = mapped_column(enum_column(Goal, "goal"))
    split_template: Mapped[SplitTemplate] = mapped_column(enum_column(SplitTemplate, "split_template"))
    progression_style: Mapped[ProgressionStyle] = mapped_column(
        enum_column(ProgressionStyle, "progression_style")
    )
    status: Mapped[PlanStatus] = mapped_column(
        enum_column(PlanStatus, "plan_status"), server_default=PlanStatus.ACTIVE.value
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    duration_weeks: Mapped[int] = mapped_column(sa.SmallInteger)
    days_per_week: Mapped[int] = mapped_column(sa.SmallInteger)
    deload_every: Mapped[int] = mapped_column(sa.SmallInteger, server_default="4")
    reason: Mapped[str | None]

    mesocycles: Mapped[list[Mesocycle]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Mesocycle.sequence",
    )


class Mesocycle(Base):
    __tablename__ = "mesocycles"
    __table_args__ = (sa.UniqueConstraint("plan_id", "sequence"),)

    id: Mapped[int] = id_column()
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("fitness_plans.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column(sa.SmallInteger)
    name: Mapped[str] = mapped_column(sa.String(120))
    phase: Mapped[MesocyclePhase] = mapped_column(enum_column(MesocyclePhase, "mesocycle_phase"))
    focus: Mapped[str | None]
    start_week: Mapped[int] = mapped_column(sa.SmallInteger)
    week_count: Mapped[int] = mapped_column(sa.SmallInteger)

    plan: Mapped[FitnessPlan] = relationship(back_populates="mesocycles")
    microcycles: Mapped[list[Microcycle]] = relationship(
        back_populates="mesocycle",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Microcycle.week_number",
    )


class Microcycle(Base):
    __tablename__ = "microcycles"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "week_number"),
        sa.CheckConstraint("length_days BETWEEN 7 AND 10", name="length_days_range"),
    )

    id: Mapped[int] = id_column()
    mesocycle_id: Mapped[int] = mapped_column(sa.ForeignKey("mesocycles.id", ondelete="CASCADE"), index=True)
    # Denormalised so a trainee's current week is one indexed lookup.
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("fitness_plans.id", ondelete="CASCADE"))
    week_number: Mapped[int] = mapped_column(sa.SmallInteger)
    start_date: Mapped[date]
    length_days: Mapped[int] = mapped_column(sa.SmallInteger, server_default="7")
    status: Mapped[MicrocycleStatus] = mapped_column(
        enum_column(MicrocycleStatus, "microcycle_status"), server_default=MicrocycleStatus.PLANNED.value
    )
    is_deload: Mapped[bool] = mapped_column(server_default=sa.false())
    focus: Mapped[str | None]
    # When this week's prescriptions were set from the previous week's logs (rolling generation); once only.
    progressed_at: Mapped[datetime | None]

    mesocycle: Mapped[Mesocycle] = relationship(back_populates="microcycles")
    workouts: Mapped[list[Workout]] = relationship(
        back_populates="microcycle",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Workout.scheduled_date",
    )


class Workout(Timestamps, Base):
    """One dated training session (GymText's workout instance)."""

    __tablename__ = "workouts"
    __table_args__ = (
        sa.Index("ix_workouts_trainee_date", "trainee_id", "scheduled_date"),
        sa.CheckConstraint("estimated_minutes BETWEEN 1 AND 300", name="estimated_minutes_range"),
    )

    id: Mapped[int] = id_column()
    microcycle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("microcycles.id", ondelete="CASCADE"), index=True
    )
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"))
    scheduled_date: Mapped[date]
    day_number: Mapped[int] = mapped_column(sa.SmallInteger)
    session_type: Mapped[SessionType] = mapped_column(enum_column(SessionType, "session_type"))
    focus: Mapped[str | None]
    status: Mapped[WorkoutStatus] = mapped_column(
        enum_column(WorkoutStatus, "workout_status"), server_default=WorkoutStatus.PENDING.value
    )
    completed_at: Mapped[datetime | None]
    estimated_minutes: Mapped[int | None] = mapped_column(sa.SmallInteger)
    notes: Mapped[str | None]
    # The workout as the trainee will read it, rendered whenever the workout is written, so the scheduler
    # can queue every due trainee's text with one INSERT ... SELECT.
    sms_text: Mapped[str | None]

    microcycle: Mapped[Microcycle] = relationship(back_populates="workouts")
    exercises: Mapped[list[WorkoutExercise]] = relationship(
        back_populates="workout",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="WorkoutExercise.position",
    )


class WorkoutExercise(Base):
    __tablename__ = "workout_exercises"
    __table_args__ = (
        sa.UniqueConstraint("workout_id", "position"),
        sa.CheckConstraint("sets BETWEEN 1 AND 20", name="sets_range"),
        sa.CheckConstraint("rep_min IS NULL OR rep_min >= 1", name="rep_min_positive"),
        sa.CheckConstraint("rep_max IS NULL OR rep_max >= rep_min", name="rep_range_ordered"),
        sa.CheckConstraint("target_rpe IS NULL OR target_rpe BETWEEN 1 AND 10", name="rpe_range"),
        sa.CheckConstraint("target_rir IS NULL OR target_rir BETWEEN 0 AND 10", name="rir_range"),
        sa.CheckConstraint("load_kg IS NULL OR load_kg >= 0", name="load_non_negative"),
        sa.CheckConstraint(
            "percent_e1rm IS NULL OR percent_e1rm BETWEEN 1 AND 110", name="percent_e1rm_range"
        ),
    )

    id: Mapped[int] = id_column()
    workout_id: Mapped[int] = mapped_column(sa.ForeignKey("workouts.id", ondelete="CASCADE"))
    movement_id: Mapped[int] = mapped_column(sa.ForeignKey("movements.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(sa.SmallInteger)
    section: Mapped[ExerciseRole] = mapped_column(enum_column(ExerciseRole, "exercise_role"))
    superset_group: Mapped[int | None] = mapped_column(sa.SmallInteger)
    sets: Mapped[int] = mapped_column(sa.SmallInteger)
    rep_min: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rep_max: Mapped[int | None] = mapped_column(sa.SmallInteger)
    duration_seconds: Mapped[int | None] = mapped_column(sa.Integer)
    # Loads are kept in kilograms and rendered in the trainee's units.
    load_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    percent_e1rm: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    target_rpe: Mapped[Decimal | None] = mapped_column(sa.Numeric(3, 1))
    target_rir: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rest_seconds: Mapped[int | None] = mapped_column(sa.SmallInteger)
    notes: Mapped[str | None]

    workout: Mapped[Workout] = relationship(back_populates="exercises")
    movement: Mapped[Movement] = relationship()
