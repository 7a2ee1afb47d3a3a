"""Accounts: a pseudonym and a password. No real name is asked of anyone."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person on Minjian, known by a pseudonym (`username`).

    E-mail is optional: it is needed only for password reset and for mail.
    Django's first and last name fields are removed so that no form, admin or
    export can ever ask for or leak a real name.
    """

    first_name = None  # type: ignore[assignment]  # real names are never asked for
    last_name = None  # type: ignore[assignment]  # real names are never asked for
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def pseudonym(self) -> str:
        return self.username


class ApiToken(models.Model):
    """A personal token for the API (`Authorization: Bearer ...`).

    Only a SHA-256 digest is stored: the token itself is shown once, when issued.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
