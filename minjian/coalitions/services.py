"""Every change of a coalition, and the one writer of its history (`CoalitionEvent`).

Each function is one action of `actor`: it checks that she may (`access`), checks
everything she gave (`validation`), then in one transaction changes the rows, writes the
event that records it and touches what the public reads of the coalition. A refusal is
a DomainError raised before anything is written, or inside the transaction, which then
writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.coalitions import access
from minjian.coalitions.models import (
    Coalition,
    CoalitionEvent,
    CoalitionMember,
    Option,
    Post,
    Proposal,
    Statement,
    Thread,
    Vote,
    is_agreed,
    tally_of,
)
from minjian.coalitions.recording import record_event
from minjian.coalitions.validation import (
    PURPOSE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    clean_closing,
    clean_names,
    clean_option,
    clean_public_text,
    clean_text,
)
from minjian.core.errors import DomainError, PermissionDenied
from minjian.core.public_cache import touch
from minjian.orgs.models import Membership, Organisation
from minjian.petitions.models import Petition
from minjian.petitions.services import petition_create
from minjian.places.models import Region
from minjian.redaction import exposure_reasons, redact
from minjian.topics.models import Topic

Kind = CoalitionEvent.Kind
Status = CoalitionMember.Status

# What the public reads of coalitions: the list, and each coalition's pages and feed.
COALITIONS = "coalitions"


def coalition_tag(coalition_id: int) -> str:
    return f"coalition:{coalition_id}"


# ---------------------------------------------------------------------------------------
# Founding and membership


@transaction.atomic
def coalition_found(
    *,
    actor: User,
    organisation: Organisation,
    name_zh: str | None,
    name_en: str | None,
    purpose: str | None,
    members_hidden: bool,
) -> Coalition:
    """An admin of `organisation` founds a coalition; her organisation is its first
    member, and she its delegate until its admins name another."""
    access.require_admin_of(actor, organisation)
    name_zh, name_en = clean_names(name_zh, name_en)
    purpose = clean_public_text(purpose, field="purpose", limit=PURPOSE_MAX_LENGTH)
    coalition = Coalition.objects.create(
        name_zh=name_zh,
        name_en=name_en,
        purpose=purpose,
        members_hidden=members_hidden,
        founded_by=organisation,
    )
    CoalitionMember.objects.create(
        coalition=coalition, organisation=organisation, status=Status.MEMBER, delegate=actor
    )
    _record(
        coalition,
        Kind.FOUNDED,
        actor,
        organisation,
        {"members_hidden": members_hidden, "delegate": actor.username},
    )
    return coalition


@transaction.atomic
def coalition_invite(
    *, actor: User, coalition: Coalition, organisation: Organisation
) -> CoalitionMember:
    """An admin of a member organisation invites another organisation. One that
    declined or left before may be invited again."""
    coalition = _locked(coalition)
    inviting = _administered_member(actor, coalition)
    place = CoalitionMember.objects.filter(coalition=coalition, organisation=organisation).first()
    if place is not None and place.status in (Status.MEMBER, Status.INVITED):
        raise DomainError(
            "already_member" if place.status == Status.MEMBER else "already_invited",
            _("This organisation is already a member of the coalition.")
            if place.status == Status.MEMBER
            else _("This organisation is already invited."),
            status=409,
            field="organisation",
        )
    if place is None:
        place = CoalitionMember(coalition=coalition, organisation=organisation)
    place.status = Status.INVITED
    place.invited_by = inviting
    place.changed_at = timezone.now()
    place.save()
    _record(coalition, Kind.INVITED, actor, organisation, {"by": _named(inviting)})
    return place


@transaction.atomic
def coalition_accept(
    *, actor: User, coalition: Coalition, organisation: Organisation
) -> CoalitionMember:
    """An admin of an invited organisation accepts: it is a member, and she its delegate
    until its admins name another."""
    coalition = _locked(coalition)
    access.require_admin_of(actor, organisation)
    place = _place(coalition, organisation, Status.INVITED)
    _move(place, Status.MEMBER, delegate=actor)
    _record(coalition, Kind.JOINED, actor, organisation, {"delegate": actor.username})
    return place


@transaction.atomic
def coalition_decline(
    *, actor: User, coalition: Coalition, organisation: Organisation
) -> CoalitionMember:
    coalition = _locked(coalition)
    access.require_admin_of(actor, organisation)
    place = _place(coalition, organisation, Status.INVITED)
    _move(place, Status.DECLINED, delegate=None)
    _record(coalition, Kind.DECLINED, actor, organisation, {})
    return place


@transaction.atomic
def coalition_leave(
    *, actor: User, coalition: Coalition, organisation: Organisation
) -> CoalitionMember:
    """An admin takes her organisation out. The last member cannot leave: a coalition
    of nobody could not be joined again."""
    coalition = _locked(coalition)
    access.require_admin_of(actor, organisation)
    place = _place(coalition, organisation, Status.MEMBER)
    if not coalition.members.filter(status=Status.MEMBER).exclude(pk=place.pk).exists():
        raise DomainError(
            "last_member",
            _("The last member organisation cannot leave the coalition."),
            status=409,
        )
    _move(place, Status.LEFT, delegate=None)
    _record(coalition, Kind.LEFT, actor, organisation, {})
    return place


@transaction.atomic
def coalition_name_delegate(
    *, actor: User, coalition: Coalition, organisation: Organisation, delegate: User | None
) -> CoalitionMember:
    """An admin names who votes for her organisation: one of its members, who votes for
    no other organisation of this coalition."""
    coalition = _locked(coalition)
    access.require_admin_of(actor, organisation)
    place = _place(coalition, organisation, Status.MEMBER)
    if (
        delegate is None
        or not delegate.is_active
        or not Membership.objects.filter(organisation=organisation, user=delegate).exists()
    ):
        raise DomainError(
            "delegate_not_a_member",
            _("The delegate must be a member of the organisation."),
            field="delegate",
        )
    if (
        coalition.members.filter(status=Status.MEMBER, delegate=delegate)
        .exclude(pk=place.pk)
        .exists()
    ):
        raise DomainError(
            "delegate_elsewhere",
            _("This person already votes for another organisation of the coalition."),
            status=409,
            field="delegate",
        )
    place.delegate = delegate
    place.changed_at = timezone.now()
    place.save(update_fields=["delegate", "changed_at"])
    _record(coalition, Kind.DELEGATE_NAMED, actor, organisation, {"delegate": delegate.username})
    return place


def _administered_member(actor: User, coalition: Coalition) -> Organisation:
    administered = access.standing(actor, coalition).administered_members()
    if not administered:
        raise PermissionDenied(
            _("Only the admins of the coalition's member organisations may do this."),
            code="not_a_member_admin",
        )
    return administered[0].organisation


def _place(coalition: Coalition, organisation: Organisation, status: str) -> CoalitionMember:
    place = (
        CoalitionMember.objects.select_for_update()
        .filter(coalition=coalition, organisation=organisation)
        .first()
    )
    if place is None or place.status != status:
        raise DomainError(
            "not_invited" if status == Status.INVITED else "not_a_member",
            _("This organisation has no invitation to the coalition.")
            if status == Status.INVITED
            else _("This organisation is not a member of the coalition."),
            status=409,
            field="organisation",
        )
    return place


def _move(place: CoalitionMember, status: str, *, delegate: User | None) -> None:
    place.status = status
    place.delegate = delegate
    place.changed_at = timezone.now()
    place.save(update_fields=["status", "delegate", "changed_at"])


# ---------------------------------------------------------------------------------------
# Threads


@transaction.atomic
def thread_start(
    *, actor: User, coalition: Coalition, title: str | None, text: str | None
) -> Thread:
    """A member's person opens a thread with its first post. Both are redacted; a thread
    whose title or text names a private person with her personal data waits, with its
    first post, for a moderator."""
    actor, place = access.require_people(actor, coalition)
    title = redact(clean_text(title, field="title", limit=TITLE_MAX_LENGTH)).text
    text = redact(clean_text(text, field="text", limit=TEXT_MAX_LENGTH)).text
    thread = Thread.objects.create(coalition=coalition, title=title, author=actor)
    post = _post(thread, actor, place, text, held_for=_held_for(actor, title, text))
    thread.opening = post
    thread.save(update_fields=["opening"])
    _record(coalition, Kind.THREAD_STARTED, actor, post.organisation, {"thread": thread.pk})
    return thread


@transaction.atomic
def thread_reply(*, actor: User, thread: Thread, text: str | None) -> Post:
    actor, place = access.require_people(actor, thread.coalition)
    text = redact(clean_text(text, field="text", limit=TEXT_MAX_LENGTH)).text
    post = _post(thread, actor, place, text, held_for=_held_for(actor, text))
    if post.status == Post.Status.SHOWN:
        Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at)
    return post


def post_release(*, actor: User, post_id: int) -> Post:
    """A moderator lets a held post be read by the coalition's people."""
    return _decide(actor, post_id, Post.Status.SHOWN, Kind.POST_RELEASED)


