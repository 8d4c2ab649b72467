"""Safety triage: red flags stop the coaching with a careful reply; ordinary gym talk does not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from coach.agent.safety import SafetyFlag, safety_reply, triage
from coach.agent.turn import Turn
from coach.config import Settings
from coach.messaging.text import encoding_of, segment_count
from coach.models import FitnessPlan, Message, Trainee
from coach.models.enums import AgentOutcome, DeliveryState, Direction, Encoding, PlanStatus, TraineeStatus
from tests import factories

RED_FLAGS = [
    ("sharp pain in my knee", "joint_pain"),
    ("chest pain when running", "chest_pain"),
    ("I blacked out on the bike", "fainting"),
    ("I want to kill myself", "self_harm"),
    ("My chest feels tight and I'm sweating", "chest_pain"),
    ("pressure in my chest during the run", "chest_pain"),
    ("my chest hurts", "chest_pain"),
    ("no pain but my chest feels tight", "chest_pain"),
    ("my heart has palpitations during cardio", "chest_pain"),
    ("I passed out after squats", "fainting"),
    ("nearly fainted during deadlifts", "fainting"),
    ("felt faint on the treadmill", "fainting"),
    ("lost consciousness for a second", "fainting"),
    ("shortness of breath even when resting", "breathing"),
    ("can't catch my breath even sitting down", "breathing"),
    ("still can't breathe properly an hour later", "breathing"),
    ("trouble breathing after my run", "breathing"),
    ("shooting pain down my leg", "joint_pain"),
    ("stabbing pain in my shoulder when I press", "joint_pain"),
    ("my knee pain is getting worse", "joint_pain"),
    ("worsening pain in my lower back", "joint_pain"),
    ("done but I got a sharp pain in my elbow", "joint_pain"),
    ("heard a pop in my knee and now it's swollen", "injury"),
    ("felt something pop in my hamstring", "injury"),
    ("Not sure if I tore something, heard a pop", "injury"),
    ("I think I tore my calf", "injury"),
    ("I can't put weight on my ankle", "injury"),
    ("numbness and tingling down my arm", "injury"),
    ("my fingers went numb and tingly", "injury"),
    ("I think I dislocated my shoulder", "injury"),
    ("knee buckled on the last rep", "injury"),
    ("Rolled my ankle on the run", "injury"),
    ("I've been thinking about ending my life", "self_harm"),
    ("I don't want to be alive anymore", "self_harm"),
    ("I want to hurt myself", "self_harm"),
    ("I feel suicidal", "self_harm"),
    ("I'm not suicidal but I think about ending it all", "self_harm"),
    ("I keep making myself throw up after meals", "disordered_eating"),
    ("haven't eaten in 3 days", "disordered_eating"),
    ("I've been starving myself to lose weight", "disordered_eating"),
    ("taking laxatives to lose weight", "disordered_eating"),
    ("only eating 600 calories a day", "disordered_eating"),
    ("I binge and purge", "disordered_eating"),
]

GYM_TALK = [
    "chest day was brutal",
    "my chest is sore",
    "bench press 80kg 5x5",
    "chest press 3x10 at 40kg",
    "chest and tris today, great pump",
    "my chest pump was insane",
    "doms in my chest 4/5",
    "legs are dead",
    "I'm dying lol",
    "killer workout",
    "this workout is killing me",
    "gonna kill it today",
    "I'm dead after leg day",
    "leg day destroyed me",
    "my legs are so sore I can't walk lol",
    "quads burning on the last set",
    "out of breath after sprints, great session",
    "couldn't breathe after those burpees lol",
    "that hill was breathtaking",
    "my heart was racing after the intervals",
    "that almost gave me a heart attack haha",
    "I'm starving after that workout",
    "skipped breakfast today",
    "intermittent fasting is going well",
    "I'm cutting, eating 1800 calories",
    "cutting season starts monday",
    "suicide sprints were rough",
    "crushed it, felt great",
    "dying to try the new program",
    "deadlifts 140kg 5x5 @8",
    "knees feel a bit achy but fine",
    "tight hamstrings today",
    "no pain, just a bit sore",
    "no sharp pain, just sore",
    "passed out on the couch after the workout",
    "keep your chest tight on bench?",
    "I could pass out lol",
    "popped a pre-workout before",
    "blackout curtains help me sleep",
    "broke my PR on squat",
    "I tore through that workout",
    "done",
    "7",
    "what's today",
]


@pytest.mark.parametrize(("text", "category"), RED_FLAGS)
def test_red_flags_are_caught(text: str, category: str) -> None:
    flag = triage(text)
    assert flag is not None, text
    assert flag.category == category
    assert flag.pause_plan
    assert flag.reason.startswith(category)


@pytest.mark.parametrize("text", GYM_TALK)
def test_ordinary_gym_talk_is_not_flagged(text: str) -> None:
    assert triage(text) is None


def test_the_table_is_big_enough_to_mean_something() -> None:
    assert len(RED_FLAGS) >= 25
    assert len(GYM_TALK) >= 25


def test_the_most_urgent_flag_wins() -> None:
    flag = triage("sharp pain in my knee and honestly I want to kill myself")
    assert flag is not None
    assert flag.category == "self_harm"


def _active_trainee_with_plan(db: Session) -> Trainee:
    owner = factories.trainee(db, status=TraineeStatus.ACTIVE)
    factories.plan_with_workout(db, owner, factories.movement(db))
    return owner


def _turn(db: Session, owner: Trainee, body: str, settings: Settings) -> Turn:
    conversation = factories.conversation(db, owner)
    message = Message(
        conversation_id=conversation.id,
        trainee_id=owner.id,
        direction=Direction.INBOUND,
        body=body,
        status=DeliveryState.RECEIVED,
    )
    db.add(message)
    db.flush()
    now = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    return Turn(trainee=owner, conversation=conversation, texts=[message], now=now, settings=settings)


def _flag(text: str) -> SafetyFlag:
    flag = triage(text)
    assert flag is not None
    return flag


def test_a_chest_pain_reply_pauses_the_plan_and_says_call_911(db: Session, settings: Settings) -> None:
    owner = _active_trainee_with_plan(db)
    turn = _turn(db, owner, "chest pain when running", settings)

    reply = safety_reply(db, turn, _flag(turn.text))

    plan = db.query(FitnessPlan).filter_by(trainee_id=owner.id).one()
    assert plan.status is PlanStatus.PAUSED
    assert owner.status is TraineeStatus.PAUSED
    assert reply.outcome is AgentOutcome.SAFETY
    assert reply.path == "safety:chest_pain"
    assert reply.flagged
    assert reply.flag_reason is not None and reply.flag_reason.startswith("chest_pain")
    assert reply.body is not None
    assert "911" in reply.body
    assert "paused your plan" in reply.body


def test_a_self_harm_reply_gives_the_crisis_line(db: Session, settings: Settings) -> None:
    owner = _active_trainee_with_plan(db)
    turn = _turn(db, owner, "I want to kill myself", settings)

    reply = safety_reply(db, turn, _flag(turn.text))

    assert reply.body is not None
    assert "If you're in danger call 911. In the US you can call or text 988 (Suicide & Crisis Lifeline)" in (
        reply.body
    )
    assert reply.path == "safety:self_harm"
    assert owner.status is TraineeStatus.PAUSED


def test_a_trainee_without_a_plan_still_gets_the_reply(db: Session, settings: Settings) -> None:
    owner = factories.trainee(db)  # still onboarding, no plan to pause
    turn = _turn(db, owner, "I haven't eaten in days", settings)

    reply = safety_reply(db, turn, _flag(turn.text))

    assert reply.body is not None
    assert "1-888-375-7767" in reply.body
    assert "paused" not in reply.body
    assert owner.status is TraineeStatus.ONBOARDING


def test_a_pending_question_is_dropped(db: Session, settings: Settings) -> None:
    owner = _active_trainee_with_plan(db)
    turn = _turn(db, owner, "I blacked out on the bike", settings)
    turn.conversation.state = {"pending": {"question": "session_rpe"}, "other": 1}

    safety_reply(db, turn, _flag(turn.text))

    assert turn.conversation.state == {"other": 1}


@pytest.mark.parametrize(
    "text",
    ["chest pain", "passed out", "trouble breathing", "sharp pain", "dislocated", "kill myself", "laxatives"],
)
def test_every_reply_is_plain_gsm7_and_short(db: Session, settings: Settings, text: str) -> None:
    owner = _active_trainee_with_plan(db)
    reply = safety_reply(db, _turn(db, owner, text, settings), _flag(text))
    assert reply.body is not None
    assert encoding_of(reply.body) is Encoding.GSM7
    assert segment_count(reply.body) <= 3
