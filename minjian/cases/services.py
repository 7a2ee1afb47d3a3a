"""Every change of a case: submitting it and moving it along its states.

Each function is one user action, runs in one transaction, and writes the
timeline event that records it in that same transaction, so the timeline and
`Case.state` never disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.photos import ProcessedPhoto, process_photo
from minjian.cases.validation import clean_description, clean_title, parse_point
from minjian.core.errors import DomainError, PermissionDenied
from minjian.orgs.selectors import user_is_member_of_verified_organisation
from minjian.places.models import Region
from minjian.topics.models import Topic

logger = logging.getLogger(__name__)

Actor = User | None


@dataclass(frozen=True)
class PhotoUpload:
    """An uploaded file as the service needs it, whichever interface it came through."""

    name: str
    size: int
    stream: IO[bytes]

    @classmethod
    def from_upload(cls, upload: UploadedFile) -> PhotoUpload:
        return cls(name=upload.name or "", size=upload.size or 0, stream=upload)


def case_submit(
    *,
    reporter: Actor,
    title: str | None,
    description: str | None,
    topic_slug: str | None,
    region_code: str | None,
    latitude: str | float | Decimal | None = None,
    longitude: str | float | Decimal | None = None,
    photos: Sequence[PhotoUpload] = (),
) -> Case:
    """File a report. It becomes a case in the submitted state, published at once
    unless the instance reviews reports first.

    Everything is checked before anything is written; if writing fails half-way,
    the photo files already stored are removed, so a refused report leaves no
    row and no file behind.
    """
    clean = {
        "title": clean_title(title),
        "description": clean_description(description),
        "topic": _topic(topic_slug),
        "region": _region(region_code),
    }
    point = parse_point(latitude, longitude)
    if len(photos) > settings.MINJIAN_MAX_PHOTOS_PER_CASE:
        raise DomainError(
            "too_many_photos",
            _("A report can have at most %(limit)d photos.")
            % {"limit": settings.MINJIAN_MAX_PHOTOS_PER_CASE},
            field="photos",
        )
    processed = [process_photo(p.stream, name=p.name, size=p.size) for p in photos]

    stored: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            case = Case.objects.create(
                **clean,
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
                reporter=reporter,
                state=Case.State.SUBMITTED,
                created_at=now,
                updated_at=now,
            )
            for position, photo in enumerate(processed):
                _store_photo(case, photo, position, stored)
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.SUBMITTED,
                actor=reporter,
                created_at=now,
                payload={"photos": len(processed), "has_point": point is not None},
            )
            if settings.MINJIAN_PUBLISH_WITHOUT_REVIEW:
                _move(case, actor=None, to=Case.State.PUBLISHED, kind=CaseEvent.Kind.PUBLISHED)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return case


def _store_photo(case: Case, photo: ProcessedPhoto, position: int, stored: list[str]) -> None:
    record = CasePhoto(case=case, position=position, width=photo.width, height=photo.height)
    record.image.save(f"case-{case.pk}-{position}.jpg", ContentFile(photo.image), save=False)
    stored.append(record.image.name)
    record.thumbnail.save(
        f"case-{case.pk}-{position}.jpg", ContentFile(photo.thumbnail), save=False
    )
    stored.append(record.thumbnail.name)
    record.save()


def _topic(slug: str | None) -> Topic:
    topic = Topic.objects.filter(slug=(slug or "").strip()).first()
    if topic is None:
        raise DomainError(
            "unknown_topic",
            _("Choose one of the listed topics."),
            field="topic",
            details={"topic": slug},
        )
    return topic


def _region(code: str | None) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise DomainError(
            "unknown_region",
            _("Choose one of the listed regions."),
            field="region",
            details={"region": code},
        )
    return region


# Who may take a case from one state to the next. Each rule takes the actor and
# the case and answers yes or no; the services below name the rule they apply.
def _is_staff(actor: Actor, case: Case) -> bool:
    return actor is not None and actor.is_staff


def _is_responder(actor: Actor, case: Case) -> bool:
    return _is_staff(actor, case) or (
        actor is not None and user_is_member_of_verified_organisation(actor)
    )


def _is_responder_or_reporter(actor: Actor, case: Case) -> bool:
    return _is_responder(actor, case) or _is_reporter(actor, case)


def _is_staff_or_reporter(actor: Actor, case: Case) -> bool:
    return _is_staff(actor, case) or _is_reporter(actor, case)


def _is_reporter(actor: Actor, case: Case) -> bool:
    return actor is not None and case.reporter_id is not None and case.reporter_id == actor.pk


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    to: Case.State
    kind: CaseEvent.Kind
    allowed_from: tuple[Case.State, ...]
    may: Callable[[Actor, Case], bool]


S = Case.State
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "publish",
            _("Publish"),
            S.PUBLISHED,
            CaseEvent.Kind.PUBLISHED,
            (S.SUBMITTED,),
            _is_staff,
        ),
        Transition(
            "acknowledge",
            _("Acknowledge"),
            S.ACKNOWLEDGED,
            CaseEvent.Kind.ACKNOWLEDGED,
            (S.PUBLISHED,),
            _is_responder,
        ),
        Transition(
            "start_progress",
            _("Start work"),
            S.IN_PROGRESS,
            CaseEvent.Kind.IN_PROGRESS,
            (S.PUBLISHED, S.ACKNOWLEDGED),
            _is_responder,
        ),
        Transition(
            "resolve",
            _("Mark resolved"),
            S.RESOLVED,
            CaseEvent.Kind.RESOLVED,
            (S.PUBLISHED, S.ACKNOWLEDGED, S.IN_PROGRESS),
            _is_responder_or_reporter,
        ),
        Transition(
            "close",
            _("Close"),
            S.CLOSED,
            CaseEvent.Kind.CLOSED,
            (S.SUBMITTED, S.PUBLISHED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED),
            _is_staff_or_reporter,
        ),
    )
}
NOTE_MAX_LENGTH = 2000


def case_publish(*, actor: User, case_id: int, note: str = "") -> Case:
    return _apply(TRANSITIONS["publish"], actor=actor, case_id=case_id, note=note)


def case_acknowledge(*, actor: User, case_id: int, note: str = "") -> Case:
    return _apply(TRANSITIONS["acknowledge"], actor=actor, case_id=case_id, note=note)


def case_start_progress(*, actor: User, case_id: int, note: str = "") -> Case:
    return _apply(TRANSITIONS["start_progress"], actor=actor, case_id=case_id, note=note)


def case_resolve(*, actor: User, case_id: int, note: str = "") -> Case:
    return _apply(TRANSITIONS["resolve"], actor=actor, case_id=case_id, note=note)


def case_close(*, actor: User, case_id: int, note: str = "") -> Case:
    return _apply(TRANSITIONS["close"], actor=actor, case_id=case_id, note=note)


CASE_ACTIONS: dict[str, Callable[..., Case]] = {
    "publish": case_publish,
    "acknowledge": case_acknowledge,
    "start_progress": case_start_progress,
    "resolve": case_resolve,
    "close": case_close,
}


def actions_allowed(actor: Actor, case: Case) -> list[str]:
    """The transitions this actor may take on this case now, in display order."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if case.state in transition.allowed_from and transition.may(actor, case)
    ]


def _apply(transition: Transition, *, actor: User, case_id: int, note: str) -> Case:
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(
            "note_too_long",
            _("The note can be at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise DomainError("not_found", _("There is no such case."), status=404)
        if not transition.may(actor, case):
            raise PermissionDenied(_("You are not allowed to do this to this case."))
        if case.state not in transition.allowed_from:
            raise DomainError(
                "transition_not_allowed",
                _("This case is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": case.get_state_display(), "action": transition.label},
                status=409,
                details={"state": case.state, "action": transition.action},
            )
        _move(case, actor=actor, to=transition.to, kind=transition.kind, note=note)
    return case


def _move(
    case: Case, *, actor: Actor, to: Case.State, kind: CaseEvent.Kind, note: str = ""
) -> None:
    now = timezone.now()
    previous = case.state
    case.state = to
    case.updated_at = now
    fields: list[str] = ["state", "updated_at"]
    if to == Case.State.PUBLISHED and case.published_at is None:
        case.published_at = now
        fields.append("published_at")
    case.save(update_fields=fields)
    payload: dict[str, Any] = {"from": previous, "to": to.value}
    if note:
        payload["note"] = note
    CaseEvent.objects.create(case=case, kind=kind, actor=actor, created_at=now, payload=payload)
