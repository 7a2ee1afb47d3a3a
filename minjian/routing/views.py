"""The inbox pages: an organisation's cases, what its members do with them, and
what it subscribes to. Plain pages and POST forms; no JavaScript needed.

A NotFound or PermissionDenied from `access` becomes a 404 or 403 page
(minjian.core.middleware.DomainErrorMiddleware).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minjian.abuse.ratelimit import limit_requester
from minjian.accounts.models import User
from minjian.cases import rules
from minjian.cases.access import access_case_by_id
from minjian.cases.selectors import case_with_timeline, timeline
from minjian.cases.services import TRANSITIONS
from minjian.core.errors import DomainError, NotFound
from minjian.core.forms import show_domain_error
from minjian.orgs import selectors as org_selectors
from minjian.orgs.access import can_administer
from minjian.orgs.models import Organisation
from minjian.routing import access, selectors, services
from minjian.routing.forms import AddressForm, NoteForm, SubscriptionForm
from minjian.routing.models import InboxItem
from minjian.topics.selectors import topic_list

ITEMS_PER_PAGE = 20
ACTIONS = services.MEMBER_ACTIONS
# What the member reads once her action is done, in the past tense.
DONE: dict[str, str | Promise] = {
    "acknowledge": TRANSITIONS["acknowledge"].done,
    "update": gettext_lazy("Public update posted on case #%(id)d"),
    "note": gettext_lazy("Internal note added to case #%(id)d (members only)"),
    "response": gettext_lazy("Official response posted on case #%(id)d"),
}


def _signed_in(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required let only accounts through
    return user


@login_required
def inbox_index(request: HttpRequest) -> HttpResponse:
    organisations = selectors.inboxes_of(org_selectors.organisations_of(_signed_in(request)))
    return render(request, "routing/index.html", {"organisations": organisations})


@login_required
def inbox_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.access_inbox(_signed_in(request), slug)
    view = request.GET.get("show", selectors.INBOX_NEW)
    if view not in selectors.INBOX_VIEWS:
        view = selectors.INBOX_NEW
    page = Paginator(selectors.inbox(organisation, view=view), ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "routing/inbox.html",
        {
            "organisation": organisation,
            "page": page,
            "view": view,
            "query": {"show": view},
            "is_admin": can_administer(request.user, organisation),
        },
    )


@login_required
def inbox_case(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    actor = _signed_in(request)
    organisation = access.access_inbox(actor, slug)
    item = access.access_inbox_item(actor, organisation, case_id)
    return _case_page(request, organisation, item)


@require_POST
@login_required
def inbox_act(request: HttpRequest, slug: str, case_id: int, action: str) -> HttpResponse:
    """One member action on a case in the inbox; back to the case (or the list)."""
    actor = _signed_in(request)
    organisation = access.access_inbox(actor, slug)
    item = access.access_inbox_item(actor, organisation, case_id)
    service = ACTIONS.get(action)
    if service is None:
        raise NotFound(_("There is no such action."))
    form = _note_form(action, request.POST)
    if form.is_valid():
        # Not rate limited: only members an admin let in act here, and a busy
        # inbox may well see dozens of acknowledgements an hour.
        try:
            service(
                actor=actor,
                organisation=organisation,
                case_id=case_id,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            show_domain_error(form, error)
            return _case_page(request, organisation, item, {action: form}, status=error.status)
        messages.success(request, str(DONE[action]) % {"id": case_id})
        if request.POST.get("back") == "list":
            return redirect("routing:inbox", slug=organisation.slug)
        return redirect("routing:case", slug=organisation.slug, case_id=case_id)
    return _case_page(request, organisation, item, {action: form}, status=400)


@require_POST
@login_required
def case_address(request: HttpRequest, case_id: int) -> HttpResponse:
    """Address a case to an agency, from the case page or an inbox."""
    actor = _signed_in(request)
    case = access_case_by_id(actor, case_id)
    form = AddressForm(request.POST, agencies=selectors.agencies_for(case))
    if form.is_valid():
        try:
            limit_requester(request, "comment")
            services.case_address_to_agency(
                actor=actor,
                case_id=case.pk,
                agency_slug=form.cleaned_data["agency"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The case is addressed to the agency."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "routing/address.html",
        {"case": case, "address_form": form},
        status=400,
    )


@login_required
def subscriptions(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _signed_in(request)
    organisation = access.access_inbox(actor, slug)
    form = _subscription_form(organisation, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.subscription_add(
                    actor=actor,
                    organisation=organisation,
                    topic_slug=form.cleaned_data["topic"],
                    region_code=form.cleaned_data["region"],
                )
            except DomainError as error:
                show_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Subscription added."))
                return redirect("routing:subscriptions", slug=organisation.slug)
        else:
            status = 400
    return render(
        request,
        "routing/subscriptions.html",
        {
            "organisation": organisation,
            "subscriptions": selectors.subscriptions_of(organisation),
            "form": form,
            "is_admin": can_administer(actor, organisation),
        },
        status=status,
    )


@require_POST
@login_required
def unsubscribe(request: HttpRequest, slug: str, subscription_id: int) -> HttpResponse:
    actor = _signed_in(request)
    organisation = access.access_inbox(actor, slug)
    services.subscription_remove(
        actor=actor, organisation=organisation, subscription_id=subscription_id
    )
    messages.success(request, _("Subscription removed."))
    return redirect("routing:subscriptions", slug=organisation.slug)


def _subscription_form(organisation: Organisation, data: QueryDict | None) -> SubscriptionForm:
    regions = org_selectors.region_choices(also=organisation.regions.all())
    return SubscriptionForm(data, topics=topic_list(), regions=regions)


def _note_form(action: str, data: QueryDict | None = None) -> NoteForm:
    # Several forms share a page: each its own element ids.
    return NoteForm(data, auto_id=f"id_{action}_%s")


def _case_page(
    request: HttpRequest,
    organisation: Organisation,
    item: InboxItem,
    bound: dict[str, forms.Form] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    case = case_with_timeline(item.case_id)
    assert case is not None  # the inbox item exists, so does its case
    forms_by_action: dict[str, forms.Form] = {action: _note_form(action) for action in ACTIONS}
    forms_by_action.update(bound or {})
    return render(
        request,
        "routing/case.html",
        {
            "organisation": organisation,
            "item": item,
            "case": case,
            "timeline": timeline(case, reader=access.inbox_reader(request.user, organisation)),
            "forms": forms_by_action,
            "may_respond_officially": rules.gives_official_responses(organisation),
            "address_form": AddressForm(agencies=selectors.agencies_for(case)),
        },
        status=status,
    )
