"""Parsing what people type about a case, the same way for the web form, the API and Open311:
a reporter's title, description and point, and the note of any step on the timeline."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from minjian.core.errors import DomainError

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 20000
# The text that goes with a step on the timeline: a moderator's or a member's note,
# an organisation's update or official response, an internal note.
NOTE_MAX_LENGTH = 2000
# Six decimals is about 0.1 m: more is noise, and the column holds no more.
COORDINATE_STEP = Decimal("0.000001")


# Explicit direction overrides and isolates: in a title they can turn the page's and
# the browser tab's text around ("…gpj.exe"), and plain titles never need them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def clean_title(raw: str | None) -> str:
    title = " ".join((raw or "").translate(BIDI_CONTROLS).split())
    if not title:
        raise DomainError("title_required", _("Please give the report a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise DomainError(
            "title_too_long",
            _("The title can be at most %(limit)d characters long.") % {"limit": TITLE_MAX_LENGTH},
            field="title",
        )
    return title


def clean_description(raw: str | None) -> str:
    description = (raw or "").replace("\r\n", "\n").strip()
    if not description:
        raise DomainError(
            "description_required",
            _("Please describe the problem."),
            field="description",
        )
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            "description_too_long",
            _("The description can be at most %(limit)d characters long.")
            % {"limit": DESCRIPTION_MAX_LENGTH},
            field="description",
        )
    return description


def clean_note(raw: str | None, *, required: bool = False) -> str:
    """The note of a step on the timeline, trimmed; optional unless `required`."""
    note = (raw or "").replace("\r\n", "\n").strip()
    if required and not note:
        raise DomainError("note_required", _("Write something first."), field="note")
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(
            "note_too_long",
            _("The note can be at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
        )
    return note


def parse_point(
    latitude: str | float | Decimal | None, longitude: str | float | Decimal | None
) -> tuple[Decimal, Decimal] | None:
    """Both coordinates or neither; each a finite number in range, rounded to 6 decimals."""
    has_latitude = latitude is not None and str(latitude).strip() != ""
    has_longitude = longitude is not None and str(longitude).strip() != ""
    if not has_latitude and not has_longitude:
        return None
    if has_latitude != has_longitude:
        raise DomainError(
            "point_incomplete",
            _("Give both latitude and longitude, or neither."),
            field="latitude" if not has_latitude else "longitude",
        )
    return (
        _coordinate(latitude, limit=90, field="latitude"),
        _coordinate(longitude, limit=180, field="longitude"),
    )


def _coordinate(raw: str | float | Decimal | None, *, limit: int, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not -limit <= value <= limit:
        message = (
            _("Latitude must be a number between -90 and 90.")
            if field == "latitude"
            else _("Longitude must be a number between -180 and 180.")
        )
        raise DomainError("point_out_of_range", message, field=field)
    return value.quantize(COORDINATE_STEP, rounding=ROUND_HALF_EVEN)
