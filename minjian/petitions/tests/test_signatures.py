"""Signing by account, by e-mail with double opt-in, as an organisation; withdrawing;
staff invalidating in bulk and reviewing; one mailbox, account or organisation signs once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from minjian.accounts.models import User
from minjian.core.errors import DomainError
from minjian.core.moderation_log import recent_entries
from minjian.notify.tests.mailbox import Inbox, subject, text_body
from minjian.orgs.models import Organisation
from minjian.petitions import services, tokens
from minjian.petitions.models import Petition, PetitionEvent, Signature
from minjian.petitions.selectors import counts_by_region, organisation_signatures
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region

SignatureState = Signature.State


@pytest.fixture
def petition(author: User) -> Petition:
    return make_petition(author)


def _links(body: str) -> tuple[str, str]:
    confirm = re.search(r"/petitions/signatures/confirm/([^/\s]+)/", body)
    withdraw = re.search(r"/petitions/signatures/withdraw/([^/\s]+)/", body)
    assert confirm is not None and withdraw is not None
    return confirm.group(1), withdraw.group(1)


def test_an_e_mail_signature_counts_once_confirmed_and_forgets_the_address(
    petition: Petition, smtp: Inbox, committed: Callable[[], Any], regions: dict[str, Region]
) -> None:
    with committed():
        signature = services.petition_sign_by_email(
            petition=petition,
            email="Wang.Fang+petition@gmail.com",
            language="en",
            signer=Signer(display_name="Wang Fang", region=regions["340000"]),
        )
    assert signature.state == SignatureState.PENDING
    assert signature.pending_address == "Wang.Fang+petition@gmail.com"
    (mail,) = smtp.to("Wang.Fang+petition@gmail.com")
    assert "Confirm your signature" in subject(mail)
    confirm, _withdraw = _links(text_body(mail))
    services.signature_confirm(token=confirm)
    services.signature_confirm(token=confirm)  # twice: counts once
    signature.refresh_from_db()
    petition.refresh_from_db()
    assert signature.state == SignatureState.VALIDATED
    assert signature.pending_address == ""
    assert "wang.fang+petition@gmail.com" not in str(list(Signature.objects.values())).lower()
    assert petition.validated_count == 6
    counts = counts_by_region(petition)
    assert [(row.region.code, row.count) for row in counts.regions] == [("340000", 1)]
    assert counts.without_region == 5


def test_the_confirmation_mail_is_in_the_signer_s_language(
    petition: Petition, smtp: Inbox, committed: Callable[[], Any]
) -> None:
    with committed():
        services.petition_sign_by_email(
            petition=petition, email="li@example.org", language="zh-hans"
        )
    (mail,) = smtp.to("li@example.org")
    assert "确认" in subject(mail)


def test_the_same_mailbox_spelled_otherwise_cannot_sign_twice(
    petition: Petition, snapshot: Callable[[], Any]
) -> None:
    services.petition_sign_by_email(petition=petition, email="wangfang@gmail.com")
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.petition_sign_by_email(petition=petition, email="Wang.Fang+2@googlemail.com")
    assert (refused.value.code, refused.value.status) == ("already_signed", 409)
    assert snapshot() == before


def test_she_withdraws_by_the_link_and_may_sign_again(
    petition: Petition, smtp: Inbox, committed: Callable[[], Any]
) -> None:
    with committed():
        services.petition_sign_by_email(petition=petition, email="fan@example.org")
    confirm, withdraw = _links(text_body(smtp.to("fan@example.org")[0]))
    services.signature_confirm(token=confirm)
    services.signature_withdraw(token=withdraw)
    services.signature_withdraw(token=withdraw)  # twice: nothing more
    petition.refresh_from_db()
    assert petition.validated_count == 5
    again = services.petition_sign_by_email(petition=petition, email="fan@example.org")
    assert again.state == SignatureState.PENDING
    with pytest.raises(DomainError) as used:
        services.signature_confirm(token=confirm)
    assert used.value.code == "signature_ended"


def test_an_account_signs_once_and_withdraws_from_her_account(
    petition: Petition, user: User, snapshot: Callable[[], Any]
) -> None:
    signature = services.petition_sign(actor=user, petition=petition)
    assert signature.state == SignatureState.VALIDATED
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.petition_sign(actor=user, petition=petition)
    assert refused.value.code == "already_signed"
    assert snapshot() == before
    services.signature_withdraw(actor=user, petition=petition)
    petition.refresh_from_db()
    assert petition.validated_count == 5
    services.petition_sign(actor=user, petition=petition)
    petition.refresh_from_db()
    assert petition.validated_count == 6


def test_an_organisation_signs_as_itself_apart_from_its_admin(
    petition: Petition, ngo: Organisation, ngo_admin: User, user: User
) -> None:
    services.petition_sign_as_organisation(actor=ngo_admin, petition=petition, organisation=ngo)
    services.petition_sign(actor=ngo_admin, petition=petition)  # she signs as herself too
    with pytest.raises(DomainError) as twice:
        services.petition_sign_as_organisation(actor=ngo_admin, petition=petition, organisation=ngo)
    assert twice.value.code == "already_signed"
    with pytest.raises(DomainError) as not_admin:
        services.petition_sign_as_organisation(actor=user, petition=petition, organisation=ngo)
    assert not_admin.value.code == "forbidden"
    assert [s.signed_as_organisation for s in organisation_signatures(petition)] == [ngo]
    assert petition.events.filter(
        kind=PetitionEvent.Kind.ORGANISATION_SIGNED, organisation=ngo
    ).exists()
    services.signature_withdraw(actor=ngo_admin, petition=petition, organisation=ngo)
    assert organisation_signatures(petition) == []


def test_a_closed_petition_takes_no_signature(
    author: User, user: User, staff: User, snapshot: Callable[[], Any]
) -> None:
    petition = make_petition(author)
    services.petition_close(actor=staff, petition=petition)
    before = snapshot()
    sign: Callable[[], object]
    for sign in (
        lambda: services.petition_sign(actor=user, petition=petition),
        lambda: services.petition_sign_by_email(petition=petition, email="a@example.org"),
    ):
        with pytest.raises(DomainError) as refused:
            sign()
        assert refused.value.code == "petition_not_signable"
    assert snapshot() == before


def test_a_signer_s_region_is_a_province(petition: Petition, user: User, regions: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services.petition_sign(
            actor=user, petition=petition, signer=Signer(region=regions["340300"])
        )
    assert refused.value.code == "region_not_province"


def test_bulk_invalidation_uncounts_and_is_a_public_counted_log_entry(
    petition: Petition, staff: User, regions: dict[str, Region]
) -> None:
    for number in range(3):
        signature = services.petition_sign_by_email(
            petition=petition,
            email=f"bot{number}@spam.example",
            signer=Signer(region=regions["420000"]),
        )
        services.signature_confirm(token=tokens.confirmation_token(signature.pk, signature.nonce))
    services.petition_sign_by_email(petition=petition, email="bot9@spam.example")  # pending
    kept = services.petition_sign_by_email(petition=petition, email="real@example.org")
    petition.refresh_from_db()
    assert petition.validated_count == 8
    invalidated = services.signatures_invalidate_bulk(
        actor=staff, petition=petition, email_domain="SPAM.example", reason="批量注册的地址。"
    )
    assert invalidated == 4
    petition.refresh_from_db()
    assert petition.validated_count == 5
    assert counts_by_region(petition).regions == []
    kept.refresh_from_db()
    assert kept.state == SignatureState.PENDING
    with override("en"):
        entry, approval = recent_entries()
    assert approval.count is None  # the moderator who opened it
    assert entry.count == 4
    assert entry.reason == "批量注册的地址。"
    assert entry.subject == f"Petition #{petition.pk}"
    # An invalidated address cannot sign the same petition again.
    with pytest.raises(DomainError) as refused:
        services.petition_sign_by_email(petition=petition, email="bot0@spam.example")
    assert refused.value.code == "already_signed"


def test_bulk_invalidation_needs_staff_and_a_criterion(
    petition: Petition, user: User, staff: User, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as not_staff:
        services.signatures_invalidate_bulk(
            actor=user, petition=petition, email_domain="x.org", reason="r"
        )
    assert not_staff.value.code == "forbidden"
    with pytest.raises(DomainError) as no_criterion:
        services.signatures_invalidate_bulk(actor=staff, petition=petition, reason="r")
    assert no_criterion.value.code == "criteria_required"
    assert snapshot() == before


def test_a_window_invalidates_what_was_signed_in_it(
    petition: Petition, staff: User, user: User
) -> None:
    start = timezone.now()
    services.petition_sign(actor=user, petition=petition)
    assert (
        services.signatures_invalidate_bulk(
            actor=staff, petition=petition, since=start, until=timezone.now(), reason="刷票"
        )
        == 1
    )
    petition.refresh_from_db()
    assert petition.validated_count == 5


def test_signatures_beyond_the_limits_wait_for_review(
    petition: Petition, user: User, staff: User
) -> None:
    signature = services.petition_sign(
        actor=user, petition=petition, signer=Signer(needs_review=True)
    )
    assert signature.state == SignatureState.PENDING
    petition.refresh_from_db()
    assert petition.validated_count == 5
    assert (
        services.signatures_review(
            actor=staff, petition=petition, signature_ids=[signature.pk], accept=True
        )
        == 1
    )
    petition.refresh_from_db()
    assert petition.validated_count == 6


def test_unconfirmed_signatures_expire_with_their_address(petition: Petition) -> None:
    services.petition_sign_by_email(petition=petition, email="late@example.org")
    later = timezone.now() + tokens.CONFIRMATION_MAX_AGE + timedelta(minutes=1)
    assert services.signatures_expire_pending(now=later) == 1
    assert not Signature.objects.filter(pending_address="late@example.org").exists()


def test_a_link_not_made_here_is_refused(petition: Petition) -> None:
    with pytest.raises(DomainError) as refused:
        services.signature_confirm(token="forged")
    assert refused.value.code == "link_invalid"
    with pytest.raises(DomainError) as withdrawal:
        services.signature_withdraw(token="forged")
    assert withdrawal.value.code == "link_invalid"
