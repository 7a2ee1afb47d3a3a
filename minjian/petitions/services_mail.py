"""Petitions' mail: the one mail an e-mail signer gets (confirm, or withdraw), and the
delivery of a petition to the body it addresses. Each is sent at most once
(`notify.mail.deliver_once`), in the reader's language, from the jobs in `jobs.py`.

These mails are not subscriptions, so they carry no unsubscribe link (notify's
`compose` adds one to every mail it writes): the signer's mail is the answer to what
she did, and the delivery is the petition itself.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from minjian.core import signing
from minjian.notify import mail
from minjian.petitions import exports, tokens
from minjian.petitions.models import Petition, Signature

COUNTS_FILENAME = "petition-{id}-signatures-by-province.csv"


def signer_mail_confirmation(*, signature_id: int, nonce: str) -> None:
    """The mail to an e-mail signer: the link that confirms her signature and the link
    that withdraws it. Nothing if it was confirmed, withdrawn or asked for again since."""
    signature = (
        Signature.objects.select_related("petition")
        .filter(
            pk=signature_id,
            nonce=nonce,
            state=Signature.State.PENDING,
            confirmed_at__isnull=True,
        )
        .exclude(pending_address="")
        .first()
    )
    if signature is None:
        return
    petition = signature.petition
    with mail.in_language(signature.language):
        message = _message(
            to=signature.pending_address,
            subject=_("Confirm your signature of the petition “%(title)s”")
            % {"title": petition.title},
            template="confirm",
            context={
                "petition": petition,
                "petition_url": petition_url(petition),
                "confirm_url": mail.absolute_url(
                    reverse(
                        "petitions:signature_confirm",
                        args=[tokens.confirmation_token(signature.pk, nonce)],
                    )
                ),
                "withdraw_url": mail.absolute_url(
                    reverse(
                        "petitions:signature_withdraw",
                        args=[tokens.withdrawal_token(signature.pk)],
                    )
                ),
                "valid_days": tokens.CONFIRMATION_MAX_AGE.days,
            },
        )
    mail.deliver_once(f"petition-confirm:{signature.pk}:{nonce}", message)


def body_mail_delivery(*, petition_id: int) -> None:
    """The delivered petition, to the public contact address of the body it addresses (a
    named body's, or an organisation's if it published one), with the counts of
    signatures by province as a CSV file and that file's signature. Never an address."""
    petition = (
        Petition.objects.select_related("addressed_organisation")
        .filter(pk=petition_id, state__in=(Petition.State.DELIVERED, Petition.State.ANSWERED))
        .first()
    )
    if petition is None:
        return
    organisation = petition.addressed_organisation
    to = organisation.contact_email if organisation is not None else petition.addressed_contact
    if not to:
        return
    with mail.in_language(""):
        counts = exports.counts_csv(petition)
        message = _message(
            to=to,
            subject=_("Petition to %(body)s: “%(title)s”, with %(count)d signatures")
            % {
                "body": petition.addressed_body_name,
                "title": petition.title,
                "count": petition.validated_count,
            },
            template="delivery",
            context={
                "petition": petition,
                "petition_url": petition_url(petition),
                "counts_filename": COUNTS_FILENAME.format(id=petition.pk),
                "key_id": signing.key_id(),
                "key_url": mail.absolute_url(reverse("well_known_minjian")),
            },
        )
    filename = COUNTS_FILENAME.format(id=petition.pk)
    message.attach(filename, counts.encode(), "text/csv")
    message.attach(f"{filename}.sig", exports.sign(counts) + "\n", "text/plain")
    mail.deliver_once(f"petition-delivery:{petition.pk}", message)


def petition_url(petition: Petition) -> str:
    return mail.absolute_url(reverse("petitions:detail", args=[petition.pk]))


def _message(
    *, to: str, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    full_context = {
        **context,
        "site_url": mail.absolute_url("/"),
        "language_code": translation.get_language(),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"petitions/mail/{template}.txt", full_context),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string(f"petitions/mail/{template}.html", full_context), "text/html"
    )
    return message
