"""What every aid service uses: whole counts, public text, the rows a change starts
from (locked when it depends on them), and the drive's event."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.accounts.selectors import active_user_by_pseudonym
from minjian.aid import recording
from minjian.aid.models import Drive, DriveEvent, Item, Recipient
from minjian.core.errors import DomainError, NotFound
from minjian.core.public_cache import DRIVES, drive_tag, touch
from minjian.core.text import parse_id
from minjian.places.models import Region
from minjian.places.selectors import region_by_code
from minjian.redaction import redact

# More of one item than any single drive has handled; a typo guard, not a policy.
MAX_QUANTITY = 10_000_000
# ASCII digits only: str.isdigit() also accepts '¹' and other digits int() refuses.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
Figure = DriveEvent.Figure
Kind = DriveEvent.Kind


def whole_quantity(value: object, *, field: str = "quantity", allow_zero: bool = False) -> int:
    """A count of whole items: refuses zero (unless allowed), negatives, fractions and text."""
    number = _whole_number(value, field=field)
    if number < 0 or (number == 0 and not allow_zero):
        raise DomainError(
            "quantity_not_positive", _("The quantity must be at least 1."), field=field
        )
    if number > MAX_QUANTITY:
        raise DomainError(
            "quantity_too_large",
            _("That is more than %(max)d; check the number.") % {"max": MAX_QUANTITY},
            field=field,
        )
    return number


def _whole_number(value: object, *, field: str) -> int:
    """The integer a number or its text stands for; `True` and `False` are not numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, float | str) and value:
        raise DomainError(
            "quantity_not_whole",
            _("Items are counted whole: give a whole number."),
            field=field,
        )
    raise DomainError("quantity_missing", _("Give a quantity."), field=field)


def public_text(value: str | None, *, field: str, max_length: int, required: bool) -> str:
    """Text anyone may read: trimmed, within `max_length`, personal data replaced by tokens."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError("required", _("This field is required."), field=field)
    if len(text) > max_length:
        raise DomainError(
            "too_long",
            _("At most %(max)d characters.") % {"max": max_length},
            field=field,
        )
    # Public text: personal data becomes a token before it is stored.
    return redact(text).text if text else ""


def known_region(code: str | None) -> Region:
    """The region a form names; an unknown code is refused next to its field."""
    try:
        return region_by_code(code or "")
    except NotFound:
        raise DomainError("unknown_region", _("Choose a known region."), field="region") from None


def region_within(drive: Drive, code: str | None) -> Region:
    """A region of the drive's area: the drive's own region or one inside it."""
    region = known_region(code)
    if not region.path.startswith(drive.region.path):
        raise DomainError(
            "region_outside_drive",
            _("This region is outside the drive's region."),
            field="region",
        )
    return region


def drive_row(drive_id: int, *, lock: bool = False) -> Drive:
    drives = Drive.objects.select_for_update(no_key=True) if lock else Drive.objects.all()
    drive = drives.filter(pk=drive_id).first()
    if drive is None:
        raise NotFound(_("There is no such drive."), code="unknown_drive")
    return drive


def recipient_row(recipient_id: int, *, lock: bool = False) -> Recipient:
    recipients = Recipient.objects.select_related("drive", "region")
    if lock:
        recipients = recipients.select_for_update(of=("self",))
    recipient = recipients.filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound(_("There is no such recipient."), code="unknown_recipient")
    return recipient


def catalogue_item(drive: Drive, item_id: object) -> Item:
    """The item of the drive's catalogue with this id (a number, or its text)."""
    pk = parse_id(item_id if isinstance(item_id, int) else str(item_id))
    item = drive.items.filter(pk=pk).first() if pk is not None else None
    if item is None:
        raise DomainError(
            "unknown_item", _("This item is not in the drive's catalogue."), field="item"
        )
    return item


def active_account(pseudonym: str) -> User:
    """The active account an organiser names by its pseudonym (in the `username` field)."""
    account = active_user_by_pseudonym((pseudonym or "").strip())
    if account is None:
        raise DomainError(
            "unknown_account", _("There is no account of this name."), field="username"
        )
    return account


def record(drive: Drive, kind: str, actor: User | None, **fields: object) -> DriveEvent:
    """Append one event to the drive's log, in the transaction of the change it records."""
    payload = fields.pop("payload", {})
    touch(drive_tag(drive.pk), DRIVES)
    event = DriveEvent.objects.create(
        drive=drive, kind=kind, actor=actor, payload=payload, **fields
    )
    recording.record_event(drive, event)
    return event
