"""The agent's tools: strict schemas, validated calls, this trainee's data only, all-or-nothing changes."""

from __future__ import annotations

import json
from datetime import time, timedelta
from typing import Any, get_args

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from coach.agent.tools import TOOLS, ToolResult, run_tool
from coach.agent.tools_schema import ARGUMENTS, Equipment
from coach.agent.turn import Turn
from coach.models import FitnessPlan, ReadinessLog, SorenessLog, Workout, WorkoutLog
from coach.models.enums import PersonaTone, PlanStatus, TraineeStatus, Units, WorkoutStatus
from coach.movements.library import EQUIPMENT
from tests.test_agent_context import ZONE, Coached, coached


def call(db: Session, turn: Turn, tool: str, /, **arguments: Any) -> tuple[ToolResult, dict[str, Any]]:
    result = run_tool(db, turn, tool, json.dumps(arguments))
    return result, json.loads(result.content)


@pytest.fixture
def mine(db, settings) -> Coached:
    """Avery, in week 1 of a plan: Thursday 18:00 local, Mon and Tue done, Thu (today) and Fri pending."""
    return coached(db, settings, name="Avery", week=1, messages=2)


@pytest.fixture
def theirs(db, settings) -> Coached:
    return coached(db, settings, name="Blake", week=1, messages=2, text="blake's secret 4242")


def workout(db: Session, owner_id: int, day) -> Workout:
    found = db.scalar(sa.select(Workout).where(Workout.trainee_id == owner_id, Workout.scheduled_date == day))
    assert found is not None
    return found


def main_exercise(row: Workout) -> str:
    return next(e.movement.name for e in row.exercises if e.section.value == "main")


# Schemas


