"""Form helpers shared by every app's pages."""

from __future__ import annotations

from django import forms

from minjian.core.errors import DomainError


def show_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal next to the field it is about, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
