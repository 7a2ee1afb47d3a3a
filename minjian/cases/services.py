"""Every change of a case: submitting it, moving it along its states, and what
organisations do with it.

Each function is one user action, runs in one transaction, and writes the
timeline event that records it in that same transaction, so the timeline and
`Case.state` never disagree. This module is the only code that writes a
`CaseEvent` or changes `Case.state` (`_write_event`, `_write_events`, `_move`);
other apps call the public functions here. Every event written is announced with
`signals.case_events_written`, the one way other apps react to a case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases import rules, selectors
from minjian.cases.location import Point, Precision, published_point
from minjian.cases.models import EXPOSES_PERSON, Case, CaseEvent, CasePhoto, locked_cases
from minjian.cases.photos import PhotoUpload
from minjian.cases.receipts import new_receipt_code, receipt_digest
from minjian.cases.recording import record_events
from minjian.cases.services_photos import (
    check_photo_count,
    check_uploads,
    files_removed_on_failure,
    keep_uploads,
)
from minjian.cases.signals import announce
from minjian.cases.tallies import count_move, count_new_case
from minjian.cases.validation import clean_description, clean_note, clean_title, parse_point
from minjian.core.errors import DomainError, NotFound, PermissionDenied
from minjian.core.inserts import insert
from minjian.core.public_cache import CASES, case_tag, touch
from minjian.jobs import deferred_together
from minjian.orgs.models import Organisation
from minjian.orgs.selectors import user_is_member_of_verified_organisation
from minjian.places.models import Region
from minjian.places.selectors import region_at, region_with_code
from minjian.redaction import Kind, Redacted, exposure_reasons, redact
from minjian.topics.models import Topic
from minjian.topics.selectors import topic_with_slug

logger = logging.getLogger(__name__)

Actor = User | None
T = TypeVar("T")


def photo_uploads(
    files: Sequence[UploadedFile],
    *,
    unblurred: str = "",
    unblurred_confirmed: bool = False,
    drawn_boxes: Mapping[int, str] | None = None,
) -> list[PhotoUpload]:
    """Uploaded files with the reporter's per-photo choices, numbered from 1
    (see `with_photo_choices`)."""
    return with_photo_choices(
        [PhotoUpload.from_upload(upload) for upload in files],
        unblurred=unblurred,
        unblurred_confirmed=unblurred_confirmed,
        drawn_boxes=drawn_boxes,
    )


def with_photo_choices(
    photos: Sequence[PhotoUpload],
    *,
    unblurred: str = "",
    unblurred_confirmed: bool = False,
    drawn_boxes: Mapping[int, str] | None = None,
) -> list[PhotoUpload]:
    """The photos with the reporter's per-photo choices, numbered from 1.

    `unblurred` lists the photos ("2" or "1, 3") whose faces she wants left
    recognisable; it is honoured only with `unblurred_confirmed`, her answer to
    the warning. `drawn_boxes` maps a photo's number to the boxes she drew on it;
    a photo it does not name keeps the boxes it has.
    """
    numbers = set()
    for part in unblurred.replace("，", ",").split(","):
        if not part.strip():
            continue
        if not part.strip().isdigit() or not 1 <= int(part) <= len(photos):
            raise DomainError(
                "unknown_photo_number",
                _("Give the numbers of photos you are sending, e.g. 1 or 1, 3."),
                field="unblurred",
            )
        numbers.add(int(part))
    if numbers and not unblurred_confirmed:
        raise DomainError(
            "faces_warning_not_confirmed",
            _(
                "Faces that are not blurred can be recognised, and people have been hunted "
                "down for less. Tick the box to confirm that this is what you want."
            ),
            field="unblurred",
        )
    boxes = drawn_boxes or {}
    return [
        replace(
            photo,
            blur_faces=number not in numbers,
            blur_boxes=boxes.get(number, photo.blur_boxes),
        )
        for number, photo in enumerate(photos, start=1)
    ]


class Refused(DomainError):
    """Every refusal of a form's fields at once, so that the reporter corrects them in one
    go. As a `DomainError` it is the first of them (its code, message, field and status),
    which is all an API answer carries."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        first = errors[0]
        super().__init__(
            first.code, first.message, status=first.status, field=first.field, details=first.details
        )
        self.errors = list(errors)


