"""Petitions' public pages and signing: the list, a petition's page (stored for anonymous
readers until the petition changes), its tombstone, the CSV of its counts, signing on the
page, the links of the signer's mail, and her own signatures.

Signing without an account is the form of the page every anonymous reader shares, so it
holds no CSRF token (a token would make the page the reader's own, and it could not be
stored: minjian/core/public_cache.py). The view takes that form without one: a forged
request can only ask for a confirmation mail, behind the proof of work and the rate
limits, as anyone could by sending the form. A signed-in reader's page is her own and
her forms carry the token, checked as everywhere (`_signed_in_sign`).

The map of the signatures by province is an SVG image of its own (`province_map`), drawn
from the provinces' stored outlines (`places.selectors.province_drawing`).

A NotFound or PermissionDenied from `access`, a selector or a service becomes its page
(minjian.core.middleware.DomainErrorMiddleware)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from minjian.accounts.access import signed_in
from minjian.accounts.models import User
from minjian.core.downloads import csv_download
from minjian.core.errors import DomainError, NotFound, with_retry_after
from minjian.core.forms import see_other, show_domain_error
from minjian.core.public_cache import (
    BOUNDARIES,
    ORGANISATIONS,
    public_page,
    tags_for_everything,
)
from minjian.orgs.selectors import organisation_by_slug
from minjian.petitions import access, exports, selectors, selectors_pages, services
from minjian.petitions.forms import EmailSignForm, SignForm
from minjian.petitions.models import Petition
from minjian.petitions.services import PETITIONS, Signer, petition_tag
from minjian.petitions.sign_guard import admit_signer
from minjian.places.selectors import province_drawing, region_filter
from minjian.topics.selectors import topic_filter, topic_list

PETITIONS_PER_PAGE = 20
SIGNATURES_PER_PAGE = 20
# The newest people's signatures a petition's page lists.
RECENT_SIGNERS = 20


def _petition_tags(petition_id: int, **_kwargs: Any) -> tuple[str, ...]:
    # The boundaries too: the page offers the map of the provinces once they are loaded.
    return (petition_tag(petition_id), ORGANISATIONS, BOUNDARIES)


@public_page(tags_for_everything(PETITIONS, ORGANISATIONS))
def petition_list(request: HttpRequest) -> HttpResponse:
    """Public petitions, the most recently opened first, filtered by state, topic and
    province; an unknown filter is refused (400) rather than giving an empty list."""
    state = request.GET.get("state", "")
    query = {
        name: request.GET[name] for name in ("state", "topic", "region") if request.GET.get(name)
    }
    error: DomainError | None = None
    try:
        if state and state not in Petition.PUBLIC_STATES:
            raise DomainError("unknown_state", _("There is no such state."), field="state")
        topic = topic_filter(request.GET.get("topic"))
        petitions = selectors.petition_list(
            state=state or None,
            topic=topic.slug if topic else None,
            region=region_filter(request.GET.get("region")),
        )
    except DomainError as refused:
        error, petitions = refused, selectors.petition_list().none()
    page = Paginator(petitions, PETITIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "petitions/list.html",
        {
            "page": page,
            "query": query,
            "filter_error": error,
            "states": [(value, Petition.State(value).label) for value in Petition.PUBLIC_STATES],
            "topics": topic_list(),
            "provinces": selectors_pages.provinces(),
            "rows": [
                (petition, selectors_pages.progress_percent(petition))
                for petition in page.object_list
            ],
        },
        status=error.status if error else 200,
    )


@public_page(_petition_tags)
def petition_detail(request: HttpRequest, petition_id: int) -> HttpResponse:
    try:
        petition = access.access_petition(request.user, petition_id)
    except access.PetitionRejected as rejected:
        return render(request, "petitions/tombstone.html", {"rejected": rejected}, status=410)
    return _detail_page(request, petition)


def _detail_page(
    request: HttpRequest,
    petition: Petition,
    *,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A petition's page: what it asks of whom, its count, its signers, its map and its
    timeline; the signing form as fits the reader."""
    owners = selectors.owners(petition)
    organisation_signatures = selectors.organisation_signatures(petition)
    entries = selectors_pages.timeline_entries(selectors.timeline(petition))
    reader = request.user
    place = (
        selectors_pages.reader_place(
            reader,
            petition,
            owners,
            {
                signature.signed_as_organisation_id
                for signature in organisation_signatures
                if signature.signed_as_organisation_id is not None
            },
        )
        if isinstance(reader, User)
        else None
    )
    if sign_form is None and petition.is_signable:
        sign_form = SignForm() if place is not None else EmailSignForm()
    return render(
        request,
        "petitions/detail.html",
        {
            "petition": petition,
            "owners": owners,
            "cited_cases": selectors.cited_cases(petition),
            "organisation_signatures": organisation_signatures,
            "people_signatures": selectors.recent_people_signatures(petition, RECENT_SIGNERS),
            "counts": (counts := selectors.counts_by_region(petition)),
            "province_bars": selectors_pages.province_bars(counts),
            "province_drawing": province_drawing(),
            "progress": selectors_pages.progress_percent(petition),
            "timeline": entries,
            "answer": selectors_pages.answer_of(entries),
            "place": place,
            "sign_form": sign_form,
            "withdrawable": petition.state in services.WITHDRAWABLE_STATES,
        },
        status=status,
    )


@public_page(_petition_tags)
def counts_csv(request: HttpRequest, petition_id: int) -> HttpResponseBase:
    """The validated signatures by province, as delivered to the body: no signer, no address."""
    petition = access.access_petition(AnonymousUser(), petition_id)
    return csv_download(
        f"petition-{petition.pk}-signatures-by-province.csv",
        exports.counts_header(),
        exports.counts_rows(petition),
    )


