"""Open311 GeoReport v2 endpoints (wiki.open311.org/GeoReport_v2), in JSON and XML.

Topics are the services; public cases are the service requests. Each view parses,
calls a selector or service, and renders with `formats`; a DomainError becomes the
spec's error list with its HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from minjian.abuse import ratelimit
from minjian.cases import selectors as case_selectors
from minjian.cases.access import access_case_by_id
from minjian.cases.location import Precision
from minjian.cases.models import Case
from minjian.cases.services import needs_review
from minjian.cases.times import public_time
from minjian.core.errors import DomainError, with_retry_after
from minjian.core.public_cache import CASES, public_page, tags_for_everything
from minjian.open311 import selectors, services
from minjian.open311.formats import Format, Value, errors, respond
from minjian.topics import selectors as topic_selectors
from minjian.topics.models import Topic

View = Callable[..., HttpResponse]
GEOREPORT_V2 = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed, for service discovery: clients re-read it after a change.
CHANGESET = "2026-11-22T00:00:00Z"


def spec_errors(view: View) -> View:
    """A DomainError from the view becomes the spec's error list in the asked format."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, fmt: Format, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except DomainError as error:
            return with_retry_after(errors(fmt, error.status, str(error.message)), error)

    return wrapper


@require_GET
@spec_errors
def discovery(request: HttpRequest, fmt: Format) -> HttpResponse:
    """Open311 service discovery (wiki.open311.org/Service_discovery): where the API is."""
    endpoint: dict[str, Value] = {
        "specification": GEOREPORT_V2,
        # The base every path of the spec is appended to.
        "url": request.build_absolute_uri(
            reverse("open311:services", kwargs={"fmt": fmt}).removesuffix(f"services.{fmt}")
        ),
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": settings.MINJIAN_SITE_URL,
            "key_service": _("Ask the operator of this site for an api_key."),
            "endpoints": [endpoint],
        },
    )


def _service(topic: Topic) -> dict[str, Value]:
    return {
        "service_code": topic.slug,
        "service_name": topic.name,
        "description": None,
        # Every service has attributes: the region and the precision (service_definition).
        "metadata": True,
        # Reports from Open311 are anonymous: while they wait for a moderator, the
        # sender gets a token (GET tokens/{token}) instead of a request id.
        "type": "batch" if needs_review(None) else "realtime",
        "keywords": None,
        "group": None,
    }


@require_GET
@spec_errors
def service_list(request: HttpRequest, fmt: Format) -> HttpResponse:
    return respond(fmt, "services", [_service(topic) for topic in topic_selectors.topic_list()])


@require_GET
@spec_errors
def service_definition(request: HttpRequest, code: str, fmt: Format) -> HttpResponse:
    topic = topic_selectors.topic_by_slug(code)
    precision_values: list[Value] = [
        {"key": choice.value, "name": str(choice.label)} for choice in Precision
    ]
    attributes: list[Value] = [
        {
            "variable": True,
            "code": "region",
            "datatype": "string",
            "required": False,
            "datatype_description": _(
                "A region's code, from %(url)s (e.g. 340321). A region includes the regions "
                "under it. Without it, the region is the one that holds lat and long."
            )
            % {"url": request.build_absolute_uri(reverse("api:list_regions"))},
            "order": 1,
            "description": _(
                "The region (county, city or province) where the problem is, if not the "
                "one at lat and long."
            ),
        },
        {
            "variable": True,
            "code": "location_precision",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _(
                "How precisely lat and long are published; about 1 km when not given."
            ),
            "order": 2,
            "description": _("How precisely may the place be shown?"),
            "values": precision_values,
        },
    ]
    return respond(
        fmt, "service_definition", {"service_code": topic.slug, "attributes": attributes}
    )


