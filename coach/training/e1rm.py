"""Estimated one-rep max (e1RM) from a set of reps, and the kg/lb conversions training math needs.

The formulas are the four Gainsly offers; each returns exactly the weight lifted for a single rep, so a real
1RM is never inflated. Estimates stop being meaningful for long sets, so sets above 30 reps are refused
rather than extrapolated (Brzycki divides by 37 - reps and explodes as reps approach 37).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from coach.models.enums import E1RMFormula, Units

KG_PER_LB = 0.45359237  # exact, by international definition (1959)
MAX_REPS = 30
MAX_WEIGHT_KG = 1000.0  # well above any human lift; anything heavier is a typo or a unit mix-up


class E1RMError(ValueError):
    """The set cannot give a meaningful estimate (bad reps or weight)."""


_FORMULAS: dict[E1RMFormula, Callable[[float, int], float]] = {
    E1RMFormula.EPLEY: lambda w, r: w * (1 + r / 30),
    E1RMFormula.BRZYCKI: lambda w, r: w * 36 / (37 - r),
    E1RMFormula.LOMBARDI: lambda w, r: w * r**0.10,
    E1RMFormula.OCONNER: lambda w, r: w * (1 + 0.025 * r),
}


def estimate_1rm(weight: float, reps: int, formula: E1RMFormula, *, units: Units = Units.KG) -> float:
    """Estimate the one-rep max for `reps` reps at `weight`; the result is in the weight's own units.

    `units` only matters for the sanity bound. Raises E1RMError for reps outside 1..30, non-integer reps,
    and weights that are not positive, not finite, or heavier than 1000 kg-equivalent.
    """
    _check_reps(reps)
    _check_weight(weight, units)
    if reps == 1:
        # The formulas only approximately return the weight at one rep (Epley gives w * 31/30).
        return float(weight)
    return _FORMULAS[E1RMFormula(formula)](float(weight), reps)


def to_kg(value: float, units: Units) -> float:
    """Convert a weight written in `units` to kilograms."""
    return float(value) * KG_PER_LB if Units(units) is Units.LB else float(value)


def from_kg(kg: float, units: Units) -> float:
    """Convert kilograms to a weight in `units`."""
    return float(kg) / KG_PER_LB if Units(units) is Units.LB else float(kg)


def _check_reps(reps: int) -> None:
    # bool is an int subclass; True reps is a bug at the call site, not one rep.
    if isinstance(reps, bool) or not isinstance(reps, int):
        raise E1RMError(f"reps must be a whole number, got {reps!r}")
    if reps < 1:
        raise E1RMError(f"reps must be at least 1, got {reps}")
    if reps > MAX_REPS:
        raise E1RMError(f"{reps} reps is an endurance set; e1RM is only estimated up to {MAX_REPS} reps")


def _check_weight(weight: float, units: Units) -> None:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise E1RMError(f"weight must be a number, got {weight!r}")
    if not math.isfinite(weight):
        raise E1RMError(f"weight must be a finite number, got {weight!r}")
    if weight <= 0:
        raise E1RMError(f"weight must be positive, got {weight}")
    if to_kg(weight, units) > MAX_WEIGHT_KG:
        raise E1RMError(f"weight {weight} is beyond any real lift (max {MAX_WEIGHT_KG:g} kg-equivalent)")
