"""The movement library every prescribed exercise refers to."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from coach.models.base import Base, Timestamps, enum_column, id_column
from coach.models.enums import (
    CNSLoad,
    MetricType,
    MovementPattern,
    PrimaryMuscle,
    PrimaryRegion,
    RelationshipType,
    SkillLevel,
)


def _text_array() -> Mapped[list[str]]:
    return mapped_column(ARRAY(sa.String(60)), server_default=sa.text("'{}'"))


class Movement(Timestamps, Base):
    __tablename__ = "movements"

    id: Mapped[int] = id_column()
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    aliases: Mapped[list[str]] = _text_array()
    pattern: Mapped[MovementPattern] = mapped_column(
        enum_column(MovementPattern, "movement_pattern"), index=True
    )
    primary_muscle: Mapped[PrimaryMuscle] = mapped_column(
        enum_column(PrimaryMuscle, "primary_muscle"), index=True
    )
    primary_region: Mapped[PrimaryRegion] = mapped_column(enum_column(PrimaryRegion, "primary_region"))
    secondary_muscles: Mapped[list[str]] = _text_array()
    cns_load: Mapped[CNSLoad] = mapped_column(enum_column(CNSLoad, "cns_load"))
    skill_level: Mapped[SkillLevel] = mapped_column(enum_column(SkillLevel, "skill_level"))
    compound: Mapped[bool]
    is_complex_lift: Mapped[bool]
    is_unilateral: Mapped[bool]
    metric_type: Mapped[MetricType] = mapped_column(enum_column(MetricType, "metric_type"))
    # Everything needed to perform it; ["bodyweight"] means nothing at all.
    equipment: Mapped[list[str]] = _text_array()
    substitution_group: Mapped[str] = mapped_column(sa.String(80), index=True)
    joint_stress: Mapped[list[str]] = _text_array()
    tags: Mapped[list[str]] = _text_array()
    primary_discipline: Mapped[str] = mapped_column(sa.String(40), server_default="All")
    discipline_tags: Mapped[list[str]] = _text_array()
    description: Mapped[str | None]
    coaching_cues: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), server_default=sa.text("'{}'"))


class MovementRelationship(Base):
    __tablename__ = "movement_relationships"
    __table_args__ = (
        sa.UniqueConstraint("source_movement_id", "target_movement_id", "relationship_type"),
        sa.CheckConstraint("source_movement_id <> target_movement_id", name="not_self"),
    )

    id: Mapped[int] = id_column()
    source_movement_id: Mapped[int] = mapped_column(sa.ForeignKey("movements.id", ondelete="CASCADE"))
    target_movement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("movements.id", ondelete="CASCADE"), index=True
    )
    relationship_type: Mapped[RelationshipType] = mapped_column(
        enum_column(RelationshipType, "relationship_type")
    )
    notes: Mapped[str | None]
