from __future__ import annotations

import math

import pytest

from coach.models.enums import E1RMFormula, Units
from coach.training.e1rm import E1RMError, estimate_1rm, from_kg, to_kg


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (E1RMFormula.EPLEY, 116.67),  # 100 * (1 + 5/30)
        (E1RMFormula.BRZYCKI, 112.5),  # 100 * 36 / 32
        (E1RMFormula.LOMBARDI, 117.46),  # 100 * 5 ** 0.1
        (E1RMFormula.OCONNER, 112.5),  # 100 * (1 + 0.125)
    ],
)
def test_100_kg_for_5_reps_estimates_the_hand_computed_max(formula, expected):
    assert estimate_1rm(100, 5, formula) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (E1RMFormula.EPLEY, 140 * (1 + 8 / 30)),
        (E1RMFormula.BRZYCKI, 140 * 36 / 29),
        (E1RMFormula.LOMBARDI, 140 * 8**0.1),
        (E1RMFormula.OCONNER, 140 * 1.2),
    ],
)
def test_each_formula_is_the_published_one(formula, expected):
    assert estimate_1rm(140, 8, formula) == pytest.approx(expected)


@pytest.mark.parametrize("formula", list(E1RMFormula))
def test_a_single_rep_is_exactly_the_weight_lifted(formula):
    assert estimate_1rm(182.5, 1, formula) == 182.5


@pytest.mark.parametrize("formula", list(E1RMFormula))
def test_more_reps_at_the_same_weight_never_lower_the_estimate(formula):
    estimates = [estimate_1rm(100, reps, formula) for reps in range(1, 31)]
    assert estimates == sorted(estimates)


def test_thirty_reps_is_the_longest_set_estimated():
    assert estimate_1rm(50, 30, E1RMFormula.BRZYCKI) == pytest.approx(50 * 36 / 7)


@pytest.mark.parametrize(
    ("weight", "reps", "message"),
    [
        (100, 0, "at least 1"),
        (100, -3, "at least 1"),
        (100, 31, "endurance set"),
        (100, 36, "endurance set"),
        (100, 2.5, "whole number"),
        (100, 5.0, "whole number"),
        (100, math.nan, "whole number"),
        (100, True, "whole number"),
        (0, 5, "positive"),
        (-20, 5, "positive"),
        (1000.5, 1, "beyond any real lift"),
        (math.nan, 5, "finite"),
        (math.inf, 5, "finite"),
        ("100", 5, "must be a number"),
    ],
)
def test_impossible_sets_are_refused_with_a_clear_error(weight, reps, message):
    with pytest.raises(E1RMError, match=message):
        estimate_1rm(weight, reps, E1RMFormula.EPLEY)


def test_the_error_is_a_value_error_so_callers_can_treat_it_as_bad_input():
    assert issubclass(E1RMError, ValueError)


def test_the_weight_limit_is_in_kg_equivalent_when_the_weight_is_in_pounds():
    assert estimate_1rm(2200, 1, E1RMFormula.EPLEY, units=Units.LB) == 2200
    with pytest.raises(E1RMError):
        estimate_1rm(2300, 1, E1RMFormula.EPLEY, units=Units.LB)


def test_pounds_convert_to_kilograms_by_the_exact_definition():
    assert to_kg(100, Units.LB) == pytest.approx(45.359237)
    assert from_kg(45.359237, Units.LB) == pytest.approx(100)
    assert to_kg(225, Units.LB) == pytest.approx(102.0582833)


def test_kilograms_are_left_alone():
    assert to_kg(102.5, Units.KG) == 102.5
    assert from_kg(102.5, Units.KG) == 102.5


@pytest.mark.parametrize("kg", [0.5, 20, 102.5, 317.5])
def test_converting_to_pounds_and_back_gives_the_same_weight(kg):
    assert to_kg(from_kg(kg, Units.LB), Units.LB) == pytest.approx(kg)
