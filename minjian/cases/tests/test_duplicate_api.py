"""The duplicates in the API (/api/v1/duplicates): the verifiers' queue, most alike first,
and a suggestion confirmed (merged) or rejected, for verifiers and staff only."""

from __future__ import annotations

from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, DuplicateSuggestion
from minjian.cases.tests.factories import make_suggested_pairs
from minjian.cases.tests.test_merge import make_verifier
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    _row, token = api_token_issue(actor=user, user=user, name="duplicates")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def verifier() -> dict[str, str]:
    return bearer(make_verifier()[0])


@pytest.fixture
def pairs(regions: dict[str, Region]) -> list[DuplicateSuggestion]:
    """Five suggested pairs of public cases with two photos each, scores rising."""
    return make_suggested_pairs(regions["340321"], 5)


def test_a_verifier_reads_the_suggested_pairs_most_alike_first(
    client: OpenAPICheckingClient,
    verifier: dict[str, str],
    pairs: list[DuplicateSuggestion],
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(7):
        answer = client.get("/api/v1/duplicates", {"page_size": 3}, headers=verifier)

    assert answer.status_code == 200
    body = answer.json()
    assert (body["count"], body["page"], body["page_size"]) == (5, 1, 3)
    assert [result["id"] for result in body["results"]] == [pair.pk for pair in pairs[:1:-1]]
    best = body["results"][0]
    assert (best["case"]["id"], best["original"]["id"]) == (
        pairs[-1].case_id,
        pairs[-1].original_id,
    )
    assert len(best["case"]["photos"]) == 2


@pytest.mark.parametrize(
    ("who", "status", "code"), [("nobody", 401, None), ("someone", 403, "not_a_verifier")]
)
def test_only_verifiers_read_the_queue(
    client: OpenAPICheckingClient,
    pairs: list[DuplicateSuggestion],
    who: str,
    status: int,
    code: str,
) -> None:
    headers = bearer(make_user("someone")) if who == "someone" else {}

    answer = client.get("/api/v1/duplicates", headers=headers)

    assert answer.status_code == status
    if code:
        assert answer.json()["code"] == code


def test_a_verifier_confirms_a_suggestion(
    client: OpenAPICheckingClient, verifier: dict[str, str], pairs: list[DuplicateSuggestion]
) -> None:
    pair = pairs[0]

    answer = client.post(f"/api/v1/duplicates/{pair.pk}/confirm", headers=verifier)

    assert answer.status_code == 200
    assert answer.json() == {"id": pair.pk, "status": "confirmed", "merged_into": pair.original_id}
    assert Case.objects.get(pk=pair.case_id).duplicate_of_id == pair.original_id
    again = client.post(f"/api/v1/duplicates/{pair.pk}/reject", headers=verifier)
    assert (again.status_code, again.json()["code"]) == (409, "suggestion_decided")


def test_a_verifier_rejects_a_suggestion(
    client: OpenAPICheckingClient, verifier: dict[str, str], pairs: list[DuplicateSuggestion]
) -> None:
    pair = pairs[0]

    answer = client.post(f"/api/v1/duplicates/{pair.pk}/reject", headers=verifier)

    assert answer.json() == {"id": pair.pk, "status": "rejected", "merged_into": None}
    listed = client.get("/api/v1/duplicates", headers=verifier).json()
    assert pair.pk not in [result["id"] for result in listed["results"]]
    missing = client.post("/api/v1/duplicates/1000000/confirm", headers=verifier)
    assert (missing.status_code, missing.json()["code"]) == (404, "unknown_suggestion")
