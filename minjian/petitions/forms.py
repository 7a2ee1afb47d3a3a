"""The forms of petitions' pages. They take what people type; the services check it
(`petitions.validation`), and a refusal lands next to its field
(`minjian.core.forms.show_domain_error`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minjian.core.forms import DateInput
from minjian.core.text import parse_id
from minjian.orgs.models import Organisation
from minjian.petitions import selectors_pages, validation
from minjian.petitions.models import Petition
from minjian.places.models import Region
from minjian.topics.models import Topic
from minjian.topics.selectors import topic_list


class ProvinceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic only in the stubs
    """A province by its code, or none."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=selectors_pages.provinces(),
            to_field_name="code",
            required=False,
            empty_label=_("No province"),
            **kwargs,
        )

    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class SignForm(forms.Form):
    """What a signer gives besides who she is."""

    display_name = forms.CharField(
        label=_("Name to show (optional)"),
        required=False,
        max_length=validation.NAME_MAX_LENGTH,
        help_text=_("Any name you like; leave it empty to sign without one."),
    )
    name_hidden = forms.BooleanField(
        label=_("Hide my name"),
        required=False,
        help_text=_("The page then lists you as “a signer”."),
    )
    region = ProvinceField(
        label=_("Your province (optional)"),
        help_text=_("Counted on the map of signatures; nothing else is kept of where you are."),
    )


class EmailSignForm(SignForm):
    """A signer without an account: her address, to confirm by the link mailed there."""

    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "We mail you a link to confirm your signature and one to withdraw it. The address "
            "is never shown, and once you confirm, only a keyed fingerprint of it is kept."
        ),
    )

    field_order = ("email", "display_name", "name_hidden", "region")


def _slugs(raw: str) -> list[str]:
    return [part for part in re.split(r"[\s,，、]+", raw.strip()) if part]


class PetitionForm(forms.Form):
    """A new petition. The body addressed is an agency on Minjian or a named body with a
    public address; its co-owners, the organisations she administers that she ticks and
    others named by their address, each of whose admins accepts."""

    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)
    request = forms.CharField(
        label=_("The request"),
        max_length=validation.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the body addressed is asked to do. Personal data is removed."),
    )
    background = forms.CharField(
        label=_("Background"),
        required=False,
        max_length=validation.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    addressed_organisation = forms.ModelChoiceField(
        label=_("Agency addressed"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("An agency not on Minjian (name it below)"),
    )
    addressed_name = forms.CharField(
        label=_("Or the name of the body addressed"),
        required=False,
        max_length=validation.TITLE_MAX_LENGTH,
    )
    addressed_contact = forms.CharField(
        label=_("Its public e-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(),
        help_text=_("The petition is delivered there."),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("No topic"),
    )
    region = ProvinceField(label=_("Province"))
    cited_cases = forms.CharField(
        label=_("Cases it cites (optional)"),
        required=False,
        help_text=_("Their numbers, as in #12, #345."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    signature_goal = forms.IntegerField(label=_("Signature goal"), required=False, min_value=1)
    deliver_at_deadline = forms.BooleanField(
        label=_("Deliver at the deadline"),
        required=False,
        help_text=_(
            "Deliver it at the deadline whatever the count, rather than as soon as the goal "
            "is reached."
        ),
    )
    own_organisations = forms.ModelMultipleChoiceField(
        label=_("Co-owners among your organisations"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_organisations = forms.CharField(
        label=_("Other co-owner organisations"),
        required=False,
        help_text=_(
            "Their addresses on this site, as in green-huai-river; an admin of each accepts "
            "before the petition looks for sponsors. Without any co-owner, it is yours."
        ),
    )

    def __init__(self, *args: Any, administered: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressed_organisation"].queryset = selectors_pages.agencies()  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["topic"].queryset = topic_list()  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["own_organisations"].queryset = administered  # type: ignore[attr-defined]  # ModelMultipleChoiceField

    def clean_cited_cases(self) -> list[Any]:
        numbers = []
        for part in _slugs(self.cleaned_data["cited_cases"]):
            number = parse_id(part.lstrip("#＃"))
            if number is None:
                raise forms.ValidationError(
                    _("“%(value)s” is not a case number."), params={"value": part}
                )
            numbers.append(number)
        found = selectors_pages.cases_by_ids(numbers)
        for number in numbers:
            if number not in found:
                raise forms.ValidationError(_("There is no case #%(id)d."), params={"id": number})
        return [found[number] for number in numbers]

    def clean_other_organisations(self) -> list[Organisation]:
        slugs = _slugs(self.cleaned_data["other_organisations"])
        found = selectors_pages.organisations_by_slugs(slugs)
        for slug in slugs:
            if slug not in found:
                raise forms.ValidationError(
                    _("There is no organisation at the address “%(slug)s”."),
                    params={"slug": slug},
                )
        return [found[slug] for slug in slugs]

    def service_arguments(self) -> dict[str, Any]:
        """`petitions.services.petition_create`'s arguments, but the actor."""
        data = dict(self.cleaned_data)
        owners = [*data.pop("own_organisations"), *data.pop("other_organisations")]
        return {**data, "owner_organisations": owners}


class DraftForm(PetitionForm):
    """A draft's text and terms, to edit: its co-owners stay as they were asked."""

    def __init__(self, *args: Any, petition: Petition, **kwargs: Any) -> None:
        super().__init__(
            *args,
            administered=Organisation.objects.none(),
            initial=_draft_initial(petition),
            **kwargs,
        )
        del self.fields["own_organisations"]
        del self.fields["other_organisations"]

    def service_arguments(self) -> dict[str, Any]:
        """`petitions.services.petition_draft_edit`'s arguments, but the actor and petition."""
        return dict(self.cleaned_data)


def _draft_initial(petition: Petition) -> dict[str, Any]:
    return {
        "title": petition.title,
        "request": petition.request,
        "background": petition.background,
        "addressed_organisation": petition.addressed_organisation,
        "addressed_name": petition.addressed_name,
        "addressed_contact": petition.addressed_contact,
        "topic": petition.topic,
        "region": petition.region,
        "cited_cases": ", ".join(f"#{case.pk}" for case in petition.cited_cases.all()),
        "deadline": petition.deadline,
        "signature_goal": petition.signature_goal,
        "deliver_at_deadline": petition.deliver_at_deadline,
    }


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the petition's tombstone and in the public moderation log."),
    )


class InvalidateForm(forms.Form):
    """Staff invalidate signatures by the domain of their address, a time window, or both."""

    email_domain = forms.CharField(
        label=_("E-mail domain"),
        required=False,
        max_length=255,
        help_text=_("As in example.com: the signatures by e-mail at this domain."),
    )
    since = forms.DateTimeField(
        label=_("Signed from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = forms.DateTimeField(
        label=_("Signed before"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown, with the number of signatures, in the public moderation log."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("The official answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Shown on the petition's timeline. Personal data is removed."),
    )
