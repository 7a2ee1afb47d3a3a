"""Admins choose what their organisation's inbox receives."""

from __future__ import annotations

from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.errors import DomainError
from minjian.orgs.models import OrganisationEvent
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.routing import services
from minjian.routing.models import Subscription


@pytest.mark.parametrize(
    ("topic", "region"),
    [("environment", "340300"), (None, "340300"), ("environment", None), (None, None)],
)
def test_the_same_subscription_cannot_be_added_twice_even_with_any_topic_or_region(
    regions: dict[str, Region], topic: str | None, region: str | None
) -> None:
    admin = make_user("admin")
    organisation = make_organisation("watchers", admins=[admin])
    services.subscription_add(
        actor=admin, organisation=organisation, topic_slug=topic, region_code=region
    )
    with pytest.raises(DomainError) as twice:
        services.subscription_add(
            actor=admin, organisation=organisation, topic_slug=topic, region_code=region
        )
    assert twice.value.code == "subscription_exists"
    assert Subscription.objects.filter(organisation=organisation).count() == 1


def test_adding_and_removing_write_the_organisations_history(regions: dict[str, Region]) -> None:
    admin = make_user("admin")
    organisation = make_organisation("watchers", admins=[admin])
    subscription = services.subscription_add(
        actor=admin, organisation=organisation, topic_slug="environment", region_code="340000"
    )
    services.subscription_remove(
        actor=admin, organisation=organisation, subscription_id=subscription.pk
    )
    assert not Subscription.objects.exists()
    assert list(
        OrganisationEvent.objects.filter(organisation=organisation).values_list("kind", "payload")
    ) == [
        (services.SUBSCRIPTION_ADDED, {"topic": "environment", "region": "340000"}),
        (services.SUBSCRIPTION_REMOVED, {"topic": "environment", "region": "340000"}),
    ]


def test_only_admins_change_subscriptions(regions: dict[str, Region], user: User) -> None:
    member = make_user("member")
    organisation = make_organisation("watchers", members=[member])
    for actor in (user, member):
        with pytest.raises(DomainError) as refused:
            services.subscription_add(
                actor=actor, organisation=organisation, topic_slug=None, region_code=None
            )
        assert refused.value.status == 403


def test_an_unknown_topic_or_region_is_refused(regions: dict[str, Region], db: Any) -> None:
    admin = make_user("admin")
    organisation = make_organisation("watchers", admins=[admin])
    with pytest.raises(DomainError) as topic:
        services.subscription_add(
            actor=admin, organisation=organisation, topic_slug="nope", region_code=None
        )
    assert topic.value.code == "unknown_topic"
    with pytest.raises(DomainError) as region:
        services.subscription_add(
            actor=admin, organisation=organisation, topic_slug=None, region_code="999999"
        )
    assert region.value.code == "unknown_region"