def post_withhold(*, actor: User, post_id: int) -> Post:
    """A moderator keeps a held post from everyone but its author."""
    return _decide(actor, post_id, Post.Status.WITHHELD, Kind.POST_WITHHELD)


def _held_for(actor: User, *texts: str) -> list[str]:
    """The doxxing brake, as for a case's texts (`minjian.redaction.persons`): what the
    texts expose of a private person they name holds them for a moderator, whoever wrote
    them but staff. Other personal data is replaced already, and only the coalition's
    people read a thread."""
    if actor.is_staff:
        return []
    return [reason.value for reason in exposure_reasons(*texts)]


def _post(
    thread: Thread, actor: User, place: access.Standing, text: str, *, held_for: list[str]
) -> Post:
    organisation = place.speaks_for
    assert organisation is not None
    post = Post.objects.create(
        thread=thread,
        author=actor,
        organisation=organisation,
        text=text,
        status=Post.Status.HELD if held_for else Post.Status.SHOWN,
        held_for=held_for,
    )
    if held_for:
        _record(
            thread.coalition,
            Kind.POST_HELD,
            actor,
            organisation,
            {"thread": thread.pk, "post": post.pk, "exposes_person": held_for},
        )
    return post


@transaction.atomic
def _decide(actor: User, post_id: int, status: str, kind: str) -> Post:
    access.require_staff(actor)
    post = (
        Post.objects.select_for_update()
        .filter(pk=post_id)
        .select_related("thread__coalition")
        .first()
    )
    if post is None or post.status != Post.Status.HELD:
        raise DomainError("not_held", _("This text is not waiting for a moderator."), status=409)
    post.status = status
    post.save(update_fields=["status"])
    if status == Post.Status.SHOWN:
        Thread.objects.filter(pk=post.thread_id, last_post_at__lt=post.created_at).update(
            last_post_at=post.created_at
        )
    _record(
        post.thread.coalition,
        kind,
        actor,
        None,
        {"thread": post.thread_id, "post": post.pk},
    )
    return post