class _Checks:
    """Runs the checks of a form's fields one after the other, keeping every refusal."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def run(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except DomainError as error:
            self.errors.append(error)
            return None

    def raise_refusals(self) -> None:
        if self.errors:
            raise Refused(self.errors)


@dataclass(frozen=True)
class CheckedReport:
    """A report whose every field was checked (`check_report`), ready to be filed."""

    title: Redacted
    description: Redacted
    topic: Topic
    region: Region
    point: Point | None
    precision: Precision
    photos: Sequence[PhotoUpload]

    @property
    def personal_data(self) -> list[str]:
        """The kinds of personal data found (removed or, by the reporter's choice, kept)."""
        return sorted(
            {
                kind.value
                for text in (self.title, self.description)
                for kind in (*text.removed, *text.kept)
            }
        )


def check_report(
    *,
    title: str | None,
    description: str | None,
    topic_slug: str | None,
    region_code: str | None,
    latitude: str | float | Decimal | None = None,
    longitude: str | float | Decimal | None = None,
    location_precision: str = Precision.APPROXIMATE,
    keep_personal_data: Collection[str] = (),
    photos: Sequence[PhotoUpload] = (),
) -> CheckedReport:
    """Check every field of a report and write nothing: `Refused` with every refusal.

    Personal data in the text is replaced by tokens (but for the kinds the reporter
    keeps), and the point is coarsened to her choice: what this returns is what
    will be stored.
    """
    checks = _Checks()
    keep = checks.run(lambda: _kinds_to_keep(keep_personal_data)) or set()
    title_text = checks.run(lambda: clean_title(title))
    description_text = checks.run(lambda: clean_description(description))
    topic = checks.run(lambda: _topic(topic_slug))
    point = checks.run(lambda: parse_point(latitude, longitude))
    region = checks.run(lambda: _region(region_code, point))
    precision = checks.run(lambda: _precision(location_precision))
    checks.run(lambda: check_uploads(photos))
    checks.raise_refusals()
    assert title_text is not None and description_text is not None
    assert topic is not None and region is not None and precision is not None
    return CheckedReport(
        title=redact(title_text, keep=keep),
        description=redact(description_text, keep=keep),
        topic=topic,
        region=region,
        point=published_point(point, precision),
        precision=precision,
        photos=photos,
    )


def case_submit(
    *,
    reporter: Actor,
    title: str | None,
    description: str | None,
    topic_slug: str | None,
    region_code: str | None,
    latitude: str | float | Decimal | None = None,
    longitude: str | float | Decimal | None = None,
    location_precision: str = Precision.APPROXIMATE,
    keep_personal_data: Collection[str] = (),
    photos: Sequence[PhotoUpload] = (),
) -> Submission:
    """Check a report (`check_report`) and file it (`case_file`) in one call: what the
    API, Open311 and the demo do. Everything is checked before anything is written."""
    report = check_report(
        title=title,
        description=description,
        topic_slug=topic_slug,
        region_code=region_code,
        latitude=latitude,
        longitude=longitude,
        location_precision=location_precision,
        keep_personal_data=keep_personal_data,
        photos=photos,
    )
    return case_file(reporter=reporter, report=report)


def case_file(*, reporter: Actor, report: CheckedReport) -> Submission:
    """File a checked report. It becomes a case in the submitted state, published at
    once when the reporter is trusted (see `needs_review`), no personal data was found in
    it and it names no private person with her personal data (`_exposes_person`), else left
    for moderators.

    The point is stored only as precisely as the reporter chose. A reporter
    without an account gets a receipt code, returned here once and stored only
    as a digest. If writing fails half-way, the photo files already stored are
    removed, so a refused report leaves no row and no file behind.
    """
    photos = report.photos
    personal_data = report.personal_data
    point = report.point
    receipt_code = new_receipt_code() if reporter is None else ""
    exposes_person = _exposes_person(reporter, report.title.text, report.description.text)
    publish = not personal_data and not exposes_person and not needs_review(reporter)
    # Without photos there is nothing to prepare: the case is filed straight into the
    # published state, its two events written together (one insert, one count).
    publish_now = publish and not photos
    with files_removed_on_failure() as stored, transaction.atomic():
        now = timezone.now()
        case = Case(
            title=report.title.text,
            description=report.description.text,
            topic=report.topic,
            region=report.region,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            location_precision=report.precision,
            personal_data_found=personal_data,
            receipt_digest=receipt_digest(receipt_code) if receipt_code else "",
            reporter=reporter,
            state=Case.State.PUBLISHED if publish_now else Case.State.SUBMITTED,
            created_at=now,
            updated_at=now,
            published_at=now if publish_now else None,
        )
        insert(case)
        kept = keep_uploads(case, photos, first_position=0, stored=stored)
        events = [
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.SUBMITTED,
                actor=reporter,
                created_at=now,
                payload={
                    "photos": len(photos),
                    "unblurred_photos": sum(not p.blur_faces for p in photos),
                    "has_point": point is not None,
                    "location_precision": report.precision.value,
                    "personal_data": personal_data,
                    **({EXPOSES_PERSON: exposes_person} if exposes_person else {}),
                    **({PUBLISH_WHEN_PHOTOS_READY: True} if publish and photos else {}),
                },
            )
        ]
        if publish_now:
            events.append(
                CaseEvent(
                    case=case,
                    kind=CaseEvent.Kind.PUBLISHED,
                    actor=None,
                    created_at=now,
                    payload=_move_payload(Case.State.SUBMITTED, Case.State.PUBLISHED),
                )
            )
        written = _write_events(events, photos={case.pk: kept})
        # Last before the commit: every report raises the same few tally rows (see
        # `_write_events`).
        count_new_case(case)
    return Submission(
        case=case,
        receipt_code=receipt_code,
        publish_when_photos_ready=publish and bool(photos),
        photos=kept,
        events=written,
    )


# Noted on the submitted event of a case that is published without review once none of
# its photos is being prepared (`case_publish_once_photos_ready`).
PUBLISH_WHEN_PHOTOS_READY = "publish_when_photos_ready"


def case_publish_once_photos_ready(*, case_id: int) -> None:
    """Publish a case filed to be published without review (`case_file`) once none of
    its photos is being prepared any more: faces are blurred before anyone else sees it.

    Called by the job that prepares each photo, after the photo is done; safe to call
    any number of times, from several workers at once (the case is locked and must still
    be submitted): it is published once. A moderator who has asked for an edit or hidden
    the case meanwhile has the last word.
    """
    with transaction.atomic():
        case = locked_cases().filter(pk=case_id, state=Case.State.SUBMITTED).first()
        if case is None or case.photos.filter(status=CasePhoto.Status.PREPARING).exists():
            return
        events = list(
            case.events.filter(kind__in=(CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.EDIT_REQUESTED))
        )
        submitted = next((e for e in events if e.kind == CaseEvent.Kind.SUBMITTED), None)
        if submitted is None or not submitted.payload.get(PUBLISH_WHEN_PHOTOS_READY):
            return
        if any(e.kind == CaseEvent.Kind.EDIT_REQUESTED for e in events):
            return
        _move(case, actor=None, to=Case.State.PUBLISHED, kind=CaseEvent.Kind.PUBLISHED)


