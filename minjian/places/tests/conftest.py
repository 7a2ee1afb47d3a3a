from __future__ import annotations

import pytest

from minjian.places.models import Region
from minjian.places.tests.factories import make_bounded_regions


@pytest.fixture
def bounded_regions(regions: dict[str, Region]) -> dict[str, Region]:
    """The small tree with 怀远县's neighbours and Wuhan's districts, and their real
    boundaries (all but 阜阳's)."""
    return make_bounded_regions(regions)
