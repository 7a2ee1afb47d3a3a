"""The report form. It renders the fields; the case service is the one that checks them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minjian.cases.location import Precision
from minjian.redaction import Kind
from minjian.topics.models import Topic


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Renders a multiple file input that offers the formats a photo may have; the files
    themselves are checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        accepted = {"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}
        super().__init__(widget=MultiplePhotoInput(attrs=accepted), **kwargs)

    def clean(self, value: Any) -> Any:
        return value


class CaseReportForm(forms.Form):
    """Fields are optional here on purpose: `case_submit` checks every value and its
    errors are put back next to the field, so the rules live in one place.
    The `required` attributes only let a browser warn early."""

    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("What is the problem, in a few words?"),
        widget=forms.TextInput(attrs={"required": True, "maxlength": 200}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_("What did you see, where and when? Who is affected?"),
        widget=forms.Textarea(attrs={"required": True, "rows": 6}),
    )
    # Plain text fields shown as selects: the service, not the form, decides
    # whether a topic or region exists, so an error is reported once.
    topic = forms.CharField(label=_("Topic"), required=False, widget=forms.Select)
    # The place: a region found by its name (or, with JavaScript, picked from the names
    # that match as she types, or found from the pin), else chosen from the list.
    region_name = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=100,
        help_text=_(
            "Type the county, district or city in Chinese, pinyin or English, "
            "e.g. 怀远县, huaiyuan or Huaiyuan."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    region = forms.CharField(
        label=_("Or choose it from the list"), required=False, widget=forms.Select
    )
    county = forms.CharField(
        label=_("County or district"),
        required=False,
        help_text=_("Optional: narrow the region down."),
        widget=forms.Select,
    )
    latitude = forms.CharField(
        label=_("Latitude"),
        required=False,
        help_text=_("Optional, e.g. 32.94. Leave empty to give the region only."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        help_text=_("Optional, e.g. 117.36."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    location_precision = forms.ChoiceField(
        label=_("Show the place"),
        choices=Precision.choices,
        initial=Precision.APPROXIMATE,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "A point shown exactly can lead to you. About 1 km puts it in the middle of a "
            "square of about 1 km; the exact point is then not kept anywhere."
        ),
    )
    keep_personal_data = forms.MultipleChoiceField(
        label=_("Keep in my report"),
        choices=[(kind.value, kind.label) for kind in Kind if not kind.always_removed],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Phone numbers, e-mail addresses and plates are removed unless you tick them here, "
            "e.g. a company's hotline or the plate of the lorry that dumps waste. "
            "ID, bank card and passport numbers are always removed."
        ),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 10 photos: JPEG, PNG, WebP or HEIC."),
    )

    unblurred = forms.CharField(
        label=_("Leave faces recognisable in photo number"),
        required=False,
        help_text=_(
            "Faces are blurred in every photo. Only if a face must be seen (an official at "
            "work, yourself by choice), give the photo's number, e.g. 2."
        ),
    )
    unblurred_confirmed = forms.BooleanField(
        label=_("I understand that these faces can be recognised by anyone."),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        topics: list[Topic],
        region_choices: list[tuple[str, Any]],
        county_choices: list[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._offer("topic", [("", _("Choose a topic"))] + [(t.slug, t.name) for t in topics])
        self._offer("region", [("", _("Choose a region")), *region_choices])
        self.fields["topic"].widget.attrs["required"] = True
        if county_choices:
            self._offer("county", county_choices)
        else:
            del self.fields["county"]

    def _offer(self, name: str, choices: list[tuple[str, Any]]) -> None:
        widget = self.fields[name].widget
        assert isinstance(widget, forms.Select)
        widget.choices = choices


DRAWN_BOXES_FIELD = re.compile(r"^blur_boxes_(?P<number>[1-9][0-9]?)$")


def drawn_boxes(data: Mapping[str, Any]) -> dict[int, str]:
    """The boxes a reporter drew, per photo number, from fields `blur_boxes_<number>`
    (written by the report form's drawing tool, or sent by an API client)."""
    found = {}
    for key in data:
        match = DRAWN_BOXES_FIELD.match(key)
        if match:
            found[int(match["number"])] = str(data[key])
    return found


class WitnessAdditionForm(forms.Form):
    """A note and photos for a public case from someone who is not its reporter
    (`services.case_add_by_witness` checks them)."""

    text = forms.CharField(
        label=_("What did you see?"),
        required=False,
        help_text=_(
            "When and where you saw it, and anything the case does not say yet. Do not write "
            "your own name, phone number or ID number."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG, WebP or HEIC. Faces are blurred before anyone sees them."),
    )
