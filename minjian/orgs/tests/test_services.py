from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.errors import DomainError
from minjian.orgs import services
from minjian.orgs.models import Membership, Organisation, OrganisationEvent
from minjian.orgs.tests.conftest import Snapshot
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

Snap = Callable[[], Snapshot]


def create(actor: User, **overrides: Any) -> Organisation:
    arguments: dict[str, Any] = {
        "kind": "ngo",
        "name_zh": "淮河卫士",
        "name_en": "Huai River Guardians",
        "slug": "huai-river-guardians",
        "description": "We watch the Huai River.\n<b>Since 1994</b>",
        "topic_slugs": ["environment", "health"],
        "region_codes": ["340300"],
        "contact_email": "contact@huaihe.example.org",
        "contact_url": "https://huaihe.example.org/",
        "contact_note": "Weekdays 9-17",
    }
    arguments.update(overrides)
    return services.organisation_create(actor=actor, **arguments)


def update(actor: User, organisation: Organisation, **overrides: Any) -> Organisation:
    organisation.refresh_from_db()
    arguments: dict[str, Any] = {
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
    arguments.update(overrides)
    return services.organisation_update(actor=actor, organisation=organisation, **arguments)


def event_kinds(organisation: Organisation) -> list[str]:
    return list(organisation.events.values_list("kind", flat=True))


def refused(call: Callable[[], object], snapshot: Snap) -> DomainError:
    """Run `call`, expect a DomainError, and check that nothing was written."""
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        call()
    assert snapshot() == before
    return caught.value


# Creating


def test_any_account_can_register_an_ngo_and_becomes_its_admin(
    user: User, regions: dict[str, Region]
) -> None:
    organisation = create(user)

    assert organisation.kind == "ngo"
    assert not organisation.verified
    assert organisation.verified_at is None
    assert sorted(t.slug for t in organisation.topics.all()) == ["environment", "health"]
    assert [r.code for r in organisation.regions.all()] == ["340300"]
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (user, "admin")
    event = organisation.events.get()
    assert (event.kind, event.actor) == ("created", user)
    assert event.payload["slug"] == "huai-river-guardians"
    assert event.payload["admin"] == user.username
    assert event.payload["regions"] == ["340300"]


def test_any_account_can_register_an_informal_group(user: User) -> None:
    organisation = create(user, kind="informal", region_codes=[], topic_slugs=[])

    assert organisation.kind == "informal"
    assert event_kinds(organisation) == ["created"]


def test_description_is_stored_as_written(user: User, regions: dict[str, Region]) -> None:
    organisation = create(user)

    assert organisation.description == "We watch the Huai River.\n<b>Since 1994</b>"


def test_only_staff_can_register_an_agency(user: User, snapshot: Snap) -> None:
    error = refused(lambda: create(user, kind="agency", region_codes=[]), snapshot)

    assert (error.code, error.status, error.field) == ("agency_requires_staff", 403, "kind")


def test_agency_registered_by_staff_is_verified_at_once(
    staff: User, regions: dict[str, Region]
) -> None:
    organisation = create(staff, kind="agency", slug="bengbu-epb", name_en="Bengbu EPB")

    assert organisation.verified
    assert organisation.verified_at is not None
    assert event_kinds(organisation) == ["created", "verified"]
    assert organisation.events.last().payload == {"reason": "agency_registered_by_staff"}  # type: ignore[union-attr]  # there are two events


def test_a_taken_slug_is_refused_with_a_clear_error(
    user: User, regions: dict[str, Region], snapshot: Snap
) -> None:
    create(user)
    other = make_user("another-volunteer")

    error = refused(lambda: create(other, name_zh="别的组织"), snapshot)

    assert (error.code, error.status, error.field) == ("slug_taken", 409, "slug")


@pytest.mark.parametrize(
    "slug",
    [
        "ab",
        "Green-huai",
        "green_huai",
        "-green",
        "green-",
        "green--huai",
        "绿色淮河",
        "new",
        "a" * 81,
    ],
)
def test_a_malformed_slug_is_refused(user: User, snapshot: Snap, slug: str) -> None:
    error = refused(lambda: create(user, slug=slug, region_codes=[]), snapshot)

    assert (error.code, error.field) == ("invalid_slug", "slug")


def test_an_unknown_topic_is_refused_and_named(user: User, snapshot: Snap) -> None:
    error = refused(
        lambda: create(user, topic_slugs=["environment", "astrology"], region_codes=[]), snapshot
    )

    assert (error.code, error.field) == ("unknown_topic", "topic_slugs")
    assert error.details == {"unknown": ["astrology"]}
    assert "astrology" in str(error.message)


def test_an_unknown_region_is_refused_and_named(
    user: User, regions: dict[str, Region], snapshot: Snap
) -> None:
    error = refused(lambda: create(user, region_codes=["340300", "999999"]), snapshot)

    assert (error.code, error.field) == ("unknown_region", "region_codes")
    assert error.details == {"unknown": ["999999"]}


def test_an_organisation_needs_a_name_in_some_language(user: User, snapshot: Snap) -> None:
    error = refused(lambda: create(user, name_zh=" ", name_en="", region_codes=[]), snapshot)

    assert (error.code, error.field) == ("name_required", "name_zh")


def test_an_english_name_alone_is_enough(user: User) -> None:
    organisation = create(user, name_zh="", region_codes=[])

    assert organisation.name == "Huai River Guardians"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("contact_url", "javascript:alert(1)", "invalid_url"),
        ("contact_url", "ftp://files.example.org/", "invalid_url"),
        ("contact_email", "not an address", "invalid_email"),
        ("contact_note", "x" * 301, "too_long"),
        ("name_en", "x" * 201, "too_long"),
        ("kind", "church", "unknown_kind"),
    ],
)
def test_bad_profile_input_is_refused_next_to_its_field(
    user: User, snapshot: Snap, field: str, value: str, code: str
) -> None:
    error = refused(lambda: create(user, region_codes=[], **{field: value}), snapshot)

    assert (error.code, error.field) == (code, field)


