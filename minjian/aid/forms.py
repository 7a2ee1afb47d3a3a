"""The aid pages' forms. Each checks every field it can on its own, so that a refused form
shows all its errors at once, keeping what was typed; the services check again, and
what only they can tell (a need already promised, a drive closed) comes after.
Quantities are text fields checked by the services' own rule (`whole_quantity`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minjian.aid.models import Item, Priority, Recipient
from minjian.aid.services import whole_quantity
from minjian.core.errors import DomainError, NotFound
from minjian.core.forms import DateInput
from minjian.places.selectors import region_by_code


def _offer(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    """Give a choice field the choices known only when the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


# A count is typed as text (the services explain what is wrong with "2.5"); phones show
# their number pad for it.
COUNT_INPUT = forms.TextInput(attrs={"inputmode": "numeric"})


def _count(value: str, *, allow_zero: bool = False) -> int:
    """A count of whole items, or the services' reason why not, as a form error."""
    try:
        return whole_quantity(value, allow_zero=allow_zero)
    except DomainError as refused:
        raise forms.ValidationError(str(refused.message), code=refused.code) from None


class DriveForm(forms.Form):
    title_zh = forms.CharField(label=_("Title in Chinese"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    region = forms.CharField(
        label=_("Region code"),
        max_length=20,
        help_text=_("The GB/T 2260 code of the area the drive serves, e.g. 420100 for Wuhan."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    organisation = forms.ChoiceField(label=_("On behalf of"), required=False)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "organisation", [("", _("only me")), *organisations])

    def clean_region(self) -> str:
        code: str = self.cleaned_data["region"].strip()
        try:
            region_by_code(code)
        except NotFound:
            raise forms.ValidationError(
                _("Choose a known region."), code="unknown_region"
            ) from None
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("title_zh") or cleaned.get("title_en")):
            self.add_error("title_zh", _("Give the drive a title, in Chinese or in English."))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The drive must end after it starts."))
        return cleaned


def _item_choices(items: list[Item]) -> list[tuple[str, str]]:
    return [(str(item.pk), f"{item.name} ({item.unit})") for item in items]


class PledgeForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.CharField(label=_("Quantity"), max_length=20, widget=COUNT_INPUT)
    recipient = forms.ChoiceField(
        label=_("For"),
        required=False,
        # A choice the form does not know is refused, not silently dropped.
        error_messages={"invalid_choice": _("This recipient has no verified need of this item.")},
    )
    organisation = forms.ChoiceField(label=_("Pledge as"), required=False)

    def __init__(
        self,
        *args: Any,
        items: list[Item],
        recipients: list[Recipient],
        organisations: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "item", _item_choices(items))
        _offer(
            self,
            "recipient",
            [
                ("", _("wherever the organisers allocate it")),
                *((str(recipient.pk), recipient.name) for recipient in recipients),
            ],
        )
        if organisations:
            _offer(self, "organisation", [("", _("myself")), *organisations])
        else:
            del self.fields["organisation"]

    def clean_quantity(self) -> int:
        return _count(self.cleaned_data["quantity"])


class NeedForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.CharField(label=_("Quantity needed"), max_length=20, widget=COUNT_INPUT)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    deadline = forms.DateField(label=_("Needed by"), required=False, widget=DateInput())

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "item", _item_choices(items))

    def clean_quantity(self) -> int:
        return _count(self.cleaned_data["quantity"])


class RecipientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Recipient.Kind.choices)
    place = forms.CharField(label=_("Address or place"), max_length=300, required=False)
    region = forms.ChoiceField(label=_("Region"))

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "region", regions)


class ItemForm(forms.Form):
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    unit_zh = forms.CharField(label=_("Unit in Chinese"), max_length=40)
    unit_en = forms.CharField(label=_("Unit in English"), max_length=40, required=False)


class MinLineForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    min_line_quantity = forms.CharField(
        label=_("Smallest line"),
        max_length=20,
        widget=COUNT_INPUT,
        help_text=_(
            "No allocation line below this many, but a whole pledge or all a recipient "
            "needs: a small pledge goes whole to one recipient instead of in bits to many."
        ),
    )

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "item", _item_choices(items))

    def clean_min_line_quantity(self) -> int:
        return _count(self.cleaned_data["min_line_quantity"])


class RegionWeightForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    weight = forms.FloatField(label=_("Weight"), initial=1.0)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "region", regions)


class ReceiptForm(forms.Form):
    """What arrived of a shipment. The reason field is there only for an organiser who
    confirms on the recipient's behalf: the recipient's own desk never sees it."""

    received_quantity = forms.CharField(
        label=_("Quantity that arrived"), max_length=20, widget=COUNT_INPUT
    )
    damaged_quantity = forms.CharField(
        label=_("Of which damaged"), max_length=20, required=False, initial="0", widget=COUNT_INPUT
    )
    returned_quantity = forms.CharField(
        label=_("Sent back"), max_length=20, required=False, initial="0", widget=COUNT_INPUT
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    on_behalf_reason = forms.CharField(label=_("Why you confirm for the recipient"), max_length=500)

    def __init__(self, *args: Any, sent: int, on_behalf: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent = sent
        if not on_behalf:
            del self.fields["on_behalf_reason"]

    def clean_received_quantity(self) -> int:
        return _count(self.cleaned_data["received_quantity"], allow_zero=True)

    def clean_damaged_quantity(self) -> int:
        return _count(self.cleaned_data["damaged_quantity"] or "0", allow_zero=True)

    def clean_returned_quantity(self) -> int:
        return _count(self.cleaned_data["returned_quantity"] or "0", allow_zero=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        received = cleaned.get("received_quantity")
        returned = cleaned.get("returned_quantity")
        damaged = cleaned.get("damaged_quantity")
        if received is not None and returned is not None and received + returned > self.sent:
            self.add_error(
                "received_quantity",
                _("Only %(sent)d were shipped: received and returned cannot add up to more.")
                % {"sent": self.sent},
            )
        if received is not None and damaged is not None and damaged > received:
            self.add_error("damaged_quantity", _("More items cannot be damaged than arrived."))
        return cleaned
