"""Public pages of organisations, and the pages their admins use.

A NotFound or PermissionDenied from `access` or a selector becomes a 404 or 403
page (minjian.core.middleware.DomainErrorMiddleware).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minjian.accounts.access import signed_in
from minjian.accounts.models import User
from minjian.core.errors import DomainError
from minjian.core.forms import show_domain_error
from minjian.core.public_cache import CASES, ORGANISATIONS, public_page, tags_for_everything
from minjian.orgs import access, selectors, services
from minjian.orgs.forms import (
    MemberAddForm,
    MemberRemoveForm,
    MemberRoleForm,
    MemberVerifierForm,
    OrganisationCreateForm,
    OrganisationFilterForm,
    OrganisationForm,
    organisation_initial,
)
from minjian.orgs.models import Membership, Organisation
from minjian.topics.selectors import topic_list

ORGANISATIONS_PER_PAGE = 20


def organisation_list(request: HttpRequest) -> HttpResponse:
    topics = list(topic_list())
    filters = OrganisationFilterForm(request.GET, topics=topics)
    kind = topic_slug = None
    if filters.is_valid():
        kind = filters.cleaned_data["kind"] or None
        topic_slug = filters.cleaned_data["topic"] or None
    organisations = selectors.organisation_list(kind=kind, topic_slug=topic_slug)
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/list.html",
        {"filters": filters, "page": page, "query": query},
        status=200 if filters.is_valid() else 400,
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request)
    form = OrganisationCreateForm(
        request.POST or None,
        kinds=access.kinds_open_to(actor),
        topics=topic_list(),
        regions=selectors.region_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=actor, **form.service_arguments())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The organisation is registered. You are its admin."))
            return redirect("orgs:detail", slug=organisation.slug)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "organisation": None},
        status=400 if form.errors else 200,
    )


@public_page(tags_for_everything(ORGANISATIONS, CASES))
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_detail(slug)
    return render(
        request,
        "orgs/detail.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.all(),
            "can_administer": access.can_administer(request.user, organisation),
            "is_staff": access.is_staff(request.user),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = signed_in(request)
    organisation = access.access_organisation_for_admin(actor, slug)
    form = OrganisationForm(
        request.POST or None,
        initial=organisation_initial(organisation),
        kinds=access.kinds_open_to(actor, current=organisation.kind),
        topics=topic_list(),
        regions=selectors.region_choices(also=organisation.regions.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=actor, organisation=organisation, **form.service_arguments()
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("orgs:detail", slug=organisation.slug)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    """Admins add people by pseudonym, change their role or take them out."""
    actor = signed_in(request)
    organisation = access.access_organisation_for_admin(actor, slug)
    add_form = MemberAddForm(prefix="add")
    problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            add_form = MemberAddForm(request.POST, prefix="add")
            if _submitted(add_form, services.membership_add, actor, organisation):
                return _back_to_members(request, organisation, _("The member is added."))
        elif action == "role":
            role_form = MemberRoleForm(request.POST)
            if _submitted(role_form, services.membership_change_role, actor, organisation):
                return _back_to_members(request, organisation, _("The role is changed."))
            problems = _all_errors(role_form)
        elif action == "verifier":
            verifier_form = MemberVerifierForm(request.POST)
            if _submitted(verifier_form, services.membership_set_verifier, actor, organisation):
                return _back_to_members(request, organisation, _("The verifier mark is changed."))
            problems = _all_errors(verifier_form)
        elif action == "remove":
            remove_form = MemberRemoveForm(request.POST)
            if _submitted(remove_form, services.membership_remove, actor, organisation):
                return _back_to_members(request, organisation, _("The member is removed."))
            problems = _all_errors(remove_form)
        else:
            problems = [_("Unknown action.")]
    return render(
        request,
        "orgs/members.html",
        {
            "organisation": organisation,
            "memberships": selectors.memberships_of_organisation(organisation),
            "add_form": add_form,
            "problems": problems,
            "roles": Membership.Role.choices,
        },
        status=400 if problems or add_form.errors else 200,
    )


def _submitted(
    form: forms.Form,
    service: Callable[..., object],
    actor: User,
    organisation: Organisation,
) -> bool:
    """Validate `form` and call `service` with its data; a refusal becomes a form error."""
    if not form.is_valid():
        return False
    try:
        service(actor=actor, organisation=organisation, **form.cleaned_data)
    except DomainError as error:
        show_domain_error(form, error)
        return False
    return True


def _back_to_members(request: HttpRequest, organisation: Organisation, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect(reverse("orgs:members", kwargs={"slug": organisation.slug}))


def _all_errors(form: forms.Form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]