def _objects(schema: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        types = schema.get("type")
        if types == "object" or (isinstance(types, list) and "object" in types):
            found.append(schema)
        for value in schema.values():
            found.extend(_objects(value))
    elif isinstance(schema, list):
        for item in schema:
            found.extend(_objects(item))
    return found


def test_every_tool_has_a_strict_schema_with_every_property_required_and_nothing_extra():
    assert [tool["function"]["name"] for tool in TOOLS] == list(ARGUMENTS)
    for tool in TOOLS:
        function = tool["function"]
        assert tool["type"] == "function" and function["strict"] is True and function["description"]
        text = json.dumps(function["parameters"])
        assert "$ref" not in text and "$defs" not in text and '"title"' not in text
        objects = _objects(function["parameters"])
        assert objects[0] is function["parameters"]
        for schema in objects:
            assert schema["additionalProperties"] is False, function["name"]
            assert sorted(schema["required"]) == sorted(schema["properties"]), function["name"]
            assert not {"phone", "trainee", "trainee_id", "user_id"} & set(schema["properties"])


def test_optional_arguments_are_nullable_and_required():
    properties = TOOLS[list(ARGUMENTS).index("swap_exercise")]["function"]["parameters"]["properties"]
    assert properties["replacement"]["type"] == ["string", "null"]
    profile = TOOLS[list(ARGUMENTS).index("update_profile")]["function"]["parameters"]["properties"]
    assert profile["units"]["anyOf"][1] == {"type": "null"}
    assert profile["equipment"]["type"] == ["array", "null"]


def test_the_equipment_names_are_the_movement_librarys():
    assert set(get_args(Equipment)) == EQUIPMENT


# Calls that cannot run


def test_bad_json_bad_arguments_and_unknown_tools_come_back_as_errors(db, mine):
    cases = [
        ("get_workout", "{not json", "not valid JSON"),
        ("get_workout", "{}", "date: Field required"),
        ("get_workout", '{"date": "today", "trainee_id": 2}', "trainee_id: not an argument"),
        ("shorten_workout", '{"date": "today", "minutes": 2}', "minutes: Input should be greater than"),
        ("record_soreness", '{"body_part": "quads", "level": 9}', "level"),
        ("set_schedule", '{"send_time": "25:00", "time_zone": null, "training_days": null}', "send_time"),
        ("delete_everything", "{}", "unknown tool"),
    ]
    for name, arguments, expected in cases:
        result = run_tool(db, mine.turn, name, arguments)
        assert not result.ok and not result.changed, name
        assert expected in json.loads(result.content)["error"], result.content


def test_unreadable_dates_are_refused(db, mine):
    result, body = call(db, mine.turn, "get_workout", date="someday soon")
    assert not result.ok and "can't read the date" in body["error"]


# Reading


def test_get_workout_reads_today_tomorrow_and_a_weekday_in_local_time(db, mine):
    today = mine.turn.local_date
    result, body = call(db, mine.turn, "get_workout", date="today")
    assert result.ok and not result.changed
    assert body["workouts"][0]["date"] == today.isoformat()
    assert body["workouts"][0]["text"] == workout(db, mine.owner.id, today).sms_text
    _, tomorrow = call(db, mine.turn, "get_workout", date="tomorrow")
    _, friday = call(db, mine.turn, "get_workout", date="Friday")
    assert tomorrow == friday and friday["workouts"][0]["date"] == (today + timedelta(days=1)).isoformat()
    rest, body = call(db, mine.turn, "get_workout", date="wednesday")  # next Wednesday: a rest day
    assert not rest.ok and "no workout" in body["error"]


def test_get_week_lists_this_and_next_week(db, mine):
    result, body = call(db, mine.turn, "get_week", offset=0)
    assert result.ok and body["week"] == 1 and body["of"] == 10
    assert [w["status"] for w in body["workouts"]] == ["completed", "completed", "pending", "pending"]
    _, nxt = call(db, mine.turn, "get_week", offset=1)
    assert nxt["week"] == 2
    outside, body = call(db, mine.turn, "get_week", offset=16)
    assert not outside.ok and "no week" in body["error"]


# Another trainee's data


def test_a_date_only_another_trainee_trains_on_has_no_workout_for_this_one(db, mine, theirs):
    friday = mine.turn.local_date + timedelta(days=1)
    workout(db, mine.owner.id, friday).scheduled_date = friday + timedelta(days=1)  # mine moved to Saturday
    db.flush()
    assert workout(db, theirs.owner.id, friday).status is WorkoutStatus.PENDING

    outputs = [
        call(db, mine.turn, "get_workout", date=friday.isoformat()),
        call(
            db,
            mine.turn,
            "swap_exercise",
            date=friday.isoformat(),
            exercise="squat",
            reason=None,
            replacement=None,
        ),
        call(db, mine.turn, "skip_workout", date=friday.isoformat()),
    ]

    assert all(not result.ok and "no workout" in body["error"] for result, body in outputs)
    assert workout(db, theirs.owner.id, friday).status is WorkoutStatus.PENDING


def test_no_tool_output_holds_another_trainees_name_or_anyones_phone(db, mine, theirs):
    today = mine.turn.local_date.isoformat()
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_workout", {"date": today}),
        ("get_week", {"offset": 0}),
        ("record_soreness", {"body_part": "quads", "level": 2}),
        ("record_readiness", {"sleep_hours": 7.5, "energy": 4, "stress": 2}),
        ("adjust_difficulty", {"date": today, "direction": "easier"}),
        ("shorten_workout", {"date": "tomorrow", "minutes": 30}),
        ("log_workout", _log_args(today)),
        ("pause_plan", {}),
        ("resume_plan", {}),
        ("update_profile", _profile_args(persona_aggression=2)),
    ]
    for name, arguments in calls:
        result = run_tool(db, mine.turn, name, json.dumps(arguments))
        assert result.ok, (name, result.content)
        for secret in (theirs.owner.phone, mine.owner.phone, "Blake", "4242"):
            assert secret not in result.content, (name, result.content)


# Logging


