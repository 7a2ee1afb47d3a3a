"""Signing a petition through the API takes a few statements, and its petition's row is
locked by the last writes only (signers of a hot petition wait on it for the commit, not
for the request); the list and the petition's stored pages change with the count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.core.public_cache import versions_by_tag
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.petitions.models import Petition, PetitionRegionCount, Signature
from minjian.petitions.services import PETITIONS, petition_tag
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def _versions(petition: Petition) -> dict[str, str]:
    versions = versions_by_tag()
    return {tag: versions.get(tag, "") for tag in (PETITIONS, petition_tag(petition.pk))}


def test_a_signature_by_token_is_a_few_statements_with_the_petition_locked_last(
    client: OpenAPICheckingClient, author: User, regions: dict[str, Region]
) -> None:
    petition = make_petition(author)
    signer = make_user("quick-signer")
    _row, token = api_token_issue(actor=signer, user=signer, name="petitions")
    # Her token was used within the minute: its last use is not written again.
    client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"})
    before = _versions(petition)

    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            f"/api/v1/petitions/{petition.pk}/signatures",
            {"display_name": "小林", "region": "340000"},
            headers={"Authorization": f"Bearer {token}"},
        )

    assert answer.status_code == 201
    # The rate limits' counters (Redis, or these tables without it) aside:
    statements = [
        " ".join(query["sql"].split()[:3]).replace('"', "")
        for query in queries.captured_queries
        if "abuse_" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    ]
    assert statements == [
        "SELECT accounts_apitoken.id, accounts_apitoken.user_id,",  # the token, with her
        "SELECT petitions_petition.id, petitions_petition.title,",  # the petition, once
        "SELECT places_region.id, places_region.name_zh,",  # the province by its code
        # validated at once, no savepoint: ON CONFLICT DO NOTHING RETURNING id
        "INSERT INTO petitions_signature",
        # the counter's UPDATE ... WHERE state IN (signable): the petition's row is locked here
        "UPDATE petitions_petition SET",
        "INSERT INTO petitions_petitionregioncount",  # one upsert
        "INSERT INTO core_publicchange",  # the list's and the page's versions
    ]
    assert not any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)
    # The service's transaction, a savepoint inside the test's: the only one.
    assert sum(query["sql"].startswith("SAVEPOINT") for query in queries.captured_queries) == 1
    petition.refresh_from_db()
    assert petition.validated_count == 6
    assert Signature.objects.get(account=signer).state == Signature.State.VALIDATED
    assert PetitionRegionCount.objects.get(petition=petition, region__code="340000").count == 1
    after = _versions(petition)
    assert after[PETITIONS] != before[PETITIONS]
    assert after[petition_tag(petition.pk)] != before[petition_tag(petition.pk)]


def test_a_second_signature_of_the_account_is_refused_and_counts_nothing(
    client: OpenAPICheckingClient, author: User
) -> None:
    petition = make_petition(author)
    signer = make_user("twice")
    _row, token = api_token_issue(actor=signer, user=signer, name="petitions")
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/petitions/{petition.pk}/signatures"
    assert client.post(url, {}, headers=headers).status_code == 201

    again = client.post(url, {}, headers=headers)

    assert (again.status_code, again.json()["code"]) == (409, "already_signed")
    petition.refresh_from_db()
    assert petition.validated_count == 6
    assert Signature.objects.filter(account=signer).count() == 1
