"""Signing on a petition's page and withdrawing, every refusal shown in the reader's
language with nothing written: one click signed in, as an organisation by its admin, by
e-mail with a confirmation link (no form token on the shared page), the mail's links, and
her own signatures' page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.notify.tests.mailbox import Inbox, text_body
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions import services
from minjian.petitions.models import Petition, Signature
from minjian.petitions.tests.factories import in_days, make_petition
from minjian.places.models import Region

ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}
Snapshot = Callable[[], Any]


def _count(petition: Petition) -> int:
    return Petition.objects.get(pk=petition.pk).validated_count


def _links(body: str) -> tuple[str, str]:
    confirm = re.search(r"/petitions/signatures/confirm/[^/\s]+/", body)
    withdraw = re.search(r"/petitions/signatures/withdraw/[^/\s]+/", body)
    assert confirm is not None and withdraw is not None
    return confirm.group(0), withdraw.group(0)


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_signed_in_person_signs_with_one_click(
    client: Client, author: User, user: User, regions: dict[str, Region]
) -> None:
    petition = make_petition(author)
    before = _count(petition)
    client.force_login(user)

    response = client.post(
        f"/petitions/{petition.pk}/sign/",
        {"display_name": "River Watcher", "region": "340000"},
        headers=ENGLISH,
    )

    assert response.status_code == 303
    assert _count(petition) == before + 1
    page = client.get(response["Location"], headers=ENGLISH).content.decode()
    assert "Thank you for signing." in page
    assert "You signed this petition." in page and "River Watcher" in page


def test_a_second_signature_is_refused_in_her_language_and_writes_nothing(
    client: Client, author: User, user: User, snapshot: Snapshot
) -> None:
    petition = make_petition(author)
    services.petition_sign(actor=user, petition=petition)
    client.force_login(user)
    before = snapshot()

    english = client.post(f"/petitions/{petition.pk}/sign/", {}, headers=ENGLISH)
    chinese = client.post(f"/petitions/{petition.pk}/sign/", {}, headers=CHINESE)

    assert english.status_code == 409
    assert "You have signed this petition already" in english.content.decode()
    assert "你已经签署过这个请愿" in chinese.content.decode()
    assert snapshot() == before


def test_a_closed_petition_takes_no_signature(
    client: Client, author: User, user: User, staff: User, snapshot: Snapshot
) -> None:
    petition = make_petition(author)
    services.petition_close(actor=staff, petition=petition)
    client.force_login(user)
    before = snapshot()

    response = client.post(f"/petitions/{petition.pk}/sign/", {}, headers=ENGLISH)

    assert response.status_code == 409
    assert "This petition does not take signatures now." in response.content.decode()
    assert snapshot() == before
    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert "This petition no longer takes signatures." in page


def test_a_signed_in_signature_needs_the_form_token(author: User, user: User) -> None:
    petition = make_petition(author)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post(f"/petitions/{petition.pk}/sign/", {})

    assert response.status_code == 403
    assert not Signature.objects.filter(petition=petition, account=user).exists()


def test_a_person_signs_by_e_mail_confirms_and_withdraws_from_the_mails_links(
    author: User, smtp: Inbox, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    petition = make_petition(author)
    before = _count(petition)
    # A browser without a session: the shared page's form has no token.
    browser = Client(enforce_csrf_checks=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/petitions/{petition.pk}/sign/",
            {"email": "Wang.Fang@example.org", "display_name": "Wang Fang", "region": "420000"},
            headers=ENGLISH,
        )

    assert response.status_code == 200
    assert "Check your mail" in response.content.decode()
    assert _count(petition) == before
    (mail,) = smtp.to("Wang.Fang@example.org")
    confirm, withdraw = _links(text_body(mail))

    opened = browser.get(confirm, headers=ENGLISH).content.decode()
    assert "Confirm my signature" in opened
    assert _count(petition) == before  # opening the link confirms nothing
    confirmed = browser.post(confirm, {"csrfmiddlewaretoken": _token(opened)}, headers=ENGLISH)
    assert "Your signature is confirmed" in confirmed.content.decode()
    assert _count(petition) == before + 1
    page = browser.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert "Wang Fang" in page and "Wang.Fang@example.org" not in page

    opened = browser.get(withdraw, headers=ENGLISH).content.decode()
    withdrawn = browser.post(withdraw, {"csrfmiddlewaretoken": _token(opened)}, headers=ENGLISH)
    assert "Your signature is withdrawn" in withdrawn.content.decode()
    assert _count(petition) == before


def test_an_e_mail_signature_with_a_bad_address_is_refused_next_to_the_field(
    client: Client, author: User, snapshot: Snapshot
) -> None:
    petition = make_petition(author)
    before = snapshot()

    response = client.post(
        f"/petitions/{petition.pk}/sign/", {"email": "not an address"}, headers=ENGLISH
    )

    assert response.status_code == 400
    field = response.content.decode().split('name="email"')[0].rsplit('class="field"', 1)[1]
    assert "errorlist" in field
    assert snapshot() == before


def test_the_same_mailbox_spelled_otherwise_signs_once(
    client: Client, author: User, django_capture_on_commit_callbacks: Any
) -> None:
    petition = make_petition(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/petitions/{petition.pk}/sign/", {"email": "wang.fang@gmail.com"})

    response = client.post(
        f"/petitions/{petition.pk}/sign/", {"email": "WangFang+news@gmail.com"}, headers=ENGLISH
    )

    assert response.status_code == 409
    assert "You have signed this petition already" in response.content.decode()
    assert Signature.objects.filter(petition=petition).exclude(address_hash="").count() == 1


def test_a_used_or_forged_link_is_refused(client: Client, db: Any) -> None:
    response = client.post("/petitions/signatures/confirm/forged/", headers=ENGLISH)

    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()


def test_an_admin_signs_as_her_organisation_shown_apart_from_people(
    client: Client, author: User, ngo: Organisation, ngo_admin: User
) -> None:
    petition = make_petition(author)
    before = _count(petition)
    client.force_login(ngo_admin)

    response = client.post(
        f"/petitions/{petition.pk}/sign/", {"organisation": ngo.slug}, headers=ENGLISH
    )

    assert response.status_code == 303 and _count(petition) == before + 1
    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert "Huai River Guardians signed the petition." in page
    assert "Withdraw the signature of Huai River Guardians" in page
    assert "Huai River Guardians" in page.split('id="organisations"')[1].split("</section>")[0]
    # She may still sign as herself.
    assert 'name="display_name"' in page

    client.post(f"/petitions/{petition.pk}/withdraw/", {"organisation": ngo.slug})
    assert _count(petition) == before


def test_only_an_admin_signs_for_an_organisation(
    client: Client, author: User, user: User, snapshot: Snapshot
) -> None:
    petition = make_petition(author)
    member_of_nothing = make_organisation("other-ngo", members=[user])
    client.force_login(user)
    before = snapshot()

    response = client.post(
        f"/petitions/{petition.pk}/sign/", {"organisation": member_of_nothing.slug}
    )

    assert response.status_code == 403
    assert snapshot() == before
    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert "Sign as" not in page


def test_she_withdraws_from_her_signatures_page(client: Client, author: User, user: User) -> None:
    petitions = [make_petition(author, title=f"Petition {number}") for number in range(3)]
    for petition in petitions:
        services.petition_sign(actor=user, petition=petition)
    signed = _count(petitions[0])
    client.force_login(user)

    page = client.get("/petitions/mine/", headers=ENGLISH).content.decode()
    assert all(f"Petition {number}" in page for number in range(3))
    response = client.post(
        f"/petitions/{petitions[0].pk}/withdraw/", {"back": "mine"}, headers=ENGLISH
    )

    assert response["Location"] == "/petitions/mine/"
    after = client.get("/petitions/mine/", headers=ENGLISH).content.decode()
    assert "The signature is withdrawn." in after and "Petition 0" not in after
    assert _count(petitions[0]) == signed - 1


def test_the_signatures_page_needs_an_account(client: Client, db: Any) -> None:
    response = client.get("/petitions/mine/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_signature_beyond_the_rate_limit_waits_for_a_moderator(
    client: Client, author: User, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {
        **settings.MINJIAN_RATE_LIMITS,
        "petition_sign_petition": (0, 60),
    }
    petition = make_petition(author)
    before = _count(petition)
    signer = make_user("crowd-signer")
    client.force_login(signer)

    client.post(f"/petitions/{petition.pk}/sign/", {}, headers=ENGLISH)

    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert "your signature counts once a moderator has looked at it" in page
    assert _count(petition) == before
    assert Signature.objects.get(petition=petition, account=signer).needs_review


def test_a_sponsor_signs_a_petition_gathering_sponsors_by_its_address(
    client: Client, author: User, user: User
) -> None:
    petition = make_petition(author, state=Petition.State.GATHERING_SPONSORS, deadline=in_days(9))
    client.force_login(user)

    client.post(f"/petitions/{petition.pk}/sign/", {})

    assert _count(petition) == 1
    page = client.get(f"/petitions/{petition.pk}/", headers=ENGLISH).content.decode()
    assert "looks for its first 5 signers" in page
