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
