"""Public pages of cases: home, list, map, report form, case page and its actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minjian.accounts.models import User
from minjian.cases import selectors, services
from minjian.cases.access import access_case_by_id
from minjian.cases.forms import CaseReportForm
from minjian.cases.models import Case
from minjian.cases.services import PhotoUpload
from minjian.core.errors import DomainError
from minjian.core.forms import show_domain_error
from minjian.places.selectors import region_refinement_choices, report_region_choices
from minjian.topics.models import Topic

RECENT_ON_HOME = 8


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/home.html",
        {
            "counts": selectors.case_counts(),
            "recent": selectors.case_list(selectors.CaseFilters())[:RECENT_ON_HOME],
            "topics": selectors.topics_with_counts(),
        },
    )


def _filters_from(request: HttpRequest) -> tuple[selectors.CaseFilters, DomainError | None]:
    try:
        filters = selectors.CaseFilters.parse(
            topic=request.GET.get("topic"),
            region=request.GET.get("region"),
            state=request.GET.get("state"),
        )
    except DomainError as error:
        return selectors.CaseFilters(), error
    return filters, None


def _page(request: HttpRequest, filters: selectors.CaseFilters) -> Page[Case]:
    paginator = Paginator(selectors.case_list(filters), settings.MINJIAN_CASES_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def _filter_context(request: HttpRequest) -> tuple[dict[str, object], int]:
    filters, error = _filters_from(request)
    return (
        {
            "filters": filters,
            "filter_error": error,
            "page": _page(request, filters),
            "topics": Topic.objects.all(),
            "states": [(s.value, s.label) for s in Case.State if s in Case.PUBLIC_STATES],
            "query": filters.as_query(),
        },
        error.status if error else 200,
    )


def case_list(request: HttpRequest) -> HttpResponse:
    context, status = _filter_context(request)
    return render(request, "cases/list.html", context, status=status)


def case_map(request: HttpRequest) -> HttpResponse:
    context, status = _filter_context(request)
    filters = context["filters"]
    assert isinstance(filters, selectors.CaseFilters)
    context |= {
        "points": [
            {"id": p.id, "title": p.title, "lat": p.latitude, "lng": p.longitude, "state": p.state}
            for p in selectors.map_points(filters)
        ],
        "tile_url": settings.MINJIAN_MAP_TILE_URL,
        "tile_attribution": settings.MINJIAN_MAP_TILE_ATTRIBUTION,
    }
    return render(request, "cases/map.html", context, status=status)


def case_report(request: HttpRequest) -> HttpResponse:
    """The report form. Without JavaScript, "narrow down" sends the form back with
    a second select of the counties under the chosen region, keeping what was typed."""
    topics = list(Topic.objects.all())
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
    reporter = request.user if isinstance(request.user, User) else None
    try:
        case = services.case_submit(
            reporter=reporter,
            title=form.cleaned_data.get("title"),
            description=form.cleaned_data.get("description"),
            topic_slug=form.cleaned_data.get("topic"),
            region_code=form.region_code,
            latitude=form.cleaned_data.get("latitude"),
            longitude=form.cleaned_data.get("longitude"),
            photos=[PhotoUpload.from_upload(f) for f in request.FILES.getlist("photos")],
        )
    except DomainError as error:
        show_domain_error(form, error)
        return render(request, "cases/report.html", {"form": form}, status=400)
    messages.success(request, _("Thank you. Your report is now case #%(id)d.") % {"id": case.pk})
    return redirect("cases:detail", case_id=case.pk)


def _county_choices(region_code: str) -> list[tuple[str, str]]:
    if not region_code:
        return []
    try:
        return [(code, str(label)) for code, label in region_refinement_choices(region_code)]
    except DomainError:
        return []


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    actor = request.user if isinstance(request.user, User) else None
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "timeline": selectors.timeline(case),
            "actions": [
                (action, services.TRANSITIONS[action].label)
                for action in services.actions_allowed(actor, case)
            ],
        },
    )


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
