"""The movement library shipped with Coach, validated and loaded idempotently into the database."""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from coach.models import Movement, MovementRelationship
from coach.models.enums import (
    CNSLoad,
    MetricType,
    MovementPattern,
    PrimaryMuscle,
    PrimaryRegion,
    RelationshipType,
    SkillLevel,
)

EQUIPMENT = frozenset(
    {
        "barbell",
        "rack",
        "bench",
        "dumbbell",
        "kettlebell",
        "cable",
        "machine",
        "bands",
        "pullup_bar",
        "dip_station",
        "box",
        "medicine_ball",
        "rower",
        "bike",
        "treadmill",
        "jump_rope",
        "bodyweight",
    }
)
JOINTS = frozenset({"knee", "lower_back", "shoulder", "wrist", "elbow", "hip", "ankle", "neck"})
TAGS = frozenset(
    {
        "high_impact",
        "supine",
        "prone",
        "overhead",
        "spinal_loading",
        "valsalva",
        "inverted",
        "jumping",
        "low_impact",
        "rehab_friendly",
        "home_friendly",
    }
)
Slug = str


class MovementSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug = Field(pattern=r"^[a-z0-9]+(_[a-z0-9]+)*$", max_length=80)
    name: str = Field(min_length=2, max_length=200)
    aliases: list[str]
    pattern: MovementPattern
    primary_muscle: PrimaryMuscle
    primary_region: PrimaryRegion
    secondary_muscles: list[PrimaryMuscle]
    cns_load: CNSLoad
    skill_level: SkillLevel
    compound: bool
    is_complex_lift: bool
    is_unilateral: bool
    metric_type: MetricType
    equipment: list[str] = Field(min_length=1)
    substitution_group: str = Field(pattern=r"^[a-z0-9_]+$", max_length=80)
    joint_stress: list[str]
    tags: list[str]
    primary_discipline: str
    discipline_tags: list[str]
    description: str
    coaching_cues: list[str] = Field(min_length=1)

    @field_validator("equipment")
    @classmethod
    def _known_equipment(cls, value: list[str]) -> list[str]:
        unknown = set(value) - EQUIPMENT
        if unknown:
            raise ValueError(f"unknown equipment {sorted(unknown)}")
        if "bodyweight" in value and len(value) > 1:
            raise ValueError("bodyweight means no equipment; it stands alone")
        return value

    @field_validator("joint_stress")
    @classmethod
    def _known_joints(cls, value: list[str]) -> list[str]:
        if set(value) - JOINTS:
            raise ValueError(f"unknown joints {sorted(set(value) - JOINTS)}")
        return value

    @field_validator("tags")
    @classmethod
    def _known_tags(cls, value: list[str]) -> list[str]:
        if set(value) - TAGS:
            raise ValueError(f"unknown tags {sorted(set(value) - TAGS)}")
        return value

    @field_validator("aliases")
    @classmethod
    def _lowercase_aliases(cls, value: list[str]) -> list[str]:
        return [alias.strip().lower() for alias in value]


class RelationshipSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Slug
    target: Slug
    type: RelationshipType
    notes: str | None = None


class LibrarySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    movements: list[MovementSpec]
    relationships: list[RelationshipSpec]

    def check(self) -> None:
        """Cross-entry rules: unique slugs, names and aliases; relationships point at real movements."""
        slugs = [m.slug for m in self.movements]
        _require_unique("slug", slugs)
        _require_unique("name", [m.name.lower() for m in self.movements])
        _require_unique("alias or name", [a for m in self.movements for a in {m.name.lower(), *m.aliases}])
        known = set(slugs)
        for rel in self.relationships:
            if rel.source not in known or rel.target not in known:
                raise ValueError(f"relationship {rel.source} -> {rel.target} names an unknown movement")
            if rel.source == rel.target:
                raise ValueError(f"relationship {rel.source} points at itself")
        _require_unique("relationship", [(r.source, r.target, r.type) for r in self.relationships])


def _require_unique(what: str, values: Sequence[Hashable]) -> None:
    seen: set[Hashable] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what}: {value!r}")
        seen.add(value)


def load_library(text: str | None = None) -> LibrarySpec:
    """Parse and check the library (the packaged file unless text is given)."""
    if text is None:
        text = resources.files("coach.movements").joinpath("library.json").read_text(encoding="utf-8")
    spec = LibrarySpec.model_validate(json.loads(text))
    spec.check()
    return spec


@dataclass(frozen=True)
class SeedResult:
    inserted: int
    updated: int
    unchanged: int
    relationships_added: int
    relationships_removed: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.relationships_added or self.relationships_removed)


_COLUMNS = [
    "name",
    "aliases",
    "pattern",
    "primary_muscle",
    "primary_region",
    "secondary_muscles",
    "cns_load",
    "skill_level",
    "compound",
    "is_complex_lift",
    "is_unilateral",
    "metric_type",
    "equipment",
    "substitution_group",
    "joint_stress",
    "tags",
    "primary_discipline",
    "discipline_tags",
    "description",
    "coaching_cues",
]


def seed_movements(session: Session, library: LibrarySpec | None = None) -> SeedResult:
    """Upsert the library: new entries are inserted, edited ones updated, identical ones left alone.

    Movements removed from the file stay in the database (workouts and logs may refer to them).
    """
    library = library or load_library()
    rows = [_row(m) for m in library.movements]
    base = insert(Movement).values(rows)
    changed = sa.or_(*[getattr(Movement, c).is_distinct_from(base.excluded[c]) for c in _COLUMNS])
    stmt: sa.Executable = base.on_conflict_do_update(
        index_elements=[Movement.slug],
        set_={**{c: base.excluded[c] for c in _COLUMNS}, "updated_at": sa.func.now()},
        where=changed,
    ).returning(Movement.slug, sa.literal_column("xmax = 0").label("inserted"))
    written = session.execute(stmt).all()
    inserted = sum(1 for row in written if row.inserted)
    ids = {slug: movement_id for slug, movement_id in session.execute(sa.select(Movement.slug, Movement.id))}
    added, removed = _sync_relationships(session, library, ids)
    session.commit()
    return SeedResult(
        inserted=inserted,
        updated=len(written) - inserted,
        unchanged=len(rows) - len(written),
        relationships_added=added,
        relationships_removed=removed,
    )


def _row(spec: MovementSpec) -> dict[str, object]:
    data = spec.model_dump(mode="json")
    data["aliases"] = sorted(set(data["aliases"]))
    return data


def _sync_relationships(session: Session, library: LibrarySpec, ids: dict[str, int]) -> tuple[int, int]:
    wanted = {(ids[r.source], ids[r.target], r.type): r.notes for r in library.relationships}
    existing = {
        (row.source_movement_id, row.target_movement_id, row.relationship_type): row
        for row in session.scalars(sa.select(MovementRelationship))
    }
    stale = [row for key, row in existing.items() if key not in wanted]
    for row in stale:
        session.delete(row)
    new = [
        {"source_movement_id": s, "target_movement_id": t, "relationship_type": kind, "notes": notes}
        for (s, t, kind), notes in wanted.items()
        if (s, t, kind) not in existing
    ]
    for key, notes in wanted.items():
        if key in existing and existing[key].notes != notes:
            existing[key].notes = notes
    if new:
        session.execute(insert(MovementRelationship).values(new))
    return len(new), len(stale)
