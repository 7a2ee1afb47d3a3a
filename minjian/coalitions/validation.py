"""Checks of what people type in a coalition. Each returns the clean value or raises
DomainError naming the field, so forms and the API show it in place; nothing is written
before they pass."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.coalitions.models import Option
from minjian.core.errors import DomainError
from minjian.redaction import exposure_reasons, redact

NAME_MAX_LENGTH = 200
PURPOSE_MAX_LENGTH = 5_000
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000


def clean_names(name_zh: str | None, name_en: str | None) -> tuple[str, str]:
    name_zh, name_en = (name_zh or "").strip(), (name_en or "").strip()
    if not name_zh and not name_en:
        raise DomainError(
            "name_required",
            _("Give the coalition a name in Chinese or in English."),
            field="name_zh",
        )
    _check_length("name_zh", name_zh, NAME_MAX_LENGTH)
    _check_length("name_en", name_en, NAME_MAX_LENGTH)
    return name_zh, name_en


def clean_text(raw: str | None, *, field: str, limit: int) -> str:
    """A required text, trimmed and at most `limit` characters."""
    text = (raw or "").strip()
    if not text:
        raise DomainError(f"{field}_required", _("This field is required."), field=field)
    _check_length(field, text, limit)
    return text


def clean_public_text(raw: str | None, *, field: str, limit: int) -> str:
    """A text the public will read (a purpose, a proposal, a statement): personal data
    replaced, and refused while it names a private person with her personal data, since
    no moderator reads it before the public does."""
    text = redact(clean_text(raw, field=field, limit=limit)).text
    if exposure_reasons(text):
        raise DomainError(
            "exposes_person",
            _(
                "This names a private person together with where she lives, works, her "
                "family or her personal data. Take it out: everyone will read this text."
            ),
            field=field,
        )
    return text


def clean_option(option: str | None) -> str:
    if option not in Option.values:
        raise DomainError(
            "unknown_option",
            _("Choose agree, abstain, disagree or block."),
            field="option",
            details={"options": list(Option.values)},
        )
    return str(option)


def clean_closing(closes_at: datetime | None) -> datetime:
    if closes_at is None:
        raise DomainError(
            "closes_at_required", _("Give the date and time voting closes."), field="closes_at"
        )
    if timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    if closes_at <= timezone.now():
        raise DomainError(
            "closes_at_in_past",
            _("Voting must close at a time still to come."),
            field="closes_at",
        )
    return closes_at


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise DomainError(
            "too_long",
            _("At most %(limit)d characters, please (this has %(length)d).")
            % {"limit": limit, "length": len(value)},
            field=field,
            details={"limit": limit},
        )
