"""/api/v1/organisations: the public directory of organisations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from minjian.core.schemas import ErrorOut, InputSchema, PageNumber, PageSize
from minjian.orgs import selectors
from minjian.orgs.models import Organisation

router = Router(tags=["organisations"])

Kind = Literal["ngo", "informal", "agency"]
Role = Literal["member", "admin"]


class OrganisationTopicOut(Schema):
    """A topic the organisation works on."""

    slug: str
    name_zh: str
    name_en: str


class OrganisationRegionOut(Schema):
    """A region the organisation serves (a GB/T 2260 code for China)."""

    code: str
    name_zh: str
    name_en: str


class ContactOut(Schema):
    """The organisation's public contact; each part may be an empty string."""

    email: str
    url: str
    note: str


class OrganisationOut(Schema):
    """An organisation as its public profile shows it."""

    slug: str = Field(description="Stable identifier, also the profile's address.")
    kind: Kind = Field(description="ngo, informal (an informal group) or agency.")
    name_zh: str
    name_en: str
    description: str = Field(description="As the organisation wrote it (plain text).")
    topics: list[OrganisationTopicOut]
    regions: list[OrganisationRegionOut]
    contact: ContactOut
    verified: bool = Field(description="Site staff have checked who runs the organisation.")
    verified_at: datetime | None
    member_count: int
    created_at: datetime
    profile_url: str = Field(description="Path of the public profile page.")

    @staticmethod
    def resolve_topics(organisation: Organisation) -> list[Any]:
        return list(organisation.topics.all())

    @staticmethod
    def resolve_regions(organisation: Organisation) -> list[Any]:
        return list(organisation.regions.all())

    @staticmethod
    def resolve_contact(organisation: Organisation) -> dict[str, str]:
        return {
            "email": organisation.contact_email,
            "url": organisation.contact_url,
            "note": organisation.contact_note,
        }

    @staticmethod
    def resolve_profile_url(organisation: Organisation) -> str:
        return reverse("orgs:detail", kwargs={"slug": organisation.slug})


class MemberOut(Schema):
    """A member of the organisation, by pseudonym."""

    pseudonym: str
    role: Role

    @staticmethod
    def resolve_pseudonym(membership: Any) -> str:
        return str(membership.user.pseudonym)


class OrganisationDetailOut(OrganisationOut):
    """An organisation with its members (admins first)."""

    members: list[MemberOut]

    @staticmethod
    def resolve_members(organisation: Organisation) -> list[Any]:
        return list(organisation.memberships.all())


class OrganisationPage(Schema):
    """One page of organisations, ordered by slug."""

    count: int = Field(description="How many organisations match, on all pages.")
    page: int
    page_size: int
    results: list[OrganisationOut]


class OrganisationFilters(InputSchema):
    """Filters and paging of the organisation list; every filter is optional."""

    kind: Kind | None = Field(None, description="Only organisations of this kind.")
    topic: str | None = Field(None, description="Only those working on this topic (its slug).")
    region: str | None = Field(
        None,
        description="Only those serving this region or a region inside it (its code).",
    )
    verified: bool | None = Field(
        None, description="true: only verified organisations; false: only unverified ones."
    )
    page: PageNumber = 1
    page_size: PageSize = 20


@router.get("", response={200: OrganisationPage, 400: ErrorOut, 422: ErrorOut})
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> dict[str, Any]:
    """List organisations, filtered by kind, topic, region and verified mark.

    An unknown topic or region is refused with 400 and code `unknown_topic` or
    `unknown_region`; a page past the last one has no results.
    """
    organisations = selectors.organisation_list(
        kind=filters.kind,
        topic_slug=filters.topic,
        region_code=filters.region,
        verified=filters.verified,
    )
    start = (filters.page - 1) * filters.page_size
    return {
        "count": organisations.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": list(organisations[start : start + filters.page_size]),
    }


@router.get("/{slug}", response={200: OrganisationDetailOut, 404: ErrorOut})
def get_organisation(request: HttpRequest, slug: str) -> Organisation:
    """One organisation's public profile, with its members by pseudonym.

    An unknown slug gives 404 with code `not_found`.
    """
    return selectors.organisation_detail(slug)
