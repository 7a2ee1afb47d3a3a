"""Moderators' pages, apart from the public ones: the queue and its actions.

The moderation log is public: it lists every moderator's action without
showing hidden content.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minjian.accounts.access import signed_in
from minjian.cases import selectors, services
from minjian.cases.models import Case, CaseEvent
from minjian.core.cursors import parse_cursor
from minjian.core.errors import DomainError, PermissionDenied
from minjian.core.keyset import keyset_page, page_number
from minjian.core.moderation_log import recent_entries
from minjian.core.text import parse_id

LOG_PAGE_SIZE = 50


View = Callable[..., HttpResponse]


def allowed_only(allowed: Callable[[Any], bool], refusal: Promise) -> Callable[[View], View]:
    """Pages for the signed-in people `allowed` lets in; anyone else signed in is
    refused with `refusal`, in her language."""

    def only(view: View) -> View:
        @wraps(view)
        @login_required
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return checked

    return only


staff_only = allowed_only(
    lambda user: user.is_staff, gettext_lazy("Only moderators can see this page.")
)


def decide_and_say(
    request: HttpRequest, action: str, decisions: Mapping[str, Callable[[], str]]
) -> None:
    """Make the decision `action` names of a queue's `decisions` (none: 404), each of
    which says what it did, and tell the one who made it that, or why it was refused;
    a refusal with 404 is its own page."""
    decision = decisions.get(action)
    if decision is None:
        raise DomainError("unknown_action", _("There is no such action."), status=404)
    try:
        done = decision()
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)


@staff_only
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/moderation_queue.html",
        {
            "cases": selectors.moderation_queue(),
            "held_notes": selectors.held_notes(),
            "reasons": Case.HiddenReason.choices,
        },
    )


MODERATOR_ACTIONS: dict[str, Callable[..., Case]] = {
    "publish": services.case_publish,
    "request_edit": services.case_request_edit,
    "hide": services.case_hide,
}
# What a moderator reads once her action is done: what happened, in the past tense.
DONE: dict[str, str | Promise] = {
    **{action: services.TRANSITIONS[action].done for action in ("publish", "request_edit", "hide")},
    "release": gettext_lazy("Text on case #%(id)d released"),
    "withhold": gettext_lazy("Text on case #%(id)d withheld"),
}


@require_POST
@staff_only
def act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    apply = MODERATOR_ACTIONS.get(action)
    if apply is None:
        raise DomainError("unknown_action", _("There is no such action."), status=404)
    arguments: dict[str, Any] = {"note": request.POST.get("note", "")}
    if action == "hide":
        arguments["reason"] = request.POST.get("reason", "")
        if request.POST.get("duplicate_of", "").strip():
            # Not a number is no case: the service says so ("not another public case").
            arguments["duplicate_of"] = parse_id(request.POST["duplicate_of"].lstrip("#")) or 0
    try:
        apply(actor=request.user, case_id=case_id, **arguments)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, f"#{case_id}: {error.message}")
    else:
        messages.success(request, str(DONE[action]) % {"id": case_id})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("cases:moderation_queue")


def log(request: HttpRequest) -> HttpResponse:
    """The public moderation log: its pages read from the cursor their links carry, at
    any depth, and not counted (a count would read every action on every page); the
    holds and the other apps' actions on its first page only."""
    after, before = request.GET.get("after"), request.GET.get("before")
    page = keyset_page(
        selectors.moderation_log(),
        time_field="created_at",
        after=parse_cursor(after) if after else None,
        before=parse_cursor(before) if before and not after else None,
        number=page_number(request.GET.get("page", "")),
        count=None,
        per_page=LOG_PAGE_SIZE,
    )
    first = page.number == 1
    return render(
        request,
        "cases/moderation_log.html",
        {
            "page": page,
            "query": {},
            "exposure_holds": selectors.holds_for_exposing_a_person() if first else [],
            # Moderators' actions in the apps above cases (petitions: core.moderation_log).
            "other_entries": recent_entries() if first else [],
        },
    )


@require_POST
@staff_only
def decide_note(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    """Release a held text to the public, or withhold it with a reason."""
    moderator = signed_in(request)

    def said(decided: CaseEvent) -> str:
        return str(DONE[action]) % {"id": decided.case_id}

    decide_and_say(
        request,
        action,
        {
            "release": lambda: said(services.case_release_note(actor=moderator, event_id=event_id)),
            "withhold": lambda: said(
                services.case_withhold_note(
                    actor=moderator, event_id=event_id, reason=request.POST.get("reason", "")
                )
            ),
        },
    )
    return redirect("cases:moderation_queue")