def test_an_inactive_account_cannot_register(user: User, snapshot: Snap) -> None:
    user.is_active = False
    user.save()

    error = refused(lambda: create(user, region_codes=[]), snapshot)

    assert error.code == "account_inactive"


# Updating


def test_an_admin_edits_the_profile_and_the_change_is_recorded(
    user: User, regions: dict[str, Region]
) -> None:
    organisation = make_organisation(admins=[user], topics=["environment"], regions=["340300"])

    updated = update(
        user,
        organisation,
        description="New description",
        topic_slugs=["labour"],
        region_codes=["340300", "341200"],
    )

    assert updated.description == "New description"
    assert [t.slug for t in updated.topics.all()] == ["labour"]
    event = updated.events.get()
    assert (event.kind, event.actor) == ("updated", user)
    assert event.payload["changed"]["description"] == {"from": "", "to": "New description"}
    assert event.payload["changed"]["topics"] == {"from": ["environment"], "to": ["labour"]}
    assert event.payload["changed"]["regions"] == {
        "from": ["340300"],
        "to": ["340300", "341200"],
    }
    assert "name_zh" not in event.payload["changed"]


def test_saving_an_unchanged_profile_records_nothing(user: User) -> None:
    organisation = make_organisation(admins=[user])

    update(user, organisation)

    assert event_kinds(organisation) == []


def test_a_plain_member_cannot_edit_the_profile(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(members=[user])

    error = refused(lambda: update(user, organisation, description="Hijacked"), snapshot)

    assert (error.code, error.status) == ("forbidden", 403)


def test_staff_can_edit_any_profile(staff: User) -> None:
    organisation = make_organisation()

    update(staff, organisation, name_en="Huai River Watch")

    organisation.refresh_from_db()
    assert organisation.name_en == "Huai River Watch"


def test_an_admin_cannot_turn_an_ngo_into_an_agency(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user])

    error = refused(lambda: update(user, organisation, kind="agency"), snapshot)

    assert (error.code, error.field) == ("agency_requires_staff", "kind")


def test_an_admin_cannot_turn_an_agency_into_an_ngo(user: User, snapshot: Snap) -> None:
    agency = make_organisation(kind="agency", admins=[user], verified=True)

    error = refused(lambda: update(user, agency, kind="ngo"), snapshot)

    assert error.code == "agency_requires_staff"


