"""Staff's pages of petitions, apart from the public ones: the moderation queue (approve,
or reject with a public reason), the signatures taken beyond the rate limits, bulk
invalidation, the trending clients (keyed hashes only); and the addressed body's pages:
the petitions delivered to an organisation, and the answer form of its members (or of
staff, recording a named body's answer).

A NotFound or PermissionDenied becomes its page (DomainErrorMiddleware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from minjian.accounts.access import signed_in
from minjian.accounts.models import User
from minjian.core.errors import DomainError, PermissionDenied
from minjian.core.forms import see_other, show_domain_error
from minjian.core.text import parse_id
from minjian.orgs.access import is_staff, require_staff
from minjian.orgs.selectors import is_member, organisation_by_slug
from minjian.petitions import access, selectors, services
from minjian.petitions.forms import AnswerForm, InvalidateForm, RejectForm
from minjian.petitions.models import Petition


def _status(form: Form, refused: DomainError | None) -> int:
    """A form's page: the refusal's status (409 for a petition in the wrong state), 400
    for a field refused by the form itself."""
    if refused is not None:
        return refused.status
    return 400 if form.errors else 200


def _staff(request: HttpRequest) -> User:
    actor = signed_in(request)
    require_staff(actor)
    return actor


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return _moderation_page(request)


def _moderation_page(
    request: HttpRequest, refused: tuple[int, RejectForm] | None = None
) -> HttpResponse:
    queue = list(selectors.moderation_queue())
    forms = {petition.pk: RejectForm(prefix=f"reject-{petition.pk}") for petition in queue}
    if refused is not None:
        forms[refused[0]] = refused[1]
    return render(
        request,
        "petitions/moderation.html",
        {
            "queue": [(petition, forms[petition.pk]) for petition in queue],
            "review": list(selectors.signatures_needing_review()),
            "awaiting_answer": list(
                selectors.petition_list(state=Petition.State.DELIVERED).order_by(
                    "delivered_at", "id"
                )
            ),
        },
        status=400 if refused else 200,
    )


@require_POST
@login_required
def approve(request: HttpRequest, petition_id: int) -> HttpResponse:
    actor = _staff(request)
    petition = access.access_petition(actor, petition_id)
    try:
        services.petition_approve(actor=actor, petition=petition)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The petition is open for signatures."))
    return see_other("petitions:moderation")


@require_POST
@login_required
def reject(request: HttpRequest, petition_id: int) -> HttpResponse:
    actor = _staff(request)
    petition = access.access_petition(actor, petition_id)
    form = RejectForm(request.POST, prefix=f"reject-{petition.pk}")
    if form.is_valid():
        try:
            services.petition_reject(
                actor=actor, petition=petition, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The petition is rejected; its page is a tombstone."))
            return see_other("petitions:moderation")
    return _moderation_page(request, (petition.pk, form))


@require_POST
@login_required
def review(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Signatures taken beyond the rate limits: they count, or they are invalidated."""
    actor = _staff(request)
    petition = access.access_petition(actor, petition_id)
    chosen = [parse_id(raw) for raw in request.POST.getlist("signature")]
    try:
        decided = services.signatures_review(
            actor=actor,
            petition=petition,
            signature_ids=[number for number in chosen if number is not None],
            accept=request.POST.get("decision") == "accept",
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext("%(count)d signature decided.", "%(count)d signatures decided.", decided)
            % {"count": decided},
        )
    return see_other("petitions:moderation")


@login_required
def invalidate(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Bulk invalidation: by e-mail domain, time window or both; counted in the public
    moderation log with its reason."""
    actor = _staff(request)
    petition = access.access_petition(actor, petition_id)
    form = InvalidateForm(request.POST or None)
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            count = services.signatures_invalidate_bulk(
                actor=actor, petition=petition, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(form, error)
            refused = error
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d signature invalidated.", "%(count)d signatures invalidated.", count
                )
                % {"count": count},
            )
            return see_other("petitions:detail", petition_id=petition.pk)
    return render(
        request,
        "petitions/invalidate.html",
        {"petition": petition, "form": form},
        status=_status(form, refused),
    )


@login_required
def trending(request: HttpRequest) -> HttpResponse:
    """The clients that signed most in the last day, as keyed hashes: never an address."""
    _staff(request)
    return render(request, "petitions/trending.html", {"clients": selectors.trending_clients()})


@login_required
def delivered(request: HttpRequest, slug: str) -> HttpResponse:
    """The petitions delivered to an organisation: its members' page, linked from its inbox."""
    actor = signed_in(request)
    organisation = organisation_by_slug(slug)
    if not is_member(actor, organisation) and not is_staff(actor):
        raise PermissionDenied(_("Only the organisation's members read the petitions sent to it."))
    return render(
        request,
        "petitions/delivered.html",
        {
            "organisation": organisation,
            "petitions": list(selectors.petitions_delivered_to(organisation)),
        },
    )


@login_required
def answer(request: HttpRequest, petition_id: int) -> HttpResponse:
    """The body's official answer: written by a member of the organisation addressed, or
    recorded by staff (for a named body, or an organisation)."""
    actor = signed_in(request)
    petition = access.access_petition(actor, petition_id)
    organisation = petition.addressed_organisation
    if not is_staff(actor) and (organisation is None or not is_member(actor, organisation)):
        raise PermissionDenied(
            _("Only members of the organisation addressed, or site staff, record its answer.")
        )
    form = AnswerForm(request.POST or None)
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_answer(actor=actor, petition=petition, text=form.cleaned_data["text"])
        except DomainError as error:
            show_domain_error(form, error)
            refused = error
        else:
            messages.success(request, _("The answer is on the petition's timeline."))
            return see_other("petitions:detail", petition_id=petition.pk)
    return render(
        request,
        "petitions/answer.html",
        {"petition": petition, "form": form},
        status=_status(form, refused),
    )
