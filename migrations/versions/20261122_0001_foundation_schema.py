"""foundation schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:07:12.532240
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Enum types are created once here and shared by every column that uses them.
ENUMS = {
    "movement_pattern": postgresql.ENUM(
        "squat",
        "hinge",
        "horizontal_push",
        "vertical_push",
        "horizontal_pull",
        "vertical_pull",
        "carry",
        "core",
        "lunge",
        "rotation",
        "plyometric",
        "olympic",
        "isolation",
        "mobility",
        "isometric",
        "conditioning",
        "cardio",
        name="movement_pattern",
        create_type=False,
    ),
    "primary_muscle": postgresql.ENUM(
        "quadriceps",
        "hamstrings",
        "glutes",
        "calves",
        "chest",
        "lats",
        "upper_back",
        "rear_delts",
        "front_delts",
        "side_delts",
        "biceps",
        "triceps",
        "forearms",
        "core",
        "obliques",
        "lower_back",
        "hip_flexors",
        "adductors",
        "full_body",
        name="primary_muscle",
        create_type=False,
    ),
    "primary_region": postgresql.ENUM(
        "anterior lower",
        "posterior lower",
        "shoulder",
        "anterior upper",
        "posterior upper",
        "full body",
        "lower body",
        "upper body",
        name="primary_region",
        create_type=False,
    ),
    "cns_load": postgresql.ENUM(
        "very_low", "low", "moderate", "high", "very_high", name="cns_load", create_type=False
    ),
    "skill_level": postgresql.ENUM(
        "beginner", "intermediate", "advanced", "expert", "elite", name="skill_level", create_type=False
    ),
    "metric_type": postgresql.ENUM(
        "reps", "time", "time_under_tension", "distance", name="metric_type", create_type=False
    ),
    "trainee_status": postgresql.ENUM(
        "onboarding", "active", "paused", "opted_out", name="trainee_status", create_type=False
    ),
    "units": postgresql.ENUM("kg", "lb", name="units", create_type=False),
    "e1rm_formula": postgresql.ENUM(
        "epley", "brzycki", "lombardi", "oconner", name="e1rm_formula", create_type=False
    ),
    "persona_tone": postgresql.ENUM(
        "drill_sergeant",
        "supportive",
        "analytical",
        "motivational",
        "minimalist",
        name="persona_tone",
        create_type=False,
    ),
    "agent_outcome": postgresql.ENUM(
        "answered",
        "deterministic",
        "fallback",
        "safety",
        "over_budget",
        "error",
        name="agent_outcome",
        create_type=False,
    ),
    "conversation_status": postgresql.ENUM(
        "active", "archived", name="conversation_status", create_type=False
    ),
    "goal": postgresql.ENUM(
        "strength",
        "hypertrophy",
        "endurance",
        "fat_loss",
        "mobility",
        "explosiveness",
        "speed",
        name="goal",
        create_type=False,
    ),
    "split_template": postgresql.ENUM(
        "upper_lower", "ppl", "full_body", "hybrid", name="split_template", create_type=False
    ),
    "progression_style": postgresql.ENUM(
        "single_progression",
        "double_progression",
        "paused_variations",
        "build_to_drop",
        "wave_loading",
        name="progression_style",
        create_type=False,
    ),
    "plan_status": postgresql.ENUM("active", "completed", "paused", name="plan_status", create_type=False),
    "experience_level": postgresql.ENUM(
        "beginner", "intermediate", "advanced", "expert", name="experience_level", create_type=False
    ),
    "relationship_type": postgresql.ENUM(
        "progression",
        "regression",
        "variation",
        "antagonist",
        "prep",
        name="relationship_type",
        create_type=False,
    ),
    "recovery_source": postgresql.ENUM(
        "dummy",
        "manual",
        "garmin",
        "apple",
        "aura ring",
        "whoop band",
        name="recovery_source",
        create_type=False,
    ),
    "movement_rule_type": postgresql.ENUM(
        "hard_no", "hard_yes", "preferred", name="movement_rule_type", create_type=False
    ),
    "rule_cadence": postgresql.ENUM(
        "per_microcycle", "weekly", "biweekly", name="rule_cadence", create_type=False
    ),
    "mesocycle_phase": postgresql.ENUM(
        "accumulation",
        "intensification",
        "realization",
        "deload",
        "base",
        "build",
        "linear",
        name="mesocycle_phase",
        create_type=False,
    ),
    "message_direction": postgresql.ENUM("inbound", "outbound", name="message_direction", create_type=False),
    "sms_encoding": postgresql.ENUM("gsm7", "ucs2", name="sms_encoding", create_type=False),
    "delivery_state": postgresql.ENUM(
        "received",
        "queued",
        "sending",
        "sent",
        "delivered",
        "undelivered",
        "failed",
        "suppressed",
        "cancelled",
        name="delivery_state",
        create_type=False,
    ),
    "microcycle_status": postgresql.ENUM(
        "planned", "active", "complete", name="microcycle_status", create_type=False
    ),
    "outbound_kind": postgresql.ENUM(
        "reply",
        "system",
        "daily_workout",
        "rest_day",
        "weekly_preview",
        "nudge",
        "operator",
        name="outbound_kind",
        create_type=False,
    ),
    "session_type": postgresql.ENUM(
        "upper",
        "lower",
        "push",
        "pull",
        "legs",
        "full_body",
        "cardio",
        "mobility",
        "recovery",
        "skill",
        "custom",
        name="session_type",
        create_type=False,
    ),
    "workout_status": postgresql.ENUM(
        "pending", "completed", "skipped", name="workout_status", create_type=False
    ),
    "exercise_role": postgresql.ENUM(
        "warmup",
        "main",
        "accessory",
        "skill",
        "finisher",
        "cooldown",
        name="exercise_role",
        create_type=False,
    ),
}


# The scheduler's SQL function: the instant a local wall-clock time happens on a local date in a zone.
# On the spring-forward day a time inside the gap (02:30 in New York) does not exist; it happens at the
# first minute after the gap (03:00). On the fall-back day PostgreSQL picks one of the two instants, so the
# time still happens once.
CREATE_LOCAL_INSTANT = """
CREATE OR REPLACE FUNCTION coach_local_instant(local_day date, local_time time, zone text)
RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    wanted timestamp := local_day + local_time;
    instant timestamptz := wanted AT TIME ZONE zone;
    shift interval := (instant AT TIME ZONE zone) - wanted;