@public_page(_petition_tags)
def province_map(request: HttpRequest, petition_id: int) -> HttpResponse:
    """The validated signatures by province as a map (SVG): the page shows it as an image,
    beside the bars that say the same in words; 404 where no boundaries are loaded."""
    petition = access.access_petition(AnonymousUser(), petition_id)
    drawing = province_drawing()
    if drawing is None:
        raise NotFound(_("No map of the provinces: their boundaries are not loaded."))
    return render(
        request,
        "petitions/map.svg",
        {
            "drawing": drawing,
            "provinces": selectors_pages.province_map(
                selectors.counts_by_region(petition), drawing
            ),
        },
        content_type="image/svg+xml; charset=utf-8",
    )


@csrf_exempt
@sensitive_post_parameters("email")
@require_POST
def sign(request: HttpRequest, petition_id: int) -> HttpResponse:
    """The signing form of a petition's page, sent: see the module's docstring."""
    if isinstance(request.user, User):
        return _signed_in_sign(request, petition_id)
    petition = access.access_petition(None, petition_id)
    form = EmailSignForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, petition, sign_form=form, status=400)
    try:
        client_key, beyond_limits = admit_signer(request, None, petition, proof_required=False)
        services.petition_sign_by_email(
            petition=petition,
            email=form.cleaned_data["email"],
            language=get_language() or "",
            signer=_signer(form, client_key, beyond_limits),
        )
    except DomainError as error:
        show_domain_error(form, error)
        return with_retry_after(
            _detail_page(request, petition, sign_form=form, status=error.status), error
        )
    return render(request, "petitions/check_mail.html", {"petition": petition})


@csrf_protect
def _signed_in_sign(request: HttpRequest, petition_id: int) -> HttpResponse:
    """One click: for herself (with the optional name and province), or with
    `organisation` for an organisation she administers."""
    actor = signed_in(request)
    petition = access.access_petition(actor, petition_id)
    slug = request.POST.get("organisation", "").strip()
    if slug:
        organisation = organisation_by_slug(slug)
        try:
            services.petition_sign_as_organisation(
                actor=actor, petition=petition, organisation=organisation
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(organisation)s signed the petition.") % {"organisation": organisation.name},
            )
        return see_other("petitions:detail", petition_id=petition.pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, petition, sign_form=form, status=400)
    try:
        client_key, beyond_limits = admit_signer(request, actor, petition, proof_required=False)
        signature = services.petition_sign(
            actor=actor, petition=petition, signer=_signer(form, client_key, beyond_limits)
        )
    except DomainError as error:
        show_domain_error(form, error)
        return _detail_page(request, petition, sign_form=form, status=error.status)
    if signature.needs_review:
        messages.warning(
            request, _("Thank you. Your signature counts once a moderator has looked at it.")
        )
    else:
        messages.success(request, _("Thank you for signing."))
    return see_other("petitions:detail", petition_id=petition.pk)


def _signer(form: SignForm, client_key: str, beyond_limits: bool) -> Signer:
    return Signer(
        display_name=form.cleaned_data["display_name"],
        name_hidden=form.cleaned_data["name_hidden"],
        region=form.cleaned_data["region"],
        client_key=client_key,
        needs_review=beyond_limits,
    )


@require_POST
@login_required
def withdraw(request: HttpRequest, petition_id: int) -> HttpResponse:
    """She takes back her signature, or with `organisation` her organisation's, from the
    petition's page or from her signatures (`back` = "mine")."""
    actor = signed_in(request)
    petition = access.access_petition(actor, petition_id)
    slug = request.POST.get("organisation", "").strip()
    try:
        services.signature_withdraw(
            actor=actor,
            petition=petition,
            organisation=organisation_by_slug(slug) if slug else None,
        )
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The signature is withdrawn."))
    if request.POST.get("back") == "mine":
        return see_other("petitions:mine")
    return see_other("petitions:detail", petition_id=petition.pk)


@require_http_methods(["GET", "POST"])
def confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link of the signer's mail: a page with one button. Only the POST
    confirms, so a mail scanner that opens the link confirms nothing."""
    if request.method != "POST":
        return render(request, "petitions/link.html", {"action": "confirm"})
    try:
        signature = services.signature_confirm(token=token)
    except DomainError as error:
        return render(
            request,
            "petitions/link.html",
            {"action": "confirm", "error": error},
            status=error.status,
        )
    return render(
        request,
        "petitions/link_done.html",
        {"action": "confirm", "signature": signature, "petition": signature.petition},
    )


@require_http_methods(["GET", "POST"])
def withdraw_link(request: HttpRequest, token: str) -> HttpResponse:
    """The withdrawal link of the signer's mail: a page with one button, as above."""
    if request.method != "POST":
        return render(request, "petitions/link.html", {"action": "withdraw"})
    try:
        signature = services.signature_withdraw(token=token)
    except DomainError as error:
        return render(
            request,
            "petitions/link.html",
            {"action": "withdraw", "error": error},
            status=error.status,
        )
    return render(
        request,
        "petitions/link_done.html",
        {"action": "withdraw", "signature": signature, "petition": signature.petition},
    )


@login_required
def my_signatures(request: HttpRequest) -> HttpResponse:
    """Her signatures (pending or counted), the newest first, each with its withdraw button."""
    page = Paginator(selectors.signatures_of_account(signed_in(request)), SIGNATURES_PER_PAGE)
    return render(
        request,
        "petitions/mine.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "query": {},
            "withdrawable": services.WITHDRAWABLE_STATES,
        },
    )
