"""The one statement that reads everything the coach sees in a turn, as a single row of JSON.

Every part is bounded by an index range and a LIMIT, so its cost does not grow with the trainee's history:
the conversation window walks `ix_messages_conversation_created` backwards from the newest text and stops
after `max_messages` (a workout text the coach sent shows as its first line, since the plan is in the
context anyway); older texts are read only back to the summary's watermark (`summary_through_*` in
the conversation's `state["memory"]`), so each one is folded into the summary once and then never read
again. The trainee's phone number is never selected.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

CONTEXT_SQL = """
WITH conv AS (
    SELECT c.id, c.summary,
           coalesce((c.state -> 'memory' ->> 'summary_through_id')::bigint, 0) AS through_id,
           coalesce((c.state -> 'memory' ->> 'summary_through_at')::timestamptz, '-infinity') AS through_at
    FROM conversations c
    WHERE c.id = :conversation_id AND c.trainee_id = :trainee_id
),
trainee AS (
    SELECT t.name, t.time_zone, to_char(t.send_time, 'HH24:MI') AS send_time, t.training_days, t.status,
           t.units, t.persona_tone, t.persona_aggression,
           p.goals, p.experience_level, p.equipment, p.limitations, p.injury_notes, p.session_minutes,
           ARRAY(
               SELECT m.name FROM trainee_movement_rules r JOIN movements m ON m.id = r.movement_id
               WHERE r.trainee_id = t.id AND r.rule_type = 'hard_no' ORDER BY m.name
           ) AS hard_no
    FROM trainees t LEFT JOIN fitness_profiles p ON p.trainee_id = t.id
    WHERE t.id = :trainee_id
),
plan AS (
    SELECT id, name, goal, status, split_template, start_date, end_date, duration_weeks, days_per_week
    FROM fitness_plans
    WHERE trainee_id = :trainee_id AND status <> 'completed'
    ORDER BY id DESC
    LIMIT 1
),
week AS (
    -- The week that holds today; before the plan starts, its first week.
    SELECT mc.id, mc.week_number, mc.start_date, mc.is_deload, me.phase, coalesce(mc.focus, me.focus) AS focus
    FROM microcycles mc JOIN mesocycles me ON me.id = mc.mesocycle_id
    WHERE mc.plan_id = (SELECT id FROM plan)
    ORDER BY mc.start_date <= :today DESC, abs(mc.start_date - :today)
    LIMIT 1
),
plan_workouts AS NOT MATERIALIZED (
    SELECT w.id, w.microcycle_id, w.scheduled_date, w.status, w.session_type, w.focus,
           w.estimated_minutes, w.sms_text
    FROM workouts w JOIN microcycles mc ON mc.id = w.microcycle_id
    WHERE w.trainee_id = :trainee_id AND mc.plan_id = (SELECT id FROM plan)
),
today AS (
    SELECT * FROM plan_workouts WHERE scheduled_date = :today
),
upcoming AS (
    SELECT * FROM plan_workouts
    WHERE scheduled_date > :today AND status = 'pending'
    ORDER BY scheduled_date, id
    LIMIT 1
),
week_workouts AS (
    SELECT id, scheduled_date, status, session_type, estimated_minutes
    FROM plan_workouts WHERE microcycle_id = (SELECT id FROM week)
),
logs AS (
    SELECT id, log_date, completed, session_rpe
    FROM workout_logs
    WHERE trainee_id = :trainee_id AND log_date <= :today
    ORDER BY log_date DESC, id DESC
    LIMIT :log_limit
),
e1rms AS (
    SELECT m.name, max(sl.e1rm_kg) AS kg
    FROM workout_logs wl
    JOIN set_logs sl ON sl.workout_log_id = wl.id
    JOIN movements m ON m.id = sl.movement_id
    WHERE wl.trainee_id = :trainee_id AND wl.log_date > :e1rm_since AND wl.log_date <= :today
      AND sl.e1rm_kg IS NOT NULL
    GROUP BY m.name
    ORDER BY kg DESC, m.name
    LIMIT :e1rm_limit
),
soreness AS (
    SELECT log_date, body_part, level
    FROM soreness_logs
    WHERE trainee_id = :trainee_id AND log_date > :soreness_since AND log_date <= :today
    ORDER BY log_date DESC, id DESC
    LIMIT :soreness_limit
),
readiness AS (
    SELECT log_date, sleep_hours, energy, stress
    FROM readiness_logs
    WHERE trainee_id = :trainee_id AND log_date > :soreness_since AND log_date <= :today
    ORDER BY log_date DESC, id DESC
    LIMIT 1
),
newest AS (
    -- Newest first, never the texts this turn answers, never what the summary already holds.
    SELECT id, direction, body, created_at, outbound_id
    FROM messages
    WHERE conversation_id = (SELECT id FROM conv)
      AND id <> ALL(:owed_ids)
      AND created_at >= (SELECT through_at FROM conv) AND id > (SELECT through_id FROM conv)
    ORDER BY created_at DESC  -- the index order, so the scan stops after max_messages rows
    LIMIT :max_messages
),
recent AS (
    -- A workout text the coach sent is its first line here: the plan itself is in the context.
    SELECT n.id, n.direction, n.created_at,
           CASE WHEN o.kind IN ('daily_workout', 'weekly_preview')
                THEN left(split_part(n.body, chr(10), 1), :body_chars) || ' (workout text)'
                ELSE left(n.body, :body_chars)
           END AS body
    FROM newest n LEFT JOIN outbound_messages o ON o.id = n.outbound_id
),
counted AS (
    SELECT *,
           sum(length(body) + :message_overhead) OVER newest_first AS running,
           row_number() OVER newest_first AS n
    FROM recent
    WINDOW newest_first AS (ORDER BY created_at DESC, id DESC ROWS UNBOUNDED PRECEDING)
),
kept AS (
    -- Within the character budget; the newest text always, so the coach knows what it last said.
    SELECT id, direction, body, created_at FROM counted WHERE running <= :budget_chars OR n = 1
),
oldest_kept AS (
    SELECT created_at, id FROM kept ORDER BY created_at, id LIMIT 1
),
older AS (
    -- Texts that fell out of the window and are not in the summary yet (the newest few of them).
    SELECT id, direction, left(body, :fold_chars) AS body, created_at
    FROM messages
    WHERE conversation_id = (SELECT id FROM conv)
      AND id <> ALL(:owed_ids)
      AND created_at >= (SELECT through_at FROM conv) AND id > (SELECT through_id FROM conv)
      AND created_at <= (SELECT created_at FROM oldest_kept)
      AND (created_at, id) < (SELECT created_at, id FROM oldest_kept)
    ORDER BY created_at DESC
    LIMIT :fold_limit
)
SELECT json_build_object(
    'trainee', (SELECT row_to_json(t) FROM trainee t),
    'summary', (SELECT summary FROM conv),
    'plan', (SELECT row_to_json(p) FROM plan p),
    'week', (SELECT row_to_json(w) FROM week w),
    'today', (
        SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.status <> 'pending', x.id), '[]'::json)
        FROM today x
    ),
    'next', (SELECT row_to_json(x) FROM upcoming x),
    'week_workouts', (
        SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.scheduled_date, x.id), '[]'::json)
        FROM week_workouts x
    ),
    'logs', (
        SELECT coalesce(json_agg(json_build_object(
            'log_date', l.log_date, 'completed', l.completed, 'session_rpe', l.session_rpe,
            'sets', (
                SELECT coalesce(json_agg(row_to_json(s) ORDER BY s.id), '[]'::json)
                FROM (
                    SELECT sl.id, m.name, sl.weight_kg, sl.reps, sl.sets_done, sl.rpe
                    FROM set_logs sl JOIN movements m ON m.id = sl.movement_id
                    WHERE sl.workout_log_id = l.id
                    ORDER BY sl.e1rm_kg DESC NULLS LAST, sl.id
                    LIMIT :sets_per_log
                ) s
            )
        ) ORDER BY l.log_date DESC, l.id DESC), '[]'::json)
        FROM logs l
    ),
    'e1rms', (SELECT coalesce(json_agg(row_to_json(e) ORDER BY e.kg DESC, e.name), '[]'::json) FROM e1rms e),
    'soreness', (
        SELECT coalesce(json_agg(row_to_json(s) ORDER BY s.log_date DESC), '[]'::json) FROM soreness s
    ),
    'readiness', (SELECT row_to_json(r) FROM readiness r),
    'history', (
        SELECT coalesce(json_agg(json_build_object(
            'id', k.id, 'inbound', k.direction = 'inbound', 'body', k.body,
            'at', k.created_at AT TIME ZONE 'UTC'
        ) ORDER BY k.created_at, k.id), '[]'::json)
        FROM kept k
    ),
    'older', (
        SELECT coalesce(json_agg(json_build_object(
            'id', o.id, 'inbound', o.direction = 'inbound', 'body', o.body,
            'at', o.created_at AT TIME ZONE 'UTC'
        ) ORDER BY o.created_at, o.id), '[]'::json)
        FROM older o
    ),
    'llm_calls_today', (
        SELECT coalesce(sum(llm_calls), 0) FROM agent_runs
        WHERE trainee_id = :trainee_id AND created_at >= :day_start
    ),
    'llm_tokens_today', (
        SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM agent_runs
        WHERE trainee_id = :trainee_id AND created_at >= :day_start
    ),
    'texts_last_minute', (
        SELECT count(*) FROM messages
        WHERE conversation_id = :conversation_id AND trainee_id = :trainee_id
          AND direction = 'inbound' AND created_at > :minute_ago
    )
)
"""

# Typed, so psycopg sends a bigint[] and timestamptz values rather than guessing from Python types.
PARAMETERS = (
    sa.bindparam("trainee_id", type_=sa.BigInteger),
    sa.bindparam("conversation_id", type_=sa.BigInteger),
    sa.bindparam("today", type_=sa.Date),
    sa.bindparam("e1rm_since", type_=sa.Date),
    sa.bindparam("soreness_since", type_=sa.Date),
    sa.bindparam("day_start", type_=sa.DateTime(timezone=True)),
    sa.bindparam("minute_ago", type_=sa.DateTime(timezone=True)),
    sa.bindparam("owed_ids", type_=ARRAY(sa.BigInteger)),
)
CONTEXT_QUERY = sa.text(CONTEXT_SQL).bindparams(*PARAMETERS)
