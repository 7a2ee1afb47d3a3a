"""Open311 actions: issuing and revoking application keys, and posting a service request.

A service request is a report like any other: it goes through
`minjian.cases.services.case_submit`, with the same checks, redaction,
coarsening of the point and moderation. Its region is the one whose boundary
holds the spec's `lat`/`long` (found by `case_submit`), unless `attribute[region]`
names one. It is always anonymous: Open311's
email, first_name, last_name, phone, device_id and account_id are never read,
so nothing about the person reporting is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.tokens import token_digest
from minjian.cases.location import Precision
from minjian.cases.services import case_submit
from minjian.cases.validation import clean_description
from minjian.core.errors import DomainError
from minjian.open311.models import Open311Key, Open311Request
from minjian.redaction import find_personal_data

KEY_PREFIX = "o311_"  # a public marker that tells Open311 keys apart, not a secret
TOKEN_PREFIX = "t_"  # noqa: S105  # likewise
# Open311 has no title: a case's title is the start of the description's first line.
DERIVED_TITLE_LENGTH = 60
ELLIPSIS = "…"


def open311_key_issue(*, name: str) -> tuple[Open311Key, str]:
    """A new key for an application: the stored row and the key, which exists only here."""
    key_name = " ".join(name.split())
    name_limit = Open311Key._meta.get_field("name").max_length or 0
    if not key_name or len(key_name) > name_limit:
        raise DomainError(
            "invalid_key_name",
            _("Name the application in 1 to %(limit)d characters.") % {"limit": name_limit},
            field="name",
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return Open311Key.objects.create(name=key_name, key_digest=token_digest(key)), key


def open311_key_revoke(*, name: str) -> int:
    """Stop every working key of that name; how many were stopped."""
    return Open311Key.objects.filter(name=" ".join(name.split()), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def active_key(raw: str | None) -> Open311Key:
    """The working key `raw` is, or a 403 DomainError (400 when there is none)."""
    if not raw:
        raise DomainError(
            "api_key_required", _("An api_key is required to post a service request."), status=400
        )
    key = Open311Key.objects.filter(key_digest=token_digest(raw), revoked_at__isnull=True).first()
    if key is None:
        raise DomainError(
            "api_key_invalid", _("This api_key is not valid or has been revoked."), status=403
        )
    return key


def derived_title(description: str) -> str:
    """The first line of the description, cut to DERIVED_TITLE_LENGTH characters.

    The cut never falls inside personal data (a phone number cut in half would no
    longer be recognised and removed): it moves to before it instead.
    """
    first_line = next(line for line in description.splitlines() if line.strip())
    first_line = " ".join(first_line.split())
    if len(first_line) <= DERIVED_TITLE_LENGTH:
        return first_line
    cut = DERIVED_TITLE_LENGTH - len(ELLIPSIS)
    for finding in find_personal_data(first_line):
        if finding.start < cut < finding.end:
            cut = finding.start
    return first_line[:cut].rstrip() + ELLIPSIS


@dataclass(frozen=True)
class PostedRequest:
    request: Open311Request
    # Shown to the sender once; only its digest is kept.
    token: str

    @property
    def is_public(self) -> bool:
        return self.request.case.is_public


def open311_request_post(
    *,
    key: Open311Key,
    service_code: str | None,
    description: str | None,
    region_code: str | None,
    latitude: str | None,
    longitude: str | None,
    location_precision: str | None,
) -> PostedRequest:
    """File a service request as an anonymous report, sent by the application of `key`,
    under the region `region_code` or else the region that holds the point (which
    `case_submit` finds). The refusals about the place are worded for Open311."""
    text = clean_description(description)
    has_point = any((value or "").strip() for value in (latitude, longitude))
    if not (region_code or "").strip() and not has_point:
        raise DomainError(
            "location_required",
            _("Send lat and long, or attribute[region] with a region's code."),
            field="lat",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            submission = case_submit(
                reporter=None,
                title=derived_title(text),
                description=text,
                topic_slug=service_code,
                region_code=region_code,
                latitude=latitude,
                longitude=longitude,
                location_precision=location_precision or Precision.APPROXIMATE,
            )
            request = Open311Request.objects.create(
                case=submission.case, key=key, token_digest=token_digest(token)
            )
    except DomainError as error:
        if error.code != "no_region_here":
            raise
        raise DomainError(
            "no_region_here",
            _(
                "The point %(lat)s, %(long)s lies in no region this site knows: "
                "send attribute[region] with a region's code."
            )
            % {"lat": (latitude or "").strip(), "long": (longitude or "").strip()},
            field="lat",
        ) from error
    return PostedRequest(request=request, token=token)
