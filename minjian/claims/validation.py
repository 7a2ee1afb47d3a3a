"""Parsing what verifiers type, the same way for the web and the API: a verdict, its
rationale and evidence, a claim's statement and where it was seen. Every refusal is a
DomainError with a stable code and the field it is about (`details["index"]`: which
piece of evidence or which appearance); nothing here reads the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import Case
from minjian.cases.validation import BIDI_CONTROLS
from minjian.core.errors import DomainError

Verdict = Case.Verdict

RATIONALE_MAX_LENGTH = 5000
STATEMENT_MAX_LENGTH = 2000
URL_MAX_LENGTH = 2000
DOCUMENT_MAX_LENGTH = 500
PLATFORM_MAX_LENGTH = 100
MOST_EVIDENCE = 20
MOST_APPEARANCES = 10

EVIDENCE_KINDS = ("link", "document", "response", "photo")
# Evidence that belongs to a case: an official response on its timeline, one of its photos.
CASE_EVIDENCE_KINDS = ("response", "photo")

_is_web_address = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence as given: a link or a document by its address, an official
    response by its event's id, a photo by its key. `index` is its place in the list."""

    kind: str
    reference: str | int
    index: int


@dataclass(frozen=True)
class CheckedVerdict:
    verdict: str
    rationale: str
    evidence: tuple[Evidence, ...]


def clean_verdict(raw: str | None) -> str:
    if raw not in Verdict.values:
        raise DomainError(
            "unknown_verdict", _("Choose one of the listed verdicts."), field="verdict"
        )
    return str(raw)


def clean_rationale(raw: str | None) -> str:
    """The rationale, trimmed; whether one is needed is the service's to say."""
    rationale = (raw or "").replace("\r\n", "\n").strip()
    if len(rationale) > RATIONALE_MAX_LENGTH:
        raise DomainError(
            "rationale_too_long",
            _("The rationale can be at most %(limit)d characters long.")
            % {"limit": RATIONALE_MAX_LENGTH},
            field="rationale",
        )
    return rationale


def clean_evidence(raw: Sequence[Mapping[str, Any]]) -> tuple[Evidence, ...]:
    """Each piece's form (an http(s) address, a path of this site, an id, a key); whether
    a response or a photo belongs to the case is checked against the case."""
    if len(raw) > MOST_EVIDENCE:
        raise DomainError(
            "evidence_too_many",
            _("Give at most %(limit)d pieces of evidence.") % {"limit": MOST_EVIDENCE},
            field="evidence",
        )
    return tuple(_evidence(item, index) for index, item in enumerate(raw))


def _evidence(item: Mapping[str, Any], index: int) -> Evidence:
    kind = item.get("kind")
    if kind == "link":
        return Evidence(kind, clean_web_address(item.get("url"), index=index), index)
    if kind == "document":
        return Evidence(kind, _document_path(item.get("path"), index), index)
    if kind == "response":
        event = item.get("event")
        if not isinstance(event, int) or isinstance(event, bool) or event < 1:
            raise _refused_item(
                "evidence_response_unknown",
                _("Choose an official response on this case's timeline."),
                index,
            )
        return Evidence(kind, event, index)
    if kind == "photo":
        key = item.get("key")
        if not isinstance(key, str) or not key or len(key) > 32:
            raise _refused_item("evidence_photo_unknown", _("Choose a photo of this case."), index)
        return Evidence(kind, key, index)
    raise _refused_item(
        "evidence_kind_unknown",
        _("Evidence is a link, a document of this site, an official response or a photo."),
        index,
    )


def clean_web_address(raw: object, *, index: int, field: str = "evidence") -> str:
    """An http or https address, as typed (it is quoted, never fetched)."""
    address = raw.strip() if isinstance(raw, str) else ""
    try:
        if len(address) > URL_MAX_LENGTH:
            raise ValidationError("too long")
        _is_web_address(address)
    except ValidationError:
        code = "evidence_link_invalid" if field == "evidence" else "appearance_url_invalid"
        raise _refused_item(
            code,
            _("Give a whole web address, starting with http:// or https://."),
            index,
            field=field,
        ) from None
    return address


