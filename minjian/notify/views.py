"""Pages of mail: follow a case by e-mail, confirm it, unsubscribe, choose how often."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.cases.access import CaseHidden, access_case_by_id
from minjian.core.errors import DomainError, with_retry_after
from minjian.core.forms import show_domain_error
from minjian.core.text import parse_id
from minjian.notify import selectors, services, tokens
from minjian.notify.forms import FollowForm
from minjian.notify.models import MemberPreference


@sensitive_post_parameters("email")
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, case_id: int) -> HttpResponse:
    """Follow a case by e-mail. The answer is the same whether or not the address
    follows already, so that nobody can find out who follows what."""
    try:
        case = access_case_by_id(request.user, case_id)
    except CaseHidden as hidden:
        return render(request, "cases/tombstone.html", {"hidden": hidden}, status=410)
    if request.method != "POST":
        initial = {"email": request.user.email} if isinstance(request.user, User) else {}
        return render(
            request, "notify/follow.html", {"case": case, "form": FollowForm(initial=initial)}
        )
    form = FollowForm(request.POST)
    form.is_valid()
    try:
        ratelimit.limit_requester(request, "case_follow")
        address = str(form.cleaned_data.get("email") or "").strip().casefold()
        # Per address too, so that nobody floods a mailbox with confirmation mails.
        ratelimit.hit("case_follow_address", f"email:{address}")
        if not request.user.is_authenticated:
            proof_of_work.check(request)
        services.follow_request(
            case=case, email=form.cleaned_data.get("email") or "", language=get_language() or ""
        )
    except DomainError as error:
        show_domain_error(form, error)
        return with_retry_after(
            render(
                request, "notify/follow.html", {"case": case, "form": form}, status=error.status
            ),
            error,
        )
    return render(
        request,
        "notify/follow_requested.html",
        {"case": case, "valid_days": tokens.CONFIRMATION_MAX_AGE.days},
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation mail: a page with one button. Only the POST
    confirms, so a mail scanner that opens the link confirms nothing."""
    if request.method != "POST":
        return render(request, "notify/confirm.html", {})
    try:
        follower = services.follow_confirm(token=token)
    except DomainError as error:
        return render(request, "notify/confirm.html", {"error": error}, status=error.status)
    return render(request, "notify/confirmed.html", {"case": follower.case})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe (RFC 8058): a POST unsubscribes at once, with no log-in and
    no CSRF token (mail clients send it from the List-Unsubscribe-Post header). A GET
    only shows the button: scanners open the links in mails."""
    if request.method != "POST":
        return render(request, "notify/unsubscribe.html", {})
    try:
        services.unsubscribe(token=token)
    except DomainError as error:
        return render(request, "notify/unsubscribe.html", {"error": error}, status=error.status)
    return render(request, "notify/unsubscribed.html", {})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """A member chooses, for each of her organisations, how often she hears of new cases."""
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return _preferences_page(request, user)
    organisation_id = parse_id(request.POST.get("organisation", ""))
    if organisation_id is None:
        return _preferences_page(
            request, user, error=_("Choose one of the listed options."), status=400
        )
    try:
        services.preference_set(
            actor=user,
            organisation_id=organisation_id,
            frequency=request.POST.get("frequency", ""),
            language=get_language(),
        )
    except DomainError as error:
        return _preferences_page(request, user, error=str(error.message), status=error.status)
    return redirect("notify:preferences")


def _preferences_page(
    request: HttpRequest, user: User, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "notify/preferences.html",
        {
            "rows": selectors.member_preferences(user),
            "frequencies": MemberPreference.Frequency.choices,
            "has_email": bool(user.email),
            "error": error,
        },
        status=status if not error or status != 200 else 400,
    )
