"""What onboarding says: the intro, each question (plainly, then more concretely), and short descriptions.

Every text stays plain GSM-7 (no emoji or curly quotes) and short: a question message is about two items.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from coach.agent.onboarding.equipment import BODYWEIGHT, FULL_GYM, HOME_GYM
from coach.agent.onboarding.items import ORDER, Item
from coach.agent.onboarding.zones import zone_label

INTRO = (
    "Hi! I'm Coach, your AI personal trainer by text. "
    "Reply STOP to opt out, HELP for help. Msg & data rates may apply."
)
PER_MESSAGE = 2
SORRY = "Sorry, I didn't quite catch that."
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# (first time, after an answer we could not understand: more concrete, with examples)
_QUESTIONS: dict[Item, tuple[str, str]] = {
    Item.NAME: (
        "What should I call you?",
        "What's your first name? Just the name is fine, e.g. Sam.",
    ),
    Item.GOALS: (
        "What's your main goal: get stronger, build muscle, lose fat, endurance or mobility?",
        "Which goal fits best? Reply e.g. 'stronger', 'build muscle', 'lose weight', 'run longer' or "
        "'more flexible'.",
    ),
    Item.EXPERIENCE: (
        "How much training experience do you have?",
        "Are you new to training, a year or two in, or 5+ years? Reply e.g. 'new', '2 years' or 'advanced'.",
    ),
    Item.DAYS: (
        "Which days can you train? e.g. Mon Wed Fri, or 3 days a week.",
        "Tell me the days or how many a week, e.g. 'Tue Thu Sat', 'weekdays' or '4 days'.",
    ),
    Item.MINUTES: (
        "How long can each workout be?",
        "How many minutes per workout? e.g. '30 min', '45 min' or 'an hour'.",
    ),
    Item.EQUIPMENT: (
        "Where do you train: full gym, home with dumbbells, or bodyweight only?",
        "What equipment can you use? e.g. 'full gym', 'dumbbells and a bench', 'bands' or 'nothing'.",
    ),
    Item.LIMITATIONS: (
        "Any injuries or aches I should work around? 'None' is fine.",
        "Anything that hurts or needs care, e.g. 'bad knee', 'lower back' or 'shoulder'? Or reply 'none'.",
    ),
    Item.SEND_TIME: (
        "What time should I text your workout? e.g. 7am.",
        "What time of day should your workout text arrive? e.g. '6:30am', 'noon' or '5pm'.",
    ),
}
_ZONE_UNKNOWN = (
    "Which time zone are you in? e.g. Eastern, Pacific or London.",
    "Tell me a city near you so I text at the right hour, e.g. Chicago, Denver, London or Sydney.",
)
_EQUIPMENT_LABELS = {
    "barbell": "barbell",
    "rack": "rack",
    "bench": "bench",
    "dumbbell": "dumbbells",
    "kettlebell": "kettlebells",
    "cable": "cables",
    "machine": "machines",
    "bands": "bands",
    "pullup_bar": "pull-up bar",
    "dip_station": "dip station",
    "box": "box",
    "medicine_ball": "med ball",
    "rower": "rower",
    "bike": "bike",
    "treadmill": "treadmill",
    "jump_rope": "jump rope",
}


def next_items(missing: Sequence[Item]) -> list[Item]:
    """What to ask next: the first two missing items; the time zone check rides along with the send time."""
    chosen = [item for item in ORDER if item in missing][:PER_MESSAGE]
    if Item.SEND_TIME in chosen and Item.TIME_ZONE in missing and Item.TIME_ZONE not in chosen:
        chosen.append(Item.TIME_ZONE)
    return chosen


def question(item: Item, *, retry: bool, zone_guess: str | None) -> str:
    """One question; `retry` asks again in a more concrete way, with examples."""
    if item is Item.TIME_ZONE:
        if zone_guess is None:
            return _ZONE_UNKNOWN[retry]
        label = zone_label(zone_guess)
        if retry:
            return f"Is {label} your time zone? Reply yes, or tell me your city, e.g. Chicago or London."
        return f"I have you on {label}, right?"
    return _QUESTIONS[item][retry]


def ask(items: Sequence[Item], retries: Collection[Item], zone_guess: str | None) -> str:
    """The questions for these items in one message."""
    return " ".join(question(item, retry=item in retries, zone_guess=zone_guess) for item in items)


def describe_days(days: Sequence[int]) -> str:
    """Mon/Wed/Fri."""
    return "/".join(WEEKDAYS[day - 1] for day in sorted(days))


def describe_equipment(equipment: Sequence[str]) -> str:
    """ "full gym", "bodyweight only", or up to three items ("dumbbells, bench and bands")."""
    kit = set(equipment)
    if kit == {BODYWEIGHT} or not kit:
        return "bodyweight only"
    if kit == FULL_GYM:
        return "full gym"
    if kit == HOME_GYM:
        return "home gym"
    labels = [_EQUIPMENT_LABELS.get(item, item) for item in sorted(kit)]
    if len(labels) > 3:
        return ", ".join(labels[:3]) + " and more"
    return join_phrases(labels)


def join_phrases(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