def _w3(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def _service_request(request: HttpRequest, case: Case) -> dict[str, Value]:
    entries = case_selectors.timeline(case)
    notes = [entry.note for entry in entries if entry.note]
    photo = case.first_ready_photo
    agencies = selectors.agencies_addressed(case)
    return {
        "service_request_id": case.pk,
        "status": selectors.open311_status(case),
        "status_notes": _status_notes(case, notes, entries),
        "service_name": case.topic.name,
        "service_code": case.topic.slug,
        "description": case.readable_description,
        "agency_responsible": ", ".join(agency.name for agency in agencies) or None,
        "service_notice": None,
        # When it became public, not when it was sent: minjian.cases.times.
        "requested_datetime": _w3(public_time(case.published_at or case.updated_at)),
        "updated_datetime": _w3(public_time(case.updated_at)),
        "expected_datetime": None,
        "address": case.region.name,
        "address_id": case.region.code,
        "zipcode": None,
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": request.build_absolute_uri(photo.url) if photo else None,
    }


def _status_notes(
    case: Case, notes: list[str], entries: list[case_selectors.TimelineEntry]
) -> str | None:
    """The latest public note, and the public verdict with its rationale."""
    verdicts = [entry.verdict for entry in entries if entry.verdict is not None]
    parts = notes[-1:]
    if verdicts and case.verdict != Case.Verdict.UNVERIFIED:
        verdict = verdicts[-1]
        parts.append(
            _("Verdict: %(verdict)s. %(rationale)s")
            % {"verdict": verdict.label, "rationale": verdict.rationale}
        )
    return "\n\n".join(parts).strip() or None


@csrf_exempt  # an application's api_key authenticates a POST; no cookie is read
@require_http_methods(["GET", "POST"])
@spec_errors
@public_page(tags_for_everything(CASES))
def service_requests(request: HttpRequest, fmt: Format) -> HttpResponse:
    if request.method == "POST":
        return _post_service_request(request, fmt)
    query = selectors.RequestQuery.parse(
        service_request_id=request.GET.get("service_request_id"),
        service_code=request.GET.get("service_code"),
        start_date=request.GET.get("start_date"),
        end_date=request.GET.get("end_date"),
        status=request.GET.get("status"),
        page=request.GET.get("page"),
        page_size=request.GET.get("page_size"),
    )
    cases = selectors.service_requests(query)
    response = respond(fmt, "service_requests", [_service_request(request, c) for c in cases])
    if not query.ids and len(cases) == query.page_size:
        # The next page, as RFC 8288 links it (the body is the spec's bare list).
        following = request.GET.copy()
        following["page"] = str(query.page + 1)
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return response


def _post_service_request(request: HttpRequest, fmt: Format) -> HttpResponse:
    # Counted per attempt, before the key is checked: no guessing keys at speed either.
    ratelimit.limit_requester(request, "open311", user=AnonymousUser())
    key = services.active_key(request.POST.get("api_key"))
    posted = services.open311_request_post(
        key=key,
        service_code=request.POST.get("service_code"),
        description=request.POST.get("description"),
        region_code=request.POST.get("attribute[region]"),
        latitude=request.POST.get("lat"),
        longitude=request.POST.get("long"),
        location_precision=request.POST.get("attribute[location_precision]"),
    )
    notices = []
    if posted.is_public:
        reply: dict[str, Value] = {"service_request_id": posted.request.case_id}
    else:
        reply = {"token": posted.token}
        notices.append(_("The report will be public once a moderator has read it."))
    if request.POST.get("media_url"):
        notices.append(_("Photos are not fetched from media_url; send them by the web form."))
    reply |= {"service_notice": " ".join(notices) or None, "account_id": None}
    return respond(fmt, "service_requests", [reply], status=201)


@require_GET
@spec_errors
def service_request(request: HttpRequest, case_id: str, fmt: Format) -> HttpResponse:
    case = access_case_by_id(AnonymousUser(), int(case_id))
    return respond(fmt, "service_requests", [_service_request(request, case)])


@require_GET
@spec_errors
def token_lookup(request: HttpRequest, token: str, fmt: Format) -> HttpResponse:
    found = selectors.request_by_token(token)
    case_id = found.case_id if found.case.is_public else None
    return respond(fmt, "service_requests", [{"service_request_id": case_id, "token": token}])