def _document_path(raw: object, index: int) -> str:
    """A page or file of this site, by its path: "/docs/report.pdf", never another host."""
    path = raw.strip() if isinstance(raw, str) else ""
    parts = urlsplit(path)
    if (
        not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or any(character.isspace() or not character.isprintable() for character in path)
        or parts.scheme
        or parts.netloc
        or len(path) > DOCUMENT_MAX_LENGTH
    ):
        raise _refused_item(
            "evidence_document_invalid",
            _("A document of this site is given by its path, starting with /."),
            index,
        )
    return path


def require_reasons(checked: CheckedVerdict) -> None:
    """Every verdict but *unverified* needs a written rationale and some evidence."""
    if checked.verdict == Verdict.UNVERIFIED:
        return
    if not checked.rationale:
        raise DomainError(
            "rationale_required",
            _("Explain the verdict: the public reads why it was given."),
            field="rationale",
        )
    if not checked.evidence:
        raise DomainError(
            "evidence_required",
            _(
                "Give at least one piece of evidence: a link, a document, an official "
                "response or a photo."
            ),
            field="evidence",
        )


def clean_statement(raw: str | None) -> str:
    statement = (raw or "").translate(BIDI_CONTROLS).replace("\r\n", "\n").strip()
    if not statement:
        raise DomainError(
            "statement_required",
            _("Write the claim as it circulates."),
            field="statement",
        )
    if len(statement) > STATEMENT_MAX_LENGTH:
        raise DomainError(
            "statement_too_long",
            _("The claim can be at most %(limit)d characters long.")
            % {"limit": STATEMENT_MAX_LENGTH},
            field="statement",
        )
    return statement


@dataclass(frozen=True)
class CheckedAppearance:
    url: str
    platform: str
    seen_on: date | None


def clean_appearances(raw: Sequence[Mapping[str, Any]]) -> list[CheckedAppearance]:
    """Where the claim was seen: at least one, each with an address or a platform (a
    WeChat group has no address), and the day, if known, not after today."""
    if len(raw) > MOST_APPEARANCES:
        raise DomainError(
            "appearances_too_many",
            _("Give at most %(limit)d places where it was seen.") % {"limit": MOST_APPEARANCES},
            field="appearances",
        )
    found = [
        appearance
        for index, item in enumerate(raw)
        if (appearance := _appearance(item, index)) is not None
    ]
    if not found:
        raise DomainError(
            "appearance_required",
            _("Say where the claim was seen: an address or a platform."),
            field="appearances",
        )
    return found


def _appearance(item: Mapping[str, Any], index: int) -> CheckedAppearance | None:
    url = str(item.get("url") or "").strip()
    platform = " ".join(str(item.get("platform") or "").translate(BIDI_CONTROLS).split())
    seen_on = item.get("seen_on")
    if not url and not platform:
        if seen_on:
            raise _refused_item(
                "appearance_empty",
                _("Give the address or the platform where it was seen on that day."),
                index,
                field="appearances",
            )
        return None
    if url:
        url = clean_web_address(url, index=index, field="appearances")
    if len(platform) > PLATFORM_MAX_LENGTH:
        raise _refused_item(
            "platform_too_long",
            _("A platform's name can be at most %(limit)d characters long.")
            % {"limit": PLATFORM_MAX_LENGTH},
            index,
            field="appearances",
        )
    return CheckedAppearance(url, platform, _seen_on(seen_on, index))


def _seen_on(raw: object, index: int) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise _refused_item(
            "appearance_date_invalid", _("Give the day as YYYY-MM-DD."), index, field="appearances"
        ) from None
    # A day later than today anywhere on Earth has not come yet.
    if day > timezone.localdate() + timedelta(days=1):
        raise _refused_item(
            "appearance_in_future",
            _("The day it was seen cannot be in the future."),
            index,
            field="appearances",
        )
    return day


def _refused_item(code: str, message: Any, index: int, *, field: str = "evidence") -> DomainError:
    return DomainError(code, message, field=field, details={"index": index})
