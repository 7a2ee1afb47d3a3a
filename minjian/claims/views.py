"""Pages of claims: a verifier's verdict on a case or a claim, a claim written down, the
public page of a claim, and the Atom feed of ClaimReviews.

A NotFound, a PermissionDenied or a hidden case from `access`, a selector or a service
becomes its page (minjian.core.middleware.DomainErrorMiddleware)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minjian.accounts.access import signed_in
from minjian.cases.access import access_case_by_id
from minjian.cases.claim_review import PublicVerdict, json_ld, public_verdict
from minjian.cases.models import Case
from minjian.claims import access, reviews, selectors, services
from minjian.claims.forms import (
    AppearanceFormSet,
    ClaimForm,
    VerdictForm,
    appearance_rows,
    show_appearance_error,
)
from minjian.claims.models import Claim
from minjian.claims.services import CLAIMS, VerdictGiven, claim_tag
from minjian.core.errors import DomainError
from minjian.core.forms import see_other
from minjian.core.public_cache import ORGANISATIONS, public_page


@login_required
def case_verdict(request: HttpRequest, case_id: int) -> HttpResponse:
    """A verifier gives a verdict on a public case, or confirms the one that waits."""
    actor = access.require_verifier(signed_in(request))
    case = access_case_by_id(AnonymousUser(), case_id)
    form = VerdictForm(
        request.POST or None,
        initial=_chosen(request),
        acting=access.acting_choices(actor),
        responses=selectors.public_official_responses(case),
        photos=selectors.ready_photos(case),
    )
    return _verdict_page(
        request,
        form,
        partial(services.case_verdict_give, actor=actor, case_id=case.pk),
        done=reverse("cases:detail", args=[case.pk]),
        shown=lambda: {
            "case": case,
            "subject": case.readable_title,
            "back": case,
            "proposal": _proposal(selectors.case_claim(case)),
        },
    )


@login_required
def claim_verdict(request: HttpRequest, claim_id: int) -> HttpResponse:
    """A verifier gives a verdict on a claim written down by a verifier."""
    actor = access.require_verifier(signed_in(request))
    claim = selectors.claim_detail(claim_id)
    if claim.case_id is not None:
        return redirect("claims:case_verdict", case_id=claim.case_id)
    form = VerdictForm(
        request.POST or None, initial=_chosen(request), acting=access.acting_choices(actor)
    )
    return _verdict_page(
        request,
        form,
        partial(services.claim_verdict_give, actor=actor, claim_id=claim.pk),
        done=reverse("claims:detail", args=[claim.pk]),
        shown=lambda: {"claim": claim, "subject": claim.text, "proposal": _proposal(claim)},
    )


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    """A verifier writes down a claim as it circulates, with where she saw it."""
    actor = access.require_verifier(signed_in(request))
    form = ClaimForm(request.POST or None, acting=access.acting_choices(actor))
    formset = AppearanceFormSet(request.POST or None, prefix="seen")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            claim = services.claim_write(
                actor=actor,
                organisation=form.organisation_value(),
                statement=form.cleaned_data["statement"],
                appearances=appearance_rows(formset),
            )
        except DomainError as error:
            show_appearance_error(form, formset, error)
        else:
            messages.success(request, _("The claim is written down. Give it a verdict now."))
            return see_other("claims:verdict", claim_id=claim.pk)
    refused = bool(form.errors) or any(row.errors for row in formset.forms)
    return render(
        request,
        "claims/claim_form.html",
        {"form": form, "formset": formset},
        status=400 if refused or formset.non_form_errors() else 200,
    )


@public_page(lambda claim_id: (claim_tag(claim_id), CLAIMS, ORGANISATIONS))
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    """A claim written down by a verifier, where it was seen, its verdict and how it
    came about. A case's claim is its case's page."""
    claim = selectors.claim_detail(claim_id)
    if claim.case_id is not None:
        return redirect("cases:detail", case_id=claim.case_id)
    review = reviews.review_of(claim, absolute=request.build_absolute_uri)
    viewer = request.user
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "verdict": reviews.claim_verdict(claim),
            "history": reviews.public_history(claim),
            "json_ld": json_ld(review) if review else "",
            "may_judge": access.may_judge(viewer),
        },
    )


def _verdict_page(
    request: HttpRequest,
    form: VerdictForm,
    give: Callable[..., VerdictGiven],
    *,
    done: str,
    shown: Callable[[], dict[str, object]],
) -> HttpResponse:
    """The verdict form of a case or a claim: a verdict sent and taken by `give` leads to
    `done`, saying what happened; otherwise the form, with what `shown` reads (only then:
    after a refusal, as it stands) and the refusals."""
    if request.method == "POST" and form.is_valid():
        try:
            given = give(**form.service_arguments())
        except DomainError as error:
            form.show(error)
        else:
            _say_what_happened(request, given)
            return see_other(done)
    return render(
        request,
        "claims/verdict_form.html",
        {"form": form, **shown()},
        status=400 if form.errors else 200,
    )


def _chosen(request: HttpRequest) -> dict[str, str]:
    """The verdict a link chose beforehand (the flags' queue: ?verdict=checking)."""
    verdict = request.GET.get("verdict", "")
    return {"verdict": verdict} if verdict in Case.Verdict.values else {}


def _proposal(claim: Claim | None) -> PublicVerdict | None:
    """The verdict that waits for a verifier of another organisation, as verifiers read it."""
    if claim is None or claim.proposal is None:
        return None
    return public_verdict(
        claim.proposal.payload, at=claim.proposal.created_at, case_id=claim.case_id
    )


def _say_what_happened(request: HttpRequest, given: VerdictGiven) -> None:
    if given.public:
        messages.success(request, _("The verdict is published."))
    else:
        messages.success(
            request,
            _(
                "The verdict waits for a verifier of another organisation: it is not "
                "public until one confirms it."
            ),
        )
