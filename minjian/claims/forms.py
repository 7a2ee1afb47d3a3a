"""Web forms of verifiers: a verdict with its evidence, and a claim with where it was seen.
A service's refusal lands next to the field it is about (`show`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.claims import services_flags, validation
from minjian.claims.models import Flag
from minjian.core.errors import DomainError
from minjian.core.forms import DateInput, show_domain_error
from minjian.redaction import render_redactions

RESPONSE_EXCERPT = 80


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class _ActingForm(forms.Form):
    """Asks which organisation the verifier acts for only when she may choose."""

    organisation = forms.ChoiceField(label=_("Acting for"), required=False, choices=())

    def __init__(self, *args: Any, acting: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(acting) > 1:
            self.fields["organisation"].choices = list(acting)  # type: ignore[attr-defined]  # ChoiceField
            self.acting_for = ""
        else:
            del self.fields["organisation"]
            self.acting_for = acting[0][1] if acting else ""
        self._acting = acting

    def organisation_value(self) -> str:
        if "organisation" in self.fields:
            return str(self.cleaned_data["organisation"])
        return self._acting[0][0] if self._acting else ""


class VerdictForm(_ActingForm):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Case.Verdict.choices)
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        max_length=validation.RATIONALE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Why: what was checked, with whom, and what it showed. Everyone reads it. "
            "Needed for every verdict but “unverified”."
        ),
    )
    links = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Web addresses, one per line. They are quoted, never fetched."),
    )
    documents = forms.CharField(
        label=_("Documents on this site"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Paths such as /docs/inspection-2024.pdf, one per line."),
    )
    responses = forms.MultipleChoiceField(
        label=_("Official responses on the timeline"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    photos = forms.MultipleChoiceField(
        label=_("Photos of the case"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        acting: Sequence[tuple[str, str]],
        responses: Sequence[CaseEvent] = (),
        photos: Sequence[CasePhoto] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, acting=acting, **kwargs)
        if responses:
            self.fields["responses"].choices = [  # type: ignore[attr-defined]  # ChoiceField
                (str(event.pk), _response_label(event)) for event in responses
            ]
        else:
            del self.fields["responses"]
        if photos:
            self.fields["photos"].choices = [  # type: ignore[attr-defined]  # ChoiceField
                (photo.key, _("Photo %(number)d") % {"number": photo.position + 1})
                for photo in photos
            ]
        else:
            del self.fields["photos"]
        # The form field each piece of evidence came from, in the order sent.
        self._evidence_fields: list[str] = []

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        evidence: list[tuple[str, dict[str, Any]]] = [
            ("links", {"kind": "link", "url": line}) for line in _lines(data["links"])
        ]
        evidence += [
            ("documents", {"kind": "document", "path": line}) for line in _lines(data["documents"])
        ]
        evidence += [
            ("responses", {"kind": "response", "event": int(pk)})
            for pk in data.get("responses", [])
        ]
        evidence += [("photos", {"kind": "photo", "key": key}) for key in data.get("photos", [])]
        self._evidence_fields = [field for field, _item in evidence]
        return {
            "organisation": self.organisation_value(),
            "verdict": data["verdict"],
            "rationale": data["rationale"],
            "evidence": [item for _field, item in evidence],
        }

    def show(self, error: DomainError) -> None:
        """A refusal of one piece of evidence goes next to the field it was typed in."""
        index = error.details.get("index")
        if (
            error.field == "evidence"
            and isinstance(index, int)
            and index < len(self._evidence_fields)
        ):
            self.add_error(self._evidence_fields[index], str(error.message))
            return
        if error.field == "evidence" and "links" in self.fields:
            self.add_error("links", str(error.message))
            return
        show_domain_error(self, error)


def _response_label(event: CaseEvent) -> str:
    note = " ".join(render_redactions(str(event.payload.get("note", ""))).split())
    if len(note) > RESPONSE_EXCERPT:
        note = note[: RESPONSE_EXCERPT - 1] + "…"
    organisation = event.organisation.name if event.organisation else ""
    return f"{organisation} ({event.created_at:%Y-%m-%d}): {note}"


class ClaimForm(_ActingForm):
    statement = forms.CharField(
        label=_("The claim"),
        max_length=validation.STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "As it circulates, in its own words. Personal data in it is removed before "
            "it is stored, as in a report."
        ),
    )


class AppearanceForm(forms.Form):
    url = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=validation.URL_MAX_LENGTH,
        help_text=_("Where it was posted. It is quoted, never fetched."),
    )
    platform = forms.CharField(
        label=_("Platform"),
        required=False,
        max_length=validation.PLATFORM_MAX_LENGTH,
        help_text=_("For example Weibo, a WeChat group, Douyin, a leaflet."),
    )
    seen_on = forms.DateField(label=_("Seen on"), required=False, widget=DateInput())


AppearanceFormSet = forms.formset_factory(
    AppearanceForm,
    extra=3,
    max_num=validation.MOST_APPEARANCES,
    absolute_max=validation.MOST_APPEARANCES,
    validate_max=True,
)


def appearance_rows(formset: forms.BaseFormSet[AppearanceForm]) -> list[dict[str, Any]]:
    """Every row of the formset, empty ones too, so that a refusal's index is its row."""
    return [form.cleaned_data for form in formset.forms]


def show_appearance_error(
    form: ClaimForm, formset: forms.BaseFormSet[AppearanceForm], error: DomainError
) -> None:
    index = error.details.get("index")
    if error.field == "appearances" and isinstance(index, int) and index < len(formset.forms):
        row = formset.forms[index]
        field = "platform" if error.code == "platform_too_long" else "url"
        if error.code.startswith("appearance_date") or error.code == "appearance_in_future":
            field = "seen_on"
        row.add_error(field, str(error.message))
        return
    show_domain_error(form, error)


class FlagForm(forms.Form):
    """A reader flags a public text. Who she is is never asked, and never kept."""

    kind = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=[
            (Flag.Kind.RUMOUR.value, _("It may be a rumour: verifiers should check it")),
            (
                Flag.Kind.EXPOSES_PERSON.value,
                _("It exposes a person (“human flesh search”): moderators should look at it"),
            ),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=services_flags.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What you know, or where it is contradicted. Only verifiers and moderators read "
            "it; personal data in it is removed before it is stored."
        ),
    )
