"""Every page and API read of claims reads a fixed number of queries however many claims,
appearances, verdicts and pieces of evidence there are (several of each here: a query per
row would show)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.claims import services
from minjian.claims.models import Claim
from minjian.claims.tests.factories import SOURCE, judge
from minjian.places.models import Region

Verdict = Case.Verdict


@pytest.fixture
def claims(regions: dict[str, Region], verifier: User, other_verifier: User) -> list[Claim]:
    """Three judged cases and three written claims, each with three appearances, two
    verdicts and evidence from two organisations."""
    found = []
    for number in range(3):
        case = make_case(regions["340321"], title=f"排污{number}")
        judge(case, verifier, Verdict.CHECKING)
        found.append(judge(case, other_verifier, Verdict.FALSE).claim)
        claim = services.claim_write(
            actor=verifier,
            statement=f"网传{number}",
            appearances=[
                {"url": f"https://weibo.example/{n}", "seen_on": f"2024-05-0{n + 1}"}
                for n in range(3)
            ],
        )
        for verdict in (Verdict.CHECKING, Verdict.DISPUTED):
            services.claim_verdict_give(
                actor=verifier,
                claim_id=claim.pk,
                verdict=verdict,
                rationale="说法不一。",
                evidence=[SOURCE, {"kind": "document", "path": "/docs/a.pdf"}],
            )
        found.append(claim)
    return found


def test_a_claims_page_reads_a_fixed_number_of_queries(
    client: Client, claims: list[Claim], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):  # with the versions of what the stored page shows
        response = client.get(f"/claims/{claims[1].pk}/")

    assert response.status_code == 200


def test_the_case_page_with_a_verdict_reads_a_fixed_number_of_queries(
    client: Client, claims: list[Claim], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get(f"/cases/{claims[0].case_id}/")

    assert response.status_code == 200


def test_the_verdict_forms_read_a_fixed_number_of_queries(
    client: Client, claims: list[Claim], verifier: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(verifier)
    for path in (
        f"/claims/case/{claims[0].case_id}/verdict/",
        f"/claims/{claims[1].pk}/verdict/",
        "/claims/new/",
    ):
        with django_assert_max_num_queries(12):
            response = client.get(path)
        assert response.status_code == 200, path


def test_the_feeds_read_a_fixed_number_of_queries(
    client: Client, claims: list[Claim], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        atom = client.get("/claims/reviews.atom")
    with django_assert_max_num_queries(4):
        listed = client.get("/api/v1/claim-reviews", {"limit": 100})
    with django_assert_max_num_queries(4):
        one = client.get(f"/api/v1/claims/{claims[1].pk}")

    assert atom.status_code == listed.status_code == one.status_code == 200
    assert len(listed.json()["results"]) == 6
