"""The report form: a place by map or by name, no lost input, no report sent twice.

What a reporter typed and the photos she chose come back with every refusal
(photos kept in a draft, `services_drafts`); every field's refusal is shown at once;
a refused report neither spends her proof of work nor counts against the rate limit
(the report is checked first, then the proof, then the count). A report taken answers
303 to a receipt page, which shows an anonymous reporter's code once: reloading it
sends nothing again.

Before she sends it, the form offers the public cases most like what she is writing
("Is it one of these? Add to it instead"): with JavaScript as she types
(cases/similar.js, through POST /api/v1/cases/similar), without it by its "Check for
similar cases" button, which brings the form back with them and files nothing. Each
case's "Add" button sends the form to that case's witness page (`views_witness`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.draft_forms import keep_photos_sent
from minjian.cases.forms import CaseReportForm
from minjian.cases.models import Case
from minjian.cases.photos import PhotoUpload
from minjian.cases.selectors_similar import SimilarCase, similar_to_text
from minjian.cases.services_drafts import (
    KeptPhotos,
    draft_uploads,
    photo_draft_discard,
)
from minjian.cases.validation import parse_point
from minjian.cases.views import SENSITIVE_FIELDS
from minjian.core.errors import DomainError, with_retry_after
from minjian.core.forms import see_other, show_domain_error
from minjian.places.models import Region
from minjian.places.selectors import (
    region_refinement_choices,
    region_with_code,
    regions_named,
    report_region_choices,
)
from minjian.redaction import PreviewItem, preview
from minjian.topics.selectors import topic_list

# Where the receipt of a report just taken waits for its one display.
RECEIPT_SESSION_KEY = "cases.report_receipt"
# The form's "Check for similar cases" (without JavaScript): the form comes back with the
# public cases most like it, and nothing is filed.
SIMILAR = "similar"
# How many similar cases the form offers: a phone's screenful.
SIMILAR_SHOWN = 5


@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_report(request: HttpRequest) -> HttpResponse:
    """The report form. Without JavaScript, the region is found by its name or chosen
    from the list ("narrow down" sends the form back with the counties under the
    chosen region); whatever comes back keeps what was typed and the photos chosen."""
    if request.method != "POST":
        return _form_page(request, _report_form(None), place=Place(), kept=KeptPhotos())
    place = chosen_place(request.POST)
    data = _data_showing_place(request.POST, place)
    form = _report_form(data)
    form.is_valid()
    kept = keep_photos_sent(request, actor=request.user if isinstance(request.user, User) else None)
    if "narrow" in request.POST or "check" in request.POST or SIMILAR in request.POST:
        for refusal in kept.refused + place.refusals:
            show_domain_error(form, refusal)
        return _form_page(
            request,
            form,
            place=place,
            kept=kept,
            preview=_preview(request) if "check" in request.POST else None,
            similar=_similar_cases(request.POST, place, form) if SIMILAR in request.POST else None,
        )
    reporter = request.user if isinstance(request.user, User) else None
    with draft_uploads(kept.photos) as photos:
        try:
            report = _checked_report(form, place, photos, kept)
            # Only a report that would be taken spends the proof of work and counts.
            if reporter is None:
                # Without JavaScript no proof of work comes; the report is still taken
                # (under a strict limit) and, being anonymous, waits for a moderator.
                proof_of_work.check(request)
            # Every report taken counts, by web and API together.
            ratelimit.limit_requester(request, "case_report", user=reporter)
            submission = services.case_file(reporter=reporter, report=report)
        except services.Refused as refused:
            for error in refused.errors:
                show_domain_error(form, error)
            return _form_page(request, form, place=place, kept=kept, status=refused.status)
        except DomainError as error:
            show_domain_error(form, error)
            return with_retry_after(
                _form_page(request, form, place=place, kept=kept, status=error.status), error
            )
    photo_draft_discard(key=kept.key)
    case = submission.case
    if submission.receipt_code:
        # Kept in the session for one display only: the receipt page takes it out.
        request.session[RECEIPT_SESSION_KEY] = {
            "case": case.pk,
            "code": submission.receipt_code,
            "public": case.is_public,
            "public_once_photos_ready": submission.publish_when_photos_ready,
        }
        return see_other("cases:report_receipt")
    if case.is_public:
        messages.success(
            request, _("Thank you. Your report is now case #%(id)d.") % {"id": case.pk}
        )
    elif submission.publish_when_photos_ready:
        messages.success(
            request,
            _(
                "Thank you. Case #%(id)d will be public once its photos are prepared "
                "(faces blurred), in a few minutes."
            )
            % {"id": case.pk},
        )
    else:
        messages.success(
            request,
            _("Thank you. Case #%(id)d will be public once a moderator has read it.")
            % {"id": case.pk},
        )
    return see_other("cases:detail", case_id=case.pk)


@never_cache
def case_report_receipt(request: HttpRequest) -> HttpResponse:
    """Where a report taken from an anonymous reporter lands: her receipt code, shown
    this once. Reloaded, the page says the code was shown and sends nothing."""
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    return render(request, "cases/receipt.html", {"receipt": receipt})


@require_POST
@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_report_preview(request: HttpRequest) -> HttpResponse:
    """What will be removed from the title and description, as the reporter types
    (fetched by the form with htmx; the form's "check" button does the same without
    JavaScript). Only masked values are sent back."""
    response = render(request, "cases/_redaction_preview.html", {"preview": _preview(request)})
    response["Cache-Control"] = "no-store"
    return response


def _preview(request: HttpRequest) -> list[PreviewItem]:
    return preview(request.POST.get("title", "")) + preview(request.POST.get("description", ""))


def _similar_cases(data: QueryDict, place: Place, form: CaseReportForm) -> list[SimilarCase]:
    """The public cases most like the report as typed so far, nearer ones first (its
    point, else its region); a title or point the report itself would refuse is said
    next to its field, and nothing is compared."""
    try:
        point = parse_point(data.get("latitude"), data.get("longitude"))
        return similar_to_text(
            data.get("title", ""),
            data.get("description", ""),
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            region=place.region,
            limit=SIMILAR_SHOWN,
        )
    except DomainError as refused:
        if not form.has_error(refused.field or "__all__"):
            show_domain_error(form, refused)
        return []


def _report_form(data: QueryDict | None) -> CaseReportForm:
    topics = list(topic_list())
    if data is None:
        return CaseReportForm(topics=topics, region_choices=report_region_choices())
    return CaseReportForm(
        data,
        topics=topics,
        region_choices=report_region_choices(),
        county_choices=_county_choices(data.get("region", "")),
    )


def _form_page(
    request: HttpRequest,
    form: CaseReportForm,
    *,
    place: Place,
    kept: KeptPhotos,
    preview: list[PreviewItem] | None = None,
    similar: list[SimilarCase] | None = None,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "cases/report.html",
        {
            "form": form,
            "place": place,
            "kept": kept,
            "preview": preview or [],
            # None: not asked for; []: asked for, and none was found.
            "similar": similar,
            "similar_labels": _similar_labels(),
            "tile_url": settings.MINJIAN_MAP_TILE_URL,
            "tile_attribution": settings.MINJIAN_MAP_TILE_ATTRIBUTION,
        },
        status=status,
    )
    # The page may hold a draft's key and previews of her photos: never cached.
    response["Cache-Control"] = "no-store"
    return response


def _similar_labels() -> str:
    """What cases/similar.js calls the states and verdicts the API gives as codes."""
    return json.dumps(
        {
            "states": {value: str(label) for value, label in Case.State.choices},
            "verdicts": {value: str(label) for value, label in Case.Verdict.choices},
        },
        ensure_ascii=False,
    )


def _checked_report(
    form: CaseReportForm, place: Place, photos: list[PhotoUpload], kept: KeptPhotos
) -> services.CheckedReport:
    """The report checked whole: every refusal at once (`services.Refused`), the
    photos refused when they were kept and the place's among them."""
    refusals = list(kept.refused) + list(place.refusals)
    data = form.cleaned_data
    try:
        chosen = services.with_photo_choices(
            photos,
            unblurred=data.get("unblurred") or "",
            unblurred_confirmed=bool(data.get("unblurred_confirmed")),
        )
    except DomainError as error:
        refusals.append(error)
        chosen = photos
    try:
        report = services.check_report(
            title=data.get("title"),
            description=data.get("description"),
            topic_slug=data.get("topic"),
            region_code=place.region.code if place.region else None,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            location_precision=data.get("location_precision") or "",
            keep_personal_data=data.get("keep_personal_data") or (),
            photos=chosen,
        )
    except services.Refused as refused:
        for refusal in refused.errors:
            if refusal.field != "region":
                refusals.append(refusal)
            elif not place.refusals:
                # Said next to the name, where this form asks for the place.
                refusals.append(_about_the_place(refusal))
        raise services.Refused(refusals) from refused
    if refusals:
        raise services.Refused(refusals)
    return report


