"""Site staff's screens for organisations: giving and withdrawing the verified mark."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minjian.orgs import access, services
from minjian.orgs.forms import VerifyForm


@require_POST
@login_required
def organisation_verify(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.access_organisation_for_staff(request.user, slug)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the organisation is verified."))
        return redirect("orgs:detail", slug=organisation.slug)
    assert request.user.is_authenticated  # access_organisation_for_staff let only staff through
    organisation = services.organisation_set_verified(
        actor=request.user, organisation=organisation, verified=form.cleaned_data["verified"]
    )
    if organisation.verified:
        messages.success(request, _("The organisation is marked verified."))
    else:
        messages.success(request, _("The verified mark is withdrawn."))
    return redirect("orgs:detail", slug=organisation.slug)
