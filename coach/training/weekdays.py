"""Which weekdays to train on when the trainee gave a count, not the days: spread out, rest in between."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from coach.training.profile import DEFAULT_TRAINING_DAYS

WEEK = (1, 2, 3, 4, 5, 6, 7)  # ISO weekdays, Monday = 1


def spread_days(count: int, within: Iterable[int] = WEEK, keep: Iterable[int] = ()) -> tuple[int, ...]:
    """`count` ISO weekdays out of `within`, all of `keep` among them, spread over the week: the longest
    shortest gap between sessions first, then the most of the usual days (`DEFAULT_TRAINING_DAYS`, which
    keep the weekend free), then the evenest gaps, then the earliest. Mon/Tue/Thu/Fri cut to 3 days is
    Mon/Tue/Fri; Mon/Wed/Fri raised to 4 keeps them and adds Tue."""
    allowed = sorted(set(within) | set(keep))
    kept = set(keep)
    if not 1 <= count <= len(allowed) or len(kept) > count:
        raise ValueError(f"cannot pick {count} training days out of {allowed} keeping {sorted(kept)}")
    usual = set(DEFAULT_TRAINING_DAYS.get(count, ()))
    candidates = (days for days in combinations(allowed, count) if kept <= set(days))
    return min(candidates, key=lambda days: _score(days, usual))


def _score(days: tuple[int, ...], usual: set[int]) -> tuple[int, int, int, tuple[int, ...]]:
    gaps = [(days[(i + 1) % len(days)] - day) % 7 or 7 for i, day in enumerate(days)]
    return (-min(gaps), -len(usual & set(days)), sum(gap * gap for gap in gaps), days)
