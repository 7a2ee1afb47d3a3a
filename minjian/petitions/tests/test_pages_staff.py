"""Staff's pages of petitions (the moderation queue, signatures beyond the rate limits,
bulk invalidation counted in the public moderation log, trending clients as keyed hashes)
and the addressed body's (the petitions delivered to it, its answer); each closed to
whoever may not use it, each refusal shown with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Organisation
from minjian.petitions import services, tokens
from minjian.petitions.models import Petition, Signature
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition

ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}
Snapshot = Callable[[], Any]


def test_staff_pages_are_closed_to_others(client: Client, author: User, user: User) -> None:
    petition = make_petition(author)
    client.force_login(user)

    for address in (
        "/petitions/moderation/",
        "/petitions/moderation/trending/",
        f"/petitions/{petition.pk}/invalidate/",
    ):
        assert client.get(address).status_code == 403, address
    assert client.post(f"/petitions/{petition.pk}/approve/").status_code == 403


def test_a_moderator_opens_a_sponsored_petition(client: Client, author: User, staff: User) -> None:
    petition = make_petition(
        author, title="Sponsored petition", state=Petition.State.AWAITING_MODERATION
    )
    client.force_login(staff)

    queue = client.get("/petitions/moderation/", headers=ENGLISH).content.decode()
    assert "Sponsored petition" in queue
    client.post(f"/petitions/{petition.pk}/approve/", headers=ENGLISH)

    assert Petition.objects.get(pk=petition.pk).state == Petition.State.OPEN
    after = client.get("/petitions/moderation/", headers=ENGLISH).content.decode()
    assert "The petition is open for signatures." in after
    assert "No petition waits for a moderator." in after


def test_a_rejection_needs_a_public_reason_and_leaves_a_tombstone(
    client: Client, author: User, staff: User, snapshot: Snapshot
) -> None:
    petition = make_petition(author, state=Petition.State.AWAITING_MODERATION)
    client.force_login(staff)
    before = snapshot()

    refused = client.post(
        f"/petitions/{petition.pk}/reject/", {f"reject-{petition.pk}-reason": ""}, headers=ENGLISH
    )
    assert refused.status_code == 400 and snapshot() == before
    assert "errorlist" in refused.content.decode()

    client.post(
        f"/petitions/{petition.pk}/reject/",
        {f"reject-{petition.pk}-reason": "It names a private person."},
    )
    assert Petition.objects.get(pk=petition.pk).state == Petition.State.REJECTED
    log = client.get("/cases/moderation/log/", headers=ENGLISH).content.decode()
    assert "It names a private person." in log


def test_bulk_invalidation_counts_in_the_public_moderation_log(
    client: Client, author: User, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    petition = make_petition(author)
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            signature = services.petition_sign_by_email(
                petition=petition, email=f"bot{number}@spam.example"
            )
        services.signature_confirm(token=_confirmation(signature))
    before = Petition.objects.get(pk=petition.pk).validated_count
    client.force_login(staff)

    response = client.post(
        f"/petitions/{petition.pk}/invalidate/",
        {"email_domain": "spam.example", "reason": "Made by a script."},
        headers=ENGLISH,
    )

    assert response.status_code == 303
    assert Petition.objects.get(pk=petition.pk).validated_count == before - 3
    page = client.get(response["Location"], headers=ENGLISH).content.decode()
    assert "3 signatures invalidated." in page
    log = client.get("/cases/moderation/log/", headers=ENGLISH).content.decode()
    assert "Made by a script." in log


def test_bulk_invalidation_without_criteria_is_refused_next_to_the_field(
    client: Client, author: User, staff: User, snapshot: Snapshot
) -> None:
    petition = make_petition(author)
    client.force_login(staff)
    before = snapshot()

    response = client.post(
        f"/petitions/{petition.pk}/invalidate/", {"reason": "Because."}, headers=CHINESE
    )

    assert response.status_code == 400
    field = response.content.decode().split('name="email_domain"')[0]
    assert "请指定一个邮箱域名、一个时间段，或两者都指定。" in field
    assert snapshot() == before


def test_signatures_beyond_the_limits_are_reviewed_and_clients_shown_hashed(
    client: Client, author: User, staff: User
) -> None:
    petition = make_petition(author, title="Suddenly shared")
    crowd = [make_user(f"crowd-{number}") for number in range(2)]
    for person in crowd:
        services.petition_sign(
            actor=person,
            petition=petition,
            signer=Signer(client_key="a" * 64, needs_review=True),
        )
    before = Petition.objects.get(pk=petition.pk).validated_count
    client.force_login(staff)

    queue = client.get("/petitions/moderation/", headers=ENGLISH).content.decode()
    assert "Suddenly shared" in queue.split("Signatures beyond the rate limits")[1]
    trending = client.get("/petitions/moderation/trending/", headers=ENGLISH).content.decode()
    assert "aaaaaaaaaaaa" in trending and "127.0.0.1" not in trending

    ids = list(Signature.objects.filter(needs_review=True).values_list("pk", flat=True))
    client.post(f"/petitions/{petition.pk}/review/", {"signature": ids, "decision": "accept"})
    assert Petition.objects.get(pk=petition.pk).validated_count == before + 2


def _confirmation(signature: Signature) -> str:
    return tokens.confirmation_token(signature.pk, signature.nonce)


def _delivered(author: User, agency: Organisation) -> Petition:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=6)
    services.petition_sign(actor=make_user("the-sixth"), petition=petition)
    return services.petition_deliver(actor=None, petition=Petition.objects.get(pk=petition.pk))


def test_the_agencys_members_read_what_was_delivered_and_answer(
    client: Client, author: User, agency: Organisation, agency_member: User
) -> None:
    petition = _delivered(author, agency)
    client.force_login(agency_member)

    listed = client.get(f"/petitions/delivered/{agency.slug}/", headers=ENGLISH).content.decode()
    assert "请公开淮河排污口监测数据" in listed and "Answer" in listed
    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert "Record the answer" in page
    response = client.post(
        f"/petitions/{petition.pk}/answer/", {"text": "We publish it monthly."}, headers=ENGLISH
    )

    assert response.status_code == 303
    assert Petition.objects.get(pk=petition.pk).state == Petition.State.ANSWERED
    answered = client.get(response["Location"], headers=ENGLISH).content.decode()
    assert "We publish it monthly." in answered.split('id="answer"')[1]


def test_others_neither_read_an_agencys_petitions_nor_answer(
    client: Client, author: User, agency: Organisation, user: User, snapshot: Snapshot
) -> None:
    petition = _delivered(author, agency)
    client.force_login(user)
    before = snapshot()

    assert client.get(f"/petitions/delivered/{agency.slug}/").status_code == 403
    assert client.get(f"/petitions/{petition.pk}/answer/").status_code == 403
    assert client.post(f"/petitions/{petition.pk}/answer/", {"text": "Forged."}).status_code == 403
    assert snapshot() == before


def test_staff_record_a_named_bodys_answer_once_delivered(
    client: Client, author: User, staff: User, snapshot: Snapshot
) -> None:
    petition = make_petition(author, signature_goal=6)
    client.force_login(staff)
    before = snapshot()

    early = client.post(
        f"/petitions/{petition.pk}/answer/", {"text": "Too early."}, headers=ENGLISH
    )
    assert early.status_code == 409
    assert "this cannot be done now" in early.content.decode()
    assert snapshot() == before

    services.petition_sign(actor=make_user("the-sixth"), petition=petition)
    services.petition_deliver(actor=None, petition=Petition.objects.get(pk=petition.pk))
    queue = client.get("/petitions/moderation/", headers=ENGLISH).content.decode()
    assert "Delivered, waiting for the answer" in queue and "Record the answer" in queue
    client.post(f"/petitions/{petition.pk}/answer/", {"text": "The bureau will publish it."})
    assert Petition.objects.get(pk=petition.pk).state == Petition.State.ANSWERED
