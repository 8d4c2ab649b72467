"""One onboarding turn: read the text, take every answer in it, then finish or ask the next questions."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from coach.agent.llm import ChatModel
from coach.agent.onboarding.answers import read_answers, unexplained
from coach.agent.onboarding.clock import format_time
from coach.agent.onboarding.defaults import MAX_EXCHANGES, MAX_TRIES, default_note, with_default
from coach.agent.onboarding.extract import ExtractionFailed, extract
from coach.agent.onboarding.finish import finish, with_closing
from coach.agent.onboarding.items import MAX_MINUTES, MIN_MINUTES, ORDER, Answers, Item, Reading
from coach.agent.onboarding.matching import fold
from coach.agent.onboarding.questions import INTRO, SORRY, ask, describe_days, next_items
from coach.agent.onboarding.state import OnboardingState, clear_state, load_state, save_state
from coach.agent.onboarding.zones import zone_for_phone
from coach.agent.turn import AgentReply, LLMUsage, Turn
from coach.config import QuietHours
from coach.models import Trainee
from coach.models.enums import AgentOutcome

PATH = "onboarding"
# Fewer unexplained words than this are chit-chat, not worth an LLM call.
MIN_UNEXPLAINED_WORDS = 2
# A text saying it corrects an earlier answer may change items we already know.
_CORRECTION = re.compile(
    r"(?<!\w)(?:actually|instead|change|changed|make it|rather|correction|i meant|scratch that)(?!\w)"
)


def respond(session: Session, turn: Turn, model: ChatModel | None) -> AgentReply:
    """Answer a trainee who is still onboarding; no commit.

    Takes every answer in the text (deterministic parsers first; the LLM, when configured, only for what
    they left unread), then either finishes (profile, active status, plan, summary) or asks the next one or
    two missing items. An LLM failure never stops onboarding: the deterministic answers stand.
    """
    stored = load_state(turn.conversation)
    state = stored or _start(turn.trainee)
    state.exchanges += 1
    reply = AgentReply(body=None, outcome=AgentOutcome.DETERMINISTIC, path=PATH, usage=LLMUsage())
    asked = set(state.asked)
    reading, took, notes = _listen(state, turn, model, reply)
    defaulted = _count_tries(state, asked, reading, turn.settings.quiet_hours)
    note = default_note(defaulted, state.answers)
    notes += [note] if note else []
    parts = [INTRO] if stored is None else []
    finished = not state.answers.missing()
    if finished:
        parts += [*notes, finish(session, turn, state.answers)]
        clear_state(turn.conversation)
    else:
        parts += _questions(state, asked, took, notes)
        save_state(turn.conversation, state)
    reply.body = with_closing(" ".join(part for part in parts if part), finished=finished)
    return reply


def _listen(
    state: OnboardingState, turn: Turn, model: ChatModel | None, reply: AgentReply
) -> tuple[Reading, set[Item], list[str]]:
    """Take the answers in the text into the state: what the parsers read, what they changed, notes."""
    quiet = turn.settings.quiet_hours
    asked = set(state.asked)
    reading = read_answers(turn.text, asked)
    # Asked items, defaults we chose (a real answer beats them) and, after "actually ...", anything.
    correcting = _CORRECTION.search(fold(turn.text)) is not None
    may_change = asked | set(state.defaulted) | (set(Item) if correcting else set())
    took = _to_take(state.answers, reading, may_change)
    answers, notes = _apply(state.answers, reading, took, quiet)
    answers = _zone_reply(answers, reading, asked, took_other=bool(reading.answered() - {Item.TIME_ZONE}))
    if model is not None and _worth_asking(turn.text, reading, answers, asked):
        try:
            extracted = extract(
                model, turn.text, [item.value for item in asked], answers.time_zone, reply.usage
            )
        except ExtractionFailed as exc:
            reply.error_class, reply.error = exc.error_class, str(exc)
        else:
            reply.outcome = AgentOutcome.ANSWERED
            if extracted is not None:
                more = _llm_takes(answers, reading, extracted, asked)
                answers, more_notes = _apply(answers, extracted, more, quiet)
                answers = _zone_reply(answers, extracted, asked - reading.answered(), took_other=False)
                took |= more
                notes += more_notes
    state.answers = answers
    return reading, took, notes


def _start(trainee: Trainee) -> OnboardingState:
    # A zone someone already set (an operator) beats the guess from the number.
    known = trainee.time_zone if trainee.time_zone and trainee.time_zone != "UTC" else None
    return OnboardingState(answers=Answers(time_zone=known or zone_for_phone(trainee.phone)))


def _to_take(answers: Answers, reading: Reading, may_change: Collection[Item]) -> set[Item]:
    """Items the parsers found that are new, or that we asked about (or the trainee says they correct)."""
    return {item for item in reading.answered() if not answers.knows(item) or item in may_change}


def _llm_takes(answers: Answers, reading: Reading, extracted: Reading, asked: Collection[Item]) -> set[Item]:
    """The LLM fills gaps only: never an item the parsers found this turn, never a known answer.

    "No injuries" counts only as the answer to our question: a model filling in an empty list for a text
    that never mentioned injuries must not skip the question.
    """
    items = {item for item in extracted.answered() - reading.answered() if not answers.knows(item)}
    nothing_to_report = extracted.limitations is not None and not extracted.limitations.limitations
    if Item.LIMITATIONS not in asked and nothing_to_report:
        items.discard(Item.LIMITATIONS)
    return items


def _apply(
    answers: Answers, reading: Reading, items: Collection[Item], quiet: QuietHours
) -> tuple[Answers, list[str]]:
    """The answers with these items taken from the reading, and what to tell the trainee about them."""
    update: dict[str, Any] = {}
    notes: list[str] = []
    if Item.NAME in items:
        update["name"] = reading.name
    if Item.GOALS in items and reading.goals:
        update["goals"] = list(reading.goals)
    if Item.EXPERIENCE in items:
        update["experience"] = reading.experience
    if Item.DAYS in items and reading.days:
        update["training_days"] = list(reading.days.days)
        if reading.days.picked:
            notes.append(f"I'll put you on {describe_days(reading.days.days)}.")
    if Item.MINUTES in items and reading.minutes:
        minutes = min(MAX_MINUTES, max(MIN_MINUTES, reading.minutes))
        update["session_minutes"] = minutes
        if minutes != reading.minutes:
            notes.append(f"I'll plan {minutes} min sessions.")
    if Item.EQUIPMENT in items and reading.equipment:
        update["equipment"] = list(reading.equipment)
    if Item.LIMITATIONS in items and reading.limitations:
        update["limitations"] = list(reading.limitations.limitations)
        update["injury_notes"] = reading.limitations.notes
    if Item.SEND_TIME in items and reading.send_time:
        # The time they chose, even inside quiet hours: a daily text they asked for then is sent then
        # (coach.messaging.quiet). An hour we would not text otherwise is said back, so a misread shows.
        update["send_time"] = reading.send_time
        if quiet.contains(reading.send_time):
            notes.append(f"{format_time(reading.send_time)} it is.")
    if Item.TIME_ZONE in items and reading.time_zone:
        update.update(time_zone=reading.time_zone, time_zone_confirmed=True)
    return answers.model_copy(update=update), notes


def _zone_reply(answers: Answers, reading: Reading, asked: Collection[Item], *, took_other: bool) -> Answers:
    """A yes/no to our time-zone check; silence on it while answering the rest of the message is a yes."""
    if Item.TIME_ZONE not in asked or answers.knows(Item.TIME_ZONE) or answers.time_zone is None:
        return answers
    if reading.zone_reply is False:
        return answers.model_copy(update={"time_zone": None, "time_zone_confirmed": False})
    if reading.zone_reply or took_other:
        return answers.model_copy(update={"time_zone_confirmed": True})
    return answers


def _worth_asking(text: str, reading: Reading, answers: Answers, asked: Collection[Item]) -> bool:
    """Whether an LLM might read more: an asked item is still open, or words went unexplained."""
    if not text.strip():
        return False
    if any(not answers.knows(item) for item in asked):
        return True
    return len(unexplained(text, reading.spans)) >= MIN_UNEXPLAINED_WORDS


def _count_tries(
    state: OnboardingState, asked: Collection[Item], reading: Reading, quiet: QuietHours
) -> list[Item]:
    """Count unanswered asks; take the default for an item asked too often (or when time is up)."""
    defaulted: list[Item] = []
    said_no_to_zone = reading.zone_reply is False
    for item in (item for item in ORDER if item in asked):
        if state.answers.knows(item) or (item is Item.TIME_ZONE and said_no_to_zone):
            continue
        state.tries[item] = state.tries.get(item, 0) + 1
        if state.tries[item] >= MAX_TRIES:
            defaulted.append(item)
    if state.exchanges >= MAX_EXCHANGES:
        defaulted += [item for item in state.answers.missing() if item not in defaulted]
    for item in defaulted:
        state.answers = with_default(state.answers, item, quiet)
    state.defaulted += [item for item in defaulted if item not in state.defaulted]
    return defaulted


def _questions(
    state: OnboardingState, asked: Collection[Item], took: Collection[Item], notes: list[str]
) -> list[str]:
    """The reply while items are missing: acknowledgement, notes, then the next questions."""
    items = next_items(state.answers.missing())
    retries = {item for item in items if state.tries.get(item, 0) > 0}
    if Item.NAME in took and state.answers.name:
        opening = f"Nice to meet you, {state.answers.name}!"
    elif took:
        opening = "Got it."
    else:
        opening = SORRY if retries & set(asked) else ""
    state.asked = items
    return [opening, *notes, ask(items, retries, state.answers.time_zone)]
