"""Adding to a public case as another witness: a note and photos, rather than a second
report of the same thing (the report form offers the similar cases before it is sent).

Anyone may add, with an account or without: an anonymous witness proves her browser
did the proof of work, as an anonymous reporter does, and every addition taken counts
against the rate limit for texts added to cases. She gets no receipt (the case is not
hers) and is never named. What she typed and the photos she chose come back with every
refusal (photos kept in a draft, `services_drafts`), and a refused addition neither
spends her proof of work nor counts.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.cases import selectors, services
from minjian.cases.access import CaseHidden, access_case_by_id
from minjian.cases.draft_forms import check_addition_with_draft, keep_photos_sent
from minjian.cases.forms import WitnessAdditionForm
from minjian.cases.models import Case, CaseEvent
from minjian.cases.services_drafts import KeptPhotos, draft_uploads, photo_draft_discard
from minjian.cases.views import SENSITIVE_FIELDS
from minjian.core.errors import DomainError, NotFound, with_retry_after
from minjian.core.forms import see_other, show_domain_error

# What a witness adds to a case counts with the other texts people add to cases.
ADDITION_SCOPE = "comment"
# Sent by the report form's "Add to this case" (formaction): her report's text and
# photos come over as the start of an addition, which is not sent yet.
FROM_REPORT = "from_report"


@sensitive_post_parameters(*SENSITIVE_FIELDS)
def case_add_as_witness(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = access_case_by_id(request.user, case_id)
    except CaseHidden as hidden:
        return render(request, "cases/tombstone.html", {"hidden": hidden}, status=410)
    if not case.is_public:
        raise NotFound(_("There is no such case."))
    actor = request.user if isinstance(request.user, User) else None
    if actor is not None and case.reporter_id == actor.pk:
        # Her own case has its own form, on its page.
        return see_other(reverse("cases:detail", args=[case.pk]) + "#add-to-your-report")
    if request.method != "POST":
        return _page(request, case, WitnessAdditionForm(), kept=KeptPhotos())
    kept = keep_photos_sent(request, actor=actor, already=len(case.shown_photos))
    if FROM_REPORT in request.POST:
        form = WitnessAdditionForm(initial={"text": _report_as_note(request.POST)})
        for refusal in kept.refused:
            show_domain_error(form, refusal)
        return _page(request, case, form, kept=kept)
    sent = selectors.addition_sent(
        case, CaseEvent.Kind.ADDED_BY_WITNESS, request.POST.get("submission", "")
    )
    if sent is not None:
        # The form sent again after it was taken (a second tap on a slow link): its proof
        # of work, used already, would refuse it, and a form sent anew would add twice.
        return _added(request, case, sent, discard=kept.key)
    form = WitnessAdditionForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text") or ""
    with draft_uploads(kept.photos) as photos:
        try:
            check_addition_with_draft(text, photos, kept)
            # Only an addition that would be taken spends the proof of work and counts.
            if actor is None:
                proof_of_work.check(request)
            ratelimit.limit_requester(request, ADDITION_SCOPE, user=actor)
            added = services.case_add_by_witness(
                case=case,
                actor=actor,
                text=text,
                photos=photos,
                submission=request.POST.get("submission", ""),
            )
        except services.Refused as refused:
            for each in refused.errors:
                show_domain_error(form, each)
            return _page(request, case, form, kept=kept, status=refused.status)
        except DomainError as error:
            show_domain_error(form, error)
            return with_retry_after(
                _page(request, case, form, kept=kept, status=error.status), error
            )
    return _added(request, case, added, discard=kept.key)


def _added(request: HttpRequest, case: Case, added: CaseEvent, *, discard: str) -> HttpResponse:
    photo_draft_discard(key=discard)
    if added.payload.get("held"):
        messages.success(
            request,
            _(
                "Thank you. What you added to case #%(id)d will be public once a moderator "
                "has read it."
            )
            % {"id": case.pk},
        )
    else:
        messages.success(
            request,
            _("Thank you. What you added is on the timeline of case #%(id)d.") % {"id": case.pk},
        )
    # The top of its page, where the thanks are said.
    return see_other("cases:detail", case_id=case.pk)


def _report_as_note(data: QueryDict) -> str:
    """The report she was writing, as the note she starts from."""
    parts = (data.get("title", "").strip(), data.get("description", "").strip())
    return "\n\n".join(part for part in parts if part)


def _page(
    request: HttpRequest,
    case: Case,
    form: WitnessAdditionForm,
    *,
    kept: KeptPhotos,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "cases/add_to_case.html",
        {
            "case": case,
            "form": form,
            "kept": kept,
            # The same form sent twice (a reload, a second tap) adds once.
            "submission": secrets.token_urlsafe(16),
        },
        status=status,
    )
    # The page may hold a draft's key and previews of her photos: never cached.
    response["Cache-Control"] = "no-store"
    return response
