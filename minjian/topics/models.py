"""Topics a case is about and an organisation works on."""

from __future__ import annotations

from django.db import models

from minjian.core.models import BilingualName


class Topic(BilingualName):
    slug = models.SlugField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "slug")
