"""Pages of coalitions: the public list, a coalition's page and its proposals (stored for
anonymous readers until the coalition changes), and the pages of the member
organisations' people: membership, threads, proposals and votes.

A NotFound or PermissionDenied from `access`, a selector or a service becomes its page
(minjian.core.middleware.DomainErrorMiddleware)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minjian.accounts.access import signed_in
from minjian.accounts.models import User
from minjian.coalitions import access, selectors, services, timeline
from minjian.coalitions.access import Standing
from minjian.coalitions.closing import closes_due_proposals
from minjian.coalitions.forms import (
    DelegateForm,
    FoundForm,
    InviteForm,
    OutcomeForm,
    PetitionForm,
    ProposalForm,
    ReplyForm,
    StatementForm,
    ThreadForm,
    VoteForm,
)
from minjian.coalitions.models import Coalition, Option, Proposal
from minjian.coalitions.services import COALITIONS, coalition_tag
from minjian.core.errors import DomainError
from minjian.core.forms import see_other, show_domain_error
from minjian.core.public_cache import ORGANISATIONS, public_page, tags_for_everything
from minjian.core.text import parse_id
from minjian.orgs.models import Organisation

COALITIONS_PER_PAGE = 20


def _coalition_tags(coalition_id: int, **_kwargs: Any) -> tuple[str, ...]:
    return (coalition_tag(coalition_id), ORGANISATIONS)


@closes_due_proposals
@public_page(tags_for_everything(COALITIONS, ORGANISATIONS))
def coalition_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.coalition_list(), COALITIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "coalitions/list.html",
        {"page": page, "query": {}, "invitations": selectors.invitations_for(request.user)},
    )


@login_required
def coalition_found(request: HttpRequest) -> HttpResponse:
    actor = signed_in(request)
    form = FoundForm(
        request.POST or None, organisations=selectors.administered_organisations(actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            coalition = services.coalition_found(actor=actor, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The coalition is founded. Invite other organisations."))
            return see_other("coalitions:membership", coalition_id=coalition.pk)
    return render(
        request, "coalitions/found.html", {"form": form}, status=400 if form.errors else 200
    )


@closes_due_proposals
@public_page(_coalition_tags)
def coalition_detail(request: HttpRequest, coalition_id: int) -> HttpResponse:
    """Its purpose, members (unless hidden from this reader), proposals, statements and
    timeline."""
    coalition = selectors.coalition_detail(coalition_id)
    standing = access.standing(request.user, coalition)
    return render(
        request,
        "coalitions/detail.html",
        {
            "coalition": coalition,
            "standing": standing,
            "proposals": [
                selectors.results(proposal, standing)
                for proposal in selectors.proposals_of(coalition)
            ],
            "statements": selectors.statements_of(coalition),
            "timeline": timeline.entries(
                coalition,
                selectors.timeline(coalition, sees_members=standing.sees_members),
                sees_members=standing.sees_members,
            ),
        },
    )


@login_required
def coalition_membership(request: HttpRequest, coalition_id: int) -> HttpResponse:
    """Admins invite organisations, accept or decline an invitation for theirs, name its
    delegate or take it out."""
    actor = signed_in(request)
    coalition = selectors.coalition_detail(coalition_id)
    invite_form = InviteForm(prefix="invite")
    problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "invite":
            invite_form = InviteForm(request.POST, prefix="invite")
            if invite_form.is_valid() and _done(
                invite_form,
                lambda: services.coalition_invite(
                    actor=actor,
                    coalition=coalition,
                    organisation=selectors.organisation_by_slug(
                        invite_form.cleaned_data["organisation"]
                    ),
                ),
            ):
                return _back(request, coalition, _("The organisation is invited."))
        elif action in _PLACE_ACTIONS:
            try:
                organisation = selectors.organisation_by_slug(request.POST.get("organisation", ""))
                _PLACE_ACTIONS[action](actor, coalition, organisation, request.POST)
            except DomainError as error:
                problems.append(str(error.message))
            else:
                return _back(request, coalition, _PLACE_DONE[action]())
        else:
            problems.append(_("Unknown action."))
    standing = access.standing(actor, coalition)
    return render(
        request,
        "coalitions/membership.html",
        {
            "coalition": coalition,
            "standing": standing,
            "invite_form": invite_form,
            "delegate_forms": [
                (
                    place,
                    DelegateForm(
                        initial={"delegate": place.delegate.username if place.delegate else ""},
                        memberships=selectors.delegate_choices(place.organisation),
                        prefix=place.organisation.slug,
                    ),
                )
                for place in standing.administered_members()
            ],
            "problems": problems,
        },
        status=400 if problems or invite_form.errors else 200,
    )


def _name_delegate(
    actor: User, coalition: Coalition, organisation: Organisation, data: QueryDict
) -> object:
    chosen = selectors.member_people(organisation, data.get(f"{organisation.slug}-delegate", ""))
    return services.coalition_name_delegate(
        actor=actor,
        coalition=coalition,
        organisation=organisation,
        delegate=chosen.user if chosen else None,
    )


_PLACE_ACTIONS: dict[str, Callable[..., object]] = {
    "accept": lambda actor, coalition, organisation, _data: services.coalition_accept(
        actor=actor, coalition=coalition, organisation=organisation
    ),
    "decline": lambda actor, coalition, organisation, _data: services.coalition_decline(
        actor=actor, coalition=coalition, organisation=organisation
    ),
    "leave": lambda actor, coalition, organisation, _data: services.coalition_leave(
        actor=actor, coalition=coalition, organisation=organisation
    ),
    "delegate": _name_delegate,
}
_PLACE_DONE: dict[str, Callable[[], str]] = {
    "accept": lambda: _("Your organisation is a member of the coalition now."),
    "decline": lambda: _("The invitation is declined."),
    "leave": lambda: _("Your organisation has left the coalition."),
    "delegate": lambda: _("The delegate is named."),
}


@login_required
def threads(request: HttpRequest, coalition_id: int) -> HttpResponse:
    actor = signed_in(request)
    coalition = selectors.coalition_detail(coalition_id)
    _actor, standing = access.require_people(actor, coalition)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(actor=actor, coalition=coalition, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            _say_if_held(request, thread.opening is not None and thread.opening.held_for)
            return see_other("coalitions:thread", coalition_id=coalition.pk, thread_id=thread.pk)
    return render(
        request,
        "coalitions/threads.html",
        {
            "coalition": coalition,
            "threads": selectors.threads_for(standing, coalition),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def thread(request: HttpRequest, coalition_id: int, thread_id: int) -> HttpResponse:
    actor = signed_in(request)
    coalition = selectors.coalition_detail(coalition_id)
    _actor, standing = access.require_people(actor, coalition)
    found = selectors.thread_detail(standing, coalition, thread_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.thread_reply(actor=actor, thread=found, text=form.cleaned_data["text"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            _say_if_held(request, post.held_for)
            return see_other("coalitions:thread", coalition_id=coalition.pk, thread_id=found.pk)
    return render(
        request,
        "coalitions/thread.html",
        {
            "coalition": coalition,
            "thread": found,
            "posts": selectors.posts_for(standing, found),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _say_if_held(request: HttpRequest, held: object) -> None:
    if held:
        messages.warning(
            request,
            _(
                "Your message names a private person together with her personal data: it "
                "waits for a moderator, and nobody else reads it until it is released."
            ),
        )


@login_required
def proposal_new(request: HttpRequest, coalition_id: int) -> HttpResponse:
    actor = signed_in(request)
    coalition = selectors.coalition_detail(coalition_id)
    access.require_people(actor, coalition)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_open(actor=actor, coalition=coalition, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("The proposal is open for the delegates' votes."))
            return see_other(
                "coalitions:proposal", coalition_id=coalition.pk, proposal_id=proposal.pk
            )
    return render(
        request,
        "coalitions/proposal_form.html",
        {"coalition": coalition, "form": form},
        status=400 if form.errors else 200,
    )


@closes_due_proposals
@public_page(_coalition_tags)
def proposal_detail(request: HttpRequest, coalition_id: int, proposal_id: int) -> HttpResponse:
    """A proposal, its votes as the reader may read them, and the forms of whoever may act
    on it: the delegate's vote, the outcome, the joint statement."""
    coalition = selectors.coalition_detail(coalition_id)
    proposal = selectors.proposal_detail(coalition, proposal_id)
    return _proposal_page(request, coalition, proposal, access.standing(request.user, coalition))


