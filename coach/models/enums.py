"""Enumerations of the domain. Values are the lowercase semantic values from the seeds (Gainsly, GymText)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class TraineeStatus(StrEnum):
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    PAUSED = "paused"
    OPTED_OUT = "opted_out"


class Units(StrEnum):
    KG = "kg"
    LB = "lb"


class E1RMFormula(StrEnum):
    EPLEY = "epley"
    BRZYCKI = "brzycki"
    LOMBARDI = "lombardi"
    OCONNER = "oconner"


class PersonaTone(StrEnum):
    DRILL_SERGEANT = "drill_sergeant"
    SUPPORTIVE = "supportive"
    ANALYTICAL = "analytical"
    MOTIVATIONAL = "motivational"
    MINIMALIST = "minimalist"


class PersonaAggression(IntEnum):
    CONSERVATIVE = 1
    MODERATE_CONSERVATIVE = 2
    BALANCED = 3
    MODERATE_AGGRESSIVE = 4
    AGGRESSIVE = 5


class ExperienceLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"


class Goal(StrEnum):
    STRENGTH = "strength"
    HYPERTROPHY = "hypertrophy"
    ENDURANCE = "endurance"
    FAT_LOSS = "fat_loss"
    MOBILITY = "mobility"
    EXPLOSIVENESS = "explosiveness"
    SPEED = "speed"


class EnjoyableActivity(StrEnum):
    TENNIS = "tennis"
    BOULDERING = "bouldering"
    CYCLING = "cycling"
    SWIMMING = "swimming"
    HIKING = "hiking"
    BASKETBALL = "basketball"
    FOOTBALL = "football"
    YOGA = "yoga"
    MARTIAL_ARTS = "martial_arts"
    DANCE = "dance"
    OTHER = "other"


class MovementPattern(StrEnum):
    SQUAT = "squat"
    HINGE = "hinge"
    HORIZONTAL_PUSH = "horizontal_push"
    VERTICAL_PUSH = "vertical_push"
    HORIZONTAL_PULL = "horizontal_pull"
    VERTICAL_PULL = "vertical_pull"
    CARRY = "carry"
    CORE = "core"
    LUNGE = "lunge"
    ROTATION = "rotation"
    PLYOMETRIC = "plyometric"
    OLYMPIC = "olympic"
    ISOLATION = "isolation"
    MOBILITY = "mobility"
    ISOMETRIC = "isometric"
    CONDITIONING = "conditioning"
    CARDIO = "cardio"


class PrimaryRegion(StrEnum):
    ANTERIOR_LOWER = "anterior lower"
    POSTERIOR_LOWER = "posterior lower"
    SHOULDER = "shoulder"
    ANTERIOR_UPPER = "anterior upper"
    POSTERIOR_UPPER = "posterior upper"
    FULL_BODY = "full body"
    LOWER_BODY = "lower body"
    UPPER_BODY = "upper body"


class PrimaryMuscle(StrEnum):
    QUADRICEPS = "quadriceps"
    HAMSTRINGS = "hamstrings"
    GLUTES = "glutes"
    CALVES = "calves"
    CHEST = "chest"
    LATS = "lats"
    UPPER_BACK = "upper_back"
    REAR_DELTS = "rear_delts"
    FRONT_DELTS = "front_delts"
    SIDE_DELTS = "side_delts"
    BICEPS = "biceps"
    TRICEPS = "triceps"
    FOREARMS = "forearms"
    CORE = "core"
    OBLIQUES = "obliques"
    LOWER_BACK = "lower_back"
    HIP_FLEXORS = "hip_flexors"
    ADDUCTORS = "adductors"
    FULL_BODY = "full_body"


class MetricType(StrEnum):
    REPS = "reps"
    TIME = "time"
    TIME_UNDER_TENSION = "time_under_tension"
    DISTANCE = "distance"


class SkillLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"
    ELITE = "elite"


class CNSLoad(StrEnum):
    VERY_LOW = "very_low"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very_high"


class RelationshipType(StrEnum):
    PROGRESSION = "progression"
    REGRESSION = "regression"
    VARIATION = "variation"
    ANTAGONIST = "antagonist"
    PREP = "prep"


class MovementRuleType(StrEnum):
    HARD_NO = "hard_no"
    HARD_YES = "hard_yes"
    PREFERRED = "preferred"


class RuleCadence(StrEnum):
    PER_MICROCYCLE = "per_microcycle"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"


class SplitTemplate(StrEnum):
    UPPER_LOWER = "upper_lower"
    PPL = "ppl"
    FULL_BODY = "full_body"
    HYBRID = "hybrid"


class ProgressionStyle(StrEnum):
    SINGLE_PROGRESSION = "single_progression"
    DOUBLE_PROGRESSION = "double_progression"
    PAUSED_VARIATIONS = "paused_variations"
    BUILD_TO_DROP = "build_to_drop"
    WAVE_LOADING = "wave_loading"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    PAUSED = "paused"


class MesocyclePhase(StrEnum):
    ACCUMULATION = "accumulation"
    INTENSIFICATION = "intensification"
    REALIZATION = "realization"
    DELOAD = "deload"
    BASE = "base"
    BUILD = "build"
    LINEAR = "linear"


class MicrocycleStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETE = "complete"


class WorkoutStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    SKIPPED = "skipped"


class SessionType(StrEnum):
    UPPER = "upper"
    LOWER = "lower"
    PUSH = "push"
    PULL = "pull"
    LEGS = "legs"
    FULL_BODY = "full_body"
    CARDIO = "cardio"
    MOBILITY = "mobility"
    RECOVERY = "recovery"
    SKILL = "skill"
    CUSTOM = "custom"


class ExerciseRole(StrEnum):
    WARMUP = "warmup"
    MAIN = "main"
    ACCESSORY = "accessory"
    SKILL = "skill"
    FINISHER = "finisher"
    COOLDOWN = "cooldown"


class RecoverySource(StrEnum):
    DUMMY = "dummy"
    MANUAL = "manual"
    GARMIN = "garmin"
    APPLE = "apple"
    AURA_RING = "aura ring"
    WHOOP_BAND = "whoop band"


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Encoding(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


class DeliveryState(StrEnum):
    """Where a text is on its way.

    Forward order: queued < sending < sent < delivered | undelivered | failed.

    received is for inbound texts; suppressed (opt-out, undeliverable) and cancelled (by an operator)
    are final.
    """

    RECEIVED = "received"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    CANCELLED = "cancelled"


class OutboundKind(StrEnum):
    REPLY = "reply"
    SYSTEM = "system"
    DAILY_WORKOUT = "daily_workout"
    REST_DAY = "rest_day"
    WEEKLY_PREVIEW = "weekly_preview"
    NUDGE = "nudge"
    OPERATOR = "operator"


class AgentOutcome(StrEnum):
    ANSWERED = "answered"
    DETERMINISTIC = "deterministic"
    FALLBACK = "fallback"
    SAFETY = "safety"
    OVER_BUDGET = "over_budget"
    ERROR = "error"