@dataclass(frozen=True)
class Submission:
    case: Case
    # Shown to an anonymous reporter once; "" for a reporter with an account.
    receipt_code: str
    # Published without review, but only once its photos are prepared (faces blurred).
    publish_when_photos_ready: bool
    # What was written with the case, so that the answer to the reporter need not read
    # it all again (`selectors.case_as_filed`).
    photos: list[CasePhoto]
    events: list[CaseEvent]


def needs_review(reporter: Actor) -> bool:
    """Whether a report waits for a moderator before it is public.

    Staff and members of verified organisations are trusted. Anyone else waits
    while MINJIAN_REVIEW_UNTRUSTED_REPORTS is on, with one exception: an
    account older than MINJIAN_NEW_ACCOUNT_DAYS that has had a case published
    before is no longer new.
    """
    if reporter is not None and (
        reporter.is_staff or user_is_member_of_verified_organisation(reporter)
    ):
        return False
    if not settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS:
        return False
    if reporter is None:
        return True
    established = reporter.date_joined <= timezone.now() - timedelta(
        days=settings.MINJIAN_NEW_ACCOUNT_DAYS
    )
    return not (
        established and Case.objects.filter(reporter=reporter, published_at__isnull=False).exists()
    )


def _kinds_to_keep(raw: Collection[str]) -> set[Kind]:
    try:
        return {Kind(value) for value in raw}
    except ValueError as error:
        raise DomainError(
            "unknown_personal_data_kind",
            _("There is no such kind of personal data."),
            field="keep_personal_data",
        ) from error


def _precision(raw: str) -> Precision:
    try:
        return Precision(raw or Precision.APPROXIMATE)
    except ValueError as error:
        raise DomainError(
            "unknown_location_precision",
            _("Choose how precisely the place is shown: exact, about 1 km, or region only."),
            field="location_precision",
        ) from error


def _topic(slug: str | None) -> Topic:
    topic = topic_with_slug(slug or "")
    if topic is None:
        raise DomainError(
            "unknown_topic",
            _("Choose one of the listed topics."),
            field="topic",
            details={"topic": slug},
        )
    return topic


def _region(code: str | None, point: Point | None) -> Region:
    """The region named by its code or, without one, the region that holds the point
    (located before the point is coarsened)."""
    if not (code or "").strip() and point is not None:
        located = region_at(float(point[0]), float(point[1]))
        if located is None:
            raise DomainError(
                "no_region_here",
                _("No region was found at this point. Choose the region."),
                field="region",
            )
        return located
    region = region_with_code(code or "")
    if region is None:
        raise DomainError(
            "unknown_region",
            _("Choose one of the listed regions."),
            field="region",
            details={"region": code},
        )
    return region


# Who may take a case from one state to the next: the rules live in `rules.py`;
# each transition names the one it applies.
@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    # What the one who acted reads once it is done, in the past tense.
    done: str | Promise
    to: Case.State
    kind: CaseEvent.Kind
    allowed_from: tuple[Case.State, ...]
    rule: rules.Rule


S = Case.State
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "publish",
            _("Publish"),
            _("Case #%(id)d published"),
            S.PUBLISHED,
            CaseEvent.Kind.PUBLISHED,
            (S.SUBMITTED,),
            rules.STAFF,
        ),
        Transition(
            "acknowledge",
            _("Acknowledge"),
            _("Case #%(id)d acknowledged"),
            S.ACKNOWLEDGED,
            CaseEvent.Kind.ACKNOWLEDGED,
            (S.PUBLISHED,),
            rules.RESPONDERS,
        ),
        Transition(
            "start_progress",
            _("Start work"),
            _("Work on case #%(id)d started"),
            S.IN_PROGRESS,
            CaseEvent.Kind.IN_PROGRESS,
            (S.PUBLISHED, S.ACKNOWLEDGED),
            rules.RESPONDERS,
        ),
        Transition(
            "resolve",
            _("Mark resolved"),
            _("Case #%(id)d marked resolved"),
            S.RESOLVED,
            CaseEvent.Kind.RESOLVED,
            (S.PUBLISHED, S.ACKNOWLEDGED, S.IN_PROGRESS),
            rules.RESPONDERS,
        ),
        # Not from `submitted`: a closed case is public, and one nobody has read
        # yet must not become public by being closed (a moderator hides it).
        Transition(
            "close",
            _("Close"),
            _("Case #%(id)d closed"),
            S.CLOSED,
            CaseEvent.Kind.CLOSED,
            (S.PUBLISHED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED),
            rules.RESPONDERS_OR_REPORTER,
        ),
        Transition(
            "request_edit",
            _("Ask the reporter for an edit"),
            _("Case #%(id)d sent back to the reporter for an edit"),
            S.SUBMITTED,
            CaseEvent.Kind.EDIT_REQUESTED,
            (S.SUBMITTED,),
            rules.STAFF,
        ),
        Transition(
            "hide",
            _("Hide"),
            _("Case #%(id)d hidden"),
            S.HIDDEN,
            CaseEvent.Kind.HIDDEN,
            (S.SUBMITTED, S.PUBLISHED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED),
            rules.STAFF,
        ),
    )
}


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


