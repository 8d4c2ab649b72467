"""Reading "3 days a week instead of 4" or "switch to Mon Wed Fri" without an LLM, and what is not that."""

from __future__ import annotations

import pytest

from coach.agent.days_request import TrainingDaysRequest, read_training_days

COUNTS = [
    ("can I do 3 days instead of 4?", 3),
    ("Actually, can I do 3 days a week instead of 4?", 3),
    ("I can only train 3 days a week now", 3),
    ("i only have time for 2 days a week", 2),
    ("drop me down to 2 days a week", 2),
    ("bump me up to 5 days a week", 5),
    ("can we do 4x a week", 4),
    ("can I do 3x per week instead of the usual 4?", 3),
    ("switch to three days", 3),
    ("3 days a week from now on", 3),
    ("I'd rather do 2 days a week", 2),
    ("from now on I can only train 3 days a week", 3),
    ("I'll do 3 days a week from now on", 3),
    ("i want 3 days a week", 3),
    ("reduce my days to 3", 3),
    ("I have to cut down to 3 days a week", 3),
    ("3 days a week instead", 3),
    ("can i do 1 day a week", 1),  # read, so the coach can say why not
]
LISTS = [
    ("switch to Mon Wed Fri", (1, 3, 5)),
    ("change my days to tue, thu and sat", (2, 4, 6)),
    ("could we switch things to mon/wed/fri please", (1, 3, 5)),
    ("switch me to mon-fri", (1, 2, 3, 4, 5)),
    ("change my schedule to weekdays", (1, 2, 3, 4, 5)),
    ("I can only do mondays and thursdays", (1, 4)),
    ("switch days to mon wed fri", (1, 3, 5)),
    ("switch to Mon-Wed-Fri", (1, 3, 5)),  # a list, not Mon to Wed and Fri
    ("switch to t/th", (2, 4)),
    ("mon wed fri from now on", (1, 3, 5)),
    ("can I do tue thu sat from now on?", (2, 4, 6)),
    ("can i train sat and sun instead of mon tue thu fri", (6, 7)),
]
NOT_THIS = [
    "can I train saturday and sunday",  # this weekend, maybe
    "can i train sat and sun instead",
    "can i train monday and wednesday this week",
    "can I train friday instead",  # one workout's move
    "switch to friday",
    "move today to friday",
    "can I do 3 sets instead",
    "3 days",
    "mon wed fri",
    "I trained 3 days this week",
    "switch to 3 days a week starting next month",
    "can i do 3 days a week and also swap squats",
    "can't do mondays",
    # replies to "move it or skip it?" or to the week's preview, about this week
    "move it to sat and sun",
    "change it to mon and wed",
    "switch it to sat and sun instead",
    "I can only do 2 days",
    "can I do 2 days instead",
    "I can only make it monday and wednesday",
    "I'd rather train mon, wed and fri",
    "can I have 2 days",
    # hopes and questions, for the LLM
    "I want to get to 4 days a week",
    "can I go 4 days a week",
]


@pytest.mark.parametrize(("text", "count"), COUNTS, ids=[text for text, _ in COUNTS])
def test_a_count_of_days_a_week_is_read(text: str, count: int) -> None:
    assert read_training_days(text) == TrainingDaysRequest(count=count)


@pytest.mark.parametrize(("text", "days"), LISTS, ids=[text for text, _ in LISTS])
def test_named_days_are_read_as_iso_weekdays(text: str, days: tuple[int, ...]) -> None:
    assert read_training_days(text) == TrainingDaysRequest(days=days)


@pytest.mark.parametrize("text", NOT_THIS)
def test_anything_else_is_not_a_change_of_days(text: str) -> None:
    assert read_training_days(text) is None
