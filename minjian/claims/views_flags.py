"""Readers' flags on the web: the flag form (anyone; the proof of work without an
account), and the queues of verifiers (rumours) and moderators (texts that expose a
person), which show each item with its count and newest notes, never who flagged.

A NotFound or a PermissionDenied becomes its page (DomainErrorMiddleware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from minjian.accounts.access import signed_in
from minjian.accounts.models import User
from minjian.claims import access, flag_guard, selectors_flags, services_flags
from minjian.claims.forms import FlagForm
from minjian.claims.selectors_flags import FlagTarget
from minjian.core.errors import DomainError, NotFound, PermissionDenied, with_retry_after
from minjian.core.forms import see_other, show_domain_error
from minjian.core.text import parse_id

# The query parameters (and form fields) that name the flagged item.
TARGET_FIELDS = ("case", "event", "claim")


def target_ids(data: QueryDict) -> dict[str, int | None]:
    """The ids of the flagged item, as `selectors_flags.flag_target` takes them; one
    that is given but cannot be an id names no text."""
    ids: dict[str, int | None] = {}
    for name in TARGET_FIELDS:
        raw = data.get(name, "").strip()
        if not raw:
            ids[f"{name}_id"] = None
            continue
        parsed = parse_id(raw)
        if parsed is None:
            raise NotFound(_("There is no such public text to flag."))
        ids[f"{name}_id"] = parsed
    return ids


def flag(request: HttpRequest) -> HttpResponse:
    """Flag a public text (/claims/flag/?case=12, ?case=12&event=34, ?claim=5)."""
    target = selectors_flags.flag_target(**target_ids(request.GET))
    actor = request.user if isinstance(request.user, User) else None
    form = FlagForm(request.POST or None)
    if request.method != "POST":
        return _page(request, target, form, actor=actor)
    if form.is_valid():
        try:
            checked = services_flags.check_flag(
                form.cleaned_data["kind"], form.cleaned_data["note"]
            )
            flagger = flag_guard.admit_flagger(request, actor, proof_required=False)
            services_flags.flag_raise(
                target=target,
                flag=checked,
                key=services_flags.flag_key(flagger, target, checked.kind),
            )
        except DomainError as error:
            show_domain_error(form, error)
            return with_retry_after(
                _page(request, target, form, actor=actor, status=error.status), error
            )
        # The same thanks whether or not she, or anyone, flagged it before.
        messages.success(request, _("Thank you. Verifiers and moderators will look at it."))
        return see_other(target.path)
    return _page(request, target, form, actor=actor, status=400)


def _page(
    request: HttpRequest,
    target: FlagTarget,
    form: FlagForm,
    *,
    actor: User | None,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "claims/flag_form.html",
        {"target": target, "form": form, "anonymous": actor is None},
        status=status,
    )
    return response


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The flagged items a verifier (rumours) or a moderator (exposed persons) decides of."""
    kinds = access.flag_queues(signed_in(request))
    if not kinds:
        raise PermissionDenied(_("Only verifiers and moderators read the flags."))
    items = selectors_flags.flag_queue(kinds)
    return render(
        request,
        "claims/flags_queue.html",
        {
            "rumours": [item for item in items if item.kind == services_flags.Kind.RUMOUR],
            "exposures": [
                item for item in items if item.kind == services_flags.Kind.EXPOSES_PERSON
            ],
            "kinds": kinds,
        },
    )


@require_POST
@login_required
def dismiss(request: HttpRequest) -> HttpResponse:
    """Dismiss the open flags of one item, of one kind."""
    try:
        dismissed = services_flags.flags_dismiss(
            actor=signed_in(request),
            kind=request.POST.get("kind", ""),
            **target_ids(request.POST),
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext("%(count)d flag dismissed.", "%(count)d flags dismissed.", dismissed)
            % {"count": dismissed},
        )
    return see_other("claims:flags")
