"""Checks of what people type about an organisation. Each returns the clean value
or raises DomainError naming the field, so forms and the API show it in place."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from minjian.core.errors import DomainError

SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 80
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000
CONTACT_NOTE_MAX_LENGTH = 300
CONTACT_URL_MAX_LENGTH = 200
CONTACT_EMAIL_MAX_LENGTH = 254

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Paths under /orgs/ that a slug would shadow.
RESERVED_SLUGS = frozenset({"new"})
# Only web addresses: a "javascript:" link on a public profile would run in the reader's page.
_web_address = URLValidator(schemes=["http", "https"])
_email_address = EmailValidator()


def is_valid_slug(slug: str) -> bool:
    """Lowercase ASCII letters and digits in dash-separated words, 3 to 80 characters."""
    return (
        SLUG_MIN_LENGTH <= len(slug) <= SLUG_MAX_LENGTH
        and _SLUG.fullmatch(slug) is not None
        and slug not in RESERVED_SLUGS
    )


def clean_slug(slug: str) -> str:
    if not is_valid_slug(slug):
        raise DomainError(
            "invalid_slug",
            _(
                "Use 3 to 80 lowercase letters a-z, digits and single dashes, "
                "starting and ending with a letter or digit."
            ),
            field="slug",
        )
    return slug


def clean_names(name_zh: str, name_en: str) -> tuple[str, str]:
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not name_zh and not name_en:
        raise DomainError(
            "name_required",
            _("Give the organisation a name in Chinese or in English."),
            field="name_zh",
        )
    for field, value in (("name_zh", name_zh), ("name_en", name_en)):
        _check_length(field, value, NAME_MAX_LENGTH)
    return name_zh, name_en


def clean_description(description: str) -> str:
    description = description.strip()
    _check_length("description", description, DESCRIPTION_MAX_LENGTH)
    return description


def clean_contact(email: str, url: str, note: str) -> tuple[str, str, str]:
    email, url, note = email.strip(), url.strip(), note.strip()
    if email:
        _check_length("contact_email", email, CONTACT_EMAIL_MAX_LENGTH)
        try:
            _email_address(email)
        except ValidationError:
            raise DomainError(
                "invalid_email", _("Enter a valid e-mail address."), field="contact_email"
            ) from None
    if url:
        _check_length("contact_url", url, CONTACT_URL_MAX_LENGTH)
        try:
            _web_address(url)
        except ValidationError:
            raise DomainError(
                "invalid_url",
                _("Enter a web address starting with http:// or https://."),
                field="contact_url",
            ) from None
    _check_length("contact_note", note, CONTACT_NOTE_MAX_LENGTH)
    return email, url, note


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise DomainError(
            "too_long",
            _("At most %(limit)d characters, please (this has %(length)d).")
            % {"limit": limit, "length": len(value)},
            field=field,
            details={"limit": limit},
        )
