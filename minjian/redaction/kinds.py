"""The kinds of personal data Minjian removes, and how each is named to a reader."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(StrEnum):
    """A kind of personal data. The value is what stored text carries; it never changes."""

    ID_NUMBER = "id_number"
    BANK_CARD = "bank_card"
    PASSPORT = "passport"
    MOBILE = "mobile"
    LANDLINE = "landline"
    EMAIL = "email"
    VEHICLE_PLATE = "vehicle_plate"

    @property
    def label(self) -> str | Promise:
        """The kind's name in the reader's language, e.g. "ID number" / "身份证号"."""
        return _LABELS[self]

    @property
    def placeholder(self) -> str | Promise:
        """What a reader sees in place of a removed value, e.g. "[ID number removed]"."""
        return _PLACEHOLDERS[self]

    @property
    def always_removed(self) -> bool:
        """Whether the reporter may not choose to publish a value of this kind.

        A phone number or plate can be the point of a report (a company's hotline, the
        lorry that dumps at night); an ID, card or passport number never is, and it is
        what a "human flesh search" starts from.
        """
        return self in ALWAYS_REMOVED


ALWAYS_REMOVED = frozenset({Kind.ID_NUMBER, Kind.BANK_CARD, Kind.PASSPORT})

_LABELS: dict[Kind, str | Promise] = {
    Kind.ID_NUMBER: pgettext_lazy("personal data", "ID number"),
    Kind.BANK_CARD: pgettext_lazy("personal data", "Bank card number"),
    Kind.PASSPORT: pgettext_lazy("personal data", "Passport number"),
    Kind.MOBILE: pgettext_lazy("personal data", "Mobile number"),
    Kind.LANDLINE: pgettext_lazy("personal data", "Landline number"),
    Kind.EMAIL: pgettext_lazy("personal data", "E-mail address"),
    Kind.VEHICLE_PLATE: pgettext_lazy("personal data", "Vehicle plate"),
}

_PLACEHOLDERS: dict[Kind, str | Promise] = {
    Kind.ID_NUMBER: _("[ID number removed]"),
    Kind.BANK_CARD: _("[bank card number removed]"),
    Kind.PASSPORT: _("[passport number removed]"),
    Kind.MOBILE: _("[mobile number removed]"),
    Kind.LANDLINE: _("[landline number removed]"),
    Kind.EMAIL: _("[e-mail address removed]"),
    Kind.VEHICLE_PLATE: _("[vehicle plate removed]"),
}
