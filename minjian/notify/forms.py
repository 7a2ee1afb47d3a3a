"""The follow form: only renders the field; `services.follow_request` checks the address."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FollowForm(forms.Form):
    email = forms.CharField(
        label=_("Your e-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"required": True, "autocomplete": "email"}),
    )
