"""Which movements a trainee may get, and which to prefer for each job in a session.

A movement is eligible when all of these hold (``is_eligible``):

* its equipment is a subset of the trainee's equipment plus bodyweight;
* every limitation allows it (``limitations.allows``);
* its skill level suits the experience: beginners up to intermediate, intermediates up to advanced,
  advanced up to expert, experts everything (so beginners never get advanced complex lifts);
* the trainee has not ruled it out (hard_no).

Must-have (hard_yes) and preferred movements that are not eligible are reported in the plan's notes
instead of being forced in: safety and equipment come before a request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from coach.models.enums import (
    EnjoyableActivity,
    ExperienceLevel,
    MetricType,
    MovementPattern,
    PrimaryRegion,
    SessionType,
    SkillLevel,
)
from coach.movements.library import LibrarySpec, MovementSpec
from coach.training.limitations import allows, cns_rank, strains
from coach.training.profile import ProfileError, TrainingProfile
from coach.training.volume import MAJOR_GROUPS, MINOR_GROUPS

_P = MovementPattern
SKILL_ORDER = (
    SkillLevel.BEGINNER,
    SkillLevel.INTERMEDIATE,
    SkillLevel.ADVANCED,
    SkillLevel.EXPERT,
    SkillLevel.ELITE,
)
MAX_SKILL = {
    ExperienceLevel.BEGINNER: SkillLevel.INTERMEDIATE,
    ExperienceLevel.INTERMEDIATE: SkillLevel.ADVANCED,
    ExperienceLevel.ADVANCED: SkillLevel.EXPERT,
    ExperienceLevel.EXPERT: SkillLevel.ELITE,
}
UPPER_REGIONS = frozenset(
    {
        PrimaryRegion.SHOULDER,
        PrimaryRegion.ANTERIOR_UPPER,
        PrimaryRegion.POSTERIOR_UPPER,
        PrimaryRegion.UPPER_BODY,
    }
)
LOWER_REGIONS = frozenset(
    {PrimaryRegion.ANTERIOR_LOWER, PrimaryRegion.POSTERIOR_LOWER, PrimaryRegion.LOWER_BODY}
)
NOT_STRENGTH = frozenset({_P.CARDIO, _P.MOBILITY, _P.CONDITIONING, _P.PLYOMETRIC, _P.OLYMPIC})
# The lifts a coach reaches for first in each main slot; anything else eligible follows.
MAIN_PREFERENCE: dict[MovementPattern, tuple[str, ...]] = {
    _P.SQUAT: (
        "barbell_back_squat",
        "barbell_front_squat",
        "hack_squat",
        "leg_press",
        "goblet_squat",
        "dumbbell_squat",
        "kettlebell_goblet_squat",
        "heel_elevated_goblet_squat",
        "bodyweight_squat",
    ),
    _P.LUNGE: (
        "bulgarian_split_squat",
        "dumbbell_split_squat",
        "dumbbell_reverse_lunge",
        "reverse_lunge",
        "split_squat",
        "step_up",
        "walking_lunge",
    ),
    _P.HINGE: (
        "conventional_deadlift",
        "romanian_deadlift",
        "dumbbell_romanian_deadlift",
        "hip_thrust",
        "kettlebell_deadlift",
        "dumbbell_hip_thrust",
        "single_leg_romanian_deadlift",
        "bodyweight_single_leg_rdl",
        "glute_bridge",
        "single_leg_glute_bridge",
    ),
    _P.HORIZONTAL_PUSH: (
        "bench_press",
        "dumbbell_bench_press",
        "incline_bench_press",
        "incline_dumbbell_press",
        "machine_chest_press",
        "push_up",
        "dumbbell_floor_press",
        "decline_push_up",
        "knee_push_up",
        "incline_push_up",
    ),
    _P.VERTICAL_PUSH: (
        "overhead_press",
        "dumbbell_shoulder_press",
        "seated_dumbbell_shoulder_press",
        "machine_shoulder_press",
        "kettlebell_press",
        "pike_push_up",
        "band_overhead_press",
    ),
    _P.HORIZONTAL_PULL: (
        "barbell_row",
        "chest_supported_row",
        "dumbbell_row",
        "seated_cable_row",
        "machine_row",
        "bent_over_dumbbell_row",
        "inverted_row",
        "table_inverted_row",
        "band_row",
    ),
    _P.VERTICAL_PULL: (
        "pull_up",
        "chin_up",
        "lat_pulldown",
        "band_assisted_pull_up",
        "machine_assisted_pull_up",
        "neutral_grip_pull_up",
        "band_lat_pulldown",
        "sliding_floor_pulldown",
    ),
}
UNLOADED = frozenset({"bodyweight", "bands"})
# Beginners start these patterns on the easiest variation (a pull-up is a goal, not a start).
BEGINNER_EASIEST_FIRST = frozenset({_P.VERTICAL_PULL})
EASY_CARDIO = ("stationary_bike", "rowing_erg", "elliptical_trainer", "treadmill_incline_walk", "brisk_walk")
ENJOYED: dict[EnjoyableActivity, tuple[str, ...]] = {
    EnjoyableActivity.CYCLING: ("stationary_bike", "air_bike_sprint"),
    EnjoyableActivity.HIKING: ("treadmill_incline_walk", "stair_climbing", "brisk_walk"),
    EnjoyableActivity.SWIMMING: ("rowing_erg",),
    EnjoyableActivity.YOGA: ("downward_dog", "worlds_greatest_stretch", "cat_cow", "childs_pose"),
    EnjoyableActivity.DANCE: ("jump_rope", "jumping_jacks"),
    EnjoyableActivity.BASKETBALL: ("shuttle_run", "jump_rope"),
    EnjoyableActivity.FOOTBALL: ("shuttle_run", "sprint_intervals"),
    EnjoyableActivity.TENNIS: ("shuttle_run", "jump_rope"),
    EnjoyableActivity.MARTIAL_ARTS: ("jump_rope", "mountain_climber"),
}


def skill_allowed(movement: MovementSpec, experience: ExperienceLevel) -> bool:
    return SKILL_ORDER.index(movement.skill_level) <= SKILL_ORDER.index(MAX_SKILL[experience])


def is_eligible(movement: MovementSpec, profile: TrainingProfile) -> bool:
    """Whether the trainee may be given this movement at all."""
    return (
        set(movement.equipment) <= profile.available_equipment
        and allows(movement, profile.limitations)
        and skill_allowed(movement, profile.experience)
        and movement.slug not in profile.hard_no
    )


def check_slugs(profile: TrainingProfile, library: LibrarySpec) -> None:
    """Every movement the profile names must be in the library."""
    known = {movement.slug for movement in library.movements}
    named = [*profile.hard_no, *profile.hard_yes, *profile.preferred, *profile.e1rm_kg]
    unknown = sorted({slug for slug in named if slug not in known})
    if unknown:
        raise ProfileError(f"unknown movements: {', '.join(unknown)}")


def _first(preferred: Iterable[str], movements: Sequence[MovementSpec]) -> list[MovementSpec]:
    """Movements in `preferred` order first, then the rest in their given order."""
    rank = {slug: index for index, slug in enumerate(preferred)}
    return sorted(movements, key=lambda m: rank.get(m.slug, len(rank)))


class MovementPool:
    """The eligible movements of one trainee, ranked for each job."""

    def __init__(self, profile: TrainingProfile, library: LibrarySpec) -> None:
        check_slugs(profile, library)
        self.profile = profile
        self.by_slug = {movement.slug: movement for movement in library.movements}
        self.eligible = [m for m in library.movements if is_eligible(m, profile)]
        eligible = {m.slug for m in self.eligible}
        self.must_have = [self.by_slug[slug] for slug in profile.hard_yes if slug in eligible]
        self.preferred = [
            self.by_slug[slug]
            for slug in profile.preferred
            if slug in eligible and slug not in profile.hard_yes
        ]
        self.notes = [
            f"{kind} {slug} left out: not possible with your equipment, limitations or experience"
            for kind, slugs in (("must-have", profile.hard_yes), ("preferred", profile.preferred))
            for slug in slugs
            if slug not in eligible
        ]
        self.enjoyed = [
            slug for activity in profile.enjoyable_activities for slug in ENJOYED.get(activity, ())
        ]
        # The generator asks the same questions hundreds of times per plan; the answers never change.
        self._memo: dict[tuple[object, ...], list[MovementSpec]] = {}

    def main_candidates(self, patterns: Sequence[MovementPattern]) -> list[MovementSpec]:
        """Main-lift choices for a slot: requested lifts, then the coach's order, then the rest by load."""
        return self._remember(("main", *patterns), lambda: self._main_candidates(patterns))

    def _main_candidates(self, patterns: Sequence[MovementPattern]) -> list[MovementSpec]:
        ranked: list[MovementSpec] = []
        for pattern in patterns:
            fits = [m for m in self.eligible if m.pattern is pattern and _main_able(m)]
            fits.sort(key=lambda m: (-cns_rank(m.cns_load), m.slug))
            fits = _first(MAIN_PREFERENCE.get(pattern, ()), fits)
            if self.profile.experience is ExperienceLevel.BEGINNER and pattern in BEGINNER_EASIEST_FIRST:
                fits.sort(key=lambda m: SKILL_ORDER.index(m.skill_level))
            ranked.extend(_first([m.slug for m in (*self.must_have, *self.preferred)], fits))
        return ranked

    def accessory_options(self, group: str) -> list[MovementSpec]:
        """Accessories whose primary muscle is in the group; timed holds after lifts."""
        return self._remember(("accessory", group), lambda: self._accessory_options(group))

    def _accessory_options(self, group: str) -> list[MovementSpec]:
        muscles = MAJOR_GROUPS.get(group) or MINOR_GROUPS[group]
        fits = [
            m
            for m in self.eligible
            if m.primary_muscle in muscles
            and m.pattern not in NOT_STRENGTH
            and not m.is_complex_lift
            and m.cns_load.value != "very_high"
            and m.metric_type is not MetricType.DISTANCE
        ]
        fits.sort(key=lambda m: (m.metric_type is MetricType.TIME, m.slug))
        # Someone with loaded kit and some experience outgrows band and bodyweight accessories.
        loaded = [m for m in fits if set(m.equipment) - UNLOADED]
        if self.profile.experience is not ExperienceLevel.BEGINNER and len(loaded) >= 3:
            return loaded
        return fits

    def power_options(self) -> list[MovementSpec]:
        """Jumps and throws to open a session (Olympic lifts only for advanced lifters)."""
        olympic_ok = self.profile.experience in (ExperienceLevel.ADVANCED, ExperienceLevel.EXPERT)
        fits = [
            m
            for m in self.eligible
            if m.metric_type is MetricType.REPS
            and (m.pattern is _P.PLYOMETRIC or (olympic_ok and m.pattern is _P.OLYMPIC))
        ]
        return sorted(fits, key=lambda m: (cns_rank(m.cns_load), m.slug))

    def conditioning_options(self, intervals: bool) -> list[MovementSpec]:
        """Timed conditioning: intervals (build phases) or steady cardio (base), favourite activities only
        when there are any, low impact first."""
        kinds = (_P.CONDITIONING, _P.CARDIO) if intervals else (_P.CARDIO, _P.CONDITIONING)
        for pattern in kinds:
            fits = [m for m in self.eligible if m.pattern is pattern and m.metric_type is not MetricType.REPS]
            fits.sort(key=lambda m: ("low_impact" not in m.tags, m.slug))
            liked = [m for m in fits if m.slug in self.enjoyed]
            if liked or fits:
                return liked or fits
        return []

    def easy_cardio_options(self) -> list[MovementSpec]:
        """Steady, low-impact cardio for cool-downs, deloads and recovery days."""
        return self._remember(("easy_cardio",), self._easy_cardio_options)

    def _easy_cardio_options(self) -> list[MovementSpec]:
        fits = [
            m
            for m in self.eligible
            if m.pattern is _P.CARDIO and cns_rank(m.cns_load) <= 1 and "high_impact" not in m.tags
        ]
        return _first([*self.enjoyed, *EASY_CARDIO], sorted(fits, key=lambda m: m.slug))

    def mobility_options(self) -> list[MovementSpec]:
        """Mobility drills for warm-ups and cool-downs; favourite practices (yoga) first."""
        return self._remember(("mobility",), self._mobility_options)

    def _mobility_options(self) -> list[MovementSpec]:
        fits = sorted((m for m in self.eligible if m.pattern is _P.MOBILITY), key=lambda m: m.slug)
        return _first(self.enjoyed, fits)

    def session_mobility(self, session_type: SessionType, offset: int) -> list[MovementSpec]:
        """Mobility for one session's warm-up or cool-down, rotated by `offset` so weeks differ: drills that
        load none of the trainee's limited joints first, then those for what the session trains (shoulders
        and spine on upper days, hips and legs on lower days)."""
        upper = session_type in (SessionType.UPPER, SessionType.PUSH, SessionType.PULL)
        lower = session_type in (SessionType.LOWER, SessionType.LEGS)
        limitations = self.profile.limitations

        def fit(movement: MovementSpec) -> tuple[bool, bool]:
            upper_drill = movement.primary_region in UPPER_REGIONS
            return strains(movement, limitations), (upper and not upper_drill) or (lower and upper_drill)

        return sorted(rotate(self.mobility_options(), offset), key=fit)

    def _remember(
        self, key: tuple[object, ...], compute: Callable[[], list[MovementSpec]]
    ) -> list[MovementSpec]:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def trainable_groups(self) -> set[str]:
        """Major groups the trainee has at least one eligible strength movement for."""
        return {group for group in MAJOR_GROUPS if self.accessory_options(group)}


def _main_able(movement: MovementSpec) -> bool:
    return (
        movement.compound
        and movement.pattern not in NOT_STRENGTH
        and movement.metric_type in (MetricType.REPS, MetricType.TIME_UNDER_TENSION)
    )


def rotate(options: Sequence[MovementSpec], offset: int) -> list[MovementSpec]:
    """The same options starting at `offset`, so each week picks different ones."""
    if not options:
        return []
    start = offset % len(options)
    return [*options[start:], *options[:start]]
