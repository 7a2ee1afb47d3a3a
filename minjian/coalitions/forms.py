"""The forms of coalition pages. They take what people type; the services check it and
a refusal lands next to its field (`minjian.core.forms.show_domain_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minjian.coalitions import validation
from minjian.coalitions.models import Option
from minjian.core.forms import DateInput
from minjian.orgs.models import Membership, Organisation


class FoundForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Founding organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        help_text=_("One of the organisations you are an admin of: its first member."),
    )
    name_zh = forms.CharField(
        label=_("Name in Chinese"), required=False, max_length=validation.NAME_MAX_LENGTH
    )
    name_en = forms.CharField(
        label=_("Name in English"), required=False, max_length=validation.NAME_MAX_LENGTH
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=validation.PURPOSE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the organisations mean to do together. Everyone reads it."),
    )
    members_hidden = forms.BooleanField(
        label=_("Hide the member list"),
        required=False,
        help_text=_(
            "Only the people of the member organisations see who belongs. The coalition's "
            "page, proposals and statements stay public."
        ),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField


class InviteForm(forms.Form):
    organisation = forms.SlugField(
        label=_("Organisation to invite"),
        help_text=_("Its address on this site, as in /orgs/green-huai-river/."),
    )


class DelegateForm(forms.Form):
    delegate = forms.ChoiceField(label=_("Delegate"), choices=())

    def __init__(self, *args: Any, memberships: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delegate"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            (membership.user.username, membership.user.username) for membership in memberships
        ]


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)
    text = forms.CharField(
        label=_("Message"),
        max_length=validation.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Read by the people of the member organisations. Personal data is removed "
            "before it is stored."
        ),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"),
        max_length=validation.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)
    text = forms.CharField(
        label=_("Proposal"),
        max_length=validation.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the coalition would do. Everyone reads it."),
    )
    closes_at = forms.DateTimeField(
        label=_("Voting closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class VoteForm(forms.Form):
    option = forms.ChoiceField(
        label=_("Your organisation's vote"), choices=Option.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=validation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why your organisation votes so. Needed with every vote."),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=validation.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the coalition decided, for the public timeline."),
    )


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Joint statement"),
        max_length=validation.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Published on the coalition's page, signed by every organisation that agreed."),
    )


class PetitionForm(forms.Form):
    """A petition from an agreed proposal (`minjian.petitions` checks each field)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    request = forms.CharField(
        label=_("The request"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the organisations that agreed ask of the body addressed."),
    )
    background = forms.CharField(
        label=_("Background"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    addressed_organisation = forms.ModelChoiceField(
        label=_("Government agency on Minjian"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
    )
    addressed_name = forms.CharField(label=_("Or a named body"), required=False, max_length=200)
    addressed_contact = forms.EmailField(label=_("Its public e-mail address"), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    signature_goal = forms.IntegerField(label=_("Signature goal"), min_value=1)

    def __init__(self, *args: Any, agencies: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressed_organisation"].queryset = agencies  # type: ignore[attr-defined]  # ModelChoiceField