def _log_args(day: str, **overrides: Any) -> dict[str, Any]:
    sets = [
        {"exercise": "ohp", "weight": 40, "unit": None, "reps": 8, "sets": 3, "rpe": 8},
        {"exercise": "Pull ups", "weight": None, "unit": None, "reps": 6, "sets": 3, "rpe": None},
    ]
    return {"date": day, "completed": True, "sets": sets, "session_rpe": 7.5, "notes": None, **overrides}


def test_log_workout_stores_the_session_with_e1rms_and_completes_the_days_workout(db, mine):
    result, body = call(db, mine.turn, "log_workout", **_log_args("today"))

    assert result.ok and result.changed and body["completed"] is True
    assert body["matched_planned_workout"] is True
    assert [(s["exercise"], s["reps"], s["sets"]) for s in body["sets"]] == [
        ("Barbell Overhead Press", 8, 3),
        ("Pull-Up", 6, 3),
    ]
    assert body["sets"][0]["e1rm"] == pytest.approx(50.7, abs=0.5) and body["sets"][1]["e1rm"] is None
    assert workout(db, mine.owner.id, mine.turn.local_date).status is WorkoutStatus.COMPLETED

    again, body = call(db, mine.turn, "log_workout", **_log_args("today"))
    assert again.ok and not again.changed and body["already_logged_from_this_text"] is True


def test_an_exercise_name_the_library_does_not_know_logs_nothing(db, mine):
    before = db.scalar(sa.select(sa.func.count()).select_from(WorkoutLog))
    args = _log_args("today")
    args["sets"].append(
        {"exercise": "moon press", "weight": 50, "unit": "kg", "reps": 5, "sets": 1, "rpe": None}
    )

    result, body = call(db, mine.turn, "log_workout", **args)

    assert not result.ok and "unknown exercise 'moon press'" in body["error"]
    assert db.scalar(sa.select(sa.func.count()).select_from(WorkoutLog)) == before


def test_a_future_session_cannot_be_logged_and_a_weekday_means_the_last_one(db, mine):
    future, body = call(db, mine.turn, "log_workout", **_log_args("2099-01-01"))
    assert not future.ok and "future" in body["error"]
    result, body = call(db, mine.turn, "log_workout", **_log_args("monday", sets=[]))
    assert result.ok and body["date"] == (mine.turn.local_date - timedelta(days=3)).isoformat()


def test_soreness_and_readiness_are_recorded_for_today(db, mine):
    sore, body = call(db, mine.turn, "record_soreness", body_part="Lower Back", level=4)
    assert sore.ok and sore.changed and body["body_part"] == "lower back"
    ready, body = call(db, mine.turn, "record_readiness", sleep_hours=6.5, energy=None, stress=4)
    assert ready.ok and body == {
        "date": mine.turn.local_date.isoformat(),
        "sleep_hours": 6.5,
        "energy": None,
        "stress": 4,
    }
    rows = db.scalars(sa.select(SorenessLog).where(SorenessLog.trainee_id == mine.owner.id)).all()
    assert ("lower back", 4) in {(row.body_part, row.level) for row in rows}
    assert db.scalar(sa.select(ReadinessLog.stress).where(ReadinessLog.trainee_id == mine.owner.id)) == 4
    empty, body = call(db, mine.turn, "record_readiness", sleep_hours=None, energy=None, stress=None)
    assert not empty.ok and "at least one" in body["error"]


# Changing workouts


def test_swap_exercise_puts_in_a_safe_library_movement_and_rewrites_the_text(db, mine):
    today = workout(db, mine.owner.id, mine.turn.local_date)
    old = main_exercise(today)

    result, body = call(
        db,
        mine.turn,
        "swap_exercise",
        date="today",
        exercise=old,
        reason="the bar is taken",
        replacement=None,
    )

    assert result.ok and result.changed and body["swapped"] == old and body["for"] != old
    assert body["for"] in body["workout"]["text"] and old not in body["workout"]["text"]
    assert today.sms_text == body["workout"]["text"]


