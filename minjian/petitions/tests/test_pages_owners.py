"""Writing a petition on the web, its co-owner organisations accepting through their
admins, and sending the draft out for its first signers; every refusal next to its field,
in the writer's language, with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions.models import Petition, PetitionOwner
from minjian.petitions.tests.factories import in_days
from minjian.places.models import Region

ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}
Snapshot = Callable[[], Any]


def _form(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Publish the outlet data",
        "request": "Publish each outlet's monitoring data monthly.",
        "addressed_name": "Bengbu Ecology Bureau",
        "addressed_contact": "office@bengbu.example.gov.cn",
        "deadline": in_days(30).isoformat(),
        "signature_goal": "500",
        **fields,
    }


def _field_of(page: str, name: str) -> str:
    """The `.field` block holding the input called `name`."""
    return page.split(f'name="{name}"')[0].rsplit('class="field"', 1)[1]


def test_a_person_writes_a_draft_citing_cases(
    client: Client, user: User, regions: dict[str, Region]
) -> None:
    case = make_case(regions["340321"], title="Black water at night")
    client.force_login(user)

    response = client.post(
        "/petitions/new/",
        _form(cited_cases=f"#{case.pk}", region="340000", topic="environment"),
        headers=ENGLISH,
    )

    assert response.status_code == 303
    petition = Petition.objects.get()
    assert petition.state == Petition.State.DRAFT and petition.created_by == user
    assert list(petition.cited_cases.all()) == [case]
    page = client.get(response["Location"], headers=ENGLISH).content.decode()
    assert "The draft is saved." in page and "Black water at night" in page


def test_the_form_is_in_chinese(client: Client, user: User) -> None:
    client.force_login(user)

    page = client.get("/petitions/new/", headers=CHINESE).content.decode()

    assert "撰写请愿" in page and "递交的政府机关" in page


def test_a_deadline_in_the_past_is_refused_next_to_its_field(
    client: Client, user: User, snapshot: Snapshot
) -> None:
    client.force_login(user)
    before = snapshot()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    english = client.post("/petitions/new/", _form(deadline=yesterday), headers=ENGLISH)
    chinese = client.post("/petitions/new/", _form(deadline=yesterday), headers=CHINESE)

    assert english.status_code == 400
    assert "The deadline must be a day in the future." in _field_of(
        english.content.decode(), "deadline"
    )
    assert "截止日期必须是将来的某一天。" in chinese.content.decode()
    assert snapshot() == before


def test_a_petition_to_no_body_is_refused(client: Client, user: User, snapshot: Snapshot) -> None:
    client.force_login(user)
    before = snapshot()

    response = client.post(
        "/petitions/new/", _form(addressed_name="", addressed_contact=""), headers=ENGLISH
    )

    assert response.status_code == 400
    assert "Say which body the petition is addressed to." in _field_of(
        response.content.decode(), "addressed_name"
    )
    assert snapshot() == before


def test_an_unknown_co_owner_or_case_is_refused(
    client: Client, user: User, snapshot: Snapshot
) -> None:
    client.force_login(user)
    before = snapshot()

    response = client.post(
        "/petitions/new/",
        _form(other_organisations="no-such-ngo", cited_cases="#999999"),
        headers=ENGLISH,
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is no organisation at the address “no-such-ngo”." in page
    assert "There is no case #999999." in page
    assert snapshot() == before


def test_co_owners_accept_before_the_draft_looks_for_sponsors(
    client: Client, ngo: Organisation, ngo_admin: User
) -> None:
    other_admin = make_user("other-admin")
    other = make_organisation("anhui-water", admins=[other_admin], name_en="Anhui Clean Water")
    client.force_login(ngo_admin)
    client.post(
        "/petitions/new/",
        _form(own_organisations=[ngo.slug], other_organisations=other.slug),
        headers=ENGLISH,
    )
    petition = Petition.objects.get()
    assert PetitionOwner.objects.get(petition=petition, organisation=ngo).accepted

    refused = client.post(f"/petitions/{petition.pk}/submit/", headers=ENGLISH)
    page = client.get(refused["Location"], headers=ENGLISH).content.decode()
    assert "Every co-owner organisation must accept" in page
    assert Petition.objects.get(pk=petition.pk).state == Petition.State.DRAFT

    # The other admin may not accept for an organisation she does not administer.
    assert (
        client.post(f"/petitions/{petition.pk}/owners/", {"organisation": other.slug}).status_code
        == 403
    )
    client.force_login(other_admin)
    owners = client.get(f"/petitions/{petition.pk}/owners/", headers=ENGLISH).content.decode()
    assert "Accept for Anhui Clean Water" in owners
    client.post(f"/petitions/{petition.pk}/owners/", {"organisation": other.slug})
    assert PetitionOwner.objects.get(petition=petition, organisation=other).accepted

    client.force_login(ngo_admin)
    client.post(f"/petitions/{petition.pk}/submit/")
    assert Petition.objects.get(pk=petition.pk).state == Petition.State.GATHERING_SPONSORS


def test_only_an_owner_sends_a_draft_out(client: Client, user: User, author: User) -> None:
    client.force_login(author)
    client.post("/petitions/new/", _form())
    petition = Petition.objects.get()
    stranger = make_user("stranger")
    client.force_login(stranger)

    # A draft is not found but by its owners and staff.
    assert client.post(f"/petitions/{petition.pk}/submit/").status_code == 404
    assert Petition.objects.get(pk=petition.pk).state == Petition.State.DRAFT


def test_writing_needs_an_account(client: Client, db: Any) -> None:
    response = client.get("/petitions/new/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