BEGIN
    IF shift = interval '0' THEN
        RETURN instant;
    END IF;
    instant := date_trunc('minute', instant - shift);
    WHILE (instant AT TIME ZONE zone) < wanted LOOP
        instant := instant + interval '1 minute';
    END LOOP;
    RETURN instant;
END
$$;
"""
DROP_LOCAL_INSTANT = "DROP FUNCTION IF EXISTS coach_local_instant(date, time, text);"


def upgrade() -> None:
    bind = op.get_bind()
    for enum in ENUMS.values():
        enum.create(bind)
    op.execute(sa.schema.CreateSequence(sa.Sequence("outbound_messages_sequence_seq")))
    op.execute(CREATE_LOCAL_INSTANT)
    op.create_table(
        "movements",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "aliases", postgresql.ARRAY(sa.String(length=60)), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column("pattern", ENUMS["movement_pattern"], nullable=False),
        sa.Column("primary_muscle", ENUMS["primary_muscle"], nullable=False),
        sa.Column("primary_region", ENUMS["primary_region"], nullable=False),
        sa.Column(
            "secondary_muscles",
            postgresql.ARRAY(sa.String(length=60)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("cns_load", ENUMS["cns_load"], nullable=False),
        sa.Column("skill_level", ENUMS["skill_level"], nullable=False),
        sa.Column("compound", sa.Boolean(), nullable=False),
        sa.Column("is_complex_lift", sa.Boolean(), nullable=False),
        sa.Column("is_unilateral", sa.Boolean(), nullable=False),
        sa.Column("metric_type", ENUMS["metric_type"], nullable=False),
        sa.Column(
            "equipment",
            postgresql.ARRAY(sa.String(length=60)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("substitution_group", sa.String(length=80), nullable=False),
        sa.Column(
            "joint_stress",
            postgresql.ARRAY(sa.String(length=60)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "tags", postgresql.ARRAY(sa.String(length=60)), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column("primary_discipline", sa.String(length=40), server_default="All", nullable=False),
        sa.Column(
            "discipline_tags",
            postgresql.ARRAY(sa.String(length=60)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "coaching_cues", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movements")),
        sa.UniqueConstraint("name", name=op.f("uq_movements_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_movements_slug")),
    )
    op.create_index(op.f("ix_movements_pattern"), "movements", ["pattern"], unique=False)
    op.create_index(op.f("ix_movements_primary_muscle"), "movements", ["primary_muscle"], unique=False)
    op.create_index(
        op.f("ix_movements_substitution_group"), "movements", ["substitution_group"], unique=False
    )
    op.create_table(
        "trainees",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("send_time", sa.Time(), nullable=True),
        sa.Column(
            "training_days",
            postgresql.ARRAY(sa.SmallInteger()),
            server_default=sa.text("'{}'::smallint[]"),
            nullable=False,
        ),
        sa.Column("status", ENUMS["trainee_status"], server_default="onboarding", nullable=False),
        sa.Column("onboarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_source", sa.String(length=40), nullable=True),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opt_out_source", sa.String(length=40), nullable=True),
        sa.Column("undeliverable_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("units", ENUMS["units"], server_default="kg", nullable=False),
        sa.Column("e1rm_formula", ENUMS["e1rm_formula"], server_default="epley", nullable=False),
        sa.Column("persona_tone", ENUMS["persona_tone"], server_default="supportive", nullable=False),
        sa.Column("persona_aggression", sa.SmallInteger(), server_default="3", nullable=False),
        sa.Column("rest_day_messages", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("phone ~ '^\\+[1-9][0-9]{6,14}$'", name=op.f("ck_trainees_phone_e164")),
        sa.CheckConstraint(
            "persona_aggression BETWEEN 1 AND 5", name=op.f("ck_trainees_persona_aggression_range")
        ),
        sa.CheckConstraint(
            "training_days <@ ARRAY[1,2,3,4,5,6,7]::smallint[]", name=op.f("ck_trainees_training_days_isodow")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainees")),
        sa.UniqueConstraint("phone", name=op.f("uq_trainees_phone")),
    )
    op.create_index(
        "ix_trainees_due",
        "trainees",
        ["time_zone", "send_time"],
        unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "agent_runs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "inbound_message_ids",
            postgresql.ARRAY(sa.BigInteger()),
            server_default=sa.text("'{}'::bigint[]"),
            nullable=False,
        ),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), server_default="0", nullable=False),
        sa.Column("completion_tokens", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cached_tokens", sa.Integer(), server_default="0", nullable=False),
        sa.Column("llm_calls", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column(
            "tool_calls",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("outcome", ENUMS["agent_outcome"], nullable=False),
        sa.Column("error_class", sa.String(length=100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cost_usd", sa.Numeric(precision=10, scale=6), server_default="0", nullable=False),
        sa.Column("flagged", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("flag_reason", sa.Text(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_agent_runs_trainee_id_trainees"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_runs")),
    )
    op.create_index("ix_agent_runs_created", "agent_runs", ["created_at"], unique=False)
    op.create_index(
        "ix_agent_runs_flagged",
        "agent_runs",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("flagged AND handled_at IS NULL"),
    )
    op.create_index("ix_agent_runs_trainee_created", "agent_runs", ["trainee_id", "created_at"], unique=False)
    op.create_table(
        "conversations",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("status", ENUMS["conversation_status"], server_default="active", nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_conversations_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_index(
        "uq_conversations_active",
        "conversations",
        ["trainee_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "fitness_plans",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("goal", ENUMS["goal"], nullable=False),
        sa.Column("split_template", ENUMS["split_template"], nullable=False),
        sa.Column("progression_style", ENUMS["progression_style"], nullable=False),
        sa.Column("status", ENUMS["plan_status"], server_default="active", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("duration_weeks", sa.SmallInteger(), nullable=False),
        sa.Column("days_per_week", sa.SmallInteger(), nullable=False),
        sa.Column("deload_every", sa.SmallInteger(), server_default="4", nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "days_per_week BETWEEN 1 AND 7", name=op.f("ck_fitness_plans_days_per_week_range")
        ),
        sa.CheckConstraint("deload_every BETWEEN 2 AND 8", name=op.f("ck_fitness_plans_deload_every_range")),
        sa.CheckConstraint(
            "duration_weeks BETWEEN 1 AND 16", name=op.f("ck_fitness_plans_duration_weeks_range")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_fitness_plans_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fitness_plans")),
    )
    op.create_index(op.f("ix_fitness_plans_trainee_id"), "fitness_plans", ["trainee_id"], unique=False)
    op.create_index(
        "uq_fitness_plans_current",
        "fitness_plans",
        ["trainee_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'completed'"),
    )
    op.create_table(
        "fitness_profiles",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "goals",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("experience_level", ENUMS["experience_level"], nullable=True),
        sa.Column("age", sa.SmallInteger(), nullable=True),
        sa.Column("height_cm", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("gender", sa.String(length=30), nullable=True),
        sa.Column(
            "equipment",
            postgresql.ARRAY(sa.String(length=40)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "limitations",
            postgresql.ARRAY(sa.String(length=40)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("injury_notes", sa.Text(), nullable=True),
        sa.Column("days_per_week", sa.SmallInteger(), nullable=True),
        sa.Column("session_minutes", sa.SmallInteger(), nullable=True),
        sa.Column(
            "enjoyable_activities",
            postgresql.ARRAY(sa.String(length=40)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("jsonb_typeof(goals) = 'array'", name=op.f("ck_fitness_profiles_goals_is_array")),
        sa.CheckConstraint("age BETWEEN 13 AND 110", name=op.f("ck_fitness_profiles_age_range")),
        sa.CheckConstraint(
            "days_per_week BETWEEN 1 AND 7", name=op.f("ck_fitness_profiles_days_per_week_range")
        ),
        sa.CheckConstraint(
            "height_cm > 0 AND height_cm < 260", name=op.f("ck_fitness_profiles_height_range")
        ),
        sa.CheckConstraint(
            "session_minutes BETWEEN 10 AND 240", name=op.f("ck_fitness_profiles_session_minutes_range")
        ),
        sa.CheckConstraint(
            "weight_kg > 0 AND weight_kg < 400", name=op.f("ck_fitness_profiles_weight_range")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_fitness_profiles_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fitness_profiles")),
        sa.UniqueConstraint("trainee_id", name=op.f("uq_fitness_profiles_trainee_id")),
    )
    op.create_table(
        "movement_relationships",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("source_movement_id", sa.BigInteger(), nullable=False),
        sa.Column("target_movement_id", sa.BigInteger(), nullable=False),
        sa.Column("relationship_type", ENUMS["relationship_type"], nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "source_movement_id <> target_movement_id", name=op.f("ck_movement_relationships_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["source_movement_id"],
            ["movements.id"],
            name=op.f("fk_movement_relationships_source_movement_id_movements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_movement_id"],
            ["movements.id"],
            name=op.f("fk_movement_relationships_target_movement_id_movements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_relationships")),
        sa.UniqueConstraint(
            "source_movement_id",
            "target_movement_id",
            "relationship_type",
            name=op.f("uq_movement_relationships_source_movement_id_target_movement_id_relationship_type"),
        ),
    )
    op.create_index(
        op.f("ix_movement_relationships_target_movement_id"),
        "movement_relationships",
        ["target_movement_id"],
        unique=False,
    )
    op.create_table(
        "readiness_logs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("log_date", sa.Date(), nullable=False),
        sa.Column("sleep_hours", sa.Numeric(precision=3, scale=1), nullable=True),
        sa.Column("energy", sa.SmallInteger(), nullable=True),
        sa.Column("stress", sa.SmallInteger(), nullable=True),
        sa.Column("source", ENUMS["recovery_source"], server_default="manual", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "energy IS NULL OR energy BETWEEN 1 AND 5", name=op.f("ck_readiness_logs_energy_range")
        ),
        sa.CheckConstraint(
            "sleep_hours IS NULL OR sleep_hours BETWEEN 0 AND 24", name=op.f("ck_readiness_logs_sleep_range")
        ),
        sa.CheckConstraint(
            "stress IS NULL OR stress BETWEEN 1 AND 5", name=op.f("ck_readiness_logs_stress_range")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_readiness_logs_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_logs")),
    )
    op.create_index(
        "ix_readiness_logs_trainee_date", "readiness_logs", ["trainee_id", "log_date"], unique=False
    )
    op.create_table(
        "soreness_logs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("log_date", sa.Date(), nullable=False),
        sa.Column("body_part", sa.String(length=40), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_soreness_logs_level_range")),
        sa.UniqueConstraint(
            "source_message_id", "body_part", name=op.f("uq_soreness_logs_source_message_id_body_part")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_soreness_logs_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soreness_logs")),
    )
    op.create_index(
        "ix_soreness_logs_trainee_date", "soreness_logs", ["trainee_id", "log_date"], unique=False
    )
    op.create_table(
        "trainee_movement_rules",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("movement_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_type", ENUMS["movement_rule_type"], nullable=False),
        sa.Column("cadence", ENUMS["rule_cadence"], server_default="per_microcycle", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["movements.id"],
            name=op.f("fk_trainee_movement_rules_movement_id_movements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_trainee_movement_rules_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainee_movement_rules")),
        sa.UniqueConstraint(
            "trainee_id", "movement_id", name=op.f("uq_trainee_movement_rules_trainee_id_movement_id")
        ),
    )
    op.create_index(
        op.f("ix_trainee_movement_rules_movement_id"), "trainee_movement_rules", ["movement_id"], unique=False
    )
    op.create_table(
        "mesocycles",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("sequence", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phase", ENUMS["mesocycle_phase"], nullable=False),
        sa.Column("focus", sa.Text(), nullable=True),
        sa.Column("start_week", sa.SmallInteger(), nullable=False),
        sa.Column("week_count", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["fitness_plans.id"],
            name=op.f("fk_mesocycles_plan_id_fitness_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mesocycles")),
        sa.UniqueConstraint("plan_id", "sequence", name=op.f("uq_mesocycles_plan_id_sequence")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("direction", ENUMS["message_direction"], nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("num_media", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column(
            "media",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("segments", sa.SmallInteger(), nullable=True),
        sa.Column("encoding", ENUMS["sms_encoding"], nullable=True),
        sa.Column("status", ENUMS["delivery_state"], nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("outbound_id", sa.BigInteger(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("num_media BETWEEN 0 AND 100", name=op.f("ck_messages_num_media_range")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_messages_trainee_id_trainees"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("outbound_id", name=op.f("uq_messages_outbound_id")),
        sa.UniqueConstraint("provider_sid", name=op.f("uq_messages_provider_sid")),
    )
    op.create_index(
        "ix_messages_conversation_created", "messages", ["conversation_id", "created_at"], unique=False
    )
    op.create_index(op.f("ix_messages_trainee_id"), "messages", ["trainee_id"], unique=False)
    op.create_index(
        "ix_messages_unhandled",
        "messages",
        ["trainee_id", "id"],
        unique=False,
        postgresql_where=sa.text("direction = 'inbound' AND handled_at IS NULL"),
    )
    op.create_table(
        "microcycles",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("mesocycle_id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("week_number", sa.SmallInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("length_days", sa.SmallInteger(), server_default="7", nullable=False),
        sa.Column("status", ENUMS["microcycle_status"], server_default="planned", nullable=False),
        sa.Column("is_deload", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("focus", sa.Text(), nullable=True),
        sa.Column("progressed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length_days BETWEEN 7 AND 10", name=op.f("ck_microcycles_length_days_range")),
        sa.ForeignKeyConstraint(
            ["mesocycle_id"],
            ["mesocycles.id"],
            name=op.f("fk_microcycles_mesocycle_id_mesocycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["fitness_plans.id"],
            name=op.f("fk_microcycles_plan_id_fitness_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_microcycles")),
        sa.UniqueConstraint("plan_id", "week_number", name=op.f("uq_microcycles_plan_id_week_number")),
    )
    op.create_index(op.f("ix_microcycles_mesocycle_id"), "microcycles", ["mesocycle_id"], unique=False)
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", ENUMS["outbound_kind"], nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("state", ENUMS["delivery_state"], server_default="queued", nullable=False),
        sa.Column("priority", sa.SmallInteger(), server_default="5", nullable=False),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "sequence",
            sa.BigInteger(),
            server_default=sa.text("nextval('outbound_messages_sequence_seq')"),
            nullable=False,
        ),
        sa.Column("in_reply_to_id", sa.BigInteger(), nullable=True),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("segments", sa.SmallInteger(), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbound_messages_attempts_non_negative")),
        sa.ForeignKeyConstraint(
            ["in_reply_to_id"],
            ["messages.id"],
            name=op.f("fk_outbound_messages_in_reply_to_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_outbound_messages_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbound_messages_idempotency_key")),
        sa.UniqueConstraint("provider_sid", name=op.f("uq_outbound_messages_provider_sid")),
        sa.UniqueConstraint("trainee_id", "sequence", name=op.f("uq_outbound_messages_trainee_id_sequence")),
    )
    op.create_index(
        "ix_outbound_messages_claimable",
        "outbound_messages",
        ["priority", "sequence"],
        unique=False,
        postgresql_where=sa.text("state = 'queued'"),
    )
    op.create_index(
        "ix_outbound_messages_nudges",
        "outbound_messages",
        ["trainee_id", "created_at"],
        unique=False,
        postgresql_where=sa.text("kind = 'nudge'"),
    )
    op.create_index(
        "ix_outbound_messages_state_created", "outbound_messages", ["state", "created_at"], unique=False
    )
    op.create_table(
        "workouts",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("microcycle_id", sa.BigInteger(), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("scheduled_date", sa.Date(), nullable=False),
        sa.Column("day_number", sa.SmallInteger(), nullable=False),
        sa.Column("session_type", ENUMS["session_type"], nullable=False),
        sa.Column("focus", sa.Text(), nullable=True),
        sa.Column("status", ENUMS["workout_status"], server_default="pending", nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("estimated_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("sms_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "estimated_minutes BETWEEN 1 AND 300", name=op.f("ck_workouts_estimated_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["microcycle_id"],
            ["microcycles.id"],
            name=op.f("fk_workouts_microcycle_id_microcycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainees.id"], name=op.f("fk_workouts_trainee_id_trainees"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workouts")),
    )
    op.create_index(op.f("ix_workouts_microcycle_id"), "workouts", ["microcycle_id"], unique=False)
    op.create_index("ix_workouts_trainee_date", "workouts", ["trainee_id", "scheduled_date"], unique=False)
    op.create_table(
        "workout_exercises",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("workout_id", sa.BigInteger(), nullable=False),
        sa.Column("movement_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("section", ENUMS["exercise_role"], nullable=False),
        sa.Column("superset_group", sa.SmallInteger(), nullable=True),
        sa.Column("sets", sa.SmallInteger(), nullable=False),
        sa.Column("rep_min", sa.SmallInteger(), nullable=True),
        sa.Column("rep_max", sa.SmallInteger(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("load_kg", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("percent_e1rm", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("target_rpe", sa.Numeric(precision=3, scale=1), nullable=True),
        sa.Column("target_rir", sa.SmallInteger(), nullable=True),
        sa.Column("rest_seconds", sa.SmallInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "load_kg IS NULL OR load_kg >= 0", name=op.f("ck_workout_exercises_load_non_negative")
        ),
        sa.CheckConstraint(
            "percent_e1rm IS NULL OR percent_e1rm BETWEEN 1 AND 110",
            name=op.f("ck_workout_exercises_percent_e1rm_range"),
        ),
        sa.CheckConstraint(
            "rep_max IS NULL OR rep_max >= rep_min", name=op.f("ck_workout_exercises_rep_range_ordered")
        ),
        sa.CheckConstraint(
            "rep_min IS NULL OR rep_min >= 1", name=op.f("ck_workout_exercises_rep_min_positive")
        ),
        sa.CheckConstraint("sets BETWEEN 1 AND 20", name=op.f("ck_workout_exercises_sets_range")),
        sa.CheckConstraint(
            "target_rir IS NULL OR target_rir BETWEEN 0 AND 10", name=op.f("ck_workout_exercises_rir_range")
        ),
        sa.CheckConstraint(
            "target_rpe IS NULL OR target_rpe BETWEEN 1 AND 10", name=op.f("ck_workout_exercises_rpe_range")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["movements.id"],
            name=op.f("fk_workout_exercises_movement_id_movements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["workout_id"],
            ["workouts.id"],
            name=op.f("fk_workout_exercises_workout_id_workouts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workout_exercises")),
        sa.UniqueConstraint("workout_id", "position", name=op.f("uq_workout_exercises_workout_id_position")),
    )
    op.create_index(
        op.f("ix_workout_exercises_movement_id"), "workout_exercises", ["movement_id"], unique=False
    )
    op.create_table(
        "workout_logs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("trainee_id", sa.BigInteger(), nullable=False),
        sa.Column("workout_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("log_date", sa.Date(), nullable=False),
        sa.Column("completed", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("session_rpe", sa.Numeric(precision=3, scale=1), nullable=True),
        sa.Column("duration_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 600",
            name=op.f("ck_workout_logs_duration_range"),
        ),
        sa.CheckConstraint(
            "session_rpe IS NULL OR session_rpe BETWEEN 1 AND 10",
            name=op.f("ck_workout_logs_session_rpe_range"),
        ),
        sa.ForeignKeyConstraint(
            ["source_message_id"],
            ["messages.id"],
            name=op.f("fk_workout_logs_source_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainees.id"],
            name=op.f("fk_workout_logs_trainee_id_trainees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workout_id"],
            ["workouts.id"],
            name=op.f("fk_workout_logs_workout_id_workouts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workout_logs")),
        sa.UniqueConstraint("source_message_id", name=op.f("uq_workout_logs_source_message_id")),
    )
    op.create_index("ix_workout_logs_trainee_date", "workout_logs", ["trainee_id", "log_date"], unique=False)
    op.create_index(op.f("ix_workout_logs_workout_id"), "workout_logs", ["workout_id"], unique=False)
    op.create_table(
        "set_logs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("workout_log_id", sa.BigInteger(), nullable=False),
        sa.Column("movement_id", sa.BigInteger(), nullable=False),
        sa.Column("pattern", ENUMS["movement_pattern"], nullable=False),
        sa.Column("sets_done", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("weight_kg", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("entered_units", ENUMS["units"], nullable=False),
        sa.Column("reps", sa.SmallInteger(), nullable=False),
        sa.Column("rpe", sa.Numeric(precision=3, scale=1), nullable=True),
        sa.Column("rir", sa.SmallInteger(), nullable=True),
        sa.Column("is_top_set", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("e1rm_kg", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("e1rm_formula", ENUMS["e1rm_formula"], nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("reps BETWEEN 0 AND 100", name=op.f("ck_set_logs_reps_range")),
        sa.CheckConstraint("rir IS NULL OR rir BETWEEN 0 AND 10", name=op.f("ck_set_logs_rir_range")),
        sa.CheckConstraint("rpe IS NULL OR rpe BETWEEN 1 AND 10", name=op.f("ck_set_logs_rpe_range")),
        sa.CheckConstraint("sets_done BETWEEN 1 AND 50", name=op.f("ck_set_logs_sets_done_range")),
        sa.CheckConstraint("weight_kg >= 0 AND weight_kg < 1000", name=op.f("ck_set_logs_weight_range")),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["movements.id"],
            name=op.f("fk_set_logs_movement_id_movements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["workout_log_id"],
            ["workout_logs.id"],
            name=op.f("fk_set_logs_workout_log_id_workout_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_logs")),
    )
    op.create_index("ix_set_logs_movement_created", "set_logs", ["movement_id", "created_at"], unique=False)
    op.create_index(op.f("ix_set_logs_workout_log_id"), "set_logs", ["workout_log_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_soreness_logs_source_message_id_messages"),
        "soreness_logs",
        "messages",
        ["source_message_id"],
        ["id"],
        ondelete="SET NULL",
    )
    # messages <-> outbound_messages refer to each other; this side is added once both exist.
    op.create_foreign_key(
        op.f("fk_messages_outbound_id_outbound_messages"),
        "messages",
        "outbound_messages",
        ["outbound_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_soreness_logs_source_message_id_messages"), "soreness_logs", type_="foreignkey"
    )
    op.execute(DROP_LOCAL_INSTANT)
    op.drop_constraint(op.f("fk_messages_outbound_id_outbound_messages"), "messages", type_="foreignkey")
    op.drop_index(op.f("ix_set_logs_workout_log_id"), table_name="set_logs")
    op.drop_index("ix_set_logs_movement_created", table_name="set_logs")
    op.drop_table("set_logs")
    op.drop_index(op.f("ix_workout_logs_workout_id"), table_name="workout_logs")
    op.drop_index("ix_workout_logs_trainee_date", table_name="workout_logs")
    op.drop_table("workout_logs")
    op.drop_index(op.f("ix_workout_exercises_movement_id"), table_name="workout_exercises")
    op.drop_table("workout_exercises")
    op.drop_index("ix_workouts_trainee_date", table_name="workouts")
    op.drop_index(op.f("ix_workouts_microcycle_id"), table_name="workouts")
    op.drop_table("workouts")
    op.drop_index(
        "ix_outbound_messages_nudges",
        table_name="outbound_messages",
        postgresql_where=sa.text("kind = 'nudge'"),
    )
    op.drop_index("ix_outbound_messages_state_created", table_name="outbound_messages")
    op.drop_index(
        "ix_outbound_messages_claimable",
        table_name="outbound_messages",
        postgresql_where=sa.text("state = 'queued'"),
    )
    op.drop_table("outbound_messages")
    op.drop_index(op.f("ix_microcycles_mesocycle_id"), table_name="microcycles")
    op.drop_table("microcycles")
    op.drop_index(
        "ix_messages_unhandled",
        table_name="messages",
        postgresql_where=sa.text("direction = 'inbound' AND handled_at IS NULL"),
    )
    op.drop_index(op.f("ix_messages_trainee_id"), table_name="messages")
    op.drop_index("ix_messages_conversation_created", table_name="messages")
    op.drop_table("messages")
    op.drop_table("mesocycles")
    op.drop_index(op.f("ix_trainee_movement_rules_movement_id"), table_name="trainee_movement_rules")
    op.drop_table("trainee_movement_rules")
    op.drop_index("ix_soreness_logs_trainee_date", table_name="soreness_logs")
    op.drop_table("soreness_logs")
    op.drop_index("ix_readiness_logs_trainee_date", table_name="readiness_logs")
    op.drop_table("readiness_logs")
    op.drop_index(op.f("ix_movement_relationships_target_movement_id"), table_name="movement_relationships")
    op.drop_table("movement_relationships")
    op.drop_table("fitness_profiles")
    op.drop_index(
        "uq_fitness_plans_current",
        table_name="fitness_plans",
        postgresql_where=sa.text("status <> 'completed'"),
    )
    op.drop_index(op.f("ix_fitness_plans_trainee_id"), table_name="fitness_plans")
    op.drop_table("fitness_plans")
    op.drop_index(
        "uq_conversations_active", table_name="conversations", postgresql_where=sa.text("status = 'active'")
    )
    op.drop_table("conversations")
    op.drop_index("ix_agent_runs_trainee_created", table_name="agent_runs")
    op.drop_index(
        "ix_agent_runs_flagged",
        table_name="agent_runs",
        postgresql_where=sa.text("flagged AND handled_at IS NULL"),
    )
    op.drop_index("ix_agent_runs_created", table_name="agent_runs")
    op.drop_table("agent_runs")
    op.drop_index("ix_trainees_due", table_name="trainees", postgresql_where=sa.text("status = 'active'"))
    op.drop_table("trainees")
    op.drop_index(op.f("ix_movements_substitution_group"), table_name="movements")
    op.drop_index(op.f("ix_movements_primary_muscle"), table_name="movements")
    op.drop_index(op.f("ix_movements_pattern"), table_name="movements")
    op.drop_table("movements")
    op.execute(sa.schema.DropSequence(sa.Sequence("outbound_messages_sequence_seq")))
    bind = op.get_bind()
    for enum in ENUMS.values():
        enum.drop(bind)
