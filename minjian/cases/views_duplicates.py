"""The verifiers' queue of duplicate reports: suggested pairs side by side, confirmed
(merged) or rejected, and any case merged into another by number. Verifiers and staff
only, as the moderation queue is for staff."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minjian.accounts.access import signed_in
from minjian.cases import selectors_duplicates, services_merge
from minjian.cases.views_moderation import allowed_only, decide_and_say
from minjian.core.errors import DomainError
from minjian.core.forms import see_other, show_domain_error
from minjian.core.text import parse_id
from minjian.orgs.selectors import user_is_verifier

PAGE_SIZE = 20


class CaseNumberField(forms.CharField):
    """A case's number, as "12" or "#12"."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]  # a number, not text
        text = str(super().to_python(value)).strip().lstrip("#")
        if not text:
            return None
        number = parse_id(text)
        if number is None:
            raise forms.ValidationError(_("Give the number of a case, e.g. 12."))
        return number


class MergeForm(forms.Form):
    case = CaseNumberField(
        label=gettext_lazy("Case to merge (the duplicate)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 24}),
    )
    into = CaseNumberField(
        label=gettext_lazy("Merge it into case (the original)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 24}),
    )


verifiers_only = allowed_only(
    user_is_verifier, gettext_lazy("Only verifiers and moderators can see this page.")
)


@verifiers_only
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request, MergeForm())


def _queue_page(request: HttpRequest, merge_form: MergeForm, *, status: int = 200) -> HttpResponse:
    page = Paginator(selectors_duplicates.suggested_duplicates(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/duplicates.html",
        {"page": page, "query": {}, "merge_form": merge_form},
        status=status,
    )


@require_POST
@verifiers_only
def decide(request: HttpRequest, suggestion_id: int, action: str) -> HttpResponse:
    """Confirm a suggestion (its case is merged into its original) or reject it."""
    verifier = signed_in(request)

    def merged() -> str:
        original = services_merge.duplicate_confirm(actor=verifier, suggestion_id=suggestion_id)
        return _("Merged into case #%(id)d.") % {"id": original.pk}

    def rejected() -> str:
        services_merge.duplicate_reject(actor=verifier, suggestion_id=suggestion_id)
        return _("Suggestion rejected: it will not be made again.")

    decide_and_say(request, action, {"confirm": merged, "reject": rejected})
    return see_other("cases:duplicates")


@require_POST
@verifiers_only
def merge(request: HttpRequest) -> HttpResponse:
    """Merge case N into case M, by their numbers."""
    verifier = signed_in(request)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, form, status=400)
    try:
        original = services_merge.case_merge(
            actor=verifier, case_id=form.cleaned_data["case"], into_id=form.cleaned_data["into"]
        )
    except DomainError as error:
        show_domain_error(form, error)
        return _queue_page(request, form, status=400)
    messages.success(
        request,
        _("Case #%(case)d merged into case #%(id)d.")
        % {"case": form.cleaned_data["case"], "id": original.pk},
    )
    return see_other("cases:duplicates")
