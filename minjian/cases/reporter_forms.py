"""The reporter's own forms on her case, edit and add, as the case page and the follow
page show them: what she typed and the photos she chose come back with a refusal, every
field's refusal at once, and the same form sent twice (a reload, a second tap) adds
nothing the second time (`services.case_add_by_reporter`'s `submission`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.http import HttpRequest

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.draft_forms import check_addition_with_draft, keep_photos_sent
from minjian.cases.models import Case
from minjian.cases.services_drafts import KeptPhotos, draft_uploads, photo_draft_discard
from minjian.core.errors import DomainError

ACTIONS = ("edit", "add")


@dataclass(frozen=True)
class ReporterForms:
    """What the edit and add forms show: after a refusal, the form sent (`action`) with
    what she typed, its photos kept and each field's refusal; `submission` is the token
    the add form carries this time."""

    action: str = ""
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    kept: KeptPhotos = field(default_factory=KeptPhotos)
    submission: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    # A refusal of the whole form, not of one field (the case was closed meanwhile).
    refusal: DomainError | None = None

    @property
    def refused(self) -> bool:
        return bool(self.errors) or self.refusal is not None

    @property
    def status(self) -> int:
        if self.refusal is not None:
            return self.refusal.status
        return 400 if self.errors else 200


def reporter_forms_sent(request: HttpRequest, case: Case, *, actor: User | None) -> ReporterForms:
    """Apply the edit or add form sent with `request` to `case` (which came through the
    reporter's own door); what the forms show next."""
    action = request.POST.get("action", "")
    if action == "edit":
        return _edit(request, case, actor=actor)
    if action == "add":
        return _add(request, case, actor=actor)
    return ReporterForms()


def _edit(request: HttpRequest, case: Case, *, actor: User | None) -> ReporterForms:
    typed = {name: request.POST.get(name, "") for name in ("title", "description")}
    try:
        services.case_edit_by_reporter(
            case=case, actor=actor, title=typed["title"], description=typed["description"]
        )
    except DomainError as error:
        return _refused("edit", typed, error)
    return ReporterForms()


def _add(request: HttpRequest, case: Case, *, actor: User | None) -> ReporterForms:
    typed = {"text": request.POST.get("text", "")}
    kept = keep_photos_sent(request, actor=actor, already=len(case.shown_photos))
    with draft_uploads(kept.photos) as photos:
        try:
            check_addition_with_draft(typed["text"], photos, kept)
        except services.Refused as refused:
            return _refused("add", typed, refused, kept=kept)
        try:
            services.case_add_by_reporter(
                case=case,
                actor=actor,
                text=typed["text"],
                photos=photos,
                submission=request.POST.get("submission", ""),
            )
        except DomainError as error:
            return _refused("add", typed, error, kept=kept)
    photo_draft_discard(key=kept.key)
    return ReporterForms()


def _refused(
    action: str, typed: dict[str, str], error: DomainError, *, kept: KeptPhotos | None = None
) -> ReporterForms:
    errors: dict[str, list[str]] = {}
    whole: DomainError | None = None
    for refusal in error.errors if isinstance(error, services.Refused) else [error]:
        if refusal.field:
            errors.setdefault(refusal.field, []).append(str(refusal.message))
        else:
            whole = refusal
    return ReporterForms(
        action=action, typed=typed, errors=errors, kept=kept or KeptPhotos(), refusal=whole
    )
