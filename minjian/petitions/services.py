"""Every change of a petition and of its signatures: one function per action, each in one
transaction that writes its `PetitionEvent` (the timeline's one writer is this module).

Exact counts. `Petition.validated_count` and the province's `PetitionRegionCount` change
in the transaction of every change of a signature, by the signatures it actually moved.
Every change of signatures already there locks its petition's row first (then the
signatures'): a confirmation sent twice, a withdrawal racing an invalidation end with the
counter equal to the validated rows. A new signature is inserted first (the partial
unique indexes of `Signature` keep one address, account and organisation to one
signature per petition, turning two at once into a refusal), and its petition's row is
locked last, by the counter's `UPDATE ... WHERE state IN (signable)` itself: signers of a
hot petition wait on that row for a few statements and the commit, not for the whole
request, and a petition closed meanwhile refuses the signature (nothing is written).

A refusal is a `DomainError` raised before anything is written, or inside the
transaction, which then writes nothing.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accountability.petition_facts import petition_answered, petition_delivered
from minjian.accounts.models import User
from minjian.accounts.services import clean_email
from minjian.cases.models import Case
from minjian.core.errors import DomainError, NotFound, PermissionDenied
from minjian.core.inserts import insert_or_ignore
from minjian.core.public_cache import touch
from minjian.orgs import selectors as orgs_selectors
from minjian.orgs.access import is_staff
from minjian.orgs.models import Organisation
from minjian.petitions import access, jobs, tokens, validation
from minjian.petitions.addresses import address_domain, address_hash
from minjian.petitions.models import (
    Petition,
    PetitionEvent,
    PetitionOwner,
    PetitionRegionCount,
    Signature,
)
from minjian.petitions.recording import record_event
from minjian.places.models import Region
from minjian.redaction import redact
from minjian.topics.models import Topic

State = Petition.State
SignatureState = Signature.State
Kind = PetitionEvent.Kind

# What the public reads of petitions: the list, and each petition's page.
PETITIONS = "petitions"
# Where a signer may still take her signature back: until the petition closes.
WITHDRAWABLE_STATES = (
    State.DRAFT,
    State.GATHERING_SPONSORS,
    State.AWAITING_MODERATION,
    State.OPEN,
)
# Where a moderator may reject a petition: before it is closed.
REJECTABLE_STATES = WITHDRAWABLE_STATES


def petition_tag(petition_id: int) -> str:
    return f"petition:{petition_id}"


# --- writing a petition -----------------------------------------------------------------


@transaction.atomic
def petition_create(
    *,
    actor: User,
    title: str,
    request: str,
    background: str,
    deadline: date | None,
    signature_goal: int | None,
    addressed_organisation: Organisation | None = None,
    addressed_name: str = "",
    addressed_contact: str = "",
    topic: Topic | None = None,
    region: Region | None = None,
    cited_cases: Iterable[Case] = (),
    owner_organisations: Sequence[Organisation] = (),
    owners_agreed: bool = False,
    deliver_at_deadline: bool = False,
) -> Petition:
    """`actor` writes a petition, a draft. With `owner_organisations` it is theirs together:
    each accepts through an admin (those `actor` administers accept at once), unless
    `owners_agreed` says the caller has their agreement already (a coalition's recorded
    decision): then every owner accepts and signs as an organisation at once, counting
    among the sponsors. Without organisations, `actor` owns it."""
    _require_active(actor)
    draft = validation.clean_draft(
        title=title,
        request=request,
        background=background,
        deadline=deadline,
        signature_goal=signature_goal,
        addressed_organisation=addressed_organisation,
        addressed_name=addressed_name,
        addressed_contact=addressed_contact,
        cited_cases=cited_cases,
    )
    owners = list({organisation.pk: organisation for organisation in owner_organisations}.values())
    now = timezone.now()
    petition = Petition(
        topic=topic,
        region=region,
        deliver_at_deadline=deliver_at_deadline,
        sponsors_needed=settings.MINJIAN_PETITION_SPONSORS,
        created_by=actor,
        created_at=now,
    )
    _write_draft(petition, draft)
    petition.save()
    petition.cited_cases.set(draft.cited_cases)
    if owners:
        PetitionOwner.objects.bulk_create(
            PetitionOwner(
                petition=petition,
                organisation=organisation,
                accepted_at=now
                if owners_agreed or orgs_selectors.is_admin(actor, organisation)
                else None,
            )
            for organisation in owners
        )
    else:
        PetitionOwner.objects.create(petition=petition, account=actor, accepted_at=now)
    _log(
        petition,
        Kind.CREATED,
        actor,
        {
            "owners": [organisation.pk for organisation in owners],
            "owners_agreed": owners_agreed,
        },
    )
    if owners_agreed:
        for organisation in owners:
            _sign_as_organisation(petition, organisation, actor, signable_only=False)
    return petition


@transaction.atomic
def petition_owner_accept(*, actor: User, petition: Petition, organisation: Organisation) -> None:
    """An admin of a co-owner organisation accepts, for it, to own the petition."""
    if not orgs_selectors.is_admin(actor, organisation) or not actor.is_active:
        raise PermissionDenied(_("Only an admin of the organisation may accept for it."))
    locked = _locked(petition)
    owner = (
        PetitionOwner.objects.select_for_update()
        .filter(petition=locked, organisation=organisation)
        .first()
    )
    if owner is None:
        raise NotFound(_("This organisation was not asked to own this petition."))
    if owner.accepted:
        raise DomainError(
            "owner_accepted_already",
            _("The organisation has accepted already."),
            status=409,
        )
    _require_state(locked, (State.DRAFT,))
    owner.accepted_at = timezone.now()
    owner.save(update_fields=["accepted_at"])
    _log(locked, Kind.OWNER_ACCEPTED, actor, {}, organisation=organisation)


# What an edit of a draft may change, as the petition's fields.
DRAFT_FIELDS = (
    "title",
    "request",
    "background",
    "addressed_organisation",
    "addressed_name",
    "addressed_contact",
    "topic",
    "region",
    "deadline",
    "signature_goal",
    "deliver_at_deadline",
)


@transaction.atomic
def petition_draft_edit(
    *,
    actor: User,
    petition: Petition,
    title: str,
    request: str,
    background: str,
    deadline: date | None,
    signature_goal: int | None,
    addressed_organisation: Organisation | None = None,
    addressed_name: str = "",
    addressed_contact: str = "",
    topic: Topic | None = None,
    region: Region | None = None,
    cited_cases: Iterable[Case] = (),
    deliver_at_deadline: bool = False,
) -> Petition:
    """An owner changes the draft's text or terms. A co-owner organisation accepted the
    text as it was: each one that `actor` does not administer must accept again. Once an
    organisation has signed it (a coalition's agreed petition), the text is what they
    signed and stays; a petition sent out for sponsors is no longer a draft."""
    locked = _locked(petition)
    _require_owner(actor, locked)
    _require_state(locked, (State.DRAFT,))
    if locked.signatures.exists():
        raise DomainError(
            "petition_signed",
            _(
                "Organisations have signed this text already: it stays as they signed it. "
                "Write a new petition to change it."
            ),
            status=409,
        )
    draft = validation.clean_draft(
        title=title,
        request=request,
        background=background,
        deadline=deadline,
        signature_goal=signature_goal,
        addressed_organisation=addressed_organisation,
        addressed_name=addressed_name,
        addressed_contact=addressed_contact,
        cited_cases=cited_cases,
    )
    before = {field: getattr(locked, field) for field in DRAFT_FIELDS}
    cited_before = set(locked.cited_cases.values_list("pk", flat=True))
    locked.topic, locked.region, locked.deliver_at_deadline = topic, region, deliver_at_deadline
    _write_draft(locked, draft)
    changed = [field for field in DRAFT_FIELDS if getattr(locked, field) != before[field]]
    if {case.pk for case in draft.cited_cases} != cited_before:
        changed.append("cited_cases")
        locked.cited_cases.set(draft.cited_cases)
    if not changed:
        return locked
    locked.save(update_fields=[field for field in changed if field in DRAFT_FIELDS])
    to_accept_again = [
        owner
        for owner in locked.owners.select_related("organisation").filter(
            organisation__isnull=False, accepted_at__isnull=False
        )
        if owner.organisation is not None and not orgs_selectors.is_admin(actor, owner.organisation)
    ]
    PetitionOwner.objects.filter(pk__in=[owner.pk for owner in to_accept_again]).update(
        accepted_at=None
    )
    _log(
        locked,
        Kind.EDITED,
        actor,
        {
            "fields": changed,
            "to_accept_again": [owner.organisation_id for owner in to_accept_again],
        },
    )
    return locked


def _write_draft(petition: Petition, draft: validation.Draft) -> None:
    petition.title = draft.title
    petition.request = draft.request
    petition.background = draft.background
    petition.addressed_organisation = draft.body.organisation
    petition.addressed_name = draft.body.name
    petition.addressed_contact = draft.body.contact
    petition.deadline = draft.deadline
    petition.signature_goal = draft.signature_goal


@transaction.atomic
def petition_submit_for_sponsors(*, actor: User, petition: Petition) -> Petition:
    """An owner sends the draft out for its first signers, once every co-owner accepted.
    If enough have signed already (organisations that agreed), it waits for a moderator."""
    locked = _locked(petition)
    _require_owner(actor, locked)
    _require_state(locked, (State.DRAFT,))
    if locked.owners.filter(accepted_at__isnull=True).exists():
        raise DomainError(
            "owners_not_accepted",
            _("Every co-owner organisation must accept before the petition looks for sponsors."),
            status=409,
        )
    _move(locked, State.GATHERING_SPONSORS, Kind.SUBMITTED, actor)
    _after_count_change(locked)
    return locked


# --- signing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """What a signer gives besides who she is, and what the request says of her
    (`petitions.sign_guard`): a keyed hash of her client, and whether she went beyond the
    rate limits (her signature then waits for a moderator)."""

    display_name: str = ""
    name_hidden: bool = False
    region: Region | None = None
    client_key: str = ""
    needs_review: bool = False


@transaction.atomic
def petition_sign(*, actor: User, petition: Petition, signer: Signer = Signer()) -> Signature:
    """A person signs with her account: validated at once (unless it needs review)."""
    _require_active(actor)
    name = validation.clean_display_name(signer.display_name)
    region = validation.clean_signer_region(signer.region)
    _require_signable(petition)
    now = timezone.now()
    validated = not signer.needs_review
    signature = _insert(
        Signature(
            petition=petition,
            account=actor,
            display_name=name,
            name_hidden=signer.name_hidden,
            region=region,
            client_key=signer.client_key,
            needs_review=signer.needs_review,
            state=SignatureState.VALIDATED if validated else SignatureState.PENDING,
            confirmed_at=now,
            validated_at=now if validated else None,
            created_at=now,
        ),
        _already_signed(),
    )
    if validated:
        _count(petition, [signature], +1, signable_only=True)
        _after_count_change(petition)
    else:
        _require_still_signable(petition)
    return signature


@transaction.atomic
def petition_sign_by_email(
    *, petition: Petition, email: str, language: str = "", signer: Signer = Signer()
) -> Signature:
    """A person signs without an account: the signature waits for her to confirm it by
    the link mailed to `email` (with a link to withdraw it). Until then the address is
    kept to send that mail; only its keyed hash stays after."""
    address = clean_email(email)
    if not address:
        raise DomainError("email_required", _("Enter your e-mail address."), field="email")
    name = validation.clean_display_name(signer.display_name)
    region = validation.clean_signer_region(signer.region)
    _require_signable(petition)
    signature = _insert(
        Signature(
            petition=petition,
            address_hash=address_hash(address),
            address_domain=address_domain(address),
            pending_address=address,
            nonce=secrets.token_hex(16),
            language=language[:10],
            display_name=name,
            name_hidden=signer.name_hidden,
            region=region,
            client_key=signer.client_key,
            needs_review=signer.needs_review,
        ),
        _already_signed(field="email"),
    )
    _require_still_signable(petition)
    jobs.send_signature_confirmation.defer(signature.pk, signature.nonce)
    return signature


@transaction.atomic
def signature_confirm(*, token: str) -> Signature:
    """The signer clicked the confirmation link: her address is forgotten and, unless it
    needs review, her signature counts. Confirming again changes nothing."""
    try:
        found = tokens.read_confirmation_token(token)
    except tokens.ConfirmationExpired as expired:
        raise DomainError(
            "link_expired",
            _("This link has expired. Sign the petition again to get a new one."),
            status=410,
        ) from expired
    invalid = DomainError("link_invalid", _("This link is not valid."), status=404)
    if found is None:
        raise invalid
    signature_id, nonce = found
    signature = _locked_signature(signature_id)
    if signature is None or signature.nonce != nonce:
        raise invalid
    if signature.state != SignatureState.PENDING or signature.confirmed_at is not None:
        if signature.state in (SignatureState.VALIDATED, SignatureState.PENDING):
            return signature
        raise DomainError(
            "signature_ended",
            _("This signature was withdrawn or invalidated."),
            status=409,
        )
    _require_signable(signature.petition)
    now = timezone.now()
    Signature.objects.filter(pk=signature.pk).update(confirmed_at=now, pending_address="")
    signature.confirmed_at, signature.pending_address = now, ""
    if not signature.needs_review:
        _validate(signature.petition, [signature], now)
    return signature


@transaction.atomic
def signature_withdraw(
    *,
    token: str | None = None,
    actor: User | None = None,
    petition: Petition | None = None,
    organisation: Organisation | None = None,
) -> Signature:
    """A signer takes her signature back: by the link in her confirmation mail (`token`),
    or signed in (`actor`, on `petition`; with `organisation`, an admin withdraws her
    organisation's signature). Withdrawing twice changes nothing; she may sign again."""
    if token is not None:
        signature_id = tokens.read_withdrawal_token(token)
        if signature_id is None:
            raise DomainError("link_invalid", _("This link is not valid."), status=404)
        signature = _locked_signature(signature_id)
    elif actor is not None and petition is not None:
        signature = _locked_signature_of(actor, petition, organisation)
    else:
        raise TypeError("signature_withdraw needs a token, or an actor and a petition")
    if signature is None:
        raise NotFound(_("There is no such signature."))
    if signature.state == SignatureState.WITHDRAWN:
        return signature
    if signature.state == SignatureState.INVALIDATED:
        raise DomainError(
            "signature_invalidated",
            _("A moderator invalidated this signature; it does not count."),
            status=409,
        )
    if signature.petition.state not in WITHDRAWABLE_STATES:
        raise DomainError(
            "petition_closed",
            _("The petition is closed: its signatures can no longer change."),
            status=409,
        )
    _end(signature.petition, [signature], SignatureState.WITHDRAWN, timezone.now())
    if signature.signed_as_organisation is not None:
        _log(
            signature.petition,
            Kind.ORGANISATION_WITHDREW,
            actor,
            {},
            organisation=signature.signed_as_organisation,
        )
    return signature


@transaction.atomic
def petition_sign_as_organisation(
    *, actor: User, petition: Petition, organisation: Organisation
) -> Signature:
    """An admin of `organisation` signs the petition in its name, shown apart from people."""
    if not actor.is_active or not orgs_selectors.is_admin(actor, organisation):
        raise PermissionDenied(_("Only an admin of the organisation may sign in its name."))
    _require_signable(petition)
    return _sign_as_organisation(petition, organisation, actor)


# --- moderators -----------------------------------------------------------------------------


@transaction.atomic
def petition_approve(*, actor: User, petition: Petition) -> Petition:
    """A moderator opens a sponsored petition for everyone's signatures."""
    _require_moderator(actor)
    locked = _locked(petition)
    _require_state(locked, (State.AWAITING_MODERATION,))
    locked.opened_at = timezone.now()
    _move(locked, State.OPEN, Kind.APPROVED, actor, also=("opened_at",))
    _after_count_change(locked)
    return locked


@transaction.atomic
def petition_reject(*, actor: User, petition: Petition, reason: str) -> Petition:
    """A moderator rejects a petition with a public reason; its page becomes a tombstone."""
    _require_moderator(actor)
    checked = validation.clean_reason(reason)
    locked = _locked(petition)
    _require_state(locked, REJECTABLE_STATES)
    locked.rejection_reason = checked
    _move(locked, State.REJECTED, Kind.REJECTED, actor, {"reason": checked}, ("rejection_reason",))
    return locked


@transaction.atomic
def signatures_invalidate_bulk(
    *,
    actor: User,
    petition: Petition,
    email_domain: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    reason: str,
) -> int:
    """Staff invalidate the signatures of a petition made by e-mail at a domain, or in a
    time window, or both (pending and validated ones). The count and the reason go on the
    timeline and in the public moderation log. Returns how many."""
    _require_moderator(actor)
    checked = validation.clean_reason(reason)
    domain = (email_domain or "").strip().lower()
    if not domain and since is None and until is None:
        raise DomainError(
            "criteria_required",
            _("Name an e-mail domain, a time window, or both."),
            field="email_domain",
        )
    if since is not None and until is not None and since >= until:
        raise DomainError(
            "window_invalid", _("The window must end after it starts."), field="until"
        )
    locked = _locked(petition)
    chosen = Q(state__in=(SignatureState.PENDING, SignatureState.VALIDATED))
    if domain:
        chosen &= Q(address_domain=address_domain(f"x@{domain}"))
    if since is not None:
        chosen &= Q(created_at__gte=since)
    if until is not None:
        chosen &= Q(created_at__lt=until)
    signatures = list(locked.signatures.select_for_update().filter(chosen))
    counted = sum(signature.state == SignatureState.VALIDATED for signature in signatures)
    _end(locked, signatures, SignatureState.INVALIDATED, timezone.now())
    _log(
        locked,
        Kind.SIGNATURES_INVALIDATED,
        actor,
        {
            "count": len(signatures),
            "validated": counted,
            "email_domain": domain,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "reason": checked,
        },
    )
    return len(signatures)


@transaction.atomic
def signatures_review(
    *, actor: User, petition: Petition, signature_ids: Sequence[int], accept: bool
) -> int:
    """A moderator decides on signatures taken beyond the rate limits (and confirmed):
    they count, or they are invalidated. Returns how many were decided."""
    _require_moderator(actor)
    locked = _locked(petition)
    signatures = list(
        locked.signatures.select_for_update().filter(
            pk__in=list(signature_ids),
            needs_review=True,
            state=SignatureState.PENDING,
            confirmed_at__isnull=False,
        )
    )
    now = timezone.now()
    if accept:
        _require_signable(locked)
        _validate(locked, signatures, now)
    else:
        _end(locked, signatures, SignatureState.INVALIDATED, now)
    _log(locked, Kind.SIGNATURES_REVIEWED, actor, {"count": len(signatures), "accepted": accept})
    return len(signatures)


# --- closing, delivery and the answer -----------------------------------------------------


@transaction.atomic
def petition_close(*, actor: User | None, petition: Petition) -> Petition:
    """An open petition closes: by the site at its deadline (`actor` None, after the
    deadline), or by a moderator at any time. A petition whose owners chose delivery at
    the deadline is then delivered."""
    locked = _locked(petition)
    if actor is not None:
        _require_moderator(actor)
    elif locked.deadline >= timezone.localdate():
        raise DomainError(
            "deadline_not_reached", _("The petition's deadline has not passed yet."), status=409
        )
    _require_state(locked, (State.OPEN,))
    _close(locked, actor, "moderator" if actor is not None else "deadline")
    return locked


def petitions_close_due(*, today: date | None = None) -> int:
    """Close every open petition whose deadline has passed (the daily job and the command
    `close_due_petitions`). Returns how many."""
    day = today or timezone.localdate()
    due = list(
        Petition.objects.filter(state=State.OPEN, deadline__lt=day).values_list("pk", flat=True)
    )
    closed = 0
    for petition_id in due:
        with transaction.atomic():
            locked = Petition.objects.select_for_update(no_key=True).filter(pk=petition_id).first()
            if locked is None or locked.state != State.OPEN or locked.deadline >= day:
                continue
            _close(locked, None, "deadline")
            closed += 1
    return closed


@transaction.atomic
def petition_deliver(*, actor: User | None, petition: Petition) -> Petition:
    """A closed petition goes to the body it addresses, when its goal was reached or its
    owners chose delivery at the deadline: a mail to a named body's public contact (the
    counts by province, signed), or the organisation's inbox on Minjian (and a mail to
    its public contact address if it has one). `actor` None: the site."""
    locked = _locked(petition)
    if actor is not None and not is_staff(actor):
        _require_owner(actor, locked)
    _require_state(locked, (State.CLOSED,))
    if not _deliverable(locked):
        raise DomainError(
            "goal_not_reached",
            _(
                "The petition did not reach its goal, and its owners did not choose "
                "delivery at the deadline."
            ),
            status=409,
        )
    now = timezone.now()
    locked.delivered_at = now
    _move(
        locked,
        State.DELIVERED,
        Kind.DELIVERED,
        actor,
        {"count": locked.validated_count},
        ("delivered_at",),
    )
    organisation = locked.addressed_organisation
    if organisation is not None:
        petition_delivered(
            organisation=organisation, petition_id=locked.pk, title=locked.title, at=now
        )
    if locked.addressed_contact or (organisation is not None and organisation.contact_email):
        jobs.send_delivery.defer(locked.pk)
    return locked


def petition_deliver_when_due(*, petition_id: int) -> None:
    """The delivery job: deliver the petition if it is closed and due; otherwise nothing
    (a job run twice delivers once)."""
    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None or petition.state != State.CLOSED or not _deliverable(petition):
        return
    petition_deliver(actor=None, petition=petition)


@transaction.atomic
def petition_answer(*, actor: User, petition: Petition, text: str) -> Petition:
    """The body's official answer, on the timeline: written by a member of the addressed
    organisation, or recorded by staff for a named body (or for an organisation). Its
    time to answer counts in the organisation's accountability figures."""
    _require_active(actor)
    checked = redact(validation.clean_answer(text)).text
    locked = _locked(petition)
    organisation = locked.addressed_organisation
    member = organisation is not None and orgs_selectors.is_member(actor, organisation)
    if not member and not is_staff(actor):
        raise PermissionDenied(
            _("Only members of the organisation addressed, or site staff, record its answer.")
        )
    _require_state(locked, (State.DELIVERED,))
    now = timezone.now()
    locked.answered_at = now
    _move(
        locked,
        State.ANSWERED,
        Kind.ANSWERED,
        actor,
        {"note": checked},
        ("answered_at",),
        organisation=organisation,
    )
    if organisation is not None:
        petition_answered(organisation=organisation, petition_id=locked.pk, at=now)
    return locked


def signatures_expire_pending(*, now: datetime | None = None) -> int:
    """Delete e-mail signatures never confirmed within the confirmation link's life, with
    their addresses: they never counted and were never shown. Returns how many."""
    moment = now or timezone.now()
    deleted, _by_model = Signature.objects.filter(
        state=SignatureState.PENDING,
        confirmed_at__isnull=True,
        created_at__lt=moment - tokens.CONFIRMATION_MAX_AGE,
    ).delete()
    return deleted


# --- the pieces -----------------------------------------------------------------------------


def _sign_as_organisation(
    petition: Petition, organisation: Organisation, actor: User, *, signable_only: bool = True
) -> Signature:
    """`signable_only` False: a draft's owners that agreed sign it as it is written."""
    now = timezone.now()
    signature = _insert(
        Signature(
            petition=petition,
            account=actor,
            signed_as_organisation=organisation,
            state=SignatureState.VALIDATED,
            confirmed_at=now,
            validated_at=now,
            created_at=now,
        ),
        DomainError(
            "already_signed",
            _("This organisation has signed this petition already."),
            status=409,
        ),
    )
    _count(petition, [signature], +1, signable_only=signable_only)
    _after_count_change(petition)
    _log(petition, Kind.ORGANISATION_SIGNED, actor, {}, organisation=organisation)
    return signature


def _insert(signature: Signature, taken: DomainError) -> Signature:
    """Insert `signature`, or refuse with `taken` when its signer holds a place already:
    the unique indexes decide (`ON CONFLICT DO NOTHING`, no savepoint), so two requests at
    once cannot both sign."""
    if not insert_or_ignore(signature):
        raise taken
    return signature


def _already_signed(field: str | None = None) -> DomainError:
    return DomainError(
        "already_signed",
        _("You have signed this petition already, or a signature of yours waits for confirmation."),
        status=409,
        field=field,
    )


def _validate(petition: Petition, signatures: Sequence[Signature], now: datetime) -> None:
    """Pending signatures (locked) of the locked `petition` count from now."""
    if not signatures:
        return
    moved = Signature.objects.filter(
        pk__in=[signature.pk for signature in signatures], state=SignatureState.PENDING
    ).update(state=SignatureState.VALIDATED, validated_at=now, pending_address="")
    if moved != len(signatures):
        raise RuntimeError("signatures to validate were not locked pending")
    for signature in signatures:
        signature.state, signature.validated_at = SignatureState.VALIDATED, now
    _count(petition, signatures, +1)
    _after_count_change(petition)


def _end(petition: Petition, signatures: Sequence[Signature], state: str, now: datetime) -> None:
    """Signatures (locked) of the locked `petition` are withdrawn or invalidated; those
    that counted stop counting."""
    if not signatures:
        return
    counted = [signature for signature in signatures if signature.state == SignatureState.VALIDATED]
    Signature.objects.filter(pk__in=[signature.pk for signature in signatures]).update(
        state=state, ended_at=now, pending_address=""
    )
    for signature in signatures:
        signature.state, signature.ended_at, signature.pending_address = state, now, ""
    _count(petition, counted, -1)


def _count(
    petition: Petition, signatures: Sequence[Signature], step: int, *, signable_only: bool = False
) -> None:
    """Add `step` for each of `signatures` to the petition's counter and to its provinces'.

    The counter's UPDATE locks the petition's row (if this transaction had not yet) and
    reads back its count and state in the same statement. `signable_only`: refuse
    (`petition_not_signable`, the transaction then writes nothing) if the petition stopped
    taking signatures since it was read; the new signatures' rows were inserted before, so
    the row is held from here to the commit alone. The row is locked before the
    provinces' and the stored pages' versions, as every other change of the petition
    locks them."""
    if not signatures:
        return
    table = Petition._meta.db_table
    condition = ""
    parameters: list[int | str] = [step * len(signatures), petition.pk]
    if signable_only:
        condition = f" AND state IN ({', '.join(['%s'] * len(Petition.SIGNABLE_STATES))})"
        parameters += [str(state) for state in Petition.SIGNABLE_STATES]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET validated_count = validated_count + %s "  # noqa: S608  # no input
            f"WHERE id = %s{condition} RETURNING validated_count, state",
            parameters,
        )
        row = cursor.fetchone()
    if row is None:
        raise _not_signable()
    petition.validated_count, petition.state = row
    by_region = Counter(
        signature.region_id for signature in signatures if signature.region_id is not None
    )
    if by_region:
        _count_by_region(petition, by_region, step)
    touch(PETITIONS, petition_tag(petition.pk))


def _count_by_region(petition: Petition, by_region: Counter[int], step: int) -> None:
    """One statement per province: an upsert adding to its counter (the row is made at a
    province's first signature), or, taking away, an UPDATE of the row that counted them."""
    table = PetitionRegionCount._meta.db_table
    with connection.cursor() as cursor:
        for region_id in sorted(by_region):
            number = step * by_region[region_id]
            if number > 0:
                cursor.execute(
                    f"INSERT INTO {table} (petition_id, region_id, count) "  # noqa: S608  # no input
                    "VALUES (%s, %s, %s) ON CONFLICT (petition_id, region_id) "
                    f"DO UPDATE SET count = {table}.count + excluded.count",
                    [petition.pk, region_id, number],
                )
            else:
                cursor.execute(
                    f"UPDATE {table} SET count = count + %s "  # noqa: S608  # no input
                    "WHERE petition_id = %s AND region_id = %s",
                    [number, petition.pk, region_id],
                )


def _after_count_change(petition: Petition) -> None:
    """What a new count moves: enough sponsors, or the goal reached."""
    if (
        petition.state == State.GATHERING_SPONSORS
        and petition.validated_count >= petition.sponsors_needed
    ):
        _move(petition, State.AWAITING_MODERATION, Kind.SPONSORED, None)
    elif petition.state == State.OPEN and petition.validated_count >= petition.signature_goal:
        if not petition.events.filter(kind=Kind.GOAL_REACHED).exists():
            _log(petition, Kind.GOAL_REACHED, None, {"count": petition.validated_count})
        if not petition.deliver_at_deadline:
            _close(petition, None, "goal")


def _close(petition: Petition, actor: User | None, why: str) -> None:
    petition.closed_at = timezone.now()
    _move(petition, State.CLOSED, Kind.CLOSED, actor, {"why": why}, ("closed_at",))
    if _deliverable(petition):
        jobs.deliver_petition.defer(petition.pk)


def _deliverable(petition: Petition) -> bool:
    return petition.deliver_at_deadline or petition.validated_count >= petition.signature_goal


def _move(
    petition: Petition,
    to: str,
    kind: str,
    actor: User | None,
    payload: dict[str, Any] | None = None,
    also: Sequence[str] = (),
    *,
    organisation: Organisation | None = None,
) -> None:
    before = petition.state
    petition.state = to
    petition.save(update_fields=["state", *also])
    _log(petition, kind, actor, {"from": before, "to": to, **(payload or {})}, organisation)


def _log(
    petition: Petition,
    kind: str,
    actor: User | None,
    payload: dict[str, Any],
    organisation: Organisation | None = None,
) -> PetitionEvent:
    event = PetitionEvent.objects.create(
        petition=petition, kind=kind, actor=actor, payload=payload, organisation=organisation
    )
    touch(PETITIONS, petition_tag(petition.pk))
    record_event(petition, event)
    return event


def _locked(petition: Petition) -> Petition:
    """The petition's row, locked: every change of it or its signatures takes this first."""
    locked = Petition.objects.select_for_update(no_key=True).filter(pk=petition.pk).first()
    if locked is None:
        raise NotFound(_("There is no such petition."))
    return locked


def _locked_signature(signature_id: int) -> Signature | None:
    petition_id = (
        Signature.objects.filter(pk=signature_id).values_list("petition_id", flat=True).first()
    )
    if petition_id is None:
        return None
    petition = Petition.objects.select_for_update(no_key=True).filter(pk=petition_id).get()
    signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
    if signature is not None:
        signature.petition = petition
    return signature


def _locked_signature_of(
    actor: User, petition: Petition, organisation: Organisation | None
) -> Signature | None:
    locked = _locked(petition)
    active = locked.signatures.select_for_update().filter(
        state__in=(SignatureState.PENDING, SignatureState.VALIDATED)
    )
    if organisation is not None:
        if not orgs_selectors.is_admin(actor, organisation):
            raise PermissionDenied(
                _("Only an admin of the organisation may withdraw its signature.")
            )
        signature = active.filter(signed_as_organisation=organisation).first()
    else:
        signature = active.filter(account=actor, signed_as_organisation__isnull=True).first()
    if signature is not None:
        signature.petition = locked
    return signature


def _require_active(actor: User) -> None:
    if not actor.is_active:
        raise PermissionDenied(_("This account is not active."))


def _require_moderator(actor: User) -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("Only site staff may do this."))


def _require_owner(actor: User, petition: Petition) -> None:
    if not access.is_owner(actor, petition):
        raise PermissionDenied(_("Only the petition's owners may do this."))


def _require_state(petition: Petition, states: Sequence[str]) -> None:
    if petition.state not in states:
        raise DomainError(
            "petition_state",
            _("The petition is %(state)s: this cannot be done now.")
            % {"state": State(petition.state).label},
            status=409,
        )


def _require_signable(petition: Petition) -> None:
    if not petition.is_signable:
        raise _not_signable()


def _require_still_signable(petition: Petition) -> None:
    """After inserting a signature that does not count yet: the insert took a share lock
    on the petition's row (its foreign key), waiting for a change of state being
    committed, so this read sees any closing that came before it."""
    state = Petition.objects.filter(pk=petition.pk).values_list("state", flat=True).first()
    if state not in Petition.SIGNABLE_STATES:
        raise _not_signable()


def _not_signable() -> DomainError:
    return DomainError(
        "petition_not_signable",
        _("This petition does not take signatures now."),
        status=409,
    )