@require_POST
@login_required
def proposal_act(
    request: HttpRequest, coalition_id: int, proposal_id: int, action: str
) -> HttpResponse:
    """A form of the proposal's page sent: a vote, the outcome or the joint statement.
    Refused, the page comes back with the refusal next to the field."""
    actor = signed_in(request)
    coalition = selectors.coalition_detail(coalition_id)
    proposal = selectors.proposal_detail(coalition, proposal_id)
    form_class, act, done = _PROPOSAL_ACTIONS[action]
    form = (
        PetitionForm(request.POST, agencies=selectors.agencies())
        if form_class is PetitionForm
        else form_class(request.POST)
    )
    if form.is_valid():
        try:
            act(actor=actor, proposal=proposal, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, done())
            return see_other(
                "coalitions:proposal", coalition_id=coalition.pk, proposal_id=proposal.pk
            )
    standing = access.standing(actor, coalition)
    return _proposal_page(request, coalition, proposal, standing, {action: form}, status=400)


_PROPOSAL_ACTIONS: dict[str, tuple[type[forms.Form], Callable[..., object], Callable[[], str]]] = {
    "vote": (VoteForm, services.proposal_vote, lambda: _("Your organisation's vote is counted.")),
    "outcome": (
        OutcomeForm,
        services.proposal_state_outcome,
        lambda: _("The outcome is on the coalition's timeline."),
    ),
    "statement": (
        StatementForm,
        services.statement_publish,
        lambda: _("The joint statement is published."),
    ),
    "petition": (
        PetitionForm,
        services.petition_start,
        lambda: _(
            "The joint petition is written, signed by every organisation that agreed. "
            "It is a draft of its owners until they send it out for sponsors."
        ),
    ),
}