def case_request_edit(*, actor: User, case_id: int, note: str = "") -> Case:
    """A moderator asks the reporter to change a case under review; the note says what."""
    if not note.strip():
        raise DomainError("note_required", _("Say what the reporter should change."), field="note")
    return _apply(TRANSITIONS["request_edit"], actor=actor, case_id=case_id, note=note)


def case_hide(
    *, actor: User, case_id: int, reason: str, note: str = "", duplicate_of: int | None = None
) -> Case:
    """A moderator hides a case. Nothing is deleted: the case page becomes a public
    tombstone saying when and for which kind of reason, and the moderation log
    lists the action. The note is for other moderators only. A case hidden as a
    duplicate names the public case it repeats (`duplicate_of`), which its tombstone
    links to."""
    if reason not in Case.HiddenReason.values:
        raise DomainError("unknown_reason", _("Choose one of the listed reasons."), field="reason")
    changes: dict[str, Any] = {"hidden_reason": reason}
    if reason == Case.HiddenReason.DUPLICATE:
        changes["duplicate_of_id"] = _duplicated_case(case_id, duplicate_of)
    elif duplicate_of is not None:
        raise DomainError(
            "not_a_duplicate",
            _("Only a case hidden as a duplicate names the case it repeats."),
            field="duplicate_of",
        )
    return _apply(TRANSITIONS["hide"], actor=actor, case_id=case_id, note=note, changes=changes)


def _duplicated_case(case_id: int, duplicate_of: int | None) -> int:
    """The id of the public case that case `case_id` repeats, checked."""
    if duplicate_of is None:
        raise DomainError(
            "duplicate_of_required",
            _("Give the number of the case this one repeats."),
            field="duplicate_of",
        )
    original = Case.objects.filter(pk=duplicate_of, state__in=Case.PUBLIC_STATES).first()
    if original is None or original.pk == case_id:
        raise DomainError(
            "unknown_duplicate_of",
            _("Case #%(id)d is not another public case.") % {"id": duplicate_of},
            field="duplicate_of",
        )
    return original.pk


# What the case page offers as plain buttons with an optional note; moderators
# hide and ask for edits from the moderation queue, where a reason is chosen.
CASE_ACTIONS: dict[str, Callable[..., Case]] = {
    "publish": case_publish,
    "acknowledge": case_acknowledge,
    "start_progress": case_start_progress,
    "resolve": case_resolve,
    "close": case_close,
}


@dataclass(frozen=True)
class RefusedActions:
    """Buttons the case page leaves out for one reason, and that reason."""

    labels: list[str]
    reason: str


@dataclass(frozen=True)
class CaseActions:
    """What the case page offers an actor: the transitions she may take now, and
    for the others possible in the case's state, why she may not."""

    allowed: list[tuple[str, str]]
    refused: list[RefusedActions]
    # The names of the organisations that have the case (rules.organisations_with_case).
    organisations: list[str]


def case_actions(actor: Actor, case: Case) -> CaseActions:
    """The plain buttons of the case page (CASE_ACTIONS) possible in the case's
    state, in display order, split by the rules into allowed and refused."""
    standing = rules.standing(actor, case)
    allowed: list[tuple[str, str]] = []
    refused: dict[str, list[str]] = {}
    for action, transition in TRANSITIONS.items():
        if action not in CASE_ACTIONS or case.state not in transition.allowed_from:
            continue
        if transition.rule.allows(standing):
            allowed.append((action, str(transition.label)))
        else:
            refused.setdefault(str(transition.rule.refusal), []).append(str(transition.label))
    return CaseActions(
        allowed=allowed,
        refused=[RefusedActions(labels, reason) for reason, labels in refused.items()],
        organisations=[str(o.name) for o in rules.organisations_with_case(case)],
    )


def actions_allowed(actor: Actor, case: Case) -> list[str]:
    """The transitions this actor may take on this case now, in display order."""
    return [action for action, _label in case_actions(actor, case).allowed]


def _apply(
    transition: Transition,
    *,
    actor: User,
    case_id: int,
    note: str,
    changes: dict[str, Any] | None = None,
) -> Case:
    redacted = redact(clean_note(note))
    with transaction.atomic():
        case = locked_cases().filter(pk=case_id).first()
        if case is None:
            raise DomainError("not_found", _("There is no such case."), status=404)
        standing = rules.standing(actor, case)
        if not transition.rule.allows(standing):
            raise PermissionDenied(_("You are not allowed to do this to this case."))
        if case.state not in transition.allowed_from:
            raise DomainError(
                "transition_not_allowed",
                _("This case is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": case.get_state_display(), "action": transition.label},
                status=409,
                details={"state": case.state, "action": transition.action},
            )
        if transition.to == Case.State.PUBLISHED:
            _refuse_while_photos_are_prepared(case)
        _move(
            case,
            actor=actor,
            to=transition.to,
            kind=transition.kind,
            note=redacted.text,
            note_held=_note_held(actor, case, redacted),
            changes=changes,
            # A member moves the case for her organisation (rules.organisation_acted_for).
            organisation=standing.organisation if transition.rule.for_organisations else None,
        )
    return case


def _refuse_while_photos_are_prepared(case: Case) -> None:
    """A case is public only once faces are blurred on all its photos."""
    if case.photos.filter(status=CasePhoto.Status.PREPARING).exists():
        raise DomainError(
            "photos_being_prepared",
            _(
                "The photos of this case are still being prepared (faces blurred): it can "
                "be published once they are ready. Try again in a few minutes."
            ),
            status=409,
        )