# ---------------------------------------------------------------------------------------
# Proposals and votes


@transaction.atomic
def proposal_open(
    *,
    actor: User,
    coalition: Coalition,
    title: str | None,
    text: str | None,
    closes_at: datetime | None,
) -> Proposal:
    """A member's person puts a proposal to the member organisations, voting until
    `closes_at`."""
    actor, place = access.require_people(actor, coalition)
    title = clean_public_text(title, field="title", limit=TITLE_MAX_LENGTH)
    text = clean_public_text(text, field="text", limit=TEXT_MAX_LENGTH)
    closing = clean_closing(closes_at)
    organisation = place.speaks_for
    assert organisation is not None
    proposal = Proposal.objects.create(
        coalition=coalition,
        organisation=organisation,
        author=actor,
        title=title,
        text=text,
        closes_at=closing,
    )
    _record(
        coalition,
        Kind.PROPOSAL_OPENED,
        actor,
        organisation,
        {"proposal": proposal.pk, "title": title, "closes_at": closing.isoformat()},
    )
    return proposal


def proposal_vote(
    *, actor: User, proposal: Proposal, option: str | None, reason: str | None
) -> Vote:
    """The delegate of a member organisation votes for it, with her reason; she may
    change the vote until the proposal closes. Refused, writing nothing: a vote by
    anyone but a delegate, after closing, an unknown option, no reason."""
    actor, delegation = access.require_delegate(actor, proposal.coalition)
    option = clean_option(option)
    reason = redact(clean_text(reason, field="reason", limit=REASON_MAX_LENGTH)).text
    with transaction.atomic():
        locked = Proposal.objects.select_for_update(no_key=True).get(pk=proposal.pk)
        if locked.is_closed():
            raise DomainError(
                "proposal_closed",
                _("Voting on this proposal has closed."),
                status=409,
            )
        vote, created = Vote.objects.update_or_create(
            proposal=locked,
            organisation=delegation.organisation,
            defaults={
                "delegate": actor,
                "option": option,
                "reason": reason,
                "cast_at": timezone.now(),
            },
        )
        _record(
            locked.coalition,
            Kind.VOTE_CAST,
            actor,
            delegation.organisation,
            {"proposal": locked.pk, "option": option, "changed": not created},
        )
        return vote