def _proposal_page(
    request: HttpRequest,
    coalition: Coalition,
    proposal: Proposal,
    standing: Standing,
    sent: dict[str, forms.Form] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    sent = sent or {}
    result = selectors.results(proposal, standing)
    closed = proposal.is_closed()
    delegation = standing.delegation
    speaks = bool(standing.administered_members() or delegation)
    agreeing = {vote.organisation_id for vote in result.votes if vote.option == Option.AGREE}
    may_act_jointly = bool(proposal.agreed) and bool(agreeing & standing.administered)
    own = result.own_vote
    return render(
        request,
        "coalitions/proposal.html",
        {
            "coalition": coalition,
            "proposal": proposal,
            "results": result,
            "standing": standing,
            "vote_form": sent.get("vote")
            or (
                VoteForm(
                    initial={"option": own.option, "reason": own.readable_reason} if own else None
                )
                if delegation and not closed
                else None
            ),
            "outcome_form": sent.get("outcome")
            or (OutcomeForm() if speaks and proposal.closed_at and not proposal.outcome else None),
            "statement_form": sent.get("statement")
            or (
                StatementForm(initial={"text": proposal.readable_text})
                if may_act_jointly and not hasattr(proposal, "statement")
                else None
            ),
            "petition_form": sent.get("petition")
            or (
                PetitionForm(
                    initial={"title": proposal.readable_title, "request": proposal.readable_text},
                    agencies=selectors.agencies(),
                )
                if may_act_jointly and proposal.petition_id is None
                else None
            ),
            "petition_owners": [
                vote.organisation for vote in result.votes if vote.option == Option.AGREE
            ],
        },
        status=status,
    )


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """The moderators' queue of posts held for naming a private person."""
    actor = access.require_staff(signed_in(request))
    if request.method == "POST":
        decide = {"release": services.post_release, "withhold": services.post_withhold}.get(
            request.POST.get("action", "")
        )
        post_id = parse_id(request.POST.get("post"))
        try:
            if decide is None or post_id is None:
                raise DomainError("unknown_action", _("Unknown action."))
            decide(actor=actor, post_id=post_id)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The moderator's decision is recorded."))
        return see_other("coalitions:moderation")
    return render(request, "coalitions/moderation.html", {"posts": selectors.held_posts()})


def _done(form: forms.Form, act: Callable[[], object]) -> bool:
    try:
        act()
    except DomainError as error:
        show_domain_error(form, error)
        return False
    return True


def _back(request: HttpRequest, coalition: Coalition, done: str) -> HttpResponse:
    messages.success(request, done)
    return see_other("coalitions:membership", coalition_id=coalition.pk)