def test_an_agency_admin_can_edit_the_rest_of_its_profile(user: User) -> None:
    agency = make_organisation(kind="agency", admins=[user], verified=True)

    update(user, agency, contact_note="Hotline 12369")

    agency.refresh_from_db()
    assert (agency.contact_note, agency.verified) == ("Hotline 12369", True)


def test_staff_turning_an_organisation_into_an_agency_verifies_it(staff: User) -> None:
    organisation = make_organisation()

    update(staff, organisation, kind="agency")

    organisation.refresh_from_db()
    assert organisation.verified
    assert event_kinds(organisation) == ["updated", "verified"]


def test_editing_an_unverified_agency_does_not_verify_it(user: User) -> None:
    agency = make_organisation(kind="agency", admins=[user], verified=False)

    update(user, agency, contact_note="Hotline 12369")

    agency.refresh_from_db()
    assert not agency.verified


def test_renaming_a_verified_organisation_withdraws_the_mark(user: User) -> None:
    organisation = make_organisation(admins=[user], verified=True)

    update(user, organisation, name_zh="武汉市公安局")

    organisation.refresh_from_db()
    assert not organisation.verified
    assert organisation.verified_at is None
    assert event_kinds(organisation) == ["updated", "unverified"]
    assert organisation.events.last().payload == {"reason": "renamed"}  # type: ignore[union-attr]  # there are two events


def test_staff_renaming_a_verified_organisation_keeps_the_mark(staff: User) -> None:
    organisation = make_organisation(verified=True)

    update(staff, organisation, name_zh="淮河卫士（安徽）")

    organisation.refresh_from_db()
    assert organisation.verified


def test_an_unknown_region_in_an_edit_changes_nothing(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user])

    error = refused(
        lambda: update(user, organisation, description="changed", region_codes=["000000"]),
        snapshot,
    )

    assert error.code == "unknown_region"


# Members


def test_an_admin_adds_a_member(user: User) -> None:
    organisation = make_organisation(admins=[user])
    newcomer = make_user("newcomer")

    membership = services.membership_add(
        actor=user, organisation=organisation, user=newcomer, role="member"
    )

    assert (membership.user, membership.role) == (newcomer, "member")
    event = organisation.events.get()
    assert (event.kind, event.actor) == ("member_added", user)
    assert event.payload == {"user_id": newcomer.pk, "pseudonym": "newcomer", "role": "member"}


def test_adding_someone_twice_is_refused(user: User, snapshot: Snap) -> None:
    newcomer = make_user("newcomer")
    organisation = make_organisation(admins=[user], members=[newcomer])

    error = refused(
        lambda: services.membership_add(
            actor=user, organisation=organisation, user=newcomer, role="admin"
        ),
        snapshot,
    )

    assert (error.code, error.field) == ("already_member", "user")


def test_a_plain_member_cannot_add_members(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(members=[user])
    newcomer = make_user("newcomer")

    error = refused(
        lambda: services.membership_add(
            actor=user, organisation=organisation, user=newcomer, role="admin"
        ),
        snapshot,
    )

    assert error.status == 403


def test_an_inactive_account_cannot_be_added(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user])
    gone = make_user("gone")
    gone.is_active = False
    gone.save()

    error = refused(
        lambda: services.membership_add(
            actor=user, organisation=organisation, user=gone, role="member"
        ),
        snapshot,
    )

    assert error.code == "unknown_user"


def test_an_unknown_role_is_refused(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user])
    newcomer = make_user("newcomer")

    error = refused(
        lambda: services.membership_add(
            actor=user, organisation=organisation, user=newcomer, role="owner"
        ),
        snapshot,
    )

    assert (error.code, error.field) == ("unknown_role", "role")


def test_an_admin_makes_a_member_an_admin(user: User) -> None:
    member = make_user("member")
    organisation = make_organisation(admins=[user], members=[member])

    services.membership_change_role(
        actor=user, organisation=organisation, user=member, role="admin"
    )

    assert Membership.objects.get(user=member).role == "admin"
    event = organisation.events.get()
    assert event.kind == "member_role_changed"
    assert (event.payload["from"], event.payload["to"]) == ("member", "admin")


