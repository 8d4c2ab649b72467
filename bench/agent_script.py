"""A scripted month with one trainee: onboarding by text, then 30 days of the texts people really send.

Every text goes through `answer_inbound` at its simulated time (see `bench.agent_turns.Clock`), with the
scheduler's texts, the weekly progression and the sender running on the same clock. The LLM is the local
OpenAI double answering as a model would: `ScriptedModel` reads the request (the trainee's text, the context,
tool results) and answers with tool calls where a real model would make them (a swap for a sore knee, a
move, a shorter session) and a short plain reply otherwise. What the figures count comes from agent_runs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from bench.agent_turns import Clock, World, empty_tables, first_monday, local
from bench.common import print_table
from coach.agent.onboarding.extract import Extraction
from coach.models import AgentRun, Message, Trainee
from coach.models.enums import Direction
from tests.doubles import openai_api as llm

# A UK mobile: onboarding suggests London time and the trainee weighs in kilograms.
PHONE = "+447911123456"
ZONE = "Europe/London"
ZERO_LLM_TARGET = 0.40
CALLS_PER_TEXT_TARGET = 1.3

# Onboarding on the Sunday before day 1, then (day, local time, text). Day 1 is a Monday; the trainee
# trains Mon, Tue, Thu and Sat. Texts with the same time arrive together, before the agent job runs.
ONBOARDING = (
    "Hey, my buddy said you can help me get back into lifting",
    "I'm Jordan. Mostly want to get stronger, maybe lose a bit of fat too",
    "lifted in college, been off and on for about 3 years",
    "Mon Tue Thu Sat, about an hour",
    "full gym",
    "no injuries",
    "8am",
    "yes",
)
MONTH: tuple[tuple[int, str, str], ...] = (
    (1, "12:10", "what's today?"),
    (1, "18:40", "done"),
    (1, "18:41", "7"),
    (2, "07:05", "what's today"),
    (2, "18:15", "did it, bench 60kg 3x8 @7"),
    (2, "18:16", "thanks!"),
    (3, "20:00", "what's tomorrow"),
    (4, "08:20", "I only have 30 min today"),
    (4, "17:30", "squats 100kg 5x5 @8, felt strong"),
    (6, "10:30", "done"),
    (6, "10:31", "8"),
    (7, "11:00", "legs sore 3/5"),
    (7, "19:00", "why so many squats?"),
    (8, "08:30", "what's today?"),
    (8, "18:00", "done"),
    (8, "18:01", "7"),
    (9, "18:20", "skipped it, work ran late"),
    (10, "12:00", "what's tomorrow"),
    (11, "07:30", "move today to Friday"),
    (12, "12:00", "what's today?"),
    (12, "19:00", "deadlift 120kg 3x5 @8"),
    (12, "19:00", "done"),  # two texts before the job runs: answered together
    (13, "09:00", "can I do this at home with dumbbells?"),
    (13, "09:02", "yes please"),
    (13, "11:00", "done"),
    (13, "11:01", "7"),
    (14, "20:00", "text me at 6am"),
    (15, "08:10", "what's today?"),
    (15, "18:30", "bench 62.5kg 3x8 @8"),
    (15, "18:31", "rows 50kg 3x10"),
    (16, "08:05", "what's today"),
    (16, "08:07", "knee hurts, swap lunges"),
    (16, "08:10", "ok thanks"),
    (16, "18:00", "done"),
    (16, "18:01", "8/10"),
    (17, "09:00", "slept 5 hours, feeling wiped"),
    (18, "07:30", "what's today?"),
    (18, "19:00", "ohp 40kg 3x8 @8, bench 62.5kg 3x8 @8"),
    (19, "15:00", "going on a trip tomorrow for a few days"),
    (19, "15:05", "pause"),
    (23, "08:00", "resume"),
    (23, "12:00", "what's today?"),
    (23, "18:30", "done"),
    (23, "18:31", "6"),
    (24, "20:00", "what's tomorrow?"),
    (25, "08:15", "what's today"),
    (25, "18:00", "squats 105kg 5x5 @8"),
    (25, "18:01", "thanks!"),
    (26, "12:00", "is it ok to do some cardio today?"),
    (27, "10:00", "what's today?"),
    (27, "11:30", "done"),
    (27, "11:31", "7"),
    (28, "19:00", "legs sore 2/5"),
    (29, "07:40", "I only have 30 min today"),
    (29, "08:30", "what's today?"),
    (29, "18:30", "did it"),
    (29, "18:31", "8"),
    (30, "08:10", "what's today?"),
    (30, "18:30", "bench 65kg 3x8 @8"),
    (30, "18:31", "new PR?"),
    (30, "18:35", "cool"),
)

# What a model would read in each onboarding text, for the extraction call (only made for what the
# deterministic parsers could not read).
EXTRACTIONS: dict[str, dict[str, Any]] = {
    ONBOARDING[1]: {"name": "Jordan", "goals": ["strength", "fat_loss"]},
    ONBOARDING[2]: {"experience": "intermediate"},
    ONBOARDING[3]: {"training_days": [1, 2, 4, 6], "session_minutes": 60},
    ONBOARDING[4]: {"equipment": ["barbell", "rack", "bench", "dumbbell", "cable", "machine", "pullup_bar"]},
    ONBOARDING[5]: {"limitations": []},
    ONBOARDING[6]: {"send_time": "08:00"},
    ONBOARDING[7]: {"time_zone_confirmed": True},
}

# -- the model ---------------------------------------------------------------------------------------------

Call = tuple[str, dict[str, Any]]
# The trainee's text and today's workout (from the context) -> the tool calls a model would make, in order.
Planner = Callable[[str, str], list[Call]]
# The trainee's text and the tool results -> the model's reply.
Writer = Callable[[str, list[dict[str, Any]]], str]


@dataclass(frozen=True)
class Rule:
    pattern: str
    plan: Planner
    write: Writer


def _none(text: str, today: str) -> list[Call]:
    return []


def _number(pattern: str, text: str) -> int:
    found = re.search(pattern, text.lower())
    return int(found.group(1)) if found else 0


def _shorten(text: str, today: str) -> list[Call]:
    return [("shorten_workout", {"date": "today", "minutes": _number(r"(\d+) ?min", text)})]


def _move(text: str, today: str) -> list[Call]:
    found = re.search(r"move today to (\w+)", text.lower())
    return [("move_workout", {"from_date": "today", "to_date": found.group(1) if found else "tomorrow"})]


def _readiness(text: str, today: str) -> list[Call]:
    sleep = _number(r"slept (\d+)", text)
    return [
        ("record_readiness", {"sleep_hours": sleep, "energy": 2 if "wiped" in text else 3, "stress": None})
    ]


def _soreness(text: str, today: str) -> list[Call]:
    found = re.search(r"(\w+) sore (\d)/5", text.lower())
    part, level = (found.group(1), int(found.group(2))) if found else ("legs", 3)
    return [("record_soreness", {"body_part": part, "level": level})]


def _send_time(text: str, today: str) -> list[Call]:
    hour = _number(r"at (\d+) ?am", text)
    return [("set_schedule", {"send_time": f"{hour:02d}:00"})]


def _say(reply: str) -> Writer:
    return lambda text, results: reply


# Exercises a sore knee would want swapped: lunges first, then whatever loads the knee most.
_KNEE = (
    re.compile(r"^([A-Z][\w -]*(?:Lunge|Split Squat|Step-Up)[\w -]*?) \d", re.MULTILINE),
    re.compile(r"^([A-Z][\w -]*(?:Squat|Leg Press|Leg Extension)[\w -]*?) \d", re.MULTILINE),
)
_EXERCISE = re.compile(r"^([A-Z][\w -]+?) \d", re.MULTILINE)
# Barbell lifts and the dumbbell version a coach would suggest (all movement library names).
_DUMBBELL_FOR = {
    "Barbell Bench Press": "Dumbbell Bench Press",
    "Barbell Back Squat": "Goblet Squat",
    "Barbell Front Squat": "Goblet Squat",
    "Barbell Overhead Press": "Dumbbell Shoulder Press",
    "Barbell Bent-Over Row": "Bent-Over Dumbbell Row",
    "Romanian Deadlift": "Dumbbell Romanian Deadlift",
    "Conventional Deadlift": "Dumbbell Romanian Deadlift",
    "Barbell Hip Thrust": "Dumbbell Hip Thrust",
}


def _swap_for_knee(text: str, today: str) -> list[Call]:
    found = next((m for pattern in _KNEE if (m := pattern.search(today))), None)
    if not found:
        return []
    return [("swap_exercise", {"date": "today", "exercise": found.group(1), "reason": "knee hurts"})]


def _to_dumbbells(text: str, today: str) -> list[Call]:
    calls = []
    for name in _EXERCISE.findall(today):
        replacement = _DUMBBELL_FOR.get(name.strip())
        if replacement:
            args = {"date": "today", "exercise": name.strip(), "reason": "training at home"}
            calls.append(("swap_exercise", {**args, "replacement": replacement}))
    return calls[:2]


def _swapped(text: str, results: list[dict[str, Any]]) -> str:
    done = [r for r in results if "swapped" in r]
    if not done:
        return "Nothing today loads the knee much. If something hurts, tell me which and I'll swap it."
    swaps = ", ".join(f"{r['swapped']} for {r['for']}" for r in done)
    return f"Swapped {swaps} today to spare the knee. If it keeps hurting, please get it checked."


def _switched(text: str, results: list[dict[str, Any]]) -> str:
    done = [r for r in results if "swapped" in r]
    if not done:
        return "Today's session has no barbell lifts, so you can do it at home as it is. Have fun!"
    swaps = ", ".join(f"{r['for']} for {r['swapped']}" for r in done)
    return f"Done: {swaps} today, same sets and reps. Have fun!"


def _shortened(text: str, results: list[dict[str, Any]]) -> str:
    result = results[-1] if results else {}
    if "minutes_after" in result and result.get("fits"):
        return f"Done, today's session now takes about {result['minutes_after']} min. Main lifts first."
    if "minutes_after" in result:
        return (
            f"I cut the extras; the main lifts alone take about {result['minutes_after']} min, "
            "so do those and skip what you can't fit."
        )
    return "No workout today, so nothing to squeeze in. Enjoy the rest!"


def _moved(text: str, results: list[dict[str, Any]]) -> str:
    if results and "workout" in results[-1]:
        return f"Moved it: the workout is now on {results[-1]['workout']['day']}."
    return "I couldn't move that one, is there a workout today?"


def _logged(text: str, results: list[dict[str, Any]]) -> str:
    return "Logged it. Nice work!" if results and "error" not in results[-1] else "Got it, thanks!"


_SETS = re.compile(r"([a-z][a-z ]+?) (\d+(?:\.\d+)?) ?kg (\d+)x(\d+)(?: ?@ ?(\d+(?:\.\d+)?))?")


def _log_sets(text: str, today: str) -> list[Call]:
    sets = [
        {
            "exercise": name.strip().removeprefix("did it, ").strip(),
            "weight": float(weight),
            "unit": "kg",
            "sets": int(count),
            "reps": int(reps),
            "rpe": float(rpe) if rpe else None,
        }
        for name, weight, count, reps, rpe in _SETS.findall(text.lower())
    ]
    return [("log_workout", {"date": "today", "completed": True, "sets": sets, "notes": None})]


RULES: tuple[Rule, ...] = (
    Rule(r"only have (\d+) min", _shorten, _shortened),
    Rule(r"swap lunges", _swap_for_knee, _swapped),
    Rule(r"move today to (\w+)", _move, _moved),
    Rule(
        r"at home with dumbbells",
        _none,
        _say("Yes: dumbbell versions of the barbell lifts, same sets and reps. Want me to switch today's?"),
    ),
    Rule(r"^yes please$", _to_dumbbells, _switched),
    Rule(
        r"why so many squats",
        _none,
        _say(
            "Squats build strength in your whole lower body, your main goal. We vary them so they stay fresh."
        ),
    ),
    Rule(
        r"slept (\d+) hours",
        _readiness,
        _say("Noted. Rest day anyway: get to bed early. Still wiped tomorrow? Tell me and I'll ease it."),
    ),
    Rule(
        r"trip",
        _none,
        _say("Have a great trip! Text PAUSE and I'll hold your workouts until you text RESUME."),
    ),
    Rule(
        r"cardio",
        _none,
        _say("Yes, easy cardio on a rest day helps recovery. Keep it conversational, 20-40 min."),
    ),
    Rule(r"new pr", _none, _say("Yes! That's your best bench yet. Great work, keep the form tight.")),
    Rule(r"thanks|thank you", _none, _say("Anytime! See you next session.")),
    Rule(r"^(ok|okay|cool|k)\b", _none, _say("Sounds good!")),
    # What the fast path normally answers, should a text reach the model after all.
    Rule(r"\d+ ?kg \d+x\d+", _log_sets, _logged),
    Rule(
        r"^(done|did it)",
        lambda t, d: [("log_workout", {"date": "today", "completed": True, "sets": []})],
        _logged,
    ),
    Rule(
        r"skipped",
        lambda t, d: [("log_workout", {"date": "today", "completed": False, "sets": []})],
        _say("No worries, it happens. Next one's on the schedule."),
    ),
    Rule(r"sore (\d)/5", _soreness, _say("Noted.")),
    Rule(r"^pause", lambda t, d: [("pause_plan", {})], _say("Paused. Text RESUME when you're back.")),
    Rule(r"^resume", lambda t, d: [("resume_plan", {})], _say("Welcome back! Your plan is on again.")),
    Rule(r"text me at \d+ ?am", _send_time, _say("Done, your workouts will come at that time.")),
)
DEFAULT_REPLY = "Got it. Keep it up!"


class ScriptedModel:
    """Answers each request the OpenAI double receives as a plausible model would (see the module doc)."""

    def __call__(self, body: dict[str, Any]) -> llm.Step:
        messages = body.get("messages") or []
        if body.get("response_format"):
            return llm.reply(json.dumps(_extraction(messages[-1]["content"])))
        owed = next(m["content"] for m in reversed(messages) if m["role"] == "user")
        rule = next((r for r in RULES if re.search(r.pattern, owed.lower())), None)
        if rule is None:
            return llm.reply(DEFAULT_REPLY)
        results = _tool_results(messages)
        today = _today(messages[1]["content"]) if len(messages) > 1 else ""
        calls = rule.plan(owed, today)
        done = sum(1 for m in messages if m["role"] == "tool")
        if done < len(calls) and not any("error" in r for r in results):
            name, arguments = calls[done]
            return llm.tool_call(name, arguments)
        return llm.reply(rule.write(owed, results))


def _extraction(prompt: str) -> dict[str, Any]:
    text = prompt.split("<<<\n", 1)[-1].rsplit("\n>>>", 1)[0]
    found = EXTRACTIONS.get(text, {})
    return {name: found.get(name) for name in Extraction.model_fields}


def _tool_results(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = []
    for message in messages:
        if message["role"] == "tool":
            try:
                results.append(json.loads(message["content"]))
            except ValueError:
                results.append({"error": message["content"]})
    return results


_TODAY = re.compile(
    r"^Today \(pending\):\n(.*?)(?=^(?:Today|Next|Sessions|e1RM|Sore|Readiness|Older texts)\b|\Z)",
    re.MULTILINE | re.DOTALL,
)


def _today(context: str) -> str:
    """Today's workout text from the context message ("Today (pending):\\n..."), or ""."""
    match = _TODAY.search(context)
    return match.group(1) if match else ""


