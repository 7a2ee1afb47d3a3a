"""Accounts: a pseudonym and a password. No real name is asked of anyone."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.validators import PSEUDONYM_MAX_LENGTH, pseudonym_validators
from minjian.core.models import Event


def same_pseudonym(pseudonym: str) -> Exact[str]:
    """A filter for the account whose pseudonym equals `pseudonym`, ignoring case.

    Written with the database's own LOWER() on both sides, so it agrees with the
    unique constraint below and can use its index.
    """
    return Exact(Lower("username"), Lower(models.Value(pseudonym)))


class UserManager(DjangoUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Log-in ignores case as sign-up's uniqueness does: "River" is "river".
        return self.get(same_pseudonym(username or ""))


class User(AbstractUser):
    """A person on Minjian, known by a pseudonym (`username`).

    E-mail is optional: it is needed only for password reset and for mail.
    Django's first and last name fields are removed so that no form, admin or
    export can ever ask for or leak a real name.
    """

    username = models.CharField(
        _("pseudonym"),
        max_length=PSEUDONYM_MAX_LENGTH,
        unique=True,
        validators=pseudonym_validators,
        help_text=_(
            "3 to 40 letters (Chinese too), digits, and _ - . "
            "Others see it on everything you post. Do not use your real name."
        ),
        error_messages={"unique": _("This pseudonym is taken.")},
    )
    first_name = None  # type: ignore[assignment]  # real names are never asked for
    last_name = None  # type: ignore[assignment]  # real names are never asked for
    email = models.EmailField(_("e-mail"), blank=True)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_pseudonym_unique_ignoring_case",
                violation_error_message=_("This pseudonym is taken."),
            ),
        ]

    @property
    def pseudonym(self) -> str:
        return self.username


class ApiToken(models.Model):
    """A personal token for the API (`Authorization: Bearer ...`).

    Only a SHA-256 digest is stored: the token itself is shown once, when issued.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AccountEventKind(models.TextChoices):
    SIGNED_UP = "signed_up", _("signed up")
    EMAIL_CHANGED = "email_changed", _("e-mail changed")
    PASSWORD_CHANGED = "password_changed", _("password changed")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    STAFF_GRANTED = "staff_granted", _("made site staff")
    STAFF_REVOKED = "staff_revoked", _("no longer site staff")


class AccountEvent(Event):
    """The audit trail of an account.

    Payloads never hold a password, a token or an e-mail address: the log is
    append-only, so what is written here can never be taken back.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="account_events")
    kind = models.CharField(max_length=40, choices=AccountEventKind.choices)

    class Meta(Event.Meta):
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
