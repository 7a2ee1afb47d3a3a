"""Organisations in the public record (`minjian.record`): the public profile when it is
registered and each time it changes (an edit, the verified mark), without its members or
its contact e-mail address."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minjian.accounts.tests.factories import make_user
from minjian.orgs import services
from minjian.places.models import Region
from minjian.record.canonical import record_time
from minjian.record.models import Checkpoint, Entry, Head
from minjian.record.tests.factories import sealed_record

pytestmark = pytest.mark.django_db

PROFILE: dict[str, Any] = {
    "kind": "ngo",
    "name_zh": "淮河卫士",
    "name_en": "Huai River Guardians",
    "description": "守护淮河。",
    "topic_slugs": ["environment"],
    "region_codes": ["340321"],
    "contact_email": "contact@huai.example.org",
    "contact_url": "https://huai.example.org/",
    "contact_note": "周一到周五",
}


def test_the_public_profile_enters_the_record_and_each_change_follows(
    regions: dict[str, Region],
) -> None:
    admin = make_user("river-admin")
    staff = make_user("staff", is_staff=True)
    organisation = services.organisation_create(actor=admin, slug="huai", **PROFILE)
    services.organisation_set_verified(actor=staff, organisation=organisation, verified=True)
    services.organisation_update(
        actor=admin, organisation=organisation, **(PROFILE | {"description": "守护淮河两岸。"})
    )
    services.membership_add(
        actor=admin, organisation=organisation, user=make_user("new-member"), role="member"
    )

    entries = sealed_record("organisation")

    assert [entry["kind"] for entry in entries] == [
        "organisation.published",
        "organisation.edited",
        "organisation.edited",
    ]
    published, verified, edited = (entry["body"] for entry in entries)
    assert published["slug"] == "huai"
    assert published["topics"] == ["environment"]
    assert published["regions"] == ["340321"]
    assert published["contact"] == {"url": "https://huai.example.org/", "note": "周一到周五"}
    assert published["verified"] is False
    assert verified["verified"] is True
    assert edited["description"] == "守护淮河两岸。"
    text = str(entries)
    assert PROFILE["contact_email"] not in text
    assert "river-admin" not in text
    assert "new-member" not in text


def test_the_backfill_writes_each_organisations_profile_as_it_is_now(
    regions: dict[str, Region],
) -> None:
    admin = make_user("river-admin")
    organisation = services.organisation_create(actor=admin, slug="huai", **PROFILE)
    services.organisation_update(
        actor=admin, organisation=organisation, **(PROFILE | {"description": "守护淮河两岸。"})
    )
    live = sealed_record("organisation")
    for table in (Entry, Checkpoint, Head):  # an instance from before the record
        table.objects.all().delete()

    call_command("record_backfill", stdout=StringIO())

    (published,) = sealed_record("organisation")
    organisation.refresh_from_db()
    assert published["subject"] == f"organisation:{organisation.pk}"
    assert published["kind"] == "organisation.published"
    assert published["at"] == record_time(organisation.created_at)
    assert published["body"] == live[-1]["body"]
