"""The doors to cases that may not be public: by id for a viewer, by receipt code, and
to their photos by key."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.receipts import receipt_digest
from minjian.cases.selectors import (
    PUBLIC_READER,
    TimelineReader,
    case_with_timeline,
    ready_photo_by_key,
)
from minjian.core.errors import DomainError, NotFound

Viewer = User | AnonymousUser


class CaseHidden(DomainError):
    """A hidden case: its tombstone (when, and which kind of reason) is public, its content
    not. A duplicate merged into its original (`services_merge.case_merge`) says which
    case it joined (`merged_into`: the original it leads to now)."""

    def __init__(self, case: Case) -> None:
        hidden = (
            case.events.filter(kind__in=(CaseEvent.Kind.HIDDEN, CaseEvent.Kind.MERGED))
            .order_by("-created_at", "-id")
            .first()
        )
        merged = hidden is not None and hidden.kind == CaseEvent.Kind.MERGED
        self.merged_into = case.duplicate_of_id if merged else None
        super().__init__(
            "hidden",
            _("Case #%(id)d was merged into case #%(original)d, which tells the same story.")
            % {"id": case.pk, "original": self.merged_into}
            if self.merged_into
            else _("Case #%(id)d was hidden by a moderator: %(reason)s.")
            % {"id": case.pk, "reason": case.get_hidden_reason_display()},
            status=410,
            details={
                "case": case.pk,
                "reason": case.hidden_reason,
                "hidden_at": hidden.created_at.isoformat() if hidden else None,
                **({"merged_into": self.merged_into} if self.merged_into else {}),
            },
        )
        self.case = case
        self.hidden_at = hidden.created_at if hidden else None


def _is_staff(viewer: Viewer) -> bool:
    return viewer.is_authenticated and bool(viewer.is_staff)


def can_view_case(viewer: Viewer, case: Case) -> bool:
    """Public cases are seen by all; a case under review by its reporter and staff;
    a hidden case's content by staff only."""
    if case.is_public:
        return True
    if _is_staff(viewer):
        return True
    return (
        case.state == Case.State.SUBMITTED
        and viewer.is_authenticated
        and case.reporter_id == viewer.pk
    )


def access_case_by_id(viewer: Viewer, case_id: int) -> Case:
    """The case with its topic, region, photos and timeline, if this viewer may see it.

    A case the viewer may not see is reported as missing, not as forbidden, so
    that its existence is not revealed; a hidden one raises `CaseHidden`, its
    public tombstone.
    """
    case = case_with_timeline(case_id)
    if case is None:
        raise NotFound(_("There is no such case."))
    if case.state == Case.State.HIDDEN and not _is_staff(viewer):
        raise CaseHidden(case)
    if not can_view_case(viewer, case):
        raise NotFound(_("There is no such case."))
    return case


def access_case_by_receipt(code: str) -> Case:
    """The case a receipt code belongs to, whatever its state (its reporter may
    follow it under review, and learn that it was hidden)."""
    digest = receipt_digest(code) if code.strip() else ""
    case = Case.objects.filter(receipt_digest=digest).first() if digest else None
    if case is None:
        raise DomainError(
            "unknown_receipt",
            _("No case has this receipt code. Check it and try again."),
            field="code",
            status=404,
        )
    found = case_with_timeline(case.pk)
    assert found is not None
    return found


def timeline_reader(viewer: Viewer, case: Case) -> TimelineReader:
    """Who `viewer` is to the timeline of `case` (which she may see): a moderator
    (staff), its reporter (her account), or the public; `selectors.timeline` says
    what each reads. Members of an organisation read its internal notes only in
    its inbox (`routing.access`), never on the case's page."""
    if not viewer.is_authenticated:
        return PUBLIC_READER
    return TimelineReader(
        reporter=case.reporter_id is not None and case.reporter_id == viewer.pk,
        moderator=_is_staff(viewer),
        account_id=viewer.pk,
    )


# Whoever opened a case with its receipt code, or has just sent it, is its reporter.
REPORTER_READER = TimelineReader(reporter=True)


# A photo grant lets the holder of a receipt code see the photos of her case under
# review for this long after she opened it with the code, which is never kept in a
# cookie: the grant travels in the photo addresses of the page she was shown.
PHOTO_GRANT_SECONDS = 60 * 60
_PHOTO_GRANT_SALT = "minjian.cases.access.photo-grant"


def photo_grant(case: Case) -> str:
    """A signed, expiring permission to see the photos of `case` (for its reporter)."""
    return signing.TimestampSigner(salt=_PHOTO_GRANT_SALT).sign(str(case.pk))


def _grant_covers(grant: str, case: Case) -> bool:
    if not grant:
        return False
    try:
        granted = signing.TimestampSigner(salt=_PHOTO_GRANT_SALT).unsign(
            grant, max_age=PHOTO_GRANT_SECONDS
        )
    except signing.BadSignature:
        return False
    return granted == str(case.pk)


def access_photo_by_key(viewer: Viewer, key: str, *, grant: str = "") -> CasePhoto:
    """A prepared photo, if this viewer may see its case at this moment.

    Asked on every request for the photo, so that what happens to the case (published,
    hidden) applies to its photos at once. A hidden case's photos raise `CaseHidden`
    (HTTP 410) for everyone but staff, grant or not; a photo of a case the viewer may
    not see is missing, as the case is, and so is a witness's photo held for a
    moderator (`CasePhoto.held`) to all but staff, until it is released.
    """
    photo = ready_photo_by_key(key)
    if photo is None:
        raise NotFound(_("There is no such photo."))
    case = photo.case
    if case.state == Case.State.HIDDEN and not _is_staff(viewer):
        raise CaseHidden(case)
    if not (can_view_case(viewer, case) or _grant_covers(grant, case)):
        raise NotFound(_("There is no such photo."))
    if photo.held and not _is_staff(viewer):
        # A witness's photo waiting for a moderator, or withheld: as if it were not there.
        raise NotFound(_("There is no such photo."))
    return photo
