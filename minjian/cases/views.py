"""Public pages of cases: home, report form, case page and its actions. (The list and
the map of cases are the search app's: `minjian.search.views`.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.cases import selectors, services
from minjian.cases.access import (
    REPORTER_READER,
    CaseHidden,
    access_case_by_id,
    access_case_by_receipt,
    photo_grant,
    timeline_reader,
)
from minjian.cases.forms import CaseReportForm, drawn_boxes
from minjian.cases.models import Case
from minjian.cases.photos import PhotoUpload
from minjian.cases.services import photo_uploads
from minjian.core.errors import DomainError, NotFound
from minjian.core.forms import show_domain_error
from minjian.places.selectors import region_refinement_choices, report_region_choices
from minjian.redaction import PreviewItem, preview
from minjian.topics.selectors import topic_list

RECENT_ON_HOME = 8
# Never shown in error reports: they may hold personal data before it is redacted.
SENSITIVE_FIELDS = ("title", "description", "text", "note", "code")


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/home.html",
        {
            "counts": selectors.case_counts(),
            "recent": selectors.public_case_list()[:RECENT_ON_HOME],
            "topics": selectors.topics_with_counts(),
        },
    )


@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_report(request: HttpRequest) -> HttpResponse:
    """The report form. Without JavaScript, "narrow down" sends the form back with
    a second select of the counties under the chosen region, keeping what was typed."""
    topics = list(topic_list())
    if request.method != "POST":
        form = CaseReportForm(topics=topics, region_choices=report_region_choices())
        return render(request, "cases/report.html", {"form": form})
    county_choices = _county_choices(request.POST.get("region", ""))
    form = CaseReportForm(
        request.POST,
        request.FILES,
        topics=topics,
        region_choices=report_region_choices(),
        county_choices=county_choices,
    )
    form.is_valid()
    if "narrow" in request.POST:
        return render(request, "cases/report.html", {"form": form, "narrowed": True})
    if "check" in request.POST:
        return render(
            request,
            "cases/report.html",
            {"form": form, "narrowed": True, "preview": _preview(request)},
        )
    reporter = request.user if isinstance(request.user, User) else None
    try:
        # Every attempt counts, by web and API together: photos cost work even when refused.
        ratelimit.limit_requester(request, "case_report", user=reporter)
        if reporter is None:
            # Without JavaScript no proof of work comes; the report is still taken
            # (under a strict limit) and, being anonymous, waits for a moderator.
            proof_of_work.check(request)
        submission = services.case_submit(
            reporter=reporter,
            title=form.cleaned_data.get("title"),
            description=form.cleaned_data.get("description"),
            topic_slug=form.cleaned_data.get("topic"),
            region_code=form.region_code,
            latitude=form.cleaned_data.get("latitude"),
            longitude=form.cleaned_data.get("longitude"),
            location_precision=form.cleaned_data.get("location_precision") or "",
            keep_personal_data=form.cleaned_data.get("keep_personal_data") or (),
            photos=photo_uploads(
                request.FILES.getlist("photos"),
                unblurred=form.cleaned_data.get("unblurred") or "",
                unblurred_confirmed=bool(form.cleaned_data.get("unblurred_confirmed")),
                drawn_boxes=drawn_boxes(request.POST),
            ),
        )
    except DomainError as error:
        show_domain_error(form, error)
        response = render(request, "cases/report.html", {"form": form}, status=error.status)
        if "retry_after" in error.details:
            response["Retry-After"] = str(error.details["retry_after"])
        return response
    case = submission.case
    if submission.receipt_code:
        # Shown in this response only: nothing but its digest is kept anywhere.
        return render(
            request,
            "cases/receipt.html",
            {"case": case, "receipt_code": submission.receipt_code},
            status=201,
        )
    if case.is_public:
        messages.success(
            request, _("Thank you. Your report is now case #%(id)d.") % {"id": case.pk}
        )
    else:
        messages.success(
            request,
            _("Thank you. Case #%(id)d will be public once a moderator has read it.")
            % {"id": case.pk},
        )
    return redirect("cases:detail", case_id=case.pk)


def _preview(request: HttpRequest) -> list[PreviewItem]:
    return preview(request.POST.get("title", "")) + preview(request.POST.get("description", ""))


@require_POST
@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_report_preview(request: HttpRequest) -> HttpResponse:
    """What will be removed from the title and description, as the reporter types
    (fetched by the form with htmx; the form's "check" button does the same without
    JavaScript). Only masked values are sent back."""
    response = render(request, "cases/_redaction_preview.html", {"preview": _preview(request)})
    response["Cache-Control"] = "no-store"
    return response


def _county_choices(region_code: str) -> list[tuple[str, str]]:
    if not region_code:
        return []
    try:
        return [(code, str(label)) for code, label in region_refinement_choices(region_code)]
    except DomainError:
        return []


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = access_case_by_id(request.user, case_id)
    except CaseHidden as hidden:
        return render(request, "cases/tombstone.html", {"hidden": hidden}, status=410)
    actor = request.user if isinstance(request.user, User) else None
    is_reporter = actor is not None and case.reporter_id == actor.pk
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "timeline": selectors.timeline(case, reader=timeline_reader(request.user, case)),
            "is_reporter": is_reporter,
            # Visitors who are not signed in are not told what they could do once signed in.
            "actions": services.case_actions(actor, case) if actor is not None else None,
        },
    )


@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_follow(request: HttpRequest) -> HttpResponse:
    """A reporter without an account follows her case, edits it when a moderator
    asks, and adds to it: the receipt code is her key, sent with every form and
    never kept in a session or cookie."""
    if request.method != "POST":
        return render(request, "cases/follow.html", {})
    code = request.POST.get("code", "")
    try:
        case = access_case_by_receipt(code)
    except DomainError as unknown:
        return render(request, "cases/follow.html", {"code_error": unknown.message}, status=404)
    error = _reporter_update(request, case, actor=None)
    if error is None and request.POST.get("action"):
        case = access_case_by_receipt(code)
    return render(
        request,
        "cases/follow.html",
        {
            "case": case,
            "code": code,
            "grant": photo_grant(case),
            "timeline": selectors.timeline(case, reader=REPORTER_READER),
            "update_error": error,
        },
        status=error.status if error else 200,
    )


@require_POST
@login_required
@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_reporter_update(request: HttpRequest, case_id: int) -> HttpResponse:
    """A reporter with an account edits or adds to her own case."""
    reporter = request.user
    assert isinstance(reporter, User)
    case = access_case_by_id(reporter, case_id)
    if case.reporter_id != reporter.pk:
        raise NotFound(_("There is no such case."))
    error = _reporter_update(request, case, actor=reporter)
    if error is not None:
        messages.error(request, str(error.message))
    return redirect("cases:detail", case_id=case_id)


def _reporter_update(request: HttpRequest, case: Case, *, actor: User | None) -> DomainError | None:
    action = request.POST.get("action")
    try:
        if action == "edit":
            services.case_edit_by_reporter(
                case=case,
                actor=actor,
                title=request.POST.get("title"),
                description=request.POST.get("description"),
            )
        elif action == "add":
            services.case_add_by_reporter(
                case=case,
                actor=actor,
                text=request.POST.get("text"),
                photos=[PhotoUpload.from_upload(f) for f in request.FILES.getlist("photos")],
            )
    except DomainError as error:
        return error
    if action in ("edit", "add"):
        messages.success(request, _("Your case has been updated."))
    return None


@require_POST
@login_required
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    apply = services.CASE_ACTIONS.get(action)
    if apply is None:
        raise DomainError("unknown_action", _("There is no such action."), status=404)
    try:
        apply(actor=request.user, case_id=case_id, note=request.POST.get("note", ""))
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": services.TRANSITIONS[action].label}
        )
    return redirect("cases:detail", case_id=case_id)
