"""The API's reads of petitions take a fixed number of queries however many signatures,
provinces, organisations and events a petition has."""

from __future__ import annotations

from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region


@pytest.fixture
def petitions(author: User, regions: dict[str, Region]) -> list[Petition]:
    made = []
    for number in range(3):
        petition = make_petition(author, title=f"请愿{number}")
        for signer in range(3):
            services.petition_sign(
                actor=make_user(f"signer-{number}-{signer}"),
                petition=petition,
                signer=Signer(region=regions["340000" if signer % 2 else "420000"]),
            )
            admin = make_user(f"admin-{number}-{signer}")
            services.petition_sign_as_organisation(
                actor=admin,
                petition=petition,
                organisation=make_organisation(f"ngo-{number}-{signer}", admins=[admin]),
            )
        made.append(petition)
    return made


def test_the_list_reads_a_fixed_number_of_queries(
    client: OpenAPICheckingClient, petitions: list[Petition], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):  # the count, the page with its related rows
        assert client.get("/api/v1/petitions").json()["count"] == 3


def test_a_petition_reads_a_fixed_number_of_queries(
    client: OpenAPICheckingClient, petitions: list[Petition], django_assert_max_num_queries: Any
) -> None:
    # the petition, its cases, organisations, provinces, timeline; the stored page's versions
    with django_assert_max_num_queries(6):
        body = client.get(f"/api/v1/petitions/{petitions[0].pk}").json()
    assert len(body["organisations_signed"]) == 3
    with django_assert_max_num_queries(1):  # stored: the versions only
        client.get(f"/api/v1/petitions/{petitions[0].pk}")
