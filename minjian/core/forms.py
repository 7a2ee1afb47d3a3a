"""Form helpers shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url

from minjian.core.errors import DomainError


def show_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal next to the field it is about, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def see_other(to: str, *args: Any, **kwargs: Any) -> HttpResponseRedirect:
    """The answer to a form that did what it was sent for: 303 See Other to a page (a
    URL name with its arguments, or an address), which the browser fetches with GET,
    so that reloading it or going back never sends the form again."""
    return HttpResponseRedirect(resolve_url(to, *args, **kwargs), status=303)


class DateInput(forms.DateInput):
    """A browser's date picker. It reads and writes its value as ISO 8601 (2027-03-01) in
    every language, where Django's DateInput would write the language's format (zh-hans:
    2027/03/01), which the picker drops: an edited date would come back empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
