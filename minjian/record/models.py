"""The public record: entries appended by the apps in their own transactions, sealed into
a hash chain by one sealer at a time, and the signed checkpoints of the chain's head."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from minjian.core.models import AppendOnlyError


class AppendOnly(models.Model):
    """Written once; only the record's services change a row after that, and only what the
    contract lets them (sealing an entry, withholding its body)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only")


class Entry(AppendOnly):
    """One public event: what the public could read about `subject` at `at`.

    Appended unsealed (no position, no hashes) by the app that makes the change; the
    sealer gives it its position and chains it. `body` is None once withheld to protect
    a person (a removal with `protects_person`): its `content_hash` stays in the chain.
    """

    position = models.BigIntegerField(unique=True, null=True, blank=True)
    subject = models.CharField(max_length=60)
    kind = models.CharField(max_length=60)
    at = models.DateTimeField()
    body = models.JSONField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "entries"
        indexes = (
            models.Index(
                fields=("id",), name="record_entry_unsealed", condition=Q(position__isnull=True)
            ),
            models.Index(fields=("subject", "id"), name="record_entry_subject"),
        )

    def __str__(self) -> str:
        return f"{self.position or 'unsealed'} {self.kind} {self.subject}"


class Checkpoint(AppendOnly):
    """The instance's signature over the chain's head at `position`; `instance` is its base
    URL when it signed."""

    instance = models.CharField(max_length=300)
    position = models.BigIntegerField(db_index=True)
    entry_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    signature = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16)

    class Meta:
        ordering = ("-position", "-id")

    def __str__(self) -> str:
        return f"checkpoint at {self.position}"


class Head(models.Model):
    """The chain's last sealed position and hash, in one row: the sealer locks it, so that
    one sealer runs at a time."""

    position = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head at {self.position}"
