"""The password-reset mail: plain text in both languages, the reader's first.

An account records no language, and the mail may be read long after the request, so it
carries both. It is composed and sent by a job (minjian/accounts/jobs.py), never in the
request that asked for it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template import loader
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from minjian.accounts.models import User

SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"
BODY_TEMPLATE = "accounts/email/password_reset.txt"


def send_password_reset(user: User, *, language: str) -> None:
    """Send `user` a link that sets a new password; `language` comes first in the mail."""
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": settings.MINJIAN_SITE_URL.rstrip("/"),
    }
    known = [code for code, _name in settings.LANGUAGES]
    first = language if language in known else settings.LANGUAGE_CODE
    subjects: list[str] = []
    bodies: list[str] = []
    for code in [first, *(code for code in known if code != first)]:
        with translation.override(code):
            subject = loader.render_to_string(SUBJECT_TEMPLATE, context)
            subjects.append(" ".join(subject.split()))
            bodies.append(loader.render_to_string(BODY_TEMPLATE, context).strip())
    EmailMessage(
        subject=" / ".join(dict.fromkeys(subjects)),
        body="\n\n-----\n\n".join(bodies) + "\n",
        to=[user.email],
    ).send()
