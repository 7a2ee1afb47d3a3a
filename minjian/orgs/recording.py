"""What the public record (`minjian.record`) holds of organisations: the public profile when
it is registered ("organisation.published") and each time it changes ("organisation.edited":
an edit, the verified mark given or withdrawn), appended in the transaction that writes the
organisation's event (`services._record`). Its members and contact e-mail address stay out."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from minjian.orgs.models import Organisation, OrganisationEvent
from minjian.record import backfill
from minjian.record.canonical import record_time
from minjian.record.services import append, subject_of

# The events that change what the public profile shows.
PROFILE_CHANGES = {
    OrganisationEvent.Kind.CREATED: "organisation.published",
    OrganisationEvent.Kind.UPDATED: "organisation.edited",
    OrganisationEvent.Kind.VERIFIED: "organisation.edited",
    OrganisationEvent.Kind.UNVERIFIED: "organisation.edited",
}


def record_event(organisation: Organisation, event: OrganisationEvent) -> None:
    """Append the organisation's new profile if `event` changed it."""
    kind = PROFILE_CHANGES.get(OrganisationEvent.Kind(event.kind))
    if kind is not None:
        append(
            subject_of("organisation", organisation.pk),
            kind,
            organisation_snapshot(organisation),
            at=event.created_at,
        )


def backfill_organisations(known: Collection[str]) -> int:
    """Append the profile, as it is now, of each organisation not in the record (`known`)."""
    return backfill.each_new_subject(
        "organisation", Organisation.objects.all(), known, _backfill_organisation
    )


def _backfill_organisation(organisation_id: int) -> None:
    organisation = Organisation.objects.get(pk=organisation_id)
    append(
        subject_of("organisation", organisation.pk),
        "organisation.published",
        organisation_snapshot(organisation),
        at=organisation.created_at,
    )


def organisation_snapshot(organisation: Organisation) -> dict[str, Any]:
    """The organisation as its public profile shows it."""
    return {
        **organisation_reference(organisation),
        "kind": organisation.kind,
        "description": organisation.description,
        "topics": sorted(organisation.topics.values_list("slug", flat=True)),
        "regions": sorted(organisation.regions.values_list("code", flat=True)),
        "contact": {"url": organisation.contact_url, "note": organisation.contact_note},
        "verified": organisation.verified,
        "verified_at": record_time(organisation.verified_at) if organisation.verified_at else None,
        "created_at": record_time(organisation.created_at),
    }


def organisation_reference(organisation: Organisation) -> dict[str, Any]:
    """How another app's entry names an organisation."""
    return {
        "id": organisation.pk,
        "slug": organisation.slug,
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
    }