def _about_the_place(refusal: DomainError) -> DomainError:
    if refusal.code == "unknown_region":
        # No region was given in any way this form offers.
        message = _(
            "Say where: type the region's name, choose it from the list, or put a pin on the map."
        )
        return DomainError("region_required", message, field="region_name")
    return DomainError(refusal.code, refusal.message, field="region_name")


@dataclass(frozen=True)
class Place:
    """The region a report form names, and what to say when its name names none or many."""

    region: Region | None = None
    # Regions the name could mean, offered to choose from (without JavaScript).
    candidates: list[Region] = field(default_factory=list)
    refusals: list[DomainError] = field(default_factory=list)

    @property
    def label(self) -> str:
        return region_label(self.region) if self.region else ""

    @property
    def candidate_choices(self) -> list[tuple[str, str]]:
        return [(region.code, region_label(region)) for region in self.candidates]


def region_label(region: Region) -> str:
    """A region's name with its parent's, so that two 城关区 can be told apart."""
    parent = region.parent
    if parent is None:
        return str(region.name)
    return f"{region.name} · {parent.name}"


def chosen_place(data: QueryDict) -> Place:
    """The region the form names, from the most deliberate choice down: one picked by
    its code (from the names offered as she typed, or found from her pin, with
    JavaScript; or one of the regions a name could mean), a name typed, the county
    chosen in the list, the region chosen in the list."""
    picked = data.get("region_code", "").strip()
    if picked:
        region = region_with_code(picked)
        if region is not None:
            return Place(region=region)
    name = data.get("region_name", "").strip()
    if name:
        return _place_named(name)
    code = (data.get("county") or data.get("region") or "").strip()
    if not code:
        return Place()
    region = region_with_code(code)
    if region is None:
        unknown = DomainError(
            "unknown_region", _("Choose one of the listed regions."), field="region"
        )
        return Place(refusals=[unknown])
    return Place(region=region)


