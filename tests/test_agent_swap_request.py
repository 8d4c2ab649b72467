"""Reading a swap request without an LLM: what is a swap, of what, for what, on which day, and why."""

from __future__ import annotations

import pytest

from coach.agent.intents import WorkoutDay, classify
from coach.agent.swap_request import SwapRequest, read_swap

TODAY, TOMORROW = WorkoutDay(0), WorkoutDay(1)
MONDAY, FRIDAY = WorkoutDay(weekday=1), WorkoutDay(weekday=5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("knee hurts, swap lunges", SwapRequest("lunges", reason="knee hurts")),
        ("Knee hurts. Swap lunges!", SwapRequest("lunges", reason="knee hurts")),
        (
            "my knee is killing me, can we swap the lunges?",
            SwapRequest("lunges", reason="my knee is killing me"),
        ),
        ("swap lunges, my back is sore", SwapRequest("lunges", reason="my back is sore")),
        ("swap lunges because my knee hurts", SwapRequest("lunges", reason="my knee hurts")),
        ("knees sore. swap squats", SwapRequest("squats", reason="knees sore")),
        ("got a tweaked wrist, sub the curls", SwapRequest("curls", reason="got a tweaked wrist")),
        (
            "I have a sore shoulder so can you swap bench press",
            SwapRequest("bench press", reason="i have a sore shoulder"),
        ),
        ("swap back squats", SwapRequest("back squats")),
        ("swap back squats my back hurts", SwapRequest("back squats", reason="my back hurts")),
        ("swap squats for leg press", SwapRequest("squats", replacement="leg press")),
        ("replace lunges with step ups", SwapRequest("lunges", replacement="step ups")),
        ("change squats to front squats", SwapRequest("squats", replacement="front squats")),
        ("can you swap out the squats for something else please", SwapRequest("squats")),
        ("swap friday's squats", SwapRequest("squats", day=FRIDAY)),
        ("swap squats on friday", SwapRequest("squats", day=FRIDAY)),
        (
            "swap the bench for dumbbell bench press tomorrow",
            SwapRequest("bench", "dumbbell bench press", TOMORROW),
        ),
        ("swap out pull ups for lat pulldowns on monday", SwapRequest("pull ups", "lat pulldowns", MONDAY)),
        (
            "sub out deadlifts today, my back is sore",
            SwapRequest("deadlifts", day=TODAY, reason="my back is sore"),
        ),
        ("can I do something else instead of lunges", SwapRequest("lunges")),
        ("what can I do instead of lunges", SwapRequest("lunges")),
    ],
)
def test_a_swap_request_is_read_whole(text: str, expected: SwapRequest) -> None:
    assert read_swap(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "swap lunges and squats",  # two at once: the LLM
        "swap lunges, and can I train sunday?",
        "swap today to friday",  # a day is not an exercise
        "switch up my workout",
        "sharp knee pain swap lunges",  # safety triage answers this first
        "my knee hurts",  # no swap asked for
        "lunges hurt my knee",
        "swap",
        "",
        "what can I do for my shoulders?",  # a question about a body part, not an exercise
        "anything for my back",
        "what can I do instead of legs today",
        "switch back",  # undo: not the back squat
        "swap back to lunges",
        "change my time to 7am",
        "change my workout time to 7am",
        "change my alarm to 6am",
    ],
)
def test_anything_else_is_not_a_swap(text: str) -> None:
    assert read_swap(text) is None


@pytest.mark.parametrize("text", ["move today to friday", "what's today", "pause", "text me at 7am"])
def test_the_other_intents_are_not_read_as_swaps(text: str) -> None:
    assert classify(text) is not None and read_swap(text) is None


def test_the_reason_names_the_joint_not_the_exercise() -> None:
    request = read_swap("swap back squats, knee is sore")
    assert request == SwapRequest("back squats", reason="knee is sore")
