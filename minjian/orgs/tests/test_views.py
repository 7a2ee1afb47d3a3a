"""The organisation pages as visitors, admins and staff meet them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Membership, Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

CREATE_FORM = {
    "kind": "ngo",
    "name_zh": "淮河卫士",
    "name_en": "Huai River Guardians",
    "slug": "huai-river-guardians",
    "description": "我们守护淮河。",
    "topic_slugs": ["environment", "health"],
    "region_codes": ["340300"],
    "contact_email": "contact@huaihe.example.org",
    "contact_url": "https://huaihe.example.org/",
    "contact_note": "",
}


def edit_form(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "kind": organisation.kind,
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
        "description": organisation.description,
        "topic_slugs": [t.slug for t in organisation.topics.all()],
        "region_codes": [r.code for r in organisation.regions.all()],
        "contact_email": organisation.contact_email,
        "contact_url": organisation.contact_url,
        "contact_note": organisation.contact_note,
    }
    form.update(changes)
    return form


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# The public profile


@pytest.fixture
def guardians(regions: dict[str, Region], user: User) -> Organisation:
    return make_organisation(
        "huai-river-guardians",
        name_zh="淮河卫士",
        name_en="Huai River Guardians",
        description="We watch the river.\n<script>alert('x')</script>",
        admins=[user],
        members=[make_user("boatman")],
        topics=["environment"],
        regions=["340300"],
        verified=True,
        contact_email="contact@huaihe.example.org",
        contact_url="https://huaihe.example.org/",
        contact_note="Weekdays 9-17",
    )


def test_profile_shows_the_organisation_in_english(client: Client, guardians: Organisation) -> None:
    response = client.get("/orgs/huai-river-guardians/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.text
    assert "淮河卫士" in page and "Huai River Guardians" in page
    assert "NGO" in page
    assert "Verified by site staff" in page
    assert "Environment" in page and "Bengbu" in page
    assert "mailto:contact@huaihe.example.org" in page
    assert "Weekdays 9-17" in page
    assert "river-watcher" in page and "boatman" in page
    assert "Admin" in page or "admin" in page


def test_profile_shows_the_organisation_in_chinese(client: Client, guardians: Organisation) -> None:
    response = client.get("/orgs/huai-river-guardians/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    page = response.text
    assert "淮河卫士" in page and "Huai River Guardians" in page
    assert "已由本站工作人员认证" in page
    assert "环境" in page and "蚌埠市" in page
    assert "Verified by site staff" not in page
    assert "Members" not in page


def test_profile_shows_the_description_as_written_and_escaped(
    client: Client, guardians: Organisation
) -> None:
    page = client.get("/orgs/huai-river-guardians/").text

    assert "<script>alert" not in page
    assert (
        '<div class="user-text">We watch the river.\n&lt;script&gt;alert(&#x27;x&#x27;)'
        "&lt;/script&gt;</div>"
    ) in page


def test_profile_of_an_unknown_organisation_is_not_found(client: Client) -> None:
    assert client.get("/orgs/nobody-here/").status_code == 404


def test_admin_links_are_shown_to_admins_only(
    client: Client, guardians: Organisation, user: User
) -> None:
    assert "/orgs/huai-river-guardians/edit/" not in client.get("/orgs/huai-river-guardians/").text

    page = signed_in(client, user).get("/orgs/huai-river-guardians/").text

    assert "/orgs/huai-river-guardians/edit/" in page
    assert "/orgs/huai-river-guardians/members/" in page
    assert "/orgs/huai-river-guardians/verify/" not in page


# The list


def test_list_of_twenty_organisations_takes_a_bounded_number_of_queries(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    for number in range(20):
        make_organisation(
            f"group-{number:02d}",
            name_zh=f"团体{number:02d}",
            topics=["environment", "labour"],
            regions=["340300", "420100"],
            admins=[make_user(f"admin-{number}")],
            verified=number % 2 == 0,
        )

    with django_assert_max_num_queries(6):
        response = client.get("/orgs/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert all(f"团体{number:02d}" in response.text for number in range(20))


def test_list_filters_by_kind_and_topic(client: Client, db: None) -> None:
    make_organisation("river-ngo", name_zh="河流组织", topics=["environment"])
    make_organisation("river-group", name_zh="河流小组", kind="informal", topics=["environment"])
    make_organisation("school-group", name_zh="学校小组", kind="informal", topics=["education"])

    page = client.get("/orgs/", {"kind": "informal", "topic": "environment"}).text

    assert "河流小组" in page
    assert "河流组织" not in page and "学校小组" not in page


def test_list_with_an_unknown_filter_says_so(client: Client, db: None) -> None:
    make_organisation("river-ngo", name_zh="河流组织")

    response = client.get("/orgs/", {"topic": "astrology"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert 'class="errorlist"' in response.text
    assert "/orgs/river-ngo/" in response.text


def test_list_paginates(client: Client, db: None) -> None:
    for number in range(25):
        make_organisation(f"group-{number:02d}", name_zh=f"团体{number:02d}")

    second = client.get("/orgs/", {"page": 2}).text

    assert "团体24" in second and "团体00" not in second


# Registering


def test_a_signed_in_visitor_registers_an_organisation(
    client: Client, user: User, regions: dict[str, Region]
) -> None:
    form_page = signed_in(client, user).get("/orgs/new/", HTTP_ACCEPT_LANGUAGE="en")
    assert form_page.status_code == 200
    assert 'value="agency"' not in form_page.text

    response = client.post("/orgs/new/", CREATE_FORM)

    assert response.status_code == 302
    assert response["Location"] == "/orgs/huai-river-guardians/"
    organisation = Organisation.objects.get(slug="huai-river-guardians")
    assert Membership.objects.get(organisation=organisation).user == user
    assert client.get(response["Location"]).status_code == 200


def test_registering_needs_an_account(client: Client, db: None) -> None:
    response = client.get("/orgs/new/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_taken_address_is_shown_next_to_its_field(
    client: Client, user: User, regions: dict[str, Region]
) -> None:
    make_organisation("huai-river-guardians")

    response = signed_in(client, user).post("/orgs/new/", CREATE_FORM, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.context["form"].errors["slug"] == [
        "Another organisation already uses this address. Choose another."
    ]
    assert Organisation.objects.count() == 1


def test_a_malformed_address_is_refused_in_chinese(
    client: Client, user: User, regions: dict[str, Region]
) -> None:
    response = signed_in(client, user).post(
        "/orgs/new/", {**CREATE_FORM, "slug": "Huai_River"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    assert "小写字母" in response.context["form"].errors["slug"][0]
    assert not Organisation.objects.exists()


def test_someone_who_is_not_staff_cannot_register_an_agency(
    client: Client, user: User, regions: dict[str, Region]
) -> None:
    response = signed_in(client, user).post("/orgs/new/", {**CREATE_FORM, "kind": "agency"})

    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_staff_register_an_agency_from_the_form(
    client: Client, staff: User, regions: dict[str, Region]
) -> None:
    response = signed_in(client, staff).post(
        "/orgs/new/", {**CREATE_FORM, "kind": "agency", "slug": "bengbu-epb"}
    )

    assert response.status_code == 302
    assert Organisation.objects.get(slug="bengbu-epb").verified


# Editing


def test_an_admin_edits_the_profile(client: Client, user: User, guardians: Organisation) -> None:
    signed_in(client, user)
    assert client.get("/orgs/huai-river-guardians/edit/").status_code == 200

    response = client.post(
        "/orgs/huai-river-guardians/edit/", edit_form(guardians, contact_note="Hotline 12369")
    )

    assert response.status_code == 302
    guardians.refresh_from_db()
    assert guardians.contact_note == "Hotline 12369"


def test_an_edit_with_an_unsafe_web_address_is_refused_next_to_the_field(
    client: Client, user: User, guardians: Organisation
) -> None:
    response = signed_in(client, user).post(
        "/orgs/huai-river-guardians/edit/",
        edit_form(guardians, contact_url="ftp://files.example.org/"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.context["form"].errors["contact_url"] == [
        "Enter a web address starting with http:// or https://."
    ]


def test_edit_is_refused_to_someone_who_is_not_an_admin(
    client: Client, guardians: Organisation
) -> None:
    member = Membership.objects.get(user__username="boatman").user
    signed_in(client, member)

    assert client.get("/orgs/huai-river-guardians/edit/").status_code == 403
    response = client.post(
        "/orgs/huai-river-guardians/edit/", edit_form(guardians, name_en="Taken over")
    )

    assert response.status_code == 403
    guardians.refresh_from_db()
    assert guardians.name_en == "Huai River Guardians"


# Members


def test_an_admin_adds_a_member_by_pseudonym(
    client: Client, user: User, guardians: Organisation
) -> None:
    newcomer = make_user("newcomer")

    response = signed_in(client, user).post(
        "/orgs/huai-river-guardians/members/",
        {"action": "add", "add-user": "newcomer", "add-role": "admin"},
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == "admin"


def test_adding_an_unknown_pseudonym_is_refused_next_to_the_field(
    client: Client, user: User, guardians: Organisation
) -> None:
    response = signed_in(client, user).post(
        "/orgs/huai-river-guardians/members/",
        {"action": "add", "add-user": "nobody", "add-role": "member"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.context["add_form"].errors["user"] == [
        "There is no active account with this pseudonym."
    ]


def test_an_admin_changes_a_role_and_removes_a_member(
    client: Client, user: User, guardians: Organisation
) -> None:
    signed_in(client, user)

    promoted = client.post(
        "/orgs/huai-river-guardians/members/",
        {"action": "role", "user": "boatman", "role": "admin"},
    )
    removed = client.post(
        "/orgs/huai-river-guardians/members/", {"action": "remove", "user": "river-watcher"}
    )

    assert promoted.status_code == removed.status_code == 302
    assert list(guardians.memberships.values_list("user__username", "role")) == [
        ("boatman", "admin")
    ]


def test_removing_the_last_admin_is_refused_with_a_message(
    client: Client, user: User, guardians: Organisation
) -> None:
    response = signed_in(client, user).post(
        "/orgs/huai-river-guardians/members/",
        {"action": "remove", "user": "river-watcher"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "An organisation needs at least one admin." in response.text
    assert guardians.memberships.count() == 2


def test_members_page_is_refused_to_someone_who_is_not_an_admin(
    client: Client, guardians: Organisation
) -> None:
    outsider = make_user("outsider")

    response = signed_in(client, outsider).post(
        "/orgs/huai-river-guardians/members/",
        {"action": "add", "add-user": "outsider", "add-role": "admin"},
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


# Verification


def test_staff_verify_and_unverify_from_the_profile(client: Client, staff: User) -> None:
    organisation = make_organisation("river-group")
    signed_in(client, staff)
    assert "/orgs/river-group/verify/" in client.get("/orgs/river-group/").text

    verified = client.post("/orgs/river-group/verify/", {"verified": "1"})
    organisation.refresh_from_db()
    assert (verified.status_code, organisation.verified) == (302, True)

    client.post("/orgs/river-group/verify/", {"verified": "0"})
    organisation.refresh_from_db()
    assert not organisation.verified


def test_verify_is_refused_to_someone_who_is_not_staff(
    client: Client, user: User, guardians: Organisation
) -> None:
    guardians_unverified = make_organisation("river-group", admins=[user])

    response = signed_in(client, user).post("/orgs/river-group/verify/", {"verified": "1"})

    assert response.status_code == 403
    guardians_unverified.refresh_from_db()
    assert not guardians_unverified.verified


def test_verify_accepts_only_post(client: Client, staff: User) -> None:
    make_organisation("river-group")

    assert signed_in(client, staff).get("/orgs/river-group/verify/").status_code == 405


def test_edit_form_keeps_a_county_the_organisation_already_serves(
    client: Client, user: User, regions: dict[str, Region]
) -> None:
    make_organisation("huaiyuan-kids", admins=[user], regions=["340321"])

    response = signed_in(client, user).get("/orgs/huaiyuan-kids/edit/")

    choices = {
        code
        for _group, options in response.context["form"].fields["region_codes"].choices
        for code, _label in options
    }
    assert "340321" in choices and "340300" in choices
    assert "420102" not in choices
    assert '<option value="340321" selected>' in response.text