def _place_named(name: str) -> Place:
    found = regions_named(name)
    exact = [region for region in found if name in (region.name_zh, region.name_en)]
    candidates = exact or found
    if len(candidates) == 1:
        return Place(region=candidates[0])
    if not candidates:
        message = _(
            "No region called “%(name)s” was found. Check the name, or choose the region "
            "from the list."
        ) % {"name": name}
        return Place(refusals=[DomainError("unknown_region_name", message, field="region_name")])
    message = _("Several regions are called “%(name)s”: choose one.") % {"name": name}
    return Place(
        candidates=candidates,
        refusals=[DomainError("ambiguous_region_name", message, field="region_name")],
    )


def _data_showing_place(data: QueryDict, place: Place) -> QueryDict:
    """The form's data with the region found shown in the list (and, under it, its
    county), and the name field emptied, so that choosing again in the list, or
    typing another name, is what counts next time."""
    if place.region is None:
        return data
    shown = data.copy()
    codes = [code for code in place.region.path.split("/") if code]
    # The list offers provinces and what lies directly under them; a county under a
    # prefecture is chosen in the second list.
    listed = codes[min(1, len(codes) - 1)]
    shown["region"] = listed
    shown["county"] = codes[2] if len(codes) > 2 else listed
    shown["region_name"] = ""
    shown["region_code"] = ""
    return shown


def _county_choices(region_code: str) -> list[tuple[str, str]]:
    if not region_code:
        return []
    try:
        return [(code, str(label)) for code, label in region_refinement_choices(region_code)]
    except DomainError:
        return []
