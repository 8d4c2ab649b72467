"""Effort to load: the RPE chart and loads rounded to what a trainee can put on the bar.

The chart is the widely used RTS (Tuchscherer) table. Every cell depends only on the reps the set would
take to failure, ``reps + (10 - rpe)``: 5 reps @ RPE 8 is a 7-rep max, so 81.1 % of 1RM, the same as
7 reps @ RPE 10. The sequence below is that column at half-rep steps, from a 1-rep max (100 %) to a
16-rep max (57.2 %), which covers reps 1..12 at RPE 6..10.
"""

from __future__ import annotations

import math

from coach.models.enums import Units

KG_PER_LB = 0.45359237
KG_INCREMENT = 2.5
LB_INCREMENT = 5.0
MIN_REPS, MAX_REPS = 1, 12
MIN_RPE, MAX_RPE = 6.0, 10.0

# Percentage of 1RM for a set taken to failure at 1, 1.5, 2, ... 16 reps.
_TO_FAILURE = (
    100.0, 97.8, 95.5, 93.9, 92.2, 90.7, 89.2, 87.8, 86.3, 85.0, 83.7, 82.4, 81.1, 79.9, 78.6, 77.4,
    76.2, 75.1, 73.9, 72.3, 70.7, 69.4, 68.0, 66.7, 65.3, 64.0, 62.6, 61.3, 59.9, 58.6, 57.2,
)  # fmt: skip


def percent_1rm(reps: int, rpe: float) -> float:
    """Percentage of one-rep max for `reps` at `rpe` (RTS chart; RPE between half steps is interpolated)."""
    if not MIN_REPS <= reps <= MAX_REPS:
        raise ValueError(f"reps must be {MIN_REPS}..{MAX_REPS}, got {reps}")
    if not MIN_RPE <= rpe <= MAX_RPE:
        raise ValueError(f"rpe must be {MIN_RPE:g}..{MAX_RPE:g}, got {rpe:g}")
    steps = (reps + (10.0 - rpe) - 1.0) * 2  # half-rep steps from a 1-rep max
    low = math.floor(steps)
    high = min(low + 1, len(_TO_FAILURE) - 1)
    fraction = steps - low
    return round(_TO_FAILURE[low] + (_TO_FAILURE[high] - _TO_FAILURE[low]) * fraction, 1)


def round_load(kg: float, units: Units) -> float:
    """Round a load to the nearest plate increment in the trainee's units, returned in kg."""
    if units is Units.LB:
        pounds = max(LB_INCREMENT, round(kg / KG_PER_LB / LB_INCREMENT) * LB_INCREMENT)
        return round(pounds * KG_PER_LB, 2)
    return max(KG_INCREMENT, round(kg / KG_INCREMENT) * KG_INCREMENT)


def load_for(e1rm_kg: float, reps: int, rpe: float, units: Units) -> float:
    """The load in kg for `reps` at `rpe` from an estimated 1RM, rounded to a loadable increment.

    Increments are 2.5 kg for kg trainees and 5 lb for lb trainees (converted back to kg, to 0.01).
    """
    if e1rm_kg <= 0:
        raise ValueError("e1rm must be positive")
    return round_load(e1rm_kg * percent_1rm(reps, rpe) / 100.0, units)
