"""Every accountability page, download and API list reads a fixed number of queries,
however many organisations, cases and petitions it shows (five organisations with five
cases and two petitions each here: a query per row would show)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accountability.tests.petitions import answered, delivered
from minjian.accountability.tests.timeline import event, hours, routed
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

Kind = CaseEvent.Kind


@pytest.fixture
def answered_cases(regions: dict[str, Region], agency: Organisation) -> None:
    cases = [make_case(regions["340321"], title=f"案例 {number}") for number in range(5)]
    organisations = [
        agency,
        *(
            make_organisation(
                f"org-{number}", kind=Organisation.Kind.AGENCY, name_zh=f"组织{number}"
            )
            for number in range(4)
        ),
    ]
    for number, organisation in enumerate(organisations):
        for case in cases:
            routed(case, organisation, hours(number))
            event(case, Kind.ACKNOWLEDGED, hours(number + 1), organisation)
            event(case, Kind.OFFICIAL_RESPONSE, hours(number + 2), organisation, note="已处理。")
        official = make_user(f"official-{number}")
        organisation.memberships.create(user=official)
        answered(delivered(organisation, hours(number)), official, hours(number + 30))
        delivered(organisation, hours(number + 1))


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # With the versions of what the stored page shows.
        ("/accountability/", 4),
        ("/accountability/figures.csv", 3),
        ("/accountability/cases.csv", 3),
        ("/accountability/petitions.csv", 3),
        ("/accountability/bengbu-ecology/", 8),
        ("/accountability/bengbu-ecology/cases.csv", 2),
        ("/accountability/bengbu-ecology/petitions.csv", 2),
        ("/api/v1/accountability", 3),
    ],
)
def test_each_page_reads_a_fixed_number_of_queries(
    client: Client,
    answered_cases: None,
    url: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