# -- the run -----------------------------------------------------------------------------------------------


@dataclass
class Exchange:
    at: str
    text: str
    path: str
    llm_calls: int
    tools: list[str]
    replies: list[str]


@dataclass
class ScriptFigures:
    texts: int
    runs: list[tuple[str, int, int]]  # (path, texts answered, LLM calls)
    transcript: list[Exchange] = field(default_factory=list)
    onboarding_texts: int = 0
    days: int = 30


def run_script(world: World, *, quick: bool) -> ScriptFigures:
    """Onboard one trainee by text on a Sunday, then play the month (two weeks with --quick)."""
    empty_tables(world)
    monday = first_monday()
    sunday = monday - timedelta(days=1)
    clock = Clock(world, local(sunday, "18:00", ZONE))
    transcript: list[Exchange] = []
    onboarding = 0
    for n, body in enumerate(ONBOARDING):
        transcript.append(_exchange(world, clock, (sunday, f"19:{n * 2:02d}"), [body]))
        onboarding += 1
        if _status(world) == "active":
            break
    days = 14 if quick else 30
    bursts: dict[tuple[int, str], list[str]] = {}
    for day, at, body in MONTH:
        if day <= days:
            bursts.setdefault((day, at), []).append(body)
    for (day, at), bodies in bursts.items():
        transcript.append(_exchange(world, clock, (monday + timedelta(days=day - 1), at), bodies))
    clock.advance(local(monday + timedelta(days=days), "00:00", ZONE))
    return ScriptFigures(_inbound_texts(world), _runs(world), transcript, onboarding, days)


