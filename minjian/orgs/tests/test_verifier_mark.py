"""An admin gives a member the verifier mark, or takes it back, on the members page: in
a verified organisation only, recorded in the organisation's history, and refused to
anyone else with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.errors import DomainError
from minjian.orgs import services
from minjian.orgs.models import Membership, OrganisationEvent
from minjian.orgs.selectors import user_is_verifier, verifying_organisations_of
from minjian.orgs.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

Snap = Callable[[], tuple[list[Any], ...]]


@pytest.fixture
def admin() -> User:
    return make_user("admin-chen")


def test_an_admin_makes_a_member_a_verifier_and_takes_it_back(admin: User, user: User) -> None:
    organisation = make_organisation(verified=True, admins=[admin], members=[user])

    services.membership_set_verifier(
        actor=admin, organisation=organisation, user=user, verifier=True
    )

    assert user_is_verifier(user)
    assert list(verifying_organisations_of(user)) == [organisation]
    event = OrganisationEvent.objects.get(kind=OrganisationEvent.Kind.MEMBER_VERIFIER_CHANGED)
    assert event.actor == admin
    assert event.payload == {"user_id": user.pk, "pseudonym": user.username, "verifier": True}

    services.membership_set_verifier(
        actor=admin, organisation=organisation, user=user, verifier=False
    )
    services.membership_set_verifier(
        actor=admin, organisation=organisation, user=user, verifier=False
    )

    assert not user_is_verifier(user)
    assert (
        OrganisationEvent.objects.filter(
            kind=OrganisationEvent.Kind.MEMBER_VERIFIER_CHANGED
        ).count()
        == 2
    )


def test_the_mark_is_given_only_by_admins_in_a_verified_organisation(
    admin: User, user: User, snapshot: Snap
) -> None:
    unverified = make_organisation("small-group", admins=[admin], members=[user])
    verified = make_organisation(verified=True, admins=[admin], members=[user])
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        services.membership_set_verifier(
            actor=admin, organisation=unverified, user=user, verifier=True
        )
    assert (refused.value.code, refused.value.field) == ("organisation_not_verified", "verifier")
    with pytest.raises(DomainError) as refused:
        services.membership_set_verifier(
            actor=user, organisation=verified, user=user, verifier=True
        )
    assert refused.value.status == 403
    stranger = make_user("stranger")
    with pytest.raises(DomainError) as refused:
        services.membership_set_verifier(
            actor=admin, organisation=verified, user=stranger, verifier=True
        )
    assert refused.value.code == "not_a_member"
    assert snapshot()[:5] == before[:5]


def test_the_members_page_gives_and_takes_the_mark(client: Client, admin: User, user: User) -> None:
    organisation = make_organisation(verified=True, admins=[admin], members=[user])
    client.force_login(admin)

    page = client.get(f"/orgs/{organisation.slug}/members/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Make a verifier" in page.content.decode()
    sent = client.post(
        f"/orgs/{organisation.slug}/members/",
        {"action": "verifier", "user": user.username, "verifier": "1"},
    )

    assert sent.status_code == 302
    assert Membership.objects.get(user=user).verifier
    page = client.get(f"/orgs/{organisation.slug}/members/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Withdraw the verifier mark" in page.content.decode()


def test_the_members_page_shows_a_refusal(client: Client, admin: User, user: User) -> None:
    organisation = make_organisation("small-group", admins=[admin], members=[user])
    client.force_login(admin)

    sent = client.post(
        f"/orgs/{organisation.slug}/members/",
        {"action": "verifier", "user": user.username, "verifier": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert sent.status_code == 400
    assert "Only members of a verified organisation can be verifiers." in sent.content.decode()
    assert not Membership.objects.get(user=user).verifier
