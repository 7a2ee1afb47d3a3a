"""Duplicate reports: suggesting that a public case repeats an earlier one, and the
verifiers' decisions: a confirmed duplicate is merged into its original, a rejected
suggestion is never made again (`DuplicateSuggestion`, one row per pair).

Merging hides the duplicate as a duplicate of the original (its page becomes a tombstone
linking there, its `merged` event says into which case) and writes a `merged_in` event on
the original; the duplicate's photos join the original as they are (keys, blur choices,
preparation, a witness's photo held for a moderator: a photo is shown only where and
when it was shown before), its public notes are read on the original's timeline
(`selectors.timeline`), and what its reporter adds later is written on the original
(`services.case_add_by_reporter`). Events are written by `services`, the timeline's one
writer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases import similarity
from minjian.cases.models import Case, CaseEvent, CasePhoto, DuplicateSuggestion, locked_cases
from minjian.cases.selectors_similar import RankedCase, ranked_like_case
from minjian.cases.services import _move, _write_events
from minjian.core.errors import DomainError, NotFound, PermissionDenied
from minjian.core.public_cache import CASES, case_tag, touch
from minjian.orgs.models import Organisation
from minjian.orgs.selectors import user_is_verifier, verifying_organisations_of

# Similar cases read for suggestions, best first: the ones above the threshold are few.
SUGGESTION_CANDIDATES = 20


def case_merge(
    *, actor: User, case_id: int, into_id: int, suggestion_id: int | None = None
) -> Case:
    """A verifier (or staff) merges case `case_id`, a duplicate, into `into_id`, the
    public case it repeats: its original. Both cases are locked in the order of their
    ids, with the cases already merged into the duplicate (they follow it to the new
    original), so that two merges at once never cross: of A into B and B into A at the
    same moment, the second finds the other case merged and is refused.

    Refused, writing nothing: a case into itself (`merge_into_itself`), a case already
    merged or hidden as a duplicate (`already_merged`) or not public (`case_not_public`),
    into a case merged into this one (`merge_cycle`), into one merged into another case
    (`into_merged_case`, whose details name the case to merge into instead) or not public
    (`original_not_public`); a suggestion already decided (`suggestion_decided`) or of
    another pair (`suggestion_mismatch`).
    """
    organisation = _acting_organisation(actor)
    if case_id == into_id:
        raise DomainError(
            "merge_into_itself", _("A case cannot be merged into itself."), field="into"
        )
    with transaction.atomic():
        duplicate, original, followers = _locked_cases(case_id, into_id)
        if suggestion_id is not None:
            _check_suggestion(suggestion_id, duplicate, original)
        _check_mergeable(duplicate, original)
        now = timezone.now()
        # The suggestions of this pair, either way round, are decided by the merge.
        DuplicateSuggestion.objects.filter(
            Q(case=duplicate, original=original) | Q(case=original, original=duplicate),
            status=DuplicateSuggestion.Status.SUGGESTED,
        ).update(status=DuplicateSuggestion.Status.CONFIRMED, decided_by=actor, decided_at=now)
        _retarget_suggestions(duplicate, original)
        _move_photos(duplicate, original)
        merged_before = [
            int(event.payload["from"])
            for event in duplicate.events.filter(kind=CaseEvent.Kind.MERGED_IN).order_by("id")
        ]
        if followers:
            # Their tombstones and their reporters' later additions lead to the new original.
            Case.objects.filter(pk__in=[case.pk for case in followers]).update(
                duplicate_of=original
            )
            touch(*(case_tag(case.pk) for case in followers))
        _move(
            duplicate,
            actor=actor,
            to=Case.State.HIDDEN,
            kind=CaseEvent.Kind.MERGED,
            changes={"hidden_reason": Case.HiddenReason.DUPLICATE, "duplicate_of_id": original.pk},
            organisation=organisation,
            extra_payload={"into": original.pk},
        )
        original.updated_at = now
        original.save(update_fields=["updated_at"])
        # One for the duplicate, and one for each report merged into it before, which
        # the original's timeline now shows too.
        _write_events(
            [
                CaseEvent(
                    case=original,
                    kind=CaseEvent.Kind.MERGED_IN,
                    actor=actor,
                    organisation=organisation,
                    created_at=now,
                    payload=payload,
                )
                for payload in [
                    {"from": duplicate.pk},
                    *({"from": merged, "via": duplicate.pk} for merged in merged_before),
                ]
            ]
        )
    return original


def duplicate_confirm(*, actor: User, suggestion_id: int) -> Case:
    """A verifier confirms a suggestion: its case is merged into its original (`case_merge`)."""
    _acting_organisation(actor)
    suggestion = DuplicateSuggestion.objects.filter(pk=suggestion_id).first()
    if suggestion is None:
        raise _unknown_suggestion()
    return case_merge(
        actor=actor,
        case_id=suggestion.case_id,
        into_id=suggestion.original_id,
        suggestion_id=suggestion.pk,
    )


def duplicate_reject(*, actor: User, suggestion_id: int) -> DuplicateSuggestion:
    """A verifier rejects a suggestion: the two cases are not one story. The row stays,
    rejected, so that the pair is never suggested again."""
    _acting_organisation(actor)
    with transaction.atomic():
        suggestion = (
            DuplicateSuggestion.objects.select_for_update().filter(pk=suggestion_id).first()
        )
        if suggestion is None:
            raise _unknown_suggestion()
        if suggestion.status != DuplicateSuggestion.Status.SUGGESTED:
            raise _decided(suggestion)
        suggestion.status = DuplicateSuggestion.Status.REJECTED
        suggestion.decided_by = actor
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
        # The rumour desk counts the suggestions still open of each story.
        touch(CASES)
    return suggestion


def duplicates_suggest(*, case_id: int) -> None:
    """Suggest the public cases most similar to case `case_id` (`ranked_like_case`) whose
    score reaches MINJIAN_DUPLICATE_SUGGESTION_SCORE (unset: the engine's threshold of one
    story, `similarity.DEFAULT_THRESHOLD`) as duplicates for verifiers: the
    newer case of each pair as the one to merge, the older as its original. A pair
    suggested before, whatever was decided of it, is not made again. Safe to run any
    number of times."""
    case = (
        Case.objects.select_related("region")
        .filter(pk=case_id, state__in=Case.PUBLIC_STATES)
        .first()
    )
    if case is None:
        return
    threshold = settings.MINJIAN_DUPLICATE_SUGGESTION_SCORE
    if threshold is None:
        threshold = similarity.DEFAULT_THRESHOLD
    suggestions = [
        _newer_first(case, found)
        for found in ranked_like_case(case, limit=SUGGESTION_CANDIDATES)
        if found.score >= threshold
    ]
    if suggestions:
        with transaction.atomic():
            DuplicateSuggestion.objects.bulk_create(suggestions, ignore_conflicts=True)
            # The rumour desk counts the suggestions still open of each story.
            touch(CASES)


def _newer_first(case: Case, found: RankedCase) -> DuplicateSuggestion:
    """The pair the same way round whichever of the two was looked up: one row per pair."""
    (newer, _), (older, _) = sorted(
        ((case.pk, case.created_at), (found.case_id, found.created_at)),
        key=lambda pair: (pair[1], pair[0]),
        reverse=True,
    )
    return DuplicateSuggestion(case_id=newer, original_id=older, score=round(found.score, 4))


def _acting_organisation(actor: User) -> Organisation | None:
    """The organisation in whose name `actor` decides of duplicates (the first of those
    she verifies for), None for staff acting without one; refused to anyone else."""
    organisation = verifying_organisations_of(actor).order_by("pk").first()
    if organisation is None and not user_is_verifier(actor):
        raise PermissionDenied(
            _("Only verifiers and moderators decide whether reports are duplicates."),
            code="not_a_verifier",
        )
    return organisation


def _locked_cases(case_id: int, into_id: int) -> tuple[Case, Case, list[Case]]:
    """The duplicate, the original and the cases hidden as duplicates of the duplicate,
    locked in one statement in the order of their ids."""
    locked = list(
        locked_cases()
        .filter(Q(pk__in=(case_id, into_id)) | Q(duplicate_of_id=case_id, state=Case.State.HIDDEN))
        .order_by("pk")
    )
    by_id = {case.pk: case for case in locked}
    for field, wanted in (("case", case_id), ("into", into_id)):
        if wanted not in by_id:
            raise DomainError(
                "not_found",
                _("There is no case #%(id)d.") % {"id": wanted},
                status=404,
                field=field,
            )
    followers = [
        case
        for case in locked
        if case.pk not in (case_id, into_id) and case.duplicate_of_id == case_id
    ]
    return by_id[case_id], by_id[into_id], followers


def _is_duplicate(case: Case) -> bool:
    """Hidden as a duplicate of another case: merged, or hidden so by a moderator."""
    return (
        case.state == Case.State.HIDDEN
        and case.hidden_reason == Case.HiddenReason.DUPLICATE
        and case.duplicate_of_id is not None
    )


def _check_mergeable(duplicate: Case, original: Case) -> None:
    if _is_duplicate(duplicate):
        raise _conflict(
            "already_merged",
            _("Case #%(id)d is already a duplicate of case #%(original)d.")
            % {"id": duplicate.pk, "original": duplicate.duplicate_of_id},
            field="case",
            details={"original": duplicate.duplicate_of_id},
        )
    if not duplicate.is_public:
        raise _conflict(
            "case_not_public", _("Only a public case can be merged into another."), field="case"
        )
    if _is_duplicate(original) and original.duplicate_of_id == duplicate.pk:
        raise _conflict(
            "merge_cycle",
            _("Case #%(into)d was merged into case #%(id)d: it cannot be its original.")
            % {"into": original.pk, "id": duplicate.pk},
            field="into",
        )
    if _is_duplicate(original):
        raise _conflict(
            "into_merged_case",
            _("Case #%(into)d is a duplicate of case #%(original)d: merge into that one.")
            % {"into": original.pk, "original": original.duplicate_of_id},
            field="into",
            details={"original": original.duplicate_of_id},
        )
    if not original.is_public:
        raise _conflict(
            "original_not_public",
            _("Case #%(into)d is not a public case.") % {"into": original.pk},
            field="into",
        )


def _conflict(
    code: str,
    message: str | Promise,
    *,
    field: str | None = None,
    details: dict[str, object] | None = None,
) -> DomainError:
    """A merge or a decision refused for what the cases or the suggestion are now (409)."""
    return DomainError(code, message, status=409, field=field, details=details)


def _check_suggestion(suggestion_id: int, duplicate: Case, original: Case) -> None:
    """The suggestion a merge confirms, locked (after the cases, as every merge locks):
    still waiting, and about these two cases."""
    suggestion = DuplicateSuggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if suggestion is None:
        raise _unknown_suggestion()
    if (suggestion.case_id, suggestion.original_id) != (duplicate.pk, original.pk):
        raise _conflict("suggestion_mismatch", _("This suggestion is about other cases."))
    if suggestion.status != DuplicateSuggestion.Status.SUGGESTED:
        raise _decided(suggestion)


def _retarget_suggestions(duplicate: Case, original: Case) -> None:
    """Cases suggested as duplicates of the duplicate are suggested as duplicates of its
    original instead (always of the root original), unless that pair exists already."""
    DuplicateSuggestion.objects.filter(
        original=duplicate, status=DuplicateSuggestion.Status.SUGGESTED
    ).exclude(case=original).exclude(
        case__in=DuplicateSuggestion.objects.filter(original=original).values("case")
    ).update(original=original)


def _move_photos(duplicate: Case, original: Case) -> None:
    """The duplicate's photos join the original after its own, otherwise as they are:
    a photo still being prepared is shown once its faces are blurred, a photo held for a
    moderator once released, as before (`access.access_photo_by_key`). They may take the
    original past MINJIAN_MAX_PHOTOS_PER_CASE, which bounds what one report uploads."""
    first = original.photos.count()
    photos = list(duplicate.photos.order_by("position", "id"))
    for offset, photo in enumerate(photos):
        photo.case = original
        photo.position = first + offset
    CasePhoto.objects.bulk_update(photos, ["case", "position"])


def _unknown_suggestion() -> NotFound:
    return NotFound(_("There is no such suggestion."), code="unknown_suggestion")


def _decided(suggestion: DuplicateSuggestion) -> DomainError:
    message = (
        _("This suggestion was already confirmed.")
        if suggestion.status == DuplicateSuggestion.Status.CONFIRMED
        else _("This suggestion was already rejected.")
    )
    return _conflict("suggestion_decided", message, details={"status": suggestion.status})
