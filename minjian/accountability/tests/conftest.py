from __future__ import annotations

from typing import Any

import pytest

from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region


@pytest.fixture
def case(regions: dict[str, Region]) -> Case:
    return make_case(regions["340321"])


@pytest.fixture
def agency(db: Any) -> Organisation:
    return make_organisation(
        "bengbu-ecology",
        kind=Organisation.Kind.AGENCY,
        name_zh="蚌埠市生态环境局",
        name_en="Bengbu Ecology and Environment Bureau",
        verified=True,
    )


@pytest.fixture
def ngo(db: Any) -> Organisation:
    return make_organisation("huai-river-guardians", kind=Organisation.Kind.NGO, verified=True)
