"""A petition from draft to answer: owners, sponsors, a moderator, the deadline or the goal,
delivery and the body's answer; each refusal clear, with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from minjian.accountability.models import DeliveredPetition
from minjian.accountability.petition_facts import petition_figures
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.services import case_hide
from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions import access, services
from minjian.petitions.models import Petition, PetitionEvent, Signature
from minjian.petitions.tests.factories import NAMED_BODY, in_days, make_petition
from minjian.places.models import Region

State = Petition.State
Kind = PetitionEvent.Kind


def _kinds(petition: Petition) -> list[str]:
    return list(petition.events.order_by("id").values_list("kind", flat=True))


def _create(author: User, **fields: Any) -> Petition:
    arguments: dict[str, Any] = {
        "title": "请公开监测数据",
        "request": "按月公开。",
        "background": "",
        "deadline": in_days(10),
        "signature_goal": 10,
        **NAMED_BODY,
        **fields,
    }
    return services.petition_create(actor=author, **arguments)


def test_a_petition_goes_from_draft_to_answer(
    author: User, staff: User, agency: Organisation, agency_member: User
) -> None:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=7)
    assert petition.state == State.OPEN
    assert petition.validated_count == 5
    for number in range(2):
        services.petition_sign(actor=make_user(f"late-{number}"), petition=petition)
    petition.refresh_from_db()
    # The goal reached closes it; delivery to the agency's inbox follows.
    assert petition.state == State.CLOSED
    services.petition_deliver(actor=None, petition=petition)
    petition.refresh_from_db()
    assert petition.state == State.DELIVERED
    assert petition in access_inbox(agency)
    services.petition_answer(actor=agency_member, petition=petition, text="我局将按月公开数据。")
    petition.refresh_from_db()
    assert petition.state == State.ANSWERED
    assert _kinds(petition) == [
        Kind.CREATED,
        Kind.SUBMITTED,
        Kind.SPONSORED,
        Kind.APPROVED,
        Kind.GOAL_REACHED,
        Kind.CLOSED,
        Kind.DELIVERED,
        Kind.ANSWERED,
    ]
    answer = petition.events.get(kind=Kind.ANSWERED)
    assert answer.organisation == agency
    assert answer.payload["note"] == "我局将按月公开数据。"
    fact = DeliveredPetition.objects.get(organisation=agency, petition_id=petition.pk)
    assert fact.answer_seconds is not None
    figures = petition_figures(agency)
    assert (figures.delivered, figures.answered) == (1, 1)
    assert figures.median_time_to_answer == timedelta(seconds=fact.answer_seconds)


def access_inbox(organisation: Organisation) -> list[Petition]:
    from minjian.petitions.selectors import petitions_delivered_to

    return list(petitions_delivered_to(organisation))


def test_co_owners_accept_before_sponsors_are_sought(
    author: User, ngo: Organisation, ngo_admin: User, snapshot: Callable[[], Any]
) -> None:
    petition = _create(author, owner_organisations=[ngo])
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.petition_submit_for_sponsors(actor=ngo_admin, petition=petition)
    assert refused.value.code == "owners_not_accepted"
    assert snapshot() == before
    with pytest.raises(DomainError) as not_admin:
        services.petition_owner_accept(actor=author, petition=petition, organisation=ngo)
    assert not_admin.value.code == "forbidden"
    services.petition_owner_accept(actor=ngo_admin, petition=petition, organisation=ngo)
    services.petition_submit_for_sponsors(actor=ngo_admin, petition=petition)
    petition.refresh_from_db()
    assert petition.state == State.GATHERING_SPONSORS
    assert access.is_owner(ngo_admin, petition)
    assert access.is_owner(author, petition)  # its author, who wrote it for them


def test_owners_agreed_by_a_coalition_sign_as_organisations_and_count_as_sponsors(
    author: User, settings: Any
) -> None:
    settings.MINJIAN_PETITION_SPONSORS = 3
    members = [
        make_organisation(f"ngo-{number}", admins=[make_user(f"admin-{number}")])
        for number in range(3)
    ]
    petition = _create(author, owner_organisations=members, owners_agreed=True)
    assert petition.owners.filter(accepted_at__isnull=True).count() == 0
    assert petition.signatures.filter(signed_as_organisation__isnull=False).count() == 3
    petition = services.petition_submit_for_sponsors(actor=author, petition=petition)
    assert petition.state == State.AWAITING_MODERATION
    assert petition.validated_count == 3


def test_a_rejected_petition_is_a_tombstone_with_its_public_reason(
    author: User, staff: User
) -> None:
    petition = make_petition(author, state=State.AWAITING_MODERATION)
    services.petition_reject(actor=staff, petition=petition, reason="与本站规则不符。")
    with pytest.raises(access.PetitionRejected) as tombstone:
        access.access_petition(AnonymousUser(), petition.pk)
    assert tombstone.value.status == 410
    assert tombstone.value.details["reason"] == "与本站规则不符。"


def test_only_staff_approve_or_reject(author: User, snapshot: Callable[[], Any]) -> None:
    petition = make_petition(author, state=State.AWAITING_MODERATION)
    before = snapshot()
    action: Callable[[], object]
    for action in (
        lambda: services.petition_approve(actor=author, petition=petition),
        lambda: services.petition_reject(actor=author, petition=petition, reason="x"),
    ):
        with pytest.raises(DomainError) as refused:
            action()
        assert refused.value.code == "forbidden"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"addressed_name": "", "addressed_contact": ""}, "body_unknown"),
        ({"addressed_contact": ""}, "body_contact_required"),
        ({"addressed_contact": "not an address"}, "invalid_email"),
        ({"deadline": in_days(0)}, "deadline_past"),
        ({"deadline": in_days(-3)}, "deadline_past"),
        ({"signature_goal": 0}, "goal_invalid"),
        ({"title": " "}, "title_required"),
        ({"request": ""}, "request_required"),
    ],
)
def test_bad_petitions_are_refused_with_nothing_written(
    author: User, fields: dict[str, Any], code: str, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        _create(author, **fields)
    assert refused.value.code == code
    assert snapshot() == before


def test_a_petition_addresses_an_agency_not_an_ngo(
    author: User, ngo: Organisation, agency: Organisation
) -> None:
    with pytest.raises(DomainError) as refused:
        _create(author, addressed_organisation=ngo, addressed_name="", addressed_contact="")
    assert refused.value.code == "body_not_agency"
    with pytest.raises(DomainError) as both:
        _create(author, addressed_organisation=agency)
    assert both.value.code == "body_ambiguous"


def test_only_public_cases_are_cited(author: User, staff: User, regions: dict[str, Region]) -> None:
    public = make_case(regions["340321"])
    hidden = make_case(regions["340321"], title="另一起排污")
    case_hide(actor=staff, case_id=hidden.pk, reason="other")
    with pytest.raises(DomainError) as refused:
        _create(author, cited_cases=[public, hidden])
    assert refused.value.code == "case_not_public"
    petition = _create(author, cited_cases=[public])
    assert list(petition.cited_cases.all()) == [public]


def test_due_petitions_close_and_those_that_chose_it_are_delivered_at_the_deadline(
    author: User, smtp: Any, committed: Callable[[], Any]
) -> None:
    chose = make_petition(author, deliver_at_deadline=True, title="到期递交")
    waits = make_petition(author, title="未达目标")
    later = timezone.localdate() + timedelta(days=31)
    with committed():
        assert services.petitions_close_due(today=later) == 2
    chose.refresh_from_db()
    waits.refresh_from_db()
    assert chose.state == State.DELIVERED
    assert waits.state == State.CLOSED
    with pytest.raises(DomainError) as refused:
        services.petition_deliver(actor=None, petition=waits)
    assert refused.value.code == "goal_not_reached"


def test_the_deadline_must_pass_before_the_site_closes_a_petition(author: User) -> None:
    petition = make_petition(author)
    with pytest.raises(DomainError) as refused:
        services.petition_close(actor=None, petition=petition)
    assert refused.value.code == "deadline_not_reached"


def test_only_the_body_addressed_or_staff_record_the_answer(
    author: User, agency: Organisation, ngo_admin: User, staff: User
) -> None:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=5)
    petition.refresh_from_db()
    services.petition_deliver(actor=None, petition=petition)
    with pytest.raises(DomainError) as refused:
        services.petition_answer(actor=ngo_admin, petition=petition, text="?")
    assert refused.value.code == "forbidden"
    services.petition_answer(actor=staff, petition=petition, text="书面答复已收到。")
    petition.refresh_from_db()
    assert petition.state == State.ANSWERED


def test_the_daily_command_closes_due_petitions_and_forgets_unconfirmed_addresses(
    author: User,
) -> None:
    petition = make_petition(author)
    Petition.objects.filter(pk=petition.pk).update(deadline=in_days(-1))
    pending = services.petition_sign_by_email(petition=petition, email="late@example.org")
    Signature.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(days=8))
    out = StringIO()
    call_command("close_due_petitions", stdout=out)
    petition.refresh_from_db()
    assert petition.state == State.CLOSED
    assert not Signature.objects.filter(pk=pending.pk).exists()
    assert "closed 1 petitions, deleted 1" in out.getvalue()
