"""The owners' pages of petitions: writing one (a draft) and editing it, each co-owner
organisation's acceptance by one of its admins, and sending the draft out for its first
signers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minjian.accounts.access import signed_in
from minjian.core.errors import DomainError
from minjian.core.forms import see_other, show_domain_error
from minjian.orgs.selectors import organisation_by_slug
from minjian.petitions import access, selectors, selectors_pages, services
from minjian.petitions.forms import DraftForm, PetitionForm


@login_required
def petition_new(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request)
    form = PetitionForm(
        request.POST or None, administered=selectors_pages.administered_organisations(actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_create(actor=actor, **form.service_arguments())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The draft is saved. Once every co-owner has accepted, send it out for "
                    "its first signers."
                ),
            )
            return see_other("petitions:detail", petition_id=petition.pk)
    return render(request, "petitions/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def edit(request: HttpRequest, petition_id: int) -> HttpResponse:
    """An owner edits the draft; co-owners she does not administer accept it again."""
    actor = signed_in(request)
    petition = access.access_petition(actor, petition_id)
    form = DraftForm(request.POST or None, petition=petition)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_draft_edit(actor=actor, petition=petition, **form.service_arguments())
        except DomainError as error:
            if error.status == 403:
                raise
            show_domain_error(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return see_other("petitions:detail", petition_id=petition.pk)
    return render(
        request,
        "petitions/edit.html",
        {"form": form, "petition": petition},
        status=400 if form.errors else 200,
    )


@login_required
def owners(request: HttpRequest, petition_id: int) -> HttpResponse:
    """The petition's owners and whether each accepted; an admin of a co-owner
    organisation accepts for it here."""
    actor = signed_in(request)
    petition = access.access_petition(actor, petition_id)
    if request.method == "POST":
        organisation = organisation_by_slug(request.POST.get("organisation", "").strip())
        try:
            services.petition_owner_accept(
                actor=actor, petition=petition, organisation=organisation
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(organisation)s is a co-owner of the petition now.")
                % {"organisation": organisation.name},
            )
        return see_other("petitions:owners", petition_id=petition.pk)
    listed = selectors.owners(petition)
    administered = {
        organisation.pk for organisation in selectors_pages.administered_organisations(actor)
    }
    return render(
        request,
        "petitions/owners.html",
        {
            "petition": petition,
            "owners": [(owner, owner.organisation_id in administered) for owner in listed],
        },
    )


@require_POST
@login_required
def submit(request: HttpRequest, petition_id: int) -> HttpResponse:
    """An owner sends the draft out for its first signers."""
    actor = signed_in(request)
    petition = access.access_petition(actor, petition_id)
    try:
        services.petition_submit_for_sponsors(actor=actor, petition=petition)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The petition looks for its first signers: share its address with them."),
        )
    return see_other("petitions:detail", petition_id=petition.pk)
