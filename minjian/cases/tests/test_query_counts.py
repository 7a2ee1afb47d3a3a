"""Every page of cases that a GET reaches, and the API's case, reads a fixed number of
queries however many cases, photos and timeline entries there are (five of each here:
a query per row would show). The list, the map and the home page are pinned in
test_views.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case, CasePhoto
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region


@pytest.fixture
def cases(
    regions: dict[str, Region], staff: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> list[Case]:
    """Five reports with two photos each: three published and moved along, one
    hidden, one waiting for a moderator."""
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with django_capture_on_commit_callbacks(execute=True):
        filed = [
            make_case(regions["340321"], title=f"排污{number}", photos=[jpeg_upload()] * 2)
            for number in range(5)
        ]
    for case in filed[:3]:
        services.case_publish(actor=staff, case_id=case.pk, note="已核实。")
        services.case_acknowledge(actor=staff, case_id=case.pk, note="收到。")
        services.case_start_progress(actor=staff, case_id=case.pk, note="处理中。")
    services.case_hide(actor=staff, case_id=filed[3].pk, reason=Case.HiddenReason.values[0])
    return filed


@pytest.fixture
def moderator(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


def test_the_case_page_reads_a_fixed_number_of_queries(
    client: Client, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):  # with the versions of what the stored page shows
        response = client.get(f"/cases/{cases[0].pk}/")

    assert response.status_code == 200


def test_the_api_case_reads_a_fixed_number_of_queries(
    client: Client, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):  # with the versions of what the stored page shows
        response = client.get(f"/api/v1/cases/{cases[0].pk}")

    assert response.status_code == 200


def test_a_photo_reads_a_fixed_number_of_queries(
    client: Client, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    photo = CasePhoto.objects.filter(case=cases[0]).first()
    assert photo is not None
    address = f"/cases/photos/{photo.key}/{CasePhoto.Size.THUMB}.jpg"
    assert address == photo.thumbnail_url

    with django_assert_max_num_queries(1):
        response = client.get(address)

    assert response.status_code == 200


def test_the_moderation_queue_reads_a_fixed_number_of_queries(
    moderator: Client, cases: list[Case], django_assert_max_num_queries: Any
) -> None:
    for number in range(4):
        make_case(cases[0].region, title=f"待审{number}")

    # One more than the page itself: the header counts the cases waiting (cases_tags).
    with django_assert_max_num_queries(9):
        response = moderator.get("/cases/moderation/")

    assert response.status_code == 200
    assert all(f"待审{number}" in response.content.decode() for number in range(4))


def test_the_moderation_log_reads_a_fixed_number_of_queries(
    client: Client, cases: list[Case], staff: User, django_assert_max_num_queries: Any
) -> None:
    for case in cases[:3]:
        services.case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.values[0])

    # The page of actions, their number, the holds for naming a private person per month,
    # and one for each app above cases that adds its entries (petitions).
    with django_assert_max_num_queries(4):
        response = client.get("/cases/moderation/log/")

    assert response.status_code == 200


@pytest.mark.parametrize(("address", "queries"), [("/cases/report/", 2), ("/cases/follow/", 0)])
def test_the_report_and_follow_forms_read_a_fixed_number_of_queries(
    client: Client,
    cases: list[Case],
    address: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(queries):
        response = client.get(address)

    assert response.status_code == 200
