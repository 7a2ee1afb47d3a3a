"""Delivery: the petition mailed to the body's public contact with the counts by province
as a signed CSV, never an address; an organisation on Minjian finds it in its inbox."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core import signing
from minjian.notify.tests.mailbox import Inbox, html_body, subject, text_body
from minjian.orgs.models import Organisation
from minjian.petitions import exports, services, tokens
from minjian.petitions.selectors import petitions_delivered_to
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import NAMED_BODY, make_petition
from minjian.places.models import Region


def test_reaching_the_goal_delivers_a_signed_csv_of_counts_without_addresses(
    author: User,
    smtp: Inbox,
    committed: Callable[[], Any],
    regions: dict[str, Region],
    client: Client,
) -> None:
    petition = make_petition(author, signature_goal=6)
    signature = services.petition_sign_by_email(
        petition=petition,
        email="secret.signer@example.org",
        signer=Signer(region=regions["340000"]),
    )
    with committed():
        services.signature_confirm(token=tokens.confirmation_token(signature.pk, signature.nonce))
    petition.refresh_from_db()
    assert petition.state == "delivered"
    (mail,) = smtp.to(NAMED_BODY["addressed_contact"])
    assert "6" in subject(mail)
    assert petition.request in text_body(mail)
    attachments = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    csv_name = f"petition-{petition.pk}-signatures-by-province.csv"
    counts = attachments[csv_name]
    counts_text = counts.decode() if isinstance(counts, bytes) else counts
    assert "340000" in counts_text and "secret.signer" not in counts_text
    signature = attachments[f"{csv_name}.sig"]
    signature_text = signature.decode() if isinstance(signature, bytes) else signature
    assert exports.signature_matches(counts_text, signature_text)
    assert not exports.signature_matches(counts_text.replace("1", "9"), signature_text)
    # The body checks it alone: the published public key, the file's bytes, the signature.
    published = client.get("/.well-known/minjian.json").json()["signing_key"]
    public_key = base64.urlsafe_b64decode(published["public_key"] + "=")
    raw_signature = base64.b64decode(signature_text)
    assert signing.verify(public_key, counts_text.encode(), raw_signature)
    assert not signing.verify(public_key, counts_text.replace("6", "7").encode(), raw_signature)
    assert published["key_id"] in text_body(mail)
    assert "/.well-known/minjian.json" in text_body(mail)


@pytest.mark.parametrize(
    ("language", "how_to_check"),
    [
        ("zh-hans", "本站密钥 {key_id} 对该文件的 Ed25519 签章，以 base64 编码，公钥公布在 {url}"),
        (
            "en",
            "the file's Ed25519 signature, in base64, by this instance's key {key_id}, "
            "whose public key is published at {url}",
        ),
    ],
)
def test_the_delivery_mail_says_how_to_check_the_signature_in_the_site_language(
    author: User,
    smtp: Inbox,
    committed: Callable[[], Any],
    settings: Any,
    language: str,
    how_to_check: str,
) -> None:
    settings.LANGUAGE_CODE = language
    petition = make_petition(author, signature_goal=6)
    with committed():
        services.petition_sign(actor=make_user("last-signer"), petition=petition)
    (mail,) = smtp.to(NAMED_BODY["addressed_contact"])

    expected = how_to_check.format(
        key_id=signing.key_id(), url=f"{settings.MINJIAN_SITE_URL}/.well-known/minjian.json"
    )
    assert expected in " ".join(text_body(mail).split())
    assert expected in " ".join(html_body(mail).split())


def test_an_organisation_on_minjian_gets_it_in_its_inbox_and_by_its_public_address(
    author: User, agency: Organisation, smtp: Inbox, committed: Callable[[], Any]
) -> None:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=6)
    with committed():
        services.petition_sign(actor=make_user("last-signer"), petition=petition)
    assert list(petitions_delivered_to(agency)) == [petition]
    (mail,) = smtp.to(agency.contact_email)
    assert "蚌埠市生态环境局" in text_body(mail) or "Bengbu" in text_body(mail)