def _move(
    case: Case,
    *,
    actor: Actor,
    to: Case.State,
    kind: CaseEvent.Kind,
    note: str = "",
    note_held: bool = False,
    changes: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    extra_payload: Mapping[str, Any] | None = None,
) -> CaseEvent:
    now = timezone.now()
    previous = case.state
    case.state = to
    case.updated_at = now
    fields: list[str] = ["state", "updated_at"]
    for field, value in (changes or {}).items():
        setattr(case, field, value)
        fields.append(field)
    if to == Case.State.PUBLISHED and case.published_at is None:
        case.published_at = now
        fields.append("published_at")
    case.save(update_fields=fields)
    payload = _move_payload(previous, to) | (changes or {}) | dict(extra_payload or {})
    if note:
        payload["note"] = note
    if note_held:
        payload |= _held(actor, note)
    event = _write_event(
        case, kind, actor=actor, at=now, payload=payload, organisation=organisation
    )
    # Last: the tally rows are shared by every case of the topic and region (see
    # `_write_events`).
    count_move(case, previous=previous)
    return event


def _move_payload(previous: str, to: Case.State) -> dict[str, Any]:
    return {"from": previous, "to": to.value}


def _write_event(
    case: Case,
    kind: CaseEvent.Kind,
    *,
    actor: Actor = None,
    payload: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    internal: bool = False,
    at: datetime | None = None,
) -> CaseEvent:
    """Append one event to the case's timeline and tell the apps that react to it."""
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        payload=payload or {},
        organisation=organisation,
        internal=internal,
        created_at=at or timezone.now(),
    )
    insert(event)
    _record_and_announce([event])
    _touch_public_pages([event])
    return event


def _write_events(
    events: list[CaseEvent], *, photos: Mapping[int, Sequence[CasePhoto]] | None = None
) -> list[CaseEvent]:
    """Append several events in one insert and tell the apps that react to them; `photos`:
    the photos of a case just filed, by its id, which the public record need not read.

    The stored pages' versions are touched last: every public change raises the same row
    ("cases"), locked until the commit, and a surge of reports in one place raises the same
    tally rows (`tallies`). Written at the end of the transaction, each is held for the
    commit alone rather than for every statement after it: under a surge, every other
    report waited in the queue for those rows (and for a worker, at a lower priority,
    holding them while it was not given the CPU)."""
    insert(*events)
    _record_and_announce(events, photos=photos)
    _touch_public_pages(events)
    return events


def _record_and_announce(
    events: list[CaseEvent], *, photos: Mapping[int, Sequence[CasePhoto]] | None = None
) -> None:
    """Append what the events make public to the record and tell the apps that react to
    them, the jobs of both deferred as one (the record's seal with the apps' reactions)."""
    with deferred_together():
        record_events(events, photos=photos)
        announce(events)


def _touch_public_pages(events: Iterable[CaseEvent]) -> None:
    """Make the stored anonymous pages that show these events' cases stale: the case's
    own, and the lists, counts and feeds. A case the public has not read, and an
    internal note, change no public page."""
    cases = {
        event.case_id
        for event in events
        if not event.internal
        and (event.case.is_public or event.payload.get("from") in Case.PUBLIC_STATES)
    }
    # A merged report's texts are read on the page of the case it was merged into.
    cases |= {
        event.case.duplicate_of_id
        for event in events
        if not event.internal
        and event.case.state == Case.State.HIDDEN
        and event.case.duplicate_of_id is not None
    }
    if cases:
        touch(CASES, *(case_tag(case_id) for case_id in cases))


def _note_held(actor: Actor, case: Case, redacted: Redacted) -> bool:
    """A later public text waits for a moderator if personal data was found in it, unless
    its writer is trusted (staff, members of verified organisations), or if it names a
    private person with her personal data, unless its writer is staff."""
    return (redacted.found_personal_data and not _is_trusted_writer(actor)) or bool(
        _exposes_person(actor, redacted.text)
    )


def _exposes_person(actor: Actor, *texts: str) -> list[str]:
    """What the texts expose of a private person they name (`Reason` values), which holds
    them for a moderator whoever wrote them but staff: a verified organisation vouches for
    who its members are, not for what a neighbour's address is doing in their update."""
    if actor is not None and actor.is_staff:
        return []
    return [reason.value for reason in exposure_reasons(*texts)]


def _held(actor: Actor, note: str) -> dict[str, Any]:
    """The payload of a text that waits for a moderator: that it waits, and why if it
    names a private person."""
    exposes_person = _exposes_person(actor, note)
    return {"held": True, **({EXPOSES_PERSON: exposes_person} if exposes_person else {})}


def _is_trusted_writer(actor: Actor) -> bool:
    # Trust in what someone writes, not a right to move the case: `rules.py`.
    return actor is not None and (actor.is_staff or user_is_member_of_verified_organisation(actor))


def case_release_note(*, actor: User, event_id: int) -> CaseEvent:
    """A moderator lets a held text on a case's timeline be read by the public, with
    the photos held with it (a witness's addition)."""
    return _decide_held_note(actor=actor, event_id=event_id, kind=CaseEvent.Kind.NOTE_RELEASED)


def case_withhold_note(*, actor: User, event_id: int, reason: str) -> CaseEvent:
    """A moderator keeps a held text from the public, for a reason the log shows."""
    if reason not in Case.HiddenReason.values:
        raise DomainError("unknown_reason", _("Choose one of the listed reasons."), field="reason")
    return _decide_held_note(
        actor=actor, event_id=event_id, kind=CaseEvent.Kind.NOTE_WITHHELD, reason=reason
    )


