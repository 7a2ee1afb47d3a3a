"""Cases in the JSON API: submit, one case with its timeline, and the public cases similar
to a text or to a case. (Listing and searching them, GET /cases, is the search app's:
`minjian.search.api`.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from ninja.renderers import JSONRenderer
from pydantic import Field

from minjian.abuse import ratelimit
from minjian.accounts.api import BearerToken, api_account, api_actor
from minjian.cases import (
    selectors,
    selectors_duplicates,
    selectors_similar,
    services,
    services_merge,
)
from minjian.cases.access import REPORTER_READER, access_case_by_id, timeline_reader
from minjian.cases.api_verdicts import VerdictOut
from minjian.cases.forms import drawn_boxes
from minjian.cases.models import Case, CasePhoto
from minjian.cases.selectors import Audience, TimelineReader
from minjian.cases.services import photo_uploads
from minjian.cases.services_similarity import SIMILAR
from minjian.cases.times import public_time_or_none
from minjian.cases.validation import parse_point
from minjian.core.errors import DomainError, PermissionDenied
from minjian.core.public_cache import CASES, ORGANISATIONS, case_tag, public_page
from minjian.core.schemas import ErrorOut, Id, InputSchema, PageNumber, PageSize, numbered_page
from minjian.orgs.selectors import user_is_verifier
from minjian.places.selectors import region_filter

router = Router(tags=["cases"])


class CaseIn(InputSchema):
    """A new report. Every field is checked by the server; see the error codes below."""

    title: str | None = Field(None, description="A short title, at most 200 characters.")
    description: str | None = Field(None, description="What happened, where, who is affected.")
    topic: str | None = Field(None, description="A topic's slug, from GET /api/v1/topics.")
    region: str | None = Field(
        None,
        description=(
            "A region's code, from GET /api/v1/regions. Without it, the region that holds "
            "the point (latitude, longitude), as GET /api/v1/regions/at finds it."
        ),
    )
    latitude: str | None = Field(None, description="WGS 84 latitude, -90 to 90 (optional).")
    longitude: str | None = Field(None, description="WGS 84 longitude, -180 to 180 (optional).")
    unblurred: str = Field(
        "",
        description=(
            "Faces are blurred in every photo. Photo numbers (from 1, in the order sent) "
            "whose faces must stay recognisable, e.g. `2` or `1,3`; needs `unblurred_confirmed`."
        ),
    )
    unblurred_confirmed: bool = Field(
        False, description="The reporter has read that unblurred faces can be recognised."
    )
    location_precision: str = Field(
        "approximate",
        description=(
            "How precisely the point is published: `exact`, `approximate` (snapped to a "
            "grid of about 1 km; the default) or `region` (no point at all). A finer "
            "point than chosen is never stored."
        ),
    )


class CaseTopicOut(Schema):
    slug: str
    name: str


class CaseRegionOut(Schema):
    code: str
    name: str


class PhotoOut(Schema):
    url: str
    thumbnail_url: str
    width: int
    height: int


class CaseSummaryOut(Schema):
    id: int
    title: str
    state: str
    verdict: str = Field(
        description="The public verdict of verifiers: unverified, checking, corroborated, "
        "disputed, false or not_a_claim; its rationale is on the timeline."
    )
    location_precision: str
    topic: CaseTopicOut
    region: CaseRegionOut
    latitude: float | None
    longitude: float | None
    published_at: datetime | None = Field(
        description="When the case became public, to the minute (no seconds)."
    )
    url: str
    photos: list[PhotoOut] = Field(description="The photos prepared for publication.")
    photos_preparing: int = Field(
        description="Photos received and still being prepared (faces blurred, re-encoded): "
        "they appear in `photos` within moments."
    )


class TimelineEntryOut(Schema):
    kind: str
    label: str
    actor: str | None = Field(description="Pseudonym, 'the reporter', or null for the platform.")
    created_at: datetime | None = Field(
        description="When it happened: to the minute, and null for what happened before the "
        "case was published, except for its reporter and staff, who read the exact time."
    )
    note: str = Field(description="The text, if the reader may read it; else empty.")
    audience: Audience = Field(
        description="Who may read the text: `public`; `reporter` (a moderator's request for "
        "an edit: its reporter and moderators); `writer` (a text held for a moderator: its "
        "writer and moderators); `moderators` (the note of a hide); `organisation` (an "
        "internal note: its organisation's members, in the inbox)."
    )
    organisation: str | None = Field(
        description="The organisation the event was written for: the inbox it reached, "
        "the NGO that acknowledged, the agency that answered."
    )
    official: bool = Field(description="True for an agency's official response.")
    verdict: VerdictOut | None = Field(description="A `verdict` event's verdict; else null.")
    merged_from: int | None = Field(
        description="The id of the report merged into this case that the entry comes from "
        "(its `merged_in` event, its texts, what its reporter added later); else null."
    )


class CaseOut(CaseSummaryOut):
    description: str
    created_at: datetime | None = Field(
        description="When the report was submitted: for its reporter and staff only, else null."
    )
    timeline: list[TimelineEntryOut]


class SubmittedCaseOut(CaseOut):
    receipt_code: str | None = Field(
        description=(
            "For a report sent without a token: the code with which its reporter follows "
            "and adds to it. Shown only in this response; keep it."
        )
    )


def case_summary(request: HttpRequest, case: Case) -> dict[str, object]:
    """What the API says of a case in a list (`CaseSummaryOut`)."""
    return {
        "id": case.pk,
        "title": case.readable_title,
        "state": case.state,
        "verdict": case.verdict,
        "location_precision": case.location_precision,
        "topic": {"slug": case.topic.slug, "name": case.topic.name},
        "region": {"code": case.region.code, "name": case.region.name},
        "latitude": float(case.latitude) if case.latitude is not None else None,
        "longitude": float(case.longitude) if case.longitude is not None else None,
        "published_at": public_time_or_none(case.published_at),
        "url": request.build_absolute_uri(reverse("cases:detail", args=[case.pk])),
        "photos": [
            {
                "url": request.build_absolute_uri(photo.url),
                "thumbnail_url": request.build_absolute_uri(photo.thumbnail_url),
                "width": photo.width,
                "height": photo.height,
            }
            for photo in case.photos.all()
            if photo.is_ready
        ],
        "photos_preparing": sum(
            photo.status == CasePhoto.Status.PREPARING for photo in case.photos.all()
        ),
    }


# What an answer says of each timeline entry (`TimelineEntryOut`), and no more.
_TIMELINE_FIELDS = tuple(TimelineEntryOut.model_fields)


def _detail(
    request: HttpRequest, case: Case | None, *, reader: TimelineReader
) -> dict[str, object]:
    """What `reader` reads of the case: its reporter and staff the submission time,
    every exact time and the texts meant for them (`selectors.timeline`); anyone
    else only what the public reads (`minjian.cases.times`)."""
    assert case is not None
    return case_summary(request, case) | {
        "description": case.readable_description,
        "created_at": case.created_at if reader.exact_times else None,
        "timeline": [
            {name: getattr(entry, name) for name in _TIMELINE_FIELDS}
            for entry in selectors.timeline(case, reader=reader)
        ],
    }


# The API's own renderer (ninja's default), for an answer built ready to send.
_JSON = JSONRenderer()


@router.post(
    "",
    response={
        201: SubmittedCaseOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Submit a report",
)
def create_case(
    request: HttpRequest,
    fields: Form[CaseIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja's optional file list
) -> HttpResponse:
    """Submit a report as multipart/form-data, with up to 10 `photos` (JPEG, PNG, WebP, HEIC).

    With a personal token (`Authorization: Bearer ...`) the report is the
    account's; without one it is anonymous. Error codes: `title_required`,
    `title_too_long`, `description_required`, `unknown_topic`, `unknown_region`,
    `no_region_here` (no region given, and the point lies in none), `point_incomplete`,
    `point_out_of_range`, `too_many_photos`, `photo_too_large`, `photo_format`,
    `photo_unreadable`, `photo_too_many_pixels`;
    413 `photos_too_many_pixels` when the photos together are too large for one request
    (send the others later); 503 `storage_full` with Retry-After when the server cannot
    store them now. Photos are prepared (faces blurred, re-encoded) in the background:
    the answer counts them in `photos_preparing` until they appear in `photos`.
    Boxes to blur by hand go in fields `blur_boxes_<photo number>`, as
    `x,y,w,h;x,y,w,h` fractions (0 to 1) of the upright photo.
    A refused report leaves nothing behind. Too many reports from one account, or
    from one address without a token, are refused with 429 `rate_limited`, its
    `details.retry_after` and a Retry-After header (seconds).
    """
    reporter = api_actor(request)
    ratelimit.limit_requester(request, "case_report", user=reporter)
    submission = services.case_submit(
        reporter=reporter,
        title=fields.title,
        description=fields.description,
        topic_slug=fields.topic,
        region_code=fields.region,
        latitude=fields.latitude,
        longitude=fields.longitude,
        location_precision=fields.location_precision,
        photos=photo_uploads(
            photos or [],
            unblurred=fields.unblurred,
            unblurred_confirmed=fields.unblurred_confirmed,
            drawn_boxes=drawn_boxes(request.POST),
        ),
    )
    # The sender sees what was stored, whether or not it is public yet.
    filed = selectors.case_as_filed(
        submission.case, photos=submission.photos, events=submission.events
    )
    detail = _detail(request, filed, reader=REPORTER_READER)
    # Answered as built, not validated again against `SubmittedCaseOut`: `_detail` gives
    # the schema's fields by construction, every API test checks each answer against the
    # published document (minjian/core/tests/openapi.py), and the second validation cost
    # the web as much CPU under a surge of reports as one of the report's inserts.
    answer = detail | {"receipt_code": submission.receipt_code or None}
    return HttpResponse(
        _JSON.render(request, answer, response_status=201),
        status=201,
        content_type=f"{_JSON.media_type}; charset={_JSON.charset}",
    )


SimilarLimit = Annotated[
    int,
    Field(
        ge=1,
        le=selectors_similar.MAX_LIMIT,
        description=f"How many cases at most, 1 to {selectors_similar.MAX_LIMIT}.",
    ),
]


class SimilarIn(InputSchema):
    """A report being written: at least one of its title and description."""

    title: str = Field("", description="The title as written so far, at most 200 characters.")
    description: str = Field("", description="The description as written so far.")
    latitude: float | None = Field(None, description="WGS 84 latitude, -90 to 90 (optional).")
    longitude: float | None = Field(None, description="WGS 84 longitude, -180 to 180 (optional).")
    region: str | None = Field(None, description="A region's code, from GET /api/v1/regions.")
    limit: SimilarLimit = 10


class SimilarQuery(InputSchema):
    limit: SimilarLimit = 10


class SimilarCaseOut(CaseSummaryOut):
    score: float = Field(
        description="How likely the case is the same story, 0 to 1: its text similarity, "
        "weighed with how near it is in place and time (best first)."
    )
    text_similarity: float = Field(
        description="The estimated share of short runs of characters the two texts have in "
        "common, 0 to 1, after personal data is removed and traditional characters are "
        "folded to simplified."
    )


class SimilarCasesOut(Schema):
    results: list[SimilarCaseOut]


def _similar_out(
    request: HttpRequest, found: list[selectors_similar.SimilarCase]
) -> dict[str, object]:
    return {
        "results": [
            case_summary(request, similar.case)
            | {"score": similar.score, "text_similarity": similar.text_similarity}
            for similar in found
        ]
    }


# Before "/{case_id}", which would otherwise take "similar" for a case's id.
@router.post(
    "/similar",
    response={200: SimilarCasesOut, 400: ErrorOut, 429: ErrorOut},
    summary="Public cases similar to a report being written",
)
def similar_to_text(request: HttpRequest, body: SimilarIn) -> dict[str, object]:
    """The public cases most like a report being written, best first, so that its reporter
    can add to one of them instead of filing it again. The text is compared after
    personal data is removed from it (nothing of it is kept); the point and the region,
    when given, rank the nearer cases higher. Error codes: `text_required` (neither a title
    nor a description), `title_too_long`, `description_too_long`, `point_incomplete`,
    `point_out_of_range`, `unknown_region`. Each request, from an account or from one
    address without a token, counts against a rate limit: past it, 429 `rate_limited`
    with `details.retry_after` and a Retry-After header (seconds)."""
    ratelimit.limit_requester(request, "similar_cases", user=api_actor(request))
    if not (body.title.strip() or body.description.strip()):
        raise DomainError(
            "text_required", _("Give a title or a description to compare."), field="title"
        )
    point = parse_point(body.latitude, body.longitude)
    found = selectors_similar.similar_to_text(
        body.title,
        body.description,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        region=region_filter(body.region),
        limit=body.limit,
    )
    return _similar_out(request, found)


@router.get(
    "/{case_id}",
    response={200: CaseOut, 404: ErrorOut, 410: ErrorOut},
    summary="One case",
)
@decorate_view(public_page(lambda case_id: (case_tag(case_id), ORGANISATIONS)))
def get_case(request: HttpRequest, case_id: Id) -> dict[str, object]:
    """A case with its photos and its timeline (oldest event first). A case a moderator
    hid answers 410 with the code `hidden`; one merged into another by verifiers too, its
    `details.merged_into` naming the case it joined; one not (yet) public, 404."""
    viewer = api_actor(request) or AnonymousUser()
    case = access_case_by_id(viewer, case_id)
    return _detail(request, case, reader=timeline_reader(viewer, case))


@router.get(
    "/{case_id}/similar",
    response={200: SimilarCasesOut, 404: ErrorOut, 410: ErrorOut},
    summary="A case's near-duplicates",
)
@decorate_view(public_page(lambda case_id: (case_tag(case_id), CASES, SIMILAR)))
def similar_to_case(
    request: HttpRequest, case_id: Id, query: Query[SimilarQuery]
) -> dict[str, object]:
    """The public cases most like this one (its text, place and time), best first: other
    reports of the same story. A case a moderator hid answers 410 with the code `hidden`;
    one not (yet) public, 404."""
    case = selectors_similar.public_case_for_similar(case_id)
    return _similar_out(request, selectors_similar.similar_to_case(case, limit=query.limit))


# The verifiers' queue of duplicate reports (`services_merge`): /api/v1/duplicates.
duplicates_router = Router(tags=["duplicates"], auth=BearerToken())


class DuplicateOut(Schema):
    id: int
    score: float = Field(
        description="How alike the two cases are, 0 to 1: their text, and how near they are "
        "in place and time."
    )
    case: CaseSummaryOut = Field(description="The newer case: the duplicate, if confirmed.")
    original: CaseSummaryOut = Field(description="The earlier case it would be merged into.")
    created_at: datetime


class DuplicatePageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[DuplicateOut]


class DuplicateQuery(InputSchema):
    page: PageNumber = 1
    page_size: PageSize = 20


DECISION_REFUSALS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class DuplicateDecisionOut(Schema):
    id: int
    status: str = Field(description="`confirmed` or `rejected`.")
    merged_into: int | None = Field(
        description="For a confirmed suggestion, the case its case was merged into."
    )


@duplicates_router.get(
    "",
    response={200: DuplicatePageOut, 401: ErrorOut, 403: ErrorOut},
    summary="Suggested duplicates",
)
def list_duplicates(request: HttpRequest, query: Query[DuplicateQuery]) -> dict[str, object]:
    """Pairs of public cases that may tell one story, most alike first, for verifiers
    (members given the verifier mark in a verified organisation) and staff: 403
    `not_a_verifier` for anyone else. A pair of which a case is no longer public is left
    out."""
    if not user_is_verifier(api_account(request)):
        raise PermissionDenied(
            _("Only verifiers and moderators decide whether reports are duplicates."),
            code="not_a_verifier",
        )
    return numbered_page(
        selectors_duplicates.suggested_duplicates(),
        lambda suggestion: {
            "id": suggestion.pk,
            "score": suggestion.score,
            "case": case_summary(request, suggestion.case),
            "original": case_summary(request, suggestion.original),
            "created_at": suggestion.created_at,
        },
        page=query.page,
        page_size=query.page_size,
    )


@duplicates_router.post(
    "/{suggestion_id}/confirm",
    response={200: DuplicateDecisionOut, **DECISION_REFUSALS},
    summary="Confirm a duplicate: merge it",
)
def confirm_duplicate(request: HttpRequest, suggestion_id: Id) -> dict[str, object]:
    """Merge the suggestion's case into its original: the case becomes a tombstone leading
    there, its photos and notes join the original. Error codes: 403 `not_a_verifier`,
    404 `unknown_suggestion`, 409 `suggestion_decided` (confirmed or rejected already),
    `already_merged`, `case_not_public`, `original_not_public`, `into_merged_case`,
    `merge_cycle`. A refused merge changes nothing."""
    original = services_merge.duplicate_confirm(
        actor=api_account(request), suggestion_id=suggestion_id
    )
    return {"id": suggestion_id, "status": "confirmed", "merged_into": original.pk}


@duplicates_router.post(
    "/{suggestion_id}/reject",
    response={200: DuplicateDecisionOut, **DECISION_REFUSALS},
    summary="Reject a suggested duplicate",
)
def reject_duplicate(request: HttpRequest, suggestion_id: Id) -> dict[str, object]:
    """The two cases are different stories: the pair is never suggested again. Error
    codes: 403 `not_a_verifier`, 404 `unknown_suggestion`, 409 `suggestion_decided`."""
    suggestion = services_merge.duplicate_reject(
        actor=api_account(request), suggestion_id=suggestion_id
    )
    return {"id": suggestion.pk, "status": suggestion.status, "merged_into": None}
