from __future__ import annotations

import json
from collections import Counter

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from coach.models import Movement, MovementRelationship
from coach.models.enums import MovementPattern, RelationshipType
from coach.movements.library import load_library, seed_movements

LIBRARY = load_library()


def test_the_library_has_at_least_150_movements():
    assert len(LIBRARY.movements) >= 150


def test_every_pattern_has_at_least_four_movements():
    counts = Counter(m.pattern for m in LIBRARY.movements)
    assert {pattern: counts[pattern] for pattern in MovementPattern if counts[pattern] < 4} == {}


@pytest.mark.parametrize(
    "tag",
    [
        "barbell",
        "dumbbell",
        "kettlebell",
        "cable",
        "machine",
        "bands",
        "pullup_bar",
        "bench",
        "bodyweight",
        "rower",
        "bike",
        "treadmill",
    ],
)
def test_the_common_kinds_of_equipment_are_covered(tag):
    assert sum(tag in m.equipment for m in LIBRARY.movements) >= 2


def test_every_substitution_group_offers_a_real_swap():
    groups = Counter(m.substitution_group for m in LIBRARY.movements)
    assert [g for g, n in groups.items() if n < 2] == []


def test_someone_with_no_equipment_can_train_every_main_pattern():
    home = Counter(m.pattern for m in LIBRARY.movements if m.equipment == ["bodyweight"])
    for pattern in (
        "squat",
        "hinge",
        "horizontal_push",
        "vertical_push",
        "lunge",
        "core",
        "cardio",
        "mobility",
    ):
        assert home[pattern] >= 2, pattern


def test_progressions_and_regressions_link_both_ways():
    links = {(r.source, r.target, r.type) for r in LIBRARY.relationships}
    progressions = [(s, t) for s, t, kind in links if kind is RelationshipType.PROGRESSION]
    assert len(progressions) >= 40
    assert [(s, t) for s, t in progressions if (t, s, RelationshipType.REGRESSION) not in links] == []


def test_common_abbreviations_name_one_movement():
    aliases = {alias: m.slug for m in LIBRARY.movements for alias in m.aliases}
    for short in ("rdl", "ohp", "bench", "squat", "deadlift"):
        assert short in aliases, short


def test_a_broken_entry_is_rejected_with_its_reason():
    data = json.loads(LIBRARY.model_dump_json())
    data["movements"][0]["equipment"] = ["spaceship"]
    with pytest.raises(ValidationError, match="unknown equipment"):
        load_library(json.dumps(data))
    data = json.loads(LIBRARY.model_dump_json())
    data["movements"][1]["slug"] = data["movements"][0]["slug"]
    with pytest.raises(ValueError, match="duplicate slug"):
        load_library(json.dumps(data))
    data = json.loads(LIBRARY.model_dump_json())
    data["relationships"].append({"source": "nope", "target": data["movements"][0]["slug"], "type": "prep"})
    with pytest.raises(ValueError, match="unknown movement"):
        load_library(json.dumps(data))


def test_the_seeded_database_matches_the_library(db):
    assert db.scalar(sa.select(sa.func.count()).select_from(Movement)) == len(LIBRARY.movements)
    assert db.scalar(sa.select(sa.func.count()).select_from(MovementRelationship)) == len(
        LIBRARY.relationships
    )


def test_seeding_twice_changes_nothing(db):
    before = {slug: at for slug, at in db.execute(sa.select(Movement.slug, Movement.updated_at))}
    result = seed_movements(db)
    assert not result.changed
    assert result.unchanged == len(LIBRARY.movements)
    after = {slug: at for slug, at in db.execute(sa.select(Movement.slug, Movement.updated_at))}
    assert after == before


def test_seeding_an_edited_library_updates_that_entry_only(db):
    data = json.loads(LIBRARY.model_dump_json())
    target = data["movements"][0]
    target["coaching_cues"] = ["Brace before every rep"]
    dropped = data["relationships"].pop()
    result = seed_movements(db, load_library(json.dumps(data)))
    assert (result.inserted, result.updated, result.relationships_removed) == (0, 1, 1)
    row = db.scalar(sa.select(Movement).where(Movement.slug == target["slug"]))
    assert row is not None and row.coaching_cues == ["Brace before every rep"]
    assert dropped["source"] and result.relationships_added == 0


def test_a_new_entry_is_inserted(db):
    data = json.loads(LIBRARY.model_dump_json())
    extra = dict(data["movements"][0], slug="tempo_test_squat", name="Tempo Test Squat", aliases=["tts"])
    data["movements"].append(extra)
    result = seed_movements(db, load_library(json.dumps(data)))
    assert (result.inserted, result.updated) == (1, 0)
    assert db.scalar(sa.select(Movement.pattern).where(Movement.slug == "tempo_test_squat")) is not None


STAPLES = [
    "barbell_back_squat",
    "barbell_front_squat",
    "goblet_squat",
    "conventional_deadlift",
    "romanian_deadlift",
    "bench_press",
    "dumbbell_bench_press",
    "push_up",
    "pull_up",
    "chin_up",
    "lat_pulldown",
    "overhead_press",
    "plank",
    "kettlebell_swing",
    "farmer_carry",
    "box_jump",
    "power_clean",
]


def test_the_staples_a_coach_needs_are_there():
    slugs = {m.slug for m in LIBRARY.movements}
    assert [s for s in STAPLES if s not in slugs] == []


def test_library_text_is_plain_ascii_for_gsm_texts():
    for m in LIBRARY.movements:
        assert m.name.isascii() and all(cue.isascii() for cue in m.coaching_cues), m.slug