def _exchange(world: World, clock: Clock, when: tuple[date, str], bodies: list[str]) -> Exchange:
    """Texts arriving at one moment, then their agent jobs in order (the first answers them all)."""
    day, at = when
    clock.advance(local(day, at, ZONE))
    sent_before = len(clock.sent)
    world.llm.reset()
    world.llm.push(*[llm.respond_with(ScriptedModel())] * 8)
    for message_id in [clock.text(PHONE, body) for body in bodies]:
        clock.answer(message_id)
    with world.sessions() as session:
        run = session.scalars(sa.select(AgentRun).order_by(AgentRun.id.desc()).limit(1)).one()
        tools = [call.get("name", "?") for call in run.tool_calls or []]
        path, calls = run.path or "", run.llm_calls
    return Exchange(f"{day:%a %m-%d} {at}", " / ".join(bodies), path, calls, tools, clock.sent[sent_before:])


def _status(world: World) -> str:
    with world.sessions() as session:
        status = session.scalar(sa.select(Trainee.status).where(Trainee.phone == PHONE))
        return status.value if status else ""


def _inbound_texts(world: World) -> int:
    with world.sessions() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count()).select_from(Message).where(Message.direction == Direction.INBOUND)
            )
            or 0
        )


def _runs(world: World) -> list[tuple[str, int, int]]:
    with world.sessions() as session:
        rows = session.execute(sa.select(AgentRun.path, AgentRun.inbound_message_ids, AgentRun.llm_calls))
        return [(path or "", len(ids), calls) for path, ids, calls in rows]


