"""Delivery: the petition mailed to the body's public contact with the counts by province
as a signed CSV, never an address; an organisation on Minjian finds it in its inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.notify.tests.mailbox import Inbox, subject, text_body
from minjian.orgs.models import Organisation
from minjian.petitions import exports, services, tokens
from minjian.petitions.selectors import petitions_delivered_to
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import NAMED_BODY, make_petition
from minjian.places.models import Region


def test_reaching_the_goal_delivers_a_signed_csv_of_counts_without_addresses(
    author: User, smtp: Inbox, committed: Callable[[], Any], regions: dict[str, Region]
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
    assert exports.signature_matches(counts_text, attachments[f"{csv_name}.sig"])
    assert not exports.signature_matches(
        counts_text.replace("1", "9"), attachments[f"{csv_name}.sig"]
    )


def test_an_organisation_on_minjian_gets_it_in_its_inbox_and_by_its_public_address(
    author: User, agency: Organisation, smtp: Inbox, committed: Callable[[], Any]
) -> None:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=6)
    with committed():
        services.petition_sign(actor=make_user("last-signer"), petition=petition)
    assert list(petitions_delivered_to(agency)) == [petition]
    (mail,) = smtp.to(agency.contact_email)
    assert "蚌埠市生态环境局" in text_body(mail) or "Bengbu" in text_body(mail)