def _decide_held_note(
    *, actor: User, event_id: int, kind: CaseEvent.Kind, reason: str = ""
) -> CaseEvent:
    if not actor.is_staff:
        raise PermissionDenied(_("Only moderators can see this page."))
    with transaction.atomic():
        held = (
            CaseEvent.objects.select_for_update()
            .filter(pk=event_id, payload__held=True)
            .select_related("case")
            .first()
        )
        if held is None or held.pk in decided_note_ids(held.case):
            raise DomainError(
                "not_held", _("This text is not waiting for a moderator."), status=409
            )
        payload: dict[str, Any] = {"event": held.pk}
        if reason:
            payload["reason"] = reason
        if kind == CaseEvent.Kind.NOTE_RELEASED and held.payload.get("photo_ids"):
            # By their ids alone: they may have joined the case this one was merged into.
            CasePhoto.objects.filter(pk__in=held.payload["photo_ids"]).update(held=False)
        return _write_event(held.case, kind, actor=actor, payload=payload)


def decided_note_ids(case: Case) -> set[int]:
    """The held texts of a case a moderator has released or withheld."""
    return {
        int(event.payload["event"])
        for event in case.events.filter(
            kind__in=(CaseEvent.Kind.NOTE_RELEASED, CaseEvent.Kind.NOTE_WITHHELD)
        )
    }


def case_edit_by_reporter(
    *, case: Case, actor: Actor, title: str | None, description: str | None
) -> Case:
    """The reporter changes her report while it is under review (e.g. after a
    moderator asked her to). `case` comes from the reporter's own door: her
    account or her receipt code (see access.py)."""
    checks = _Checks()
    checked_title = checks.run(lambda: clean_title(title))
    checked_description = checks.run(lambda: clean_description(description))
    checks.raise_refusals()
    assert checked_title is not None and checked_description is not None
    clean_title_text = redact(checked_title).text
    clean_description_text = redact(checked_description).text
    with transaction.atomic():
        locked = locked_cases().get(pk=case.pk)
        if locked.state != Case.State.SUBMITTED:
            raise DomainError(
                "not_editable",
                _("A case can be edited only while it waits for review."),
                status=409,
            )
        changed = [
            field
            for field, value in (
                ("title", clean_title_text),
                ("description", clean_description_text),
            )
            if getattr(locked, field) != value
        ]
        if not changed:
            return locked
        locked.title = clean_title_text
        locked.description = clean_description_text
        locked.updated_at = timezone.now()
        locked.save(update_fields=["title", "description", "updated_at"])
        _write_event(
            locked,
            CaseEvent.Kind.EDITED,
            actor=actor,
            at=locked.updated_at,
            payload={"fields": changed},
        )
    return locked


ADDITION_MAX_LENGTH = 5000


def case_add_by_reporter(
    *,
    case: Case,
    actor: Actor,
    text: str | None,
    photos: Sequence[PhotoUpload] = (),
    submission: str = "",
) -> Case:
    """The reporter adds what she learnt later: a text on the timeline and more photos.

    `submission` is the random token of the form she sent: the same form sent again (a
    reload, a second tap) adds nothing a second time. To a case merged into another
    (`services_merge.case_merge`), the addition joins that case, its original: she is
    "the reporter of merged report #N" there. The case the addition is on is returned.
    """
    return _add_to_case(
        case,
        follow_merge=True,
        kind=CaseEvent.Kind.ADDED_BY_REPORTER,
        actor=actor,
        text=text,
        photos=photos,
        submission=submission,
        # She may add to her case until it is closed or hidden, even while it waits for
        # review; only a text with personal data in it waits for a moderator.
        open_states=(Case.State.SUBMITTED, *Case.OPEN_STATES, Case.State.RESOLVED),
        held=lambda redacted: _note_held(actor, case, redacted),
        hold_photos=False,
    ).case


def case_add_by_witness(
    *,
    case: Case,
    actor: Actor,
    text: str | None,
    photos: Sequence[PhotoUpload] = (),
    submission: str = "",
) -> CaseEvent:
    """Someone who is not its reporter adds what she saw to a public case (rather than
    report it again): a note on its timeline and photos; the event written (or, for
    the same form sent again, the one written the first time).

    She is never named (the timeline says "another witness"), personal data in her note
    is replaced by tokens and faces in her photos are blurred, as in a report. Unless
    she is a trusted writer (staff, a member of a verified organisation), her addition
    waits for a moderator (`_witness_held`), its photos too: they are `held` until the
    text is released (`case_release_note`), and never shown once it is withheld.
    """
    if actor is not None and case.reporter_id == actor.pk:
        raise DomainError(
            "own_case",
            _("This is your own case: add to it from its page."),
            status=409,
        )
    return _add_to_case(
        case,
        kind=CaseEvent.Kind.ADDED_BY_WITNESS,
        actor=actor,
        text=text,
        photos=photos,
        submission=submission,
        open_states=(*Case.OPEN_STATES, Case.State.RESOLVED),
        held=lambda redacted: _witness_held(actor) or _note_held(actor, case, redacted),
        hold_photos=True,
    )


def _witness_held(actor: Actor) -> bool:
    """Whether what a witness adds waits for a moderator: unless she is a trusted writer,
    wherever untrusted reports wait (MINJIAN_REVIEW_UNTRUSTED_REPORTS), or she could
    say by adding what a report would have to wait to say."""
    return settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS and not _is_trusted_writer(actor)


