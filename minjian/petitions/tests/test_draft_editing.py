"""An owner edits a draft: its text and terms change with an event on its timeline,
co-owner organisations she does not administer accept the new text again, and a draft
that organisations signed, a petition sent out, or a stranger's edit is refused with
nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions import services
from minjian.petitions.models import Petition, PetitionEvent, PetitionOwner
from minjian.petitions.tests.factories import NAMED_BODY, in_days, make_petition
from minjian.places.models import Region

ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}


def _edit(actor: User, petition: Petition, **fields: Any) -> Petition:
    arguments: dict[str, Any] = {
        "title": petition.title,
        "request": petition.request,
        "background": petition.background,
        "deadline": petition.deadline,
        "signature_goal": petition.signature_goal,
        **NAMED_BODY,
        **fields,
    }
    return services.petition_draft_edit(actor=actor, petition=petition, **arguments)


def test_an_owner_edits_her_draft_and_the_timeline_says_what_changed(
    author: User, regions: dict[str, Region]
) -> None:
    case = make_case(regions["340321"], title="夜里排污")
    petition = make_petition(author, state=Petition.State.DRAFT)

    edited = _edit(
        author, petition, title="请按月公开淮河排污口数据", signature_goal=500, cited_cases=[case]
    )

    edited.refresh_from_db()
    assert edited.title == "请按月公开淮河排污口数据" and edited.signature_goal == 500
    assert list(edited.cited_cases.all()) == [case]
    event = edited.events.order_by("-id").first()
    assert event is not None and event.kind == PetitionEvent.Kind.EDITED
    assert event.payload["fields"] == ["title", "signature_goal", "cited_cases"]


def test_an_edit_that_changes_nothing_writes_nothing(
    author: User, snapshot: Callable[[], Any]
) -> None:
    petition = make_petition(author, state=Petition.State.DRAFT)
    before = snapshot()

    _edit(author, petition)

    assert snapshot() == before


def test_co_owners_she_does_not_administer_accept_the_new_text_again(
    ngo: Organisation, ngo_admin: User
) -> None:
    other_admin = make_user("other-admin")
    other = make_organisation("anhui-water", admins=[other_admin])
    petition = services.petition_create(
        actor=ngo_admin,
        title="请公开监测数据",
        request="按月公开。",
        background="",
        deadline=in_days(10),
        signature_goal=10,
        owner_organisations=[ngo, other],
        addressed_name=NAMED_BODY["addressed_name"],
        addressed_contact=NAMED_BODY["addressed_contact"],
    )
    services.petition_owner_accept(actor=other_admin, petition=petition, organisation=other)

    _edit(ngo_admin, petition, request="按月公开，并说明超标原因。")

    accepted = dict(
        PetitionOwner.objects.filter(petition=petition).values_list("organisation", "accepted_at")
    )
    assert accepted[ngo.pk] is not None
    assert accepted[other.pk] is None
    with pytest.raises(DomainError) as refused:
        services.petition_submit_for_sponsors(actor=ngo_admin, petition=petition)
    assert refused.value.code == "owners_not_accepted"


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (Petition.State.GATHERING_SPONSORS, "petition_state"),
        (Petition.State.OPEN, "petition_state"),
    ],
)
def test_a_petition_sent_out_is_no_longer_edited(
    author: User, snapshot: Callable[[], Any], state: str, code: str
) -> None:
    petition = make_petition(author, state=state)
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        _edit(author, petition, title="改过的标题")

    assert refused.value.code == code
    assert snapshot() == before


def test_a_draft_organisations_signed_keeps_the_text_they_signed(
    author: User, snapshot: Callable[[], Any]
) -> None:
    members = [
        make_organisation(f"ngo-{number}", admins=[make_user(f"admin-{number}")])
        for number in range(2)
    ]
    petition = services.petition_create(
        actor=author,
        title="联合建议",
        request="按月公开。",
        background="",
        deadline=in_days(10),
        signature_goal=10,
        owner_organisations=members,
        owners_agreed=True,
        addressed_name=NAMED_BODY["addressed_name"],
        addressed_contact=NAMED_BODY["addressed_contact"],
    )
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        _edit(author, petition, title="改过的标题")

    assert refused.value.code == "petition_signed"
    assert snapshot() == before


def test_only_an_owner_edits_and_bad_terms_change_nothing(
    author: User, snapshot: Callable[[], Any]
) -> None:
    petition = make_petition(author, state=Petition.State.DRAFT)
    before = snapshot()

    with pytest.raises(DomainError) as stranger:
        _edit(make_user("stranger"), petition, title="别人的标题")
    with pytest.raises(DomainError) as past:
        _edit(author, petition, deadline=in_days(-1))

    assert stranger.value.code == "forbidden"
    assert past.value.code != "forbidden"
    assert snapshot() == before


def test_the_owner_edits_her_draft_on_its_page(
    client: Client, author: User, django_assert_max_num_queries: Any
) -> None:
    petition = make_petition(author, state=Petition.State.DRAFT, title="请公开监测数据")
    client.force_login(author)
    detail = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert f"/petitions/{petition.pk}/edit/" in detail

    with django_assert_max_num_queries(12):
        form = client.get(f"/petitions/{petition.pk}/edit/", headers=CHINESE)
    page = form.content.decode()
    assert form.status_code == 200 and "编辑草稿" in page and "请公开监测数据" in page
    assert 'name="other_organisations"' not in page
    # The date picker takes ISO 8601 whatever the language (not zh-hans's 2027/03/01).
    assert f'type="date" name="deadline" value="{petition.deadline.isoformat()}"' in page

    saved = client.post(
        f"/petitions/{petition.pk}/edit/",
        {
            "title": "请按月公开监测数据",
            "request": petition.request,
            "addressed_name": NAMED_BODY["addressed_name"],
            "addressed_contact": NAMED_BODY["addressed_contact"],
            "deadline": in_days(20).isoformat(),
            "signature_goal": "300",
        },
        headers=ENGLISH,
    )
    assert saved.status_code == 303
    petition.refresh_from_db()
    assert petition.title == "请按月公开监测数据" and petition.signature_goal == 300

    refused = client.post(
        f"/petitions/{petition.pk}/edit/",
        {"title": "", "request": "x", "deadline": in_days(20).isoformat()},
        headers=ENGLISH,
    )
    assert refused.status_code == 400
    petition.refresh_from_db()
    assert petition.title == "请按月公开监测数据"


def test_a_stranger_cannot_open_the_edit_form_of_a_draft(client: Client, author: User) -> None:
    petition = make_petition(author, state=Petition.State.DRAFT)
    client.force_login(make_user("stranger"))

    assert client.get(f"/petitions/{petition.pk}/edit/").status_code == 404