def proposals_close_due(*, coalition_id: int | None = None) -> int:
    """Count the votes of every proposal (of one coalition) whose closing time has come,
    once: a page, the feed or the API calls it before it reads the coalition, so results
    are shown from the moment voting closes. How many it closed. Nothing due (nearly
    always) costs one read and no transaction."""
    due = Proposal.objects.filter(closed_at__isnull=True, closes_at__lte=timezone.now())
    if coalition_id is not None:
        due = due.filter(coalition_id=coalition_id)
    if not due.exists():
        return 0
    closed = 0
    with transaction.atomic():
        # Another request closing the same proposals at the same moment skips them.
        for proposal in due.select_for_update(skip_locked=True).select_related("coalition"):
            tally = tally_of(proposal.votes.all())
            proposal.closed_at = proposal.closes_at
            proposal.agreed = is_agreed(tally)
            proposal.save(update_fields=["closed_at", "agreed"])
            _record(
                proposal.coalition,
                Kind.PROPOSAL_CLOSED,
                None,
                None,
                {"proposal": proposal.pk, "tally": tally, "agreed": proposal.agreed},
                at=proposal.closes_at,
            )
            closed += 1
    return closed


@transaction.atomic
def proposal_state_outcome(*, actor: User, proposal: Proposal, outcome: str | None) -> Proposal:
    """Once voting has closed, an admin or the delegate of a member organisation writes
    what the coalition decided, once; it goes on the public timeline."""
    proposals_close_due(coalition_id=proposal.coalition_id)
    locked = (
        Proposal.objects.select_for_update(no_key=True)
        .select_related("coalition")
        .get(pk=proposal.pk)
    )
    place = access.standing(actor, locked.coalition)
    speaking = place.administered_members() or ([place.delegation] if place.delegation else [])
    if not speaking:
        raise PermissionDenied(
            _("Only the admins and delegates of member organisations may do this."),
            code="not_a_member_admin",
        )
    if locked.closed_at is None:
        raise DomainError("proposal_open", _("Voting on this proposal is still open."), status=409)
    if locked.outcome:
        raise DomainError(
            "outcome_stated", _("The outcome of this proposal is already stated."), status=409
        )
    locked.outcome = clean_public_text(outcome, field="outcome", limit=TEXT_MAX_LENGTH)
    locked.save(update_fields=["outcome"])
    _record(
        locked.coalition,
        Kind.OUTCOME_STATED,
        actor,
        speaking[0].organisation,
        {"proposal": locked.pk, "agreed": locked.agreed},
    )
    return locked


# ---------------------------------------------------------------------------------------
# Joint action


@transaction.atomic
def statement_publish(*, actor: User, proposal: Proposal, text: str | None) -> Statement:
    """An admin of an organisation that agreed publishes the joint statement of an agreed
    proposal, signed by every member organisation that agreed."""
    locked, signers = _agreed(actor, proposal)
    if Statement.objects.filter(proposal=locked).exists():
        raise DomainError(
            "statement_published",
            _("This proposal's joint statement is already published."),
            status=409,
        )
    statement = Statement.objects.create(
        coalition=locked.coalition,
        proposal=locked,
        text=clean_public_text(text, field="text", limit=TEXT_MAX_LENGTH),
    )
    statement.signers.set(signers)
    _record(
        locked.coalition,
        Kind.STATEMENT_PUBLISHED,
        actor,
        None,
        {
            "proposal": locked.pk,
            "statement": statement.pk,
            "signers": [_named(organisation) for organisation in signers],
        },
    )
    return statement