def _add_to_case(
    case: Case,
    *,
    kind: CaseEvent.Kind,
    actor: Actor,
    text: str | None,
    photos: Sequence[PhotoUpload],
    submission: str,
    open_states: tuple[Case.State, ...],
    held: Callable[[Redacted], bool],
    hold_photos: bool,
    follow_merge: bool = False,
) -> CaseEvent:
    """An addition to a case in one of `open_states`: its text redacted, its photos kept
    and prepared, its event written; `held` decides whether it waits for a moderator,
    its photos with it if `hold_photos`. With `follow_merge`, an addition to a case
    merged into another is written on that one (`_locked_for_addition`)."""
    addition = (text or "").replace("\r\n", "\n").strip()
    checks = _Checks()
    checks.run(lambda: check_addition(addition, photos))
    # Checked before the case is locked: decoding takes a while, and another addition
    # in between is caught by the count below.
    checks.run(lambda: check_uploads(photos, already=case.photos.filter(held=False).count()))
    checks.raise_refusals()
    redacted = redact(addition)
    waits = held(redacted)
    with files_removed_on_failure() as stored, transaction.atomic():
        locked, merged_from = _locked_for_addition(case.pk, follow_merge=follow_merge)
        if locked.state not in open_states:
            raise DomainError(
                "not_open",
                _("Nothing can be added to a closed or hidden case."),
                status=409,
            )
        earlier = selectors.addition_sent(locked, kind, submission)
        if earlier is not None:
            earlier.case = locked
            return earlier
        first = locked.photos.count()
        # A witness's photos held for a moderator do not count towards the most a case
        # may have: nobody fills a case with photos nobody sees, keeping others' out.
        check_photo_count(locked.photos.filter(held=False).count() + len(photos))
        held_photos = waits and hold_photos
        kept = keep_uploads(locked, photos, first_position=first, stored=stored, held=held_photos)
        now = timezone.now()
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        return _write_event(
            locked,
            kind,
            actor=actor,
            at=now,
            payload={
                "note": redacted.text,
                "photos": len(photos),
                **(_held(actor, redacted.text) if waits else {}),
                # What a moderator's release shows with the text.
                **({"photo_ids": [photo.pk for photo in kept]} if held_photos and kept else {}),
                **({"submission": submission} if submission else {}),
                **({selectors.MERGED_FROM: merged_from} if merged_from else {}),
            },
        )


def _locked_for_addition(case_id: int, *, follow_merge: bool) -> tuple[Case, int | None]:
    """The case an addition to case `case_id` is written on, locked, and the report it
    comes from if that was merged: with `follow_merge`, a case merged into another leads
    to its original. The two are then locked in the order of their ids, as a merge
    locks them, so that an addition and a merge never wait for each other in a circle."""
    original_id = (
        Case.objects.filter(
            pk=case_id,
            state=Case.State.HIDDEN,
            hidden_reason=Case.HiddenReason.DUPLICATE,
            events__kind=CaseEvent.Kind.MERGED,
        )
        .values_list("duplicate_of_id", flat=True)
        .first()
        if follow_merge
        else None
    )
    if original_id is None:
        locked_case = locked_cases().get(pk=case_id)
        if follow_merge and locked_case.hidden_reason == Case.HiddenReason.DUPLICATE:
            # Merged since it was read: the form is sent again, to its original.
            raise _merged_meanwhile()
        return locked_case, None
    locked = {
        case.pk: case
        for case in locked_cases().filter(pk__in=(case_id, original_id)).order_by("pk")
    }
    if locked[case_id].duplicate_of_id != original_id:
        raise _merged_meanwhile()
    return locked[original_id], case_id


def _merged_meanwhile() -> DomainError:
    return DomainError(
        "case_changed",
        _("This case has just been merged into another one. Send it again."),
        status=409,
    )


def check_addition(addition: str, photos: Sequence[PhotoUpload]) -> None:
    """Refuse an addition with neither text nor photo, or a text too long."""
    addition = addition.replace("\r\n", "\n").strip()
    if not addition and not photos:
        raise DomainError("addition_empty", _("Write something or add a photo."), field="text")
    if len(addition) > ADDITION_MAX_LENGTH:
        raise DomainError(
            "addition_too_long",
            _("An addition can be at most %(limit)d characters long.")
            % {"limit": ADDITION_MAX_LENGTH},
            field="text",
        )


# What organisations do with a case. `routing` keeps the inboxes (which organisation
# has which case) and calls these in the transactions that change them. The inbox is
# routing's door: before calling, routing checks that `actor` is a member of
# `organisation` and that the case is in its inbox (routing/access.py); these check
# the rest and write the event, with `organisation` set.


def case_route_to_organisations(
    *, case_id: int, organisation_ids: Collection[int]
) -> list[CaseEvent]:
    """A public case reached the inboxes of these organisations: one `routed` event
    for each, written in one insert, whose receivers (mail to their members) see
    each event.

    Routing decides which organisations (verified, subscribed, not having the case
    yet) and keeps their inbox rows.
    """
    with transaction.atomic():
        case = _locked_public_case(case_id)
        now = timezone.now()
        return _write_events(
            [
                CaseEvent(
                    case=case, kind=CaseEvent.Kind.ROUTED, organisation_id=org_id, created_at=now
                )
                for org_id in sorted(organisation_ids)
            ]
        )


