"""Cases in the JSON API: submit, and one case with its timeline. (Listing and searching
them, GET /cases, is the search app's: `minjian.search.api`.)"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from pydantic import Field

from minjian.abuse import ratelimit
from minjian.accounts.api import api_actor
from minjian.cases import selectors, services
from minjian.cases.access import REPORTER_READER, access_case_by_id, timeline_reader
from minjian.cases.forms import drawn_boxes
from minjian.cases.models import Case, CasePhoto
from minjian.cases.selectors import Audience, TimelineReader
from minjian.cases.services import photo_uploads
from minjian.cases.times import public_time_or_none
from minjian.core.public_cache import ORGANISATIONS, case_tag, public_page
from minjian.core.schemas import ErrorOut, Id, InputSchema

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
        "timeline": [entry.__dict__ for entry in selectors.timeline(case, reader=reader)],
    }


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
) -> Status[dict[str, object]]:
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
    return Status(201, detail | {"receipt_code": submission.receipt_code or None})


@router.get(
    "/{case_id}",
    response={200: CaseOut, 404: ErrorOut, 410: ErrorOut},
    summary="One case",
)
@decorate_view(public_page(lambda case_id: (case_tag(case_id), ORGANISATIONS)))
def get_case(request: HttpRequest, case_id: Id) -> dict[str, object]:
    """A case with its photos and its timeline (oldest event first). A case a moderator
    hid answers 410 with the code `hidden`; one not (yet) public, 404."""
    viewer = api_actor(request) or AnonymousUser()
    case = access_case_by_id(viewer, case_id)
    return _detail(request, case, reader=timeline_reader(viewer, case))
