"""Inboxes in the JSON API: an organisation's members read it and act on its cases.

Every endpoint needs a personal token (`Authorization: Bearer ...`) of a member
of the organisation; anyone else gets `403 not_a_member`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from minjian.accounts.api import BearerToken, api_account
from minjian.cases.models import Case
from minjian.cases.selectors import Audience, case_with_timeline, timeline
from minjian.core.errors import NotFound
from minjian.core.schemas import ErrorOut, Id, InputSchema, PageNumber, PageSize, numbered_page
from minjian.routing import access, selectors, services

router = Router(tags=["inbox"], auth=BearerToken())


class InboxCaseOut(Schema):
    id: int
    title: str
    state: str
    topic: str
    region: str
    url: str


class InboxItemOut(Schema):
    case: InboxCaseOut
    routed_at: datetime
    addressed: bool = Field(description="Addressed to this agency by name, not by subscription.")
    acknowledged_at: datetime | None


class InboxPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[InboxItemOut]


class InboxQuery(InputSchema):
    show: str = Field(selectors.INBOX_NEW, description="new, acknowledged or all.")
    page: PageNumber = 1
    page_size: PageSize = 20


class InboxTimelineEntryOut(Schema):
    kind: str
    label: str
    actor: str | None
    created_at: datetime | None = Field(
        description="To the minute; null for what happened before the case was published."
    )
    note: str
    audience: Audience = Field(
        description="Who may read the text: `public`, or `organisation` for an internal note "
        "(this organisation's members), `writer` for a text held for a moderator (its writer)."
    )
    organisation: str | None
    official: bool
    internal: bool = Field(description="An internal note of this organisation; never public.")


class InboxCaseDetailOut(Schema):
    case: InboxCaseOut
    description: str
    acknowledged_at: datetime | None
    timeline: list[InboxTimelineEntryOut]


class NoteIn(InputSchema):
    note: str = Field("", max_length=2000)


class InboxEventOut(Schema):
    id: int
    kind: str
    created_at: datetime
    organisation: str


@router.get(
    "/{org_slug}",
    response={200: InboxPageOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def get_inbox(request: HttpRequest, org_slug: str, query: Query[InboxQuery]) -> dict[str, Any]:
    """The organisation's inbox, newest first."""
    organisation = access.access_inbox(api_account(request), org_slug)
    if query.show not in selectors.INBOX_VIEWS:
        query.show = selectors.INBOX_NEW
    return numbered_page(
        selectors.inbox(organisation, view=query.show),
        lambda item: {
            "case": _case(request, item.case),
            "routed_at": item.routed_at,
            "addressed": item.addressed,
            "acknowledged_at": item.acknowledged_at,
        },
        page=query.page,
        page_size=query.page_size,
    )


@router.get(
    "/{org_slug}/cases/{case_id}",
    response={200: InboxCaseDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def get_inbox_case(request: HttpRequest, org_slug: str, case_id: Id) -> dict[str, Any]:
    """A case of the inbox with its public timeline and this organisation's internal notes."""
    actor = api_account(request)
    organisation = access.access_inbox(actor, org_slug)
    item = access.access_inbox_item(actor, organisation, case_id)
    case = case_with_timeline(item.case_id)
    if case is None:
        raise NotFound(_("There is no such case."))
    return {
        "case": _case(request, case),
        "description": case.readable_description,
        "acknowledged_at": item.acknowledged_at,
        "timeline": [
            entry.__dict__
            for entry in timeline(case, reader=access.inbox_reader(actor, organisation))
        ],
    }


@router.post(
    "/{org_slug}/cases/{case_id}/{action}",
    response={
        201: InboxEventOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
)
def act(
    request: HttpRequest, org_slug: str, case_id: Id, action: str, body: NoteIn
) -> Status[dict[str, Any]]:
    """`acknowledge`, `update` (public), `note` (internal) or `response` (official,
    agencies only) on a case in the inbox, with a text (optional to acknowledge)."""
    actor = api_account(request)
    organisation = access.access_inbox(actor, org_slug)
    service = services.MEMBER_ACTIONS.get(action)
    if service is None:
        raise NotFound(_("There is no such action."), code="unknown_action")
    event = service(actor=actor, organisation=organisation, case_id=case_id, note=body.note)
    return Status(
        201,
        {
            "id": event.pk,
            "kind": event.kind,
            "created_at": event.created_at,
            "organisation": organisation.slug,
        },
    )


class AddressIn(InputSchema):
    agency: str = Field(description="The agency's slug.")
    note: str = Field("", max_length=2000)


@router.post(
    "/cases/{case_id}/address",
    response={
        201: InboxEventOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
)
def address(request: HttpRequest, case_id: Id, body: AddressIn) -> Status[dict[str, Any]]:
    """Address a public case to a verified agency (staff, its reporter, or members
    of a verified organisation that has it in its inbox)."""
    event = services.case_address_to_agency(
        actor=api_account(request), case_id=case_id, agency_slug=body.agency, note=body.note
    )
    return Status(
        201,
        {
            "id": event.pk,
            "kind": event.kind,
            "created_at": event.created_at,
            "organisation": body.agency,
        },
    )


def _case(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "title": case.readable_title,
        "state": case.state,
        "topic": case.topic.slug,
        "region": case.region.code,
        "url": request.build_absolute_uri(reverse("cases:detail", args=[case.pk])),
    }
