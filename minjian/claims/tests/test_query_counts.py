"""Every page and API read of claims reads a fixed number of queries however many claims,
appearances, verdicts and pieces of evidence there are (several of each here: a query per
row would show)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent, DuplicateSuggestion
from minjian.cases.services_merge import case_merge
from minjian.cases.tests.factories import make_case
from minjian.claims import services
from minjian.claims.models import Claim, Flag
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


@pytest.fixture
def desk(
    claims: list[Claim],
    regions: dict[str, Region],
    verifier: User,
    other_verifier: User,
    settings: Any,
) -> list[Case]:
    """Besides the judged claims: three cases being checked, three waiting for a second
    verifier, and three stories of three reports each (two merged, one suggested)."""
    stories = []
    for number in range(3):
        checked = make_case(regions["340321"], title=f"核查{number}")
        judge(checked, verifier, Verdict.CHECKING)
        original, *others = [
            make_case(regions["340321"], title=f"故事{number}-{n}") for n in range(4)
        ]
        for other in others[:2]:
            case_merge(actor=verifier, case_id=other.pk, into_id=original.pk)
        DuplicateSuggestion.objects.create(case=others[2], original=original, score=0.7)
        stories.append(original)
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    for number in range(3):
        judge(make_case(regions["340321"], title=f"待确认{number}"), verifier, Verdict.FALSE)
    return stories


def test_the_rumour_desk_reads_a_fixed_number_of_queries(
    client: Client, desk: list[Case], verifier: User, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):  # the versions, and one query per section
        public = client.get("/claims/")
    with django_assert_max_num_queries(5):
        data = client.get("/api/v1/claims/desk")
    client.force_login(verifier)
    with django_assert_max_num_queries(9):
        own = client.get("/claims/", headers={"Accept-Language": "en"})

    assert public.status_code == data.status_code == own.status_code == 200
    assert len(data.json()["clusters"]) == 3 and len(data.json()["awaiting_confirmation"]) == 3
    assert own.content.decode().count("Proposed:") == 3


def test_the_desk_feeds_read_a_fixed_number_of_queries(
    client: Client, desk: list[Case], django_assert_max_num_queries: Any
) -> None:
    for path in ("/claims/checking.atom", "/claims/clusters.atom", "/claims/awaiting.atom"):
        with django_assert_max_num_queries(2):  # the versions, and the section
            response = client.get(path)
        assert response.status_code == 200, path
        assert response.content.count(b"<entry>") == 3, path


def test_the_flag_form_reads_a_fixed_number_of_queries(
    client: Client, claims: list[Claim], django_assert_max_num_queries: Any
) -> None:
    case = claims[0].case
    assert case is not None
    verdict = case.events.filter(kind=CaseEvent.Kind.VERDICT)[0]
    for query in (f"case={case.pk}", f"claim={claims[1].pk}", f"case={case.pk}&event={verdict.pk}"):
        with django_assert_max_num_queries(2):
            response = client.get(f"/claims/flag/?{query}")
        assert response.status_code == 200, query


def test_the_flags_queue_reads_a_fixed_number_of_queries(
    client: Client,
    desk: list[Case],
    claims: list[Claim],
    staff: User,
    django_assert_max_num_queries: Any,
) -> None:
    verdicts = CaseEvent.objects.filter(kind=CaseEvent.Kind.VERDICT)[:3]
    targets: list[dict[str, Any]] = [{"case": case} for case in desk]
    targets += [{"case": event.case, "event": event} for event in verdicts]
    targets += [{"claim": claim} for claim in claims if claim.case_id is None]
    for number, target in enumerate(targets):
        for kind in Flag.Kind.values:
            for flagger in range(4):
                Flag.objects.create(
                    kind=kind, note=f"理由{flagger}", key=f"{number}-{kind}-{flagger}", **target
                )
    client.force_login(staff)

    # The account, her marks, the items, their newest notes, cases, entries and claims.
    with django_assert_max_num_queries(9):
        response = client.get("/claims/flags/", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert response.content.decode().count("flagged 4 times") == 2 * len(targets)
