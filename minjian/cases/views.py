"""Public pages of cases: home, case page and its actions, following a case with its
receipt code. (The report form is in `views_report`; the list and the map of cases are
the search app's: `minjian.search.views`.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

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
from minjian.cases.models import Case
from minjian.cases.reporter_forms import ACTIONS, ReporterForms, reporter_forms_sent
from minjian.core.errors import DomainError, NotFound
from minjian.core.forms import see_other
from minjian.core.public_cache import (
    CASES,
    ORGANISATIONS,
    case_tag,
    public_page,
    tags_for_everything,
)

RECENT_ON_HOME = 8
# Never shown in error reports: they may hold personal data before it is redacted.
SENSITIVE_FIELDS = ("title", "description", "text", "note", "code")


@public_page(tags_for_everything(CASES))
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


@public_page(lambda case_id: (case_tag(case_id), ORGANISATIONS))
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = access_case_by_id(request.user, case_id)
    except CaseHidden as hidden:
        return _tombstone(request, hidden, ReporterForms())
    return _case_page(request, case, ReporterForms())


def _tombstone(
    request: HttpRequest, hidden: CaseHidden, reporter_forms: ReporterForms
) -> HttpResponse:
    """A hidden case's public tombstone. The reporter of a case merged into another reads
    there the form to add to her report: what she adds joins that case."""
    own = _own_merged_case(request, hidden)
    return render(
        request,
        "cases/tombstone.html",
        {"hidden": hidden, "own_case": own, "case": own, "reporter_forms": reporter_forms},
        status=reporter_forms.status if reporter_forms.refused else 410,
    )


def _own_merged_case(request: HttpRequest, hidden: CaseHidden) -> Case | None:
    user = request.user
    if hidden.merged_into is None or not user.is_authenticated:
        return None
    return hidden.case if hidden.case.reporter_id == user.pk else None


def _case_page(request: HttpRequest, case: Case, reporter_forms: ReporterForms) -> HttpResponse:
    actor = request.user if isinstance(request.user, User) else None
    is_reporter = actor is not None and case.reporter_id == actor.pk
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "timeline": selectors.timeline(case, reader=timeline_reader(request.user, case)),
            "is_reporter": is_reporter,
            "reporter_forms": reporter_forms,
            # Visitors who are not signed in are not told what they could do once signed in.
            "actions": services.case_actions(actor, case) if actor is not None else None,
        },
        status=reporter_forms.status,
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
    # Her code is never kept, so the page answers the form itself rather than
    # redirecting; the add form's token keeps a reload from adding twice.
    reporter_forms = reporter_forms_sent(request, case, actor=None)
    if request.POST.get("action") in ACTIONS and not reporter_forms.refused:
        messages.success(request, _("Your case has been updated."))
        case = access_case_by_receipt(code)
    return render(
        request,
        "cases/follow.html",
        {
            "case": case,
            "code": code,
            "grant": photo_grant(case),
            "timeline": selectors.timeline(case, reader=REPORTER_READER),
            "reporter_forms": reporter_forms,
        },
        status=reporter_forms.status,
    )


@require_POST
@login_required
@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_reporter_update(request: HttpRequest, case_id: int) -> HttpResponse:
    """A reporter with an account edits or adds to her own case."""
    reporter = request.user
    assert isinstance(reporter, User)
    try:
        case = access_case_by_id(reporter, case_id)
    except CaseHidden as hidden:
        # Her report merged into another case: what she adds joins that case.
        merged = _own_merged_case(request, hidden)
        if merged is None:
            raise
        reporter_forms = reporter_forms_sent(request, merged, actor=reporter)
        if reporter_forms.refused:
            return _tombstone(request, hidden, reporter_forms)
        messages.success(
            request, _("What you added joined case #%(id)d.") % {"id": hidden.merged_into}
        )
        return see_other("cases:detail", case_id=hidden.merged_into)
    if case.reporter_id != reporter.pk:
        raise NotFound(_("There is no such case."))
    reporter_forms = reporter_forms_sent(request, case, actor=reporter)
    if reporter_forms.refused:
        # The case page again, with what she typed and the photos she chose.
        return _case_page(request, access_case_by_id(reporter, case_id), reporter_forms)
    messages.success(request, _("Your case has been updated."))
    return see_other("cases:detail", case_id=case_id)


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
        messages.success(request, str(services.TRANSITIONS[action].done) % {"id": case_id})
    return redirect("cases:detail", case_id=case_id)
