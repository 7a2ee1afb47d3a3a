"""Shared set-up of routing tests: organisations subscribed, cases published and routed."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.routing.models import Subscription
from minjian.topics.models import Topic

Capture = Callable[..., AbstractContextManager[Any]]


def subscribed(
    slug: str,
    *,
    topic: str | None = None,
    region: Region | None = None,
    verified: bool = True,
    kind: str = Organisation.Kind.NGO,
    admins: tuple[User, ...] = (),
    members: tuple[User, ...] = (),
) -> Organisation:
    """A verified organisation subscribed to one topic in one region (None: any)."""
    organisation = make_organisation(
        slug,
        kind=kind,
        admins=admins,
        members=members,
        verified=verified,
        name_zh=slug,
        name_en=slug,
    )
    Subscription.objects.create(
        organisation=organisation,
        topic=Topic.objects.get(slug=topic) if topic else None,
        region=region,
    )
    return organisation


def published(
    capture: Capture, region: Region, *, topic: str = "environment", **kwargs: Any
) -> Case:
    """A case published at once, with the jobs its commit defers run (routing)."""
    with capture(execute=True):
        case = make_case(region, topic=topic, **kwargs)
    assert case.state == Case.State.PUBLISHED
    return case
