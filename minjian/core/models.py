"""Shared model pieces: the append-only event base and bilingual names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an event that was written."""


class Event(models.Model):
    """One entry of an append-only log: what happened, who did it, when, with what data.

    Concrete logs (a case's timeline, an organisation's history) add the foreign
    key to their subject. Rows are written once by a service, in the same
    transaction as the change they record, and never updated or deleted.
    """

    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only")


class BilingualName(models.Model):
    """A name kept in Chinese and in English, shown in the reader's language."""

    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


def localized(zh: str, en: str) -> str:
    """`zh` for Chinese readers, `en` for everyone else; falls back to whichever exists."""
    if (get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


class PublicChange(models.Model):
    """When what the public reads under a tag last changed ("case:12", "cases", "org:3").

    Services touch their tags in the transaction that makes the change
    (`minjian.core.public_cache.touch`); stored renderings of anonymous pages are keyed
    by the versions of the tags they show, so a change makes every one of them stale at
    the moment it commits, in every worker, whatever the cache.
    """

    tag = models.CharField(max_length=100, primary_key=True)
    version = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.tag} changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"
