"""Web forms for organisations. Field names are the services' argument names, so a
DomainError's `field` lands next to the right input."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.core.errors import DomainError
from minjian.orgs import selectors, validation
from minjian.orgs.models import Membership, Organisation
from minjian.places.models import Region
from minjian.topics.models import Topic


class OrganisationForm(forms.Form):
    """What an organisation says about itself. Used to edit; `OrganisationCreateForm`
    adds the slug, which is chosen once."""

    kind = forms.ChoiceField(label=_("Kind"), choices=())
    name_zh = forms.CharField(
        label=_("Name in Chinese"), max_length=validation.NAME_MAX_LENGTH, required=False
    )
    name_en = forms.CharField(
        label=_("Name in English"), max_length=validation.NAME_MAX_LENGTH, required=False
    )
    description = forms.CharField(
        label=_("About the organisation"),
        required=False,
        max_length=validation.DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_("What the organisation does, for whom, and since when."),
    )
    topic_slugs = forms.MultipleChoiceField(
        label=_("Focus topics"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    region_codes = forms.MultipleChoiceField(
        label=_("Regions served"),
        required=False,
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (or ⌘) to choose more than one."),
    )
    contact_email = forms.EmailField(
        label=_("Public e-mail"),
        required=False,
        max_length=validation.CONTACT_EMAIL_MAX_LENGTH,
    )
    contact_url = forms.URLField(
        label=_("Web address"),
        required=False,
        max_length=validation.CONTACT_URL_MAX_LENGTH,
        assume_scheme="https",
    )
    contact_note = forms.CharField(
        label=_("How to reach you"),
        required=False,
        max_length=validation.CONTACT_NOTE_MAX_LENGTH,
        help_text=_("For example opening hours or a hotline. Everyone can read this."),
    )

    def __init__(
        self,
        *args: Any,
        kinds: Iterable[str],
        topics: Iterable[Topic],
        regions: Iterable[Region],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Organisation.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["topic_slugs"].choices = [(topic.slug, topic.name) for topic in topics]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["region_codes"].choices = _grouped_by_province(regions)  # type: ignore[attr-defined]  # ChoiceField

    def service_arguments(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class OrganisationCreateForm(OrganisationForm):
    slug = forms.CharField(
        label=_("Address"),
        min_length=validation.SLUG_MIN_LENGTH,
        max_length=validation.SLUG_MAX_LENGTH,
        help_text=_(
            "The organisation's page will be /orgs/<address>/. Lowercase letters a-z, "
            "digits and dashes, e.g. green-huai-river. It cannot be changed later."
        ),
    )

    field_order = ("kind", "name_zh", "name_en", "slug")

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"].strip()
        try:
            return validation.clean_slug(slug)
        except DomainError as error:
            raise forms.ValidationError(str(error.message)) from None


def organisation_initial(organisation: Organisation) -> dict[str, Any]:
    return {
        "kind": organisation.kind,
        "name_zh": organisation.name_zh,
        "name_en": organisation.name_en,
        "description": organisation.description,
        "topic_slugs": [topic.slug for topic in organisation.topics.all()],
        "region_codes": [region.code for region in organisation.regions.all()],
        "contact_email": organisation.contact_email,
        "contact_url": organisation.contact_url,
        "contact_note": organisation.contact_note,
    }


def _grouped_by_province(regions: Iterable[Region]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Regions (ordered by path) as option groups, one per top-level region."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for region in regions:
        if region.parent_id is None or not groups:
            groups.append((region.name, []))
        groups[-1][1].append((region.code, region.name))
    return groups


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=())

    def __init__(self, *args: Any, topics: Iterable[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", _("All topics")),
            *((topic.slug, topic.name) for topic in topics),
        ]


class PseudonymField(forms.CharField):
    """An account, typed as its pseudonym."""

    def clean(self, value: Any) -> User:
        pseudonym = super().clean(value).strip()
        user = selectors.user_by_pseudonym(pseudonym)
        if user is None:
            raise forms.ValidationError(_("There is no active account with this pseudonym."))
        return user


class MemberAddForm(forms.Form):
    user = PseudonymField(label=_("Pseudonym"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class MemberRoleForm(forms.Form):
    user = PseudonymField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MemberVerifierForm(forms.Form):
    user = PseudonymField(widget=forms.HiddenInput)
    verifier = forms.TypedChoiceField(
        choices=[("1", _("Verifier")), ("0", _("Not a verifier"))],
        coerce=lambda value: value == "1",
    )


class MemberRemoveForm(forms.Form):
    user = PseudonymField(widget=forms.HiddenInput)


class VerifyForm(forms.Form):
    verified = forms.TypedChoiceField(
        choices=[("1", _("Verified")), ("0", _("Not verified"))],
        coerce=lambda value: value == "1",
    )
