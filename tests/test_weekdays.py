"""Which weekdays the coach picks for a count of days: spread out, the trainee's own days kept."""

from __future__ import annotations

from itertools import pairwise

import pytest

from coach.training.profile import DEFAULT_TRAINING_DAYS
from coach.training.weekdays import WEEK, spread_days


def gaps(days: tuple[int, ...]) -> list[int]:
    """Days from each session to the next, round the week."""
    return [(b - a) % 7 or 7 for a, b in pairwise((*days, days[0]))]


@pytest.mark.parametrize("count", sorted(DEFAULT_TRAINING_DAYS))
def test_from_the_whole_week_the_usual_days_are_picked(count: int) -> None:
    assert spread_days(count) == DEFAULT_TRAINING_DAYS[count]


def test_three_of_the_weekdays_are_monday_wednesday_friday() -> None:
    assert spread_days(3, within=(1, 2, 3, 4, 5)) == (1, 3, 5)


def test_three_of_tuesday_to_saturday_leave_a_rest_day_between_each() -> None:
    assert spread_days(3, within=(2, 3, 4, 5, 6)) == (2, 4, 6)


def test_four_days_cut_to_three_keep_a_rest_day_after_two_of_them() -> None:
    picked = spread_days(3, within=(1, 2, 4, 5))
    assert set(picked) <= {1, 2, 4, 5} and len(picked) == 3
    assert sorted(gaps(picked)) == [1, 3, 3]  # not Mon/Tue/Thu: a 4-day gap and two days back to back


def test_two_of_four_days_are_three_or_four_days_apart() -> None:
    assert sorted(gaps(spread_days(2, within=(1, 2, 4, 5)))) == [3, 4]


def test_more_days_keep_the_ones_the_trainee_has_and_the_weekend_free_when_they_can() -> None:
    assert spread_days(4, keep=(1, 3, 5)) == (1, 2, 3, 5)  # not Sat: the usual four are Mon/Tue/Thu/Fri
    picked = spread_days(5, keep=(2, 4))
    assert {2, 4} < set(picked) and len(picked) == 5
    assert spread_days(3, keep=(6,)) == (1, 3, 6)  # Saturday kept, two usual days a rest day apart


def test_an_impossible_pick_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot pick"):
        spread_days(4, within=(1, 2, 3))
    with pytest.raises(ValueError, match="cannot pick"):
        spread_days(2, keep=(1, 3, 5))
    assert len(spread_days(7, within=WEEK)) == 7
