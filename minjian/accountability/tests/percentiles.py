"""The nearest-rank percentile by its definition, for the tests to check the figures by."""

from __future__ import annotations

from collections.abc import Sequence


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The smallest of the values with at least `percent` per cent of them at or below
    it; None when there are none."""
    if not values:
        return None
    return min(v for v in values if sum(x <= v for x in values) * 100 >= percent * len(values))
