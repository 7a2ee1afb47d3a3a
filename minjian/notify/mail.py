"""Writing and sending one mail: in the reader's language, text and HTML, with a
one-click unsubscribe (RFC 8058), and never twice.

Exactly once: `deliver_once` inserts the `MailDelivery` claim and hands the mail to
the SMTP server inside one transaction. A job retried after a crash finds the
committed claim and skips; a second worker racing on the same mail waits on the
unique index until the first commits, then skips. If sending fails, the claim rolls
back with it and the retry sends. The one window left: the SMTP server accepted the
mail and the process died before the commit (a few milliseconds); the retry then
sends it a second time. Claiming first and committing before sending would instead
lose the mail in that window; a duplicate is the lesser harm.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

from minjian.notify.models import MailDelivery


def absolute_url(path: str) -> str:
    return settings.MINJIAN_SITE_URL.rstrip("/") + path


def unsubscribe_url(token: str) -> str:
    return absolute_url(reverse("notify:unsubscribe", args=[token]))


def known_language(language: str | None) -> str:
    """`language` if the site offers it, else "" (mail then goes in the site's default)."""
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else ""


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Write in `language`, or in the site's default for an unknown or empty one."""
    with translation.override(known_language(language) or settings.LANGUAGE_CODE):
        yield


def compose(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_token: str,
) -> EmailMultiAlternatives:
    """A mail from `notify/mail/<template>.txt` and `.html`, in the active language.

    Every mail carries the one-click unsubscribe headers and the same link in its body.
    """
    link = unsubscribe_url(unsubscribe_token)
    full_context = {
        **context,
        "site_url": settings.MINJIAN_SITE_URL,
        "unsubscribe_url": link,
        "language_code": translation.get_language() or settings.LANGUAGE_CODE,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notify/mail/{template}.txt", full_context),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"notify/mail/{template}.html", full_context), "text/html"
    )
    return message


def recipient_digest(address: str) -> str:
    """The address as the delivery log keeps it: a keyed hash, never the address."""
    return salted_hmac(
        "minjian.notify.recipient", address.strip().casefold(), algorithm="sha256"
    ).hexdigest()


def deliver_once(dedupe_key: str, message: EmailMultiAlternatives) -> bool:
    """Send `message` unless a mail with this key went to its recipient already.

    True if it was sent now. Errors from the SMTP server propagate (the job is
    retried) and leave no claim behind.
    """
    (address,) = message.to
    try:
        with transaction.atomic():
            MailDelivery.objects.create(
                dedupe_key=dedupe_key, recipient_digest=recipient_digest(address)
            )
            message.send()
    except IntegrityError:
        return False
    return True
