"""Open311 GeoReport v2: the keys of the applications that post reports, and their tokens."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Open311Key(models.Model):
    """An application's key for posting service requests (`api_key`).

    Only the SHA-256 digest is kept: the key is printed once, when issued
    (`manage.py open311_key NAME`). A key names an application, never a person.
    """

    name = models.CharField(max_length=100)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.name


class Open311Request(models.Model):
    """A case that arrived through Open311, with the digest of the token its sender
    may look it up with (GET tokens/{token}) while it waits for a moderator."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="open311_request"
    )
    key = models.ForeignKey(Open311Key, on_delete=models.PROTECT, related_name="requests")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Open311 request for case {self.case_id}"