def petition_start(
    *,
    actor: User,
    proposal: Proposal,
    title: str | None,
    request: str | None,
    background: str | None,
    deadline: date | None,
    signature_goal: int | None,
    addressed_organisation: Organisation | None = None,
    addressed_name: str = "",
    addressed_contact: str = "",
    topic: Topic | None = None,
    region: Region | None = None,
    cited_cases: Iterable[Case] = (),
) -> Petition:
    """An admin of an organisation that agreed starts, from an agreed proposal, a petition
    co-owned by every member organisation that agreed, each signing it as an organisation
    (the coalition's recorded decision is their agreement: `owners_agreed`). The petition
    is a draft of its owners, on its way as any petition (`minjian.petitions`)."""
    with transaction.atomic():
        locked, owners = _agreed(actor, proposal)
        if locked.petition_id is not None:
            raise DomainError(
                "petition_started",
                _("A joint petition was already started from this proposal."),
                status=409,
            )
        petition = petition_create(
            actor=actor,
            title=title or "",
            request=request or "",
            background=background or "",
            deadline=deadline,
            signature_goal=signature_goal,
            addressed_organisation=addressed_organisation,
            addressed_name=addressed_name,
            addressed_contact=addressed_contact,
            topic=topic,
            region=region,
            cited_cases=cited_cases,
            owner_organisations=owners,
            owners_agreed=True,
        )
        locked.petition = petition
        locked.save(update_fields=["petition"])
        _record(
            locked.coalition,
            Kind.PETITION_STARTED,
            actor,
            None,
            {
                "proposal": locked.pk,
                "petition": petition.pk,
                "title": petition.title,
                "owners": [_named(organisation) for organisation in owners],
            },
        )
        return petition


def agreeing_organisations(proposal: Proposal) -> list[Organisation]:
    """The member organisations whose delegates voted agree, by address."""
    return [
        vote.organisation
        for vote in proposal.votes.filter(option=Option.AGREE)
        .select_related("organisation")
        .order_by("organisation__slug")
    ]


def _agreed(actor: User, proposal: Proposal) -> tuple[Proposal, list[Organisation]]:
    proposals_close_due(coalition_id=proposal.coalition_id)
    locked = (
        Proposal.objects.select_for_update(no_key=True)
        .select_related("coalition")
        .get(pk=proposal.pk)
    )
    if not locked.agreed:
        raise DomainError(
            "proposal_not_agreed",
            _("Only a proposal the members agreed to, once voting has closed, can be acted on."),
            status=409,
        )
    signers = agreeing_organisations(locked)
    administered = access.standing(actor, locked.coalition).administered
    if not any(organisation.pk in administered for organisation in signers):
        raise PermissionDenied(
            _("Only an admin of an organisation that agreed may do this."),
            code="not_an_agreeing_admin",
        )
    return locked, signers


# ---------------------------------------------------------------------------------------
# The one writer of the history


def _locked(coalition: Coalition) -> Coalition:
    return Coalition.objects.select_for_update(no_key=True).get(pk=coalition.pk)


def _named(organisation: Organisation) -> dict[str, str]:
    return {
        "slug": organisation.slug,
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
    }


def _record(
    coalition: Coalition,
    kind: str,
    actor: User | None,
    organisation: Organisation | None,
    payload: dict[str, Any],
    *,
    at: datetime | None = None,
) -> CoalitionEvent:
    if kind in CoalitionEvent.PUBLIC_KINDS or kind == Kind.VOTE_CAST:
        touch(COALITIONS, coalition_tag(coalition.pk))
    if organisation is not None:
        payload = {"organisation": _named(organisation)} | payload
    event = CoalitionEvent.objects.create(
        coalition=coalition,
        kind=kind,
        actor=actor,
        organisation=organisation,
        payload=payload,
        created_at=at or timezone.now(),
    )
    record_event(coalition, event)
    return event
