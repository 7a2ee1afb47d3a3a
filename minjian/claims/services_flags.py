"""Readers' flags: a public text flagged as a rumour to check (the verifiers' queue) or as
exposing a person (the moderators'), and what settles them.

A flag keeps no account and no address: what keeps one client from counting twice is
its key (`flag_key`). The checks that depend on the request (the rate limit, the proof
of work) are `flag_guard`'s; the refusals here come before them, so that a flag
refused for its own content spends neither.

Open flags are settled by what answers them: a verdict on the item (rumours: `claims.
services`), its case hidden by a moderator or merged into another (`receivers`), or a
dismissal from the queue (`flags_dismiss`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import CaseEvent
from minjian.claims import access
from minjian.claims.models import Flag
from minjian.claims.selectors_flags import FlagTarget
from minjian.core.errors import DomainError, PermissionDenied
from minjian.redaction import redact

Kind = Flag.Kind
Status = Flag.Status
NOTE_MAX_LENGTH = 1000
# How long one client's flags of one item count once: the key's HMAC changes after it.
KEY_PERIOD = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class CheckedFlag:
    kind: str
    # Personal data replaced by tokens (`minjian.redaction`).
    note: str


def check_flag(kind: str | None, note: str | None) -> CheckedFlag:
    """The kind and the note of a flag, checked; the note redacted."""
    if kind not in Kind.values:
        raise DomainError(
            "unknown_flag_kind",
            _("Choose what is wrong with it: a rumour to check, or it exposes a person."),
            field="kind",
        )
    text = (note or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(
            "note_too_long",
            _("The note can be at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
        )
    return CheckedFlag(kind=str(kind), note=redact(text).text if text else "")


def flag_key(requester: str, target: FlagTarget, kind: str, *, now: float | None = None) -> str:
    """The key that makes one client's flags of one item, of one kind, count once in a
    period: an HMAC under a key derived from SECRET_KEY and the period's number, as the
    rate limits' keys are (`abuse.ratelimit`), of the client (`requester`: her account
    or her network), the kind and the item."""
    moment = time.time() if now is None else now
    period = int(moment // KEY_PERIOD)
    return salted_hmac(
        f"minjian.claims.flag:{KEY_PERIOD}:{period}",
        f"{requester}\x00{kind}\x00{target.item}",
        algorithm="sha256",
    ).hexdigest()


def flag_raise(*, target: FlagTarget, flag: CheckedFlag, key: str) -> None:
    """A reader flags a public text. A second flag of the same item and kind from the
    same client in the period adds nothing (her first stands), and she is told the same:
    nobody learns from the answer whether anyone flagged it before."""
    Flag.objects.bulk_create(
        [
            Flag(
                case=target.case,
                event=target.event,
                claim=target.claim,
                kind=flag.kind,
                note=flag.note,
                key=key,
            )
        ],
        ignore_conflicts=True,
    )


def flags_dismiss(
    *,
    actor: User,
    kind: str,
    case_id: int | None = None,
    event_id: int | None = None,
    claim_id: int | None = None,
) -> int:
    """A verifier (rumours) or a moderator (exposed persons) dismisses the open flags of
    one item: nothing to do about it. Returns how many."""
    if kind not in access.flag_queues(actor):
        raise PermissionDenied(_("Only verifiers and moderators decide of flags."))
    # Exactly this item: a case's own flags, not those of its entries (None is IS NULL).
    item = Q(case_id=case_id) & Q(event_id=event_id) & Q(claim_id=claim_id)
    dismissed = _settle(Flag.objects.filter(item, kind=kind), actor.pk, Status.DISMISSED)
    if not dismissed:
        raise DomainError(
            "flags_not_open",
            _("These flags were decided already."),
            status=409,
        )
    return dismissed


def flags_settle_by_verdict(
    *, actor: User, case_id: int | None = None, claim_id: int | None = None
) -> None:
    """A verifier gave a verdict on a case or a claim: its open rumour flags (a case's
    entries' too) are handled."""
    item = Q(case_id=case_id) if case_id is not None else Q(claim_id=claim_id)
    _settle(Flag.objects.filter(item, kind=Kind.RUMOUR), actor.pk, Status.HANDLED)


def flags_settle_by_moderation(events: Sequence[CaseEvent]) -> None:
    """A moderator hid a case, or a verifier merged it into another: every open flag of
    it, and of its entries, is handled."""
    for event in events:
        if event.kind in (CaseEvent.Kind.HIDDEN, CaseEvent.Kind.MERGED):
            _settle(Flag.objects.filter(case_id=event.case_id), event.actor_id, Status.HANDLED)


def _settle(flags: QuerySet[Flag], actor_id: int | None, status: str) -> int:
    return flags.filter(status=Status.OPEN).update(
        status=status, handled_by_id=actor_id, handled_at=timezone.now()
    )
