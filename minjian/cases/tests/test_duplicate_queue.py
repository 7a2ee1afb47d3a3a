"""The verifiers' queue of duplicates (/cases/duplicates/): suggested pairs side by side,
highest score first, each confirmed (merged) or rejected with a button, and a form to
merge any case into another by number; verifiers and staff only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent, DuplicateSuggestion
from minjian.cases.tests.factories import make_case, make_suggested_pairs
from minjian.cases.tests.test_merge import make_verifier
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

PAIRS = 5


@pytest.fixture
def pairs(regions: dict[str, Region]) -> list[DuplicateSuggestion]:
    """Suggested pairs of public cases with two photos each, scores rising."""
    return make_suggested_pairs(regions["340321"], PAIRS)


@pytest.fixture
def verifier_client(client: Client) -> Client:
    client.force_login(make_verifier()[0])
    return client


def test_a_verifier_reads_the_pairs_highest_score_first(
    verifier_client: Client, pairs: list[DuplicateSuggestion]
) -> None:
    page = verifier_client.get("/cases/duplicates/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    shown = [suggestion.pk for suggestion in page.context["page"].object_list]
    assert shown == [suggestion.pk for suggestion in reversed(pairs)]
    best = pairs[-1]
    assert f"Merge #{best.case_id} into #{best.original_id}" in page.text
    photo = best.case.photos.first()
    assert photo is not None and photo.thumbnail_url in page.text


def test_the_queue_reads_a_fixed_number_of_queries(
    verifier_client: Client, pairs: list[DuplicateSuggestion], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        response = verifier_client.get("/cases/duplicates/")

    assert response.status_code == 200


def test_a_pair_no_longer_public_leaves_the_queue(
    verifier_client: Client, pairs: list[DuplicateSuggestion], staff: User
) -> None:
    Case.objects.filter(pk=pairs[0].case_id).update(state=Case.State.HIDDEN)

    page = verifier_client.get("/cases/duplicates/")

    assert pairs[0] not in page.context["page"].object_list


@pytest.mark.parametrize(("who", "status"), [("nobody", 302), ("someone", 403), ("staff", 200)])
def test_only_verifiers_and_staff_open_the_queue(
    client: Client, staff: User, who: str, status: int
) -> None:
    if who == "someone":
        client.force_login(make_user("someone"))
    elif who == "staff":
        client.force_login(staff)

    response = client.get("/cases/duplicates/")

    assert response.status_code == status
    if who == "nobody":
        assert response["Location"].startswith("/accounts/login/")


def test_confirm_merges_the_pair(verifier_client: Client, pairs: list[DuplicateSuggestion]) -> None:
    suggestion = pairs[0]

    answer = verifier_client.post(
        f"/cases/duplicates/{suggestion.pk}/confirm/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert (answer.status_code, answer["Location"]) == (303, "/cases/duplicates/")
    suggestion.refresh_from_db()
    assert suggestion.status == "confirmed"
    assert CaseEvent.objects.filter(case_id=suggestion.case_id, kind=CaseEvent.Kind.MERGED).exists()
    page = verifier_client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert f"Merged into case #{suggestion.original_id}." in page.text


def test_reject_keeps_the_pair_apart(
    verifier_client: Client, pairs: list[DuplicateSuggestion]
) -> None:
    suggestion = pairs[0]

    answer = verifier_client.post(f"/cases/duplicates/{suggestion.pk}/reject/")

    assert answer.status_code == 303
    suggestion.refresh_from_db()
    assert suggestion.status == "rejected"
    assert Case.objects.get(pk=suggestion.case_id).is_public


def test_a_decision_twice_says_so(
    verifier_client: Client, pairs: list[DuplicateSuggestion]
) -> None:
    suggestion = pairs[0]
    verifier_client.post(f"/cases/duplicates/{suggestion.pk}/reject/")

    again = verifier_client.post(
        f"/cases/duplicates/{suggestion.pk}/confirm/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "This suggestion was already rejected." in again.text
    suggestion.refresh_from_db()
    assert suggestion.status == "rejected"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/cases/duplicates/1000000/confirm/", 404), ("/cases/duplicates/1/undo/", 404)],
)
def test_an_unknown_suggestion_or_action_is_not_found(
    verifier_client: Client, path: str, status: int
) -> None:
    assert verifier_client.post(path).status_code == status


def test_the_queue_refuses_a_get_to_its_actions(
    verifier_client: Client, pairs: list[DuplicateSuggestion]
) -> None:
    assert verifier_client.get(f"/cases/duplicates/{pairs[0].pk}/confirm/").status_code == 405
    assert verifier_client.get("/cases/duplicates/merge/").status_code == 405


def test_a_verifier_merges_a_case_by_its_number(
    verifier_client: Client, regions: dict[str, Region]
) -> None:
    original = make_case(regions["340321"], title="淮河排污")
    duplicate = make_case(regions["340321"], title="淮河又排污")

    answer = verifier_client.post(
        "/cases/duplicates/merge/", {"case": f"#{duplicate.pk}", "into": str(original.pk)}
    )

    assert answer.status_code == 303
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == original.pk


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"case": "twelve", "into": "7"}, "case", "Give the number of a case, e.g. 12."),
        ({"case": "", "into": "7"}, "case", "This field is required."),
        ({"case": "same", "into": "same"}, "into", "A case cannot be merged into itself."),
        ({"case": "duplicate", "into": "1000000"}, "into", "There is no case #1000000."),
    ],
)
def test_a_refused_merge_says_why_beside_the_field(
    verifier_client: Client,
    regions: dict[str, Region],
    typed: dict[str, str],
    field: str,
    message: str,
) -> None:
    duplicate = make_case(regions["340321"], title="淮河又排污")
    numbers = {"same": str(duplicate.pk), "duplicate": str(duplicate.pk)}
    sent = {name: numbers.get(value, value) for name, value in typed.items()}

    answer = verifier_client.post("/cases/duplicates/merge/", sent, HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 400
    assert answer.context["merge_form"].errors[field] == [message]
    assert f'value="{sent["case"]}"' in answer.text or not sent["case"]
    duplicate.refresh_from_db()
    assert duplicate.is_public