def test_a_sore_joint_with_no_safe_stand_in_takes_the_exercise_out(db, mine):
    today = workout(db, mine.owner.id, mine.turn.local_date)
    assert main_exercise(today) == "Barbell Overhead Press"  # every vertical press loads the shoulder
    arguments: dict[str, Any] = {"date": "today", "exercise": "overhead press", "replacement": None}
    result, body = call(db, mine.turn, "swap_exercise", **arguments, reason="my shoulder hurts")
    assert result.ok and result.changed and body["removed"] == "Barbell Overhead Press"
    assert "Overhead Press" not in body["workout"]["text"] and today.sms_text == body["workout"]["text"]
    # a replacement the trainee named that loads the joint is refused, and nothing is taken out
    before = today.sms_text
    arguments = {**arguments, "exercise": "incline dumbbell press", "replacement": "dumbbell shoulder press"}
    result, body = call(db, mine.turn, "swap_exercise", **arguments, reason="shoulder still hurts")
    assert not result.ok and "shoulder" in body["error"] and today.sms_text == before


def test_swap_refuses_made_up_replacements_and_exercises_not_in_the_workout(db, mine):
    old = main_exercise(workout(db, mine.owner.id, mine.turn.local_date))
    made_up, body = call(
        db, mine.turn, "swap_exercise", date="today", exercise=old, reason=None, replacement="moon press"
    )
    assert not made_up.ok and "not in the movement library" in body["error"]
    missing, body = call(
        db, mine.turn, "swap_exercise", date="today", exercise="zercher carry", reason=None, replacement=None
    )
    assert not missing.ok and "no 'zercher carry' in this workout" in body["error"]


def test_move_skip_shorten_and_adjust_change_the_pending_workout(db, mine):
    today = mine.turn.local_date
    moved, body = call(db, mine.turn, "move_workout", from_date="today", to_date="saturday")
    assert moved.ok and body["workout"]["date"] == (today + timedelta(days=2)).isoformat()
    yesterday = (today - timedelta(days=1)).isoformat()
    past, body = call(db, mine.turn, "move_workout", from_date="saturday", to_date=yesterday)
    assert not past.ok and "in the past" in body["error"]

    short, body = call(db, mine.turn, "shorten_workout", date="tomorrow", minutes=25)
    assert short.ok and body["minutes_after"] <= body["minutes_before"]
    easier, body = call(db, mine.turn, "adjust_difficulty", date="tomorrow", direction="easier")
    assert easier.ok and easier.changed and body["changed"]

    skipped, body = call(db, mine.turn, "skip_workout", date="tomorrow")
    assert skipped.ok and body == {"skipped": (today + timedelta(days=1)).isoformat()}
    again, body = call(db, mine.turn, "skip_workout", date="tomorrow")
    assert not again.ok and "already skipped" in body["error"]


def test_pause_and_resume_the_plan(db, mine):
    paused, body = call(db, mine.turn, "pause_plan")
    assert paused.ok and paused.changed and body == {"plan": "paused", "already": False}
    assert mine.owner.status is TraineeStatus.PAUSED
    resumed, body = call(db, mine.turn, "resume_plan")
    assert resumed.ok and body["plan"] == "active" and mine.owner.status is TraineeStatus.ACTIVE
    again, body = call(db, mine.turn, "resume_plan")
    assert again.ok and not again.changed and body["already"] is True


# Profile, schedule, plan


def _profile_args(**fields: Any) -> dict[str, Any]:
    names = ["name", "goals", "experience", "session_minutes", "equipment", "limitations", "injury_notes"]
    names += ["units", "persona_tone", "persona_aggression"]
    return {name: fields.get(name) for name in names}