def case_address_to_agency(
    *, actor: User, case_id: int, agency_slug: str, note: str = ""
) -> CaseEvent:
    """Address a public case to a verified agency by name: the timeline says so
    (`addressed`), after a `routed` event if the agency did not have the case yet.

    Who may: `rules.may_address`. Routing puts the case in the agency's inbox.
    """
    text = redact(clean_note(note))
    agency = Organisation.objects.filter(
        slug=agency_slug, kind=Organisation.Kind.AGENCY, verified=True
    ).first()
    if agency is None:
        raise DomainError("unknown_agency", _("Choose one of the listed agencies."), field="agency")
    with transaction.atomic():
        case = _locked_public_case(case_id)
        if not rules.may_address(actor, case):
            raise PermissionDenied(_("You are not allowed to address this case to an agency."))
        if case.state == Case.State.CLOSED:
            raise DomainError("case_closed", _("This case is closed."), status=409)
        received = set(
            case.events.filter(organisation=agency, kind__in=rules.RECEIVED_KINDS).values_list(
                "kind", flat=True
            )
        )
        if CaseEvent.Kind.ADDRESSED in received:
            raise DomainError(
                "already_addressed",
                _("This case is already addressed to this agency."),
                status=409,
                field="agency",
            )
        now = timezone.now()
        if CaseEvent.Kind.ROUTED not in received:
            _write_event(
                case,
                CaseEvent.Kind.ROUTED,
                organisation=agency,
                payload={"addressed": True},
                at=now,
            )
        return _write_for_organisation(
            case,
            CaseEvent.Kind.ADDRESSED,
            actor,
            agency,
            text,
            held=_note_held(actor, case, text),
            at=now,
        )


def case_acknowledge_for_organisation(
    *, actor: User, organisation: Organisation, case_id: int, note: str = ""
) -> CaseEvent:
    """A member acknowledges a case for her organisation: "we have it".

    The first acknowledgement by anyone moves a published case to acknowledged, by
    the rule of `case_acknowledge`; later ones (another organisation, or a case
    already further along) only add the event.
    """
    text = redact(clean_note(note))
    with transaction.atomic():
        case = _locked_public_case(case_id)
        held = _note_held(actor, case, text)
        acknowledge = TRANSITIONS["acknowledge"]
        if case.state in acknowledge.allowed_from and acknowledge.rule.allows(
            rules.standing(actor, case)
        ):
            return _move(
                case,
                actor=actor,
                to=acknowledge.to,
                kind=acknowledge.kind,
                note=text.text,
                note_held=held,
                organisation=organisation,
            )
        return _write_for_organisation(
            case, CaseEvent.Kind.ACKNOWLEDGED, actor, organisation, text, held=held
        )


def case_post_update(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """A member posts a public update on a case for her organisation."""
    text = redact(clean_note(note, required=True))
    with transaction.atomic():
        case = _locked_public_case(case_id)
        return _write_for_organisation(
            case,
            CaseEvent.Kind.PUBLIC_UPDATE,
            actor,
            organisation,
            text,
            held=_note_held(actor, case, text),
        )


def case_add_internal_note(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """A member leaves a note only her organisation's members read.

    It is redacted like public text all the same: an inbox is shared by many
    people, and a reporter's phone number has no business in it either.
    """
    text = redact(clean_note(note, required=True))
    with transaction.atomic():
        case = _locked_public_case(case_id)
        return _write_for_organisation(
            case, CaseEvent.Kind.INTERNAL_NOTE, actor, organisation, text, internal=True
        )


def case_post_official_response(
    *, actor: User, organisation: Organisation, case_id: int, note: str
) -> CaseEvent:
    """A member of a verified agency answers officially for it."""
    rules.require_official_responder(organisation)
    text = redact(clean_note(note, required=True))
    with transaction.atomic():
        case = _locked_public_case(case_id)
        return _write_for_organisation(
            case,
            CaseEvent.Kind.OFFICIAL_RESPONSE,
            actor,
            organisation,
            text,
            held=_note_held(actor, case, text),
        )


def case_record_verdict(
    *,
    actor: User,
    case_id: int,
    organisation: Organisation | None,
    payload: Mapping[str, Any],
) -> CaseEvent:
    """A verdict on a public case became public: `Case.verdict` and a public `verdict`
    event (`payload`: verdict, rationale, evidence, organisations, confirmations; see
    `cases.claim_review`), for `organisation` (None: the site's staff).

    `minjian.claims` decides who may give it, checks the rationale and the evidence and
    whether enough verifiers agree, and calls this in its own transaction."""
    verdict = str(payload["verdict"])
    if verdict not in Case.Verdict.values:
        raise DomainError(
            "unknown_verdict", _("Choose one of the listed verdicts."), field="verdict"
        )
    with transaction.atomic():
        case = _locked_public_case(case_id)
        now = timezone.now()
        case.verdict = verdict
        case.updated_at = now
        case.save(update_fields=["verdict", "updated_at"])
        return _write_events(
            [
                CaseEvent(
                    case=case,
                    kind=CaseEvent.Kind.VERDICT,
                    actor=actor,
                    organisation=organisation,
                    payload=dict(payload),
                    created_at=now,
                )
            ]
        )[0]


def _locked_public_case(case_id: int) -> Case:
    case = locked_cases().filter(pk=case_id).first()
    if case is None or not case.is_public:
        raise NotFound(_("There is no such case."))
    return case


def _write_for_organisation(
    case: Case,
    kind: CaseEvent.Kind,
    actor: User,
    organisation: Organisation,
    text: Redacted,
    *,
    held: bool = False,
    internal: bool = False,
    at: datetime | None = None,
) -> CaseEvent:
    """An event an organisation writes without moving the case. A public one counts
    as news of the case (`updated_at`); an internal note does not."""
    now = at or timezone.now()
    payload: dict[str, Any] = {"note": text.text} if text.text else {}
    if held:
        payload |= _held(actor, text.text)
    if not internal:
        case.updated_at = now
        case.save(update_fields=["updated_at"])
    return _write_event(
        case,
        kind,
        actor=actor,
        payload=payload,
        organisation=organisation,
        internal=internal,
        at=now,
    )
