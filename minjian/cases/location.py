"""How precisely a case's place is published: the reporter's choice.

A coarsened point is snapped to the centre of a fixed grid cell, never jittered
around the truth: every report from the same cell shows the same point, so
averaging many of them recovers nothing finer than the cell.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

# 0.01° is about 1.1 km north–south everywhere, and 0.9 km east–west at 35° N.
GRID_STEP = Decimal("0.01")
SIX_PLACES = Decimal("0.000001")

Point = tuple[Decimal, Decimal]


class Precision(models.TextChoices):
    EXACT = "exact", _("the exact point")
    APPROXIMATE = "approximate", _("about 1 km")
    REGION = "region", _("the region only")


def published_point(point: Point | None, precision: Precision | str) -> Point | None:
    """The point the public may see for a reported point and the reporter's choice."""
    if point is None or precision == Precision.REGION:
        return None
    if precision == Precision.EXACT:
        return point
    latitude, longitude = point
    return _cell_centre(latitude, limit=90), _cell_centre(longitude, limit=180)


def _cell_centre(value: Decimal, *, limit: int) -> Decimal:
    cells_to_limit = int(Decimal(limit) / GRID_STEP)
    index = int((value / GRID_STEP).to_integral_value(rounding=ROUND_FLOOR))
    # The cell that would start at +limit lies outside the range: +limit belongs to the one below.
    index = min(index, cells_to_limit - 1)
    return (index * GRID_STEP + GRID_STEP / 2).quantize(SIX_PLACES)