def test_an_admin_can_step_down_when_another_admin_remains(user: User) -> None:
    other_admin = make_user("other-admin")
    organisation = make_organisation(admins=[user, other_admin])

    services.membership_change_role(actor=user, organisation=organisation, user=user, role="member")

    assert Membership.objects.get(user=user).role == "member"


def test_the_last_admin_cannot_step_down(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user], members=[make_user("member")])

    error = refused(
        lambda: services.membership_change_role(
            actor=user, organisation=organisation, user=user, role="member"
        ),
        snapshot,
    )

    assert (error.code, error.status) == ("last_admin", 409)
    with translation.override("en"):
        assert "at least one admin" in str(error.message)
    with translation.override("zh-hans"):
        assert "至少需要一位管理员" in str(error.message)


def test_giving_a_member_the_role_they_have_records_nothing(user: User) -> None:
    organisation = make_organisation(admins=[user])

    services.membership_change_role(actor=user, organisation=organisation, user=user, role="admin")

    assert event_kinds(organisation) == []


def test_an_admin_removes_a_member(user: User) -> None:
    member = make_user("member")
    organisation = make_organisation(admins=[user], members=[member])

    services.membership_remove(actor=user, organisation=organisation, user=member)

    assert not Membership.objects.filter(user=member).exists()
    event = organisation.events.get()
    assert (event.kind, event.payload["pseudonym"], event.payload["role"]) == (
        "member_removed",
        "member",
        "member",
    )


def test_the_last_admin_cannot_be_removed(staff: User, user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user])

    error = refused(
        lambda: services.membership_remove(actor=staff, organisation=organisation, user=user),
        snapshot,
    )

    assert error.code == "last_admin"


def test_removing_someone_who_is_not_a_member_is_refused(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user])
    stranger = make_user("stranger")

    error = refused(
        lambda: services.membership_remove(actor=user, organisation=organisation, user=stranger),
        snapshot,
    )

    assert (error.code, error.status) == ("not_a_member", 404)


def test_a_plain_member_cannot_remove_an_admin(user: User, snapshot: Snap) -> None:
    admin = make_user("admin")
    organisation = make_organisation(admins=[admin, make_user("admin-2")], members=[user])

    error = refused(
        lambda: services.membership_remove(actor=user, organisation=organisation, user=admin),
        snapshot,
    )

    assert error.status == 403


def test_staff_manage_members_of_any_organisation(staff: User, user: User) -> None:
    organisation = make_organisation(admins=[user])
    member = make_user("member")

    services.membership_add(actor=staff, organisation=organisation, user=member, role="admin")
    services.membership_remove(actor=staff, organisation=organisation, user=user)

    assert list(organisation.memberships.values_list("user__username", "role")) == [
        ("member", "admin")
    ]


# Verification


def test_staff_verify_an_organisation(staff: User) -> None:
    organisation = make_organisation()

    services.organisation_set_verified(actor=staff, organisation=organisation, verified=True)

    organisation.refresh_from_db()
    assert organisation.verified
    assert organisation.verified_at is not None
    event = organisation.events.get()
    assert (event.kind, event.actor) == ("verified", staff)


def test_staff_withdraw_the_verified_mark(staff: User) -> None:
    organisation = make_organisation(verified=True)

    services.organisation_set_verified(actor=staff, organisation=organisation, verified=False)

    organisation.refresh_from_db()
    assert (organisation.verified, organisation.verified_at) == (False, None)
    assert event_kinds(organisation) == ["unverified"]


def test_only_staff_can_verify_an_organisation(user: User, snapshot: Snap) -> None:
    organisation = make_organisation(admins=[user])

    error = refused(
        lambda: services.organisation_set_verified(
            actor=user, organisation=organisation, verified=True
        ),
        snapshot,
    )

    assert (error.code, error.status) == ("forbidden", 403)


def test_verifying_a_verified_organisation_records_nothing(staff: User) -> None:
    organisation = make_organisation(verified=True)

    services.organisation_set_verified(actor=staff, organisation=organisation, verified=True)

    assert not OrganisationEvent.objects.exists()