def print_script(figures: ScriptFigures, *, verbose: bool) -> None:
    texts = figures.texts
    answered = sum(n for _, n, _ in figures.runs)
    no_llm = sum(n for _, n, calls in figures.runs if calls == 0)
    calls = sum(c for _, _, c in figures.runs)
    share, per_text = no_llm / texts, calls / texts
    print_table(
        f"Scripted conversation: onboarding ({figures.onboarding_texts} texts) and "
        f"{texts - figures.onboarding_texts} texts over {figures.days} days, {texts} inbound in all "
        "(from agent_runs)",
        [
            ("texts answered with 0 LLM calls", f"{share:.0%}", _verdict(share >= ZERO_LLM_TARGET, ">= 40%")),
            (
                "LLM calls per inbound text",
                f"{per_text:.2f}",
                _verdict(per_text <= CALLS_PER_TEXT_TARGET, "<= 1.3"),
            ),
            ("agent runs / texts answered", f"{len(figures.runs)} / {answered}", f"{calls} LLM calls in all"),
        ],
    )
    by_path: Counter[str] = Counter()
    by_path_calls: Counter[str] = Counter()
    for path, n, c in figures.runs:
        by_path[path] += n
        by_path_calls[path] += c
    print_table(
        "By path (texts, share of texts, LLM calls)",
        [
            (path, f"{n} texts ({n / texts:.0%})", f"{by_path_calls[path]} LLM calls")
            for path, n in sorted(by_path.items(), key=lambda item: (-item[1], item[0]))
        ],
    )
    if verbose:
        print("\n  Transcript (path, LLM calls, tools):")
        for ex in figures.transcript:
            tools = f" [{', '.join(ex.tools)}]" if ex.tools else ""
            print(f"    {ex.at}  > {ex.text}")
            print(f"      ({ex.path}, {ex.llm_calls} calls{tools})")
            for reply in ex.replies:
                print(f"      < {' '.join(reply.split())[:160]}")


def _verdict(ok: bool, target: str) -> str:
    return f"target {target}: " + ("PASS" if ok else "MISS")
