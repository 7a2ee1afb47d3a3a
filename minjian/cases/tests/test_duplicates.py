"""A case hidden as a duplicate names the case it repeats, and its tombstone leads there."""

from __future__ import annotations

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def test_a_moderator_hides_a_duplicate_and_its_tombstone_links_the_case_it_repeats(
    regions: dict[str, Region], staff: User, client: Client
) -> None:
    original = make_case(regions["340321"], title="造纸厂夜里向淮河排污")
    duplicate = make_case(regions["340321"], title="淮河边有工厂排黑水")
    client.force_login(staff)

    client.post(
        f"/cases/moderation/{duplicate.pk}/hide/",
        {"reason": "duplicate", "duplicate_of": f"#{original.pk}", "note": "同一个排污口。"},
    )

    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.duplicate_of_id) == (Case.State.HIDDEN, original.pk)
    hidden = duplicate.events.get(kind=CaseEvent.Kind.HIDDEN)
    assert hidden.payload["duplicate_of_id"] == original.pk
    tombstone = Client().get(f"/cases/{duplicate.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert tombstone.status_code == 410
    assert f'It repeats <a href="/cases/{original.pk}/">case #{original.pk}</a>' in tombstone.text
    assert "同一个排污口" not in tombstone.text


@pytest.mark.parametrize(
    ("reason", "duplicate_of", "code"),
    [
        ("duplicate", None, "duplicate_of_required"),
        ("duplicate", "itself", "unknown_duplicate_of"),
        ("duplicate", "hidden", "unknown_duplicate_of"),
        ("duplicate", 10**12, "unknown_duplicate_of"),
        ("spam", "public", "not_a_duplicate"),
    ],
)
def test_a_duplicate_must_name_another_public_case_and_only_a_duplicate_names_one(
    regions: dict[str, Region], staff: User, reason: str, duplicate_of: object, code: str
) -> None:
    case = make_case(regions["340321"])
    hidden = make_case(regions["340321"], title="已隐藏")
    services.case_hide(actor=staff, case_id=hidden.pk, reason="spam")
    named = {"itself": case.pk, "hidden": hidden.pk, "public": make_case(regions["340321"]).pk}

    with pytest.raises(DomainError) as refused:
        services.case_hide(
            actor=staff,
            case_id=case.pk,
            reason=reason,
            duplicate_of=named.get(str(duplicate_of), duplicate_of),  # type: ignore[arg-type]  # the ids above, or None, or a number
        )

    assert (refused.value.code, refused.value.field) == (code, "duplicate_of")
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED


def test_a_tombstone_of_another_reason_links_no_case(
    regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"])
    services.case_hide(actor=staff, case_id=case.pk, reason="spam")

    tombstone = Client().get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert tombstone.status_code == 410 and "It repeats" not in tombstone.text
