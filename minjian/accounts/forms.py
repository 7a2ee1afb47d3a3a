"""The account forms. They check what a person typed; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from minjian.accounts import services
from minjian.accounts.models import User
from minjian.accounts.validators import PSEUDONYM_MAX_LENGTH
from minjian.core.errors import DomainError

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length

EMAIL_HELP_TEXT = _(
    "Optional. Needed only to reset a forgotten password and to receive mail from Minjian. "
    "Never shown to anyone. Use an address that does not give away who you are."
)


class SignUpForm(forms.Form):
    username = forms.CharField(
        label=_("Pseudonym"),
        max_length=PSEUDONYM_MAX_LENGTH,
        help_text=User._meta.get_field("username").help_text,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        help_text=EMAIL_HELP_TEXT,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        # The service checks again; checking here too shows every mistake at once.
        try:
            return services.clean_pseudonym(self.cleaned_data["username"])
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        again = cleaned.get("password_again")
        if password and again and password != again:
            self.add_error(
                "password_again", _("The two passwords differ. Type the same one twice.")
            )
        return cleaned


class PseudonymAuthenticationForm(AuthenticationForm):
    """Log-in that says the same thing whether or not a pseudonym exists."""

    error_messages = {
        "invalid_login": _("Wrong pseudonym or password."),
        "inactive": _("Wrong pseudonym or password."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Pseudonym")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class EmailChangeForm(forms.Form):
    """A new e-mail address, confirmed with the password: whoever controls the
    address can reset the password, so a borrowed session must not change it."""

    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("Leave empty to remove your address; then a lost password cannot be reset."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."))
        return password


class AccountPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One form among several on the account page: focusing it would scroll past the others.
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class TokenIssueForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        required=False,
        max_length=100,
        help_text=_("What it is for, so that you know which one to revoke, e.g. “my phone”."),
    )


class ResetSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # generic only in the stubs
    """The last step of a reset: the new password goes through the service."""

    def save(self, commit: bool = True) -> Any:
        services.account_set_password(
            actor=self.user, password=self.cleaned_data["new_password1"], via="reset"
        )
        return self.user


class PasswordResetRequestForm(PasswordResetForm):
    """The reset request: saving it defers the mail to a job (see the service), never
    sends it while the request waits."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        services.account_request_password_reset(
            email=self.cleaned_data["email"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