def test_update_profile_stores_persona_and_says_when_the_plan_needs_regenerating(db, mine):
    persona, body = call(
        db, mine.turn, "update_profile", **_profile_args(persona_tone="drill_sergeant", persona_aggression=5)
    )
    assert persona.ok and body == {
        "updated": ["persona_aggression", "persona_tone"],
        "regenerate_needed": False,
    }
    assert (mine.owner.persona_tone, mine.owner.persona_aggression) == (PersonaTone.DRILL_SERGEANT, 5)

    kit, body = call(
        db, mine.turn, "update_profile", **_profile_args(equipment=["dumbbell", "bench"], goals=["strength"])
    )
    assert kit.ok and body["regenerate_needed"] is True and "regenerate_plan" in body["hint"]
    assert mine.owner.profile is not None and mine.owner.profile.equipment == ["bench", "dumbbell"]
    assert mine.owner.profile.goals == [{"goal": "strength", "weight": 10}]

    nothing, body = call(db, mine.turn, "update_profile", **_profile_args())
    assert not nothing.ok and "no field given" in body["error"]


def test_switching_to_pounds_rewrites_the_pending_workout_texts(db, mine):
    result, body = call(db, mine.turn, "update_profile", **_profile_args(units="lb"))
    assert result.ok and body["workouts_rewritten_in_new_units"] > 0
    assert mine.owner.units is Units.LB


def test_set_schedule_changes_time_and_zone_and_new_days_rebuild_the_plan(db, mine):
    result, body = call(
        db,
        mine.turn,
        "set_schedule",
        send_time="06:30",
        time_zone="Europe/London",
        training_days=["monday", "wednesday", "friday"],
    )

    assert result.ok and result.changed
    assert (mine.owner.send_time, mine.owner.time_zone) == (time(6, 30), "Europe/London")
    assert sorted(mine.owner.training_days) == [1, 3, 5]
    # Thursday 18:00 in Chicago is midnight going into Friday in London, before the new 06:30 text: the new
    # plan starts that Friday, and its Friday workout is the one the text sends.
    assert mine.turn.local_now.hour == 0
    assert body["plan_rebuilt_from"] == mine.turn.local_date.isoformat()
    plans = db.scalars(sa.select(FitnessPlan.status).where(FitnessPlan.trainee_id == mine.owner.id)).all()
    assert sorted(plans) == sorted([PlanStatus.ACTIVE, PlanStatus.COMPLETED])


def test_an_unknown_time_zone_is_refused(db, mine):
    result, body = call(
        db, mine.turn, "set_schedule", send_time=None, time_zone="Mars/Olympus", training_days=None
    )
    assert not result.ok and "unknown time zone" in body["error"]
    assert mine.owner.time_zone == ZONE


def test_a_tool_that_fails_half_way_leaves_nothing_changed(db, mine):
    # The time zone and send time are written first; the single training day is refused after that.
    result, body = call(
        db,
        mine.turn,
        "set_schedule",
        send_time="05:00",
        time_zone="Asia/Tokyo",
        training_days=["monday", "monday"],
    )

    assert not result.ok and "pick 2 to 7 training days" in body["error"]
    db.expire_all()
    assert (mine.owner.time_zone, mine.owner.send_time) == (ZONE, time(7, 0))


def test_regenerate_plan_builds_a_new_plan_from_tomorrow(db, mine):
    result, body = call(db, mine.turn, "regenerate_plan", reason="new gym with more equipment")

    assert result.ok and result.changed and body["weeks"] >= 8
    assert body["plan_rebuilt_from"] == (mine.turn.local_date + timedelta(days=1)).isoformat()
    assert body["first_workout"]["date"] >= body["plan_rebuilt_from"]
    current = db.scalar(
        sa.select(FitnessPlan).where(
            FitnessPlan.trainee_id == mine.owner.id, FitnessPlan.status == PlanStatus.ACTIVE
        )
    )
    assert current is not None and current.reason == "new gym with more equipment"
