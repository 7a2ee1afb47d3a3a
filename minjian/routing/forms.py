"""The forms of the inbox pages: plain POST forms that work without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minjian.cases.validation import NOTE_MAX_LENGTH
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.topics.models import Topic


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AddressForm(NoteForm):
    agency = forms.ChoiceField(label=_("Agency"))

    def __init__(self, *args: Any, agencies: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)
        agency_field.choices = [(agency.slug, agency.name) for agency in agencies]
        self.order_fields(["agency", "note"])


class SubscriptionForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(
        self,
        *args: Any,
        topics: QuerySet[Topic],
        regions: QuerySet[Region],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        topic_field = self.fields["topic"]
        region_field = self.fields["region"]
        assert isinstance(topic_field, forms.ChoiceField)
        assert isinstance(region_field, forms.ChoiceField)
        topic_field.choices = [("", _("All topics"))] + [
            (topic.slug, topic.name) for topic in topics
        ]
        region_field.choices = [("", _("Everywhere"))] + [
            (region.code, region_label(region)) for region in regions
        ]


def region_label(region: Region) -> str:
    # Prefectures are indented under their province, as in a tree.
    return "\u3000" * (region.level - 1) + region.name
