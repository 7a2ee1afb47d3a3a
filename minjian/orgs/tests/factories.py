"""Organisations for tests of any app. Rows are written directly (no events), so a
test can set up the state it needs in one line."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from minjian.accounts.models import User
from minjian.orgs.models import Membership, Organisation
from minjian.places.models import Region
from minjian.topics.models import Topic


def make_organisation(
    slug: str = "green-huai-river",
    *,
    kind: str = Organisation.Kind.NGO,
    name_zh: str = "淮河卫士",
    name_en: str = "Huai River Guardians",
    description: str = "",
    admins: Iterable[User] = (),
    members: Iterable[User] = (),
    topics: Iterable[str] = (),
    regions: Iterable[Region | str] = (),
    verified: bool = False,
    contact_email: str = "",
    contact_url: str = "",
    contact_note: str = "",
) -> Organisation:
    """An organisation with the given admins and members.

    `topics` are topic slugs; `regions` are Regions or region codes.
    """
    organisation = Organisation.objects.create(
        slug=slug,
        kind=kind,
        name_zh=name_zh,
        name_en=name_en,
        description=description,
        contact_email=contact_email,
        contact_url=contact_url,
        contact_note=contact_note,
        verified=verified,
        verified_at=timezone.now() if verified else None,
    )
    topic_slugs = list(topics)
    if topic_slugs:
        organisation.topics.set(Topic.objects.filter(slug__in=topic_slugs))
    region_list = list(regions)
    if region_list:
        codes = [r if isinstance(r, str) else r.code for r in region_list]
        organisation.regions.set(Region.objects.filter(code__in=codes))
    for user in admins:
        Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.ADMIN)
    for user in members:
        Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.MEMBER)
    return organisation
