"""The aid pages' forms. Quantities are text fields: the services say what is wrong with them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minjian.aid.models import Item, Priority, Recipient


def _offer(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    """Give a choice field the choices known only when the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class DriveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    region = forms.CharField(label=_("Region code"), max_length=20)
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


def _item_choices(items: list[Item]) -> list[tuple[str, str]]:
    return [(str(item.pk), f"{item.name} ({item.unit})") for item in items]


class PledgeForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    recipient = forms.ChoiceField(label=_("For"), required=False)
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


class NeedForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"))
    quantity = forms.CharField(label=_("Quantity needed"), max_length=20)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    deadline = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "item", _item_choices(items))


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


class RegionWeightForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    weight = forms.FloatField(label=_("Weight"), initial=1.0)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "region", regions)


class ReceiptForm(forms.Form):
    received_quantity = forms.CharField(label=_("Quantity that arrived"), max_length=20)
    damaged_quantity = forms.CharField(
        label=_("Of which damaged"), max_length=20, required=False, initial="0"
    )
    returned_quantity = forms.CharField(
        label=_("Sent back"), max_length=20, required=False, initial="0"
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    on_behalf_reason = forms.CharField(
        label=_("Why you confirm for the recipient (organisers only)"),
        max_length=500,
        required=False,
    )
