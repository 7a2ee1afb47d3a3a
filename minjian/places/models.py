"""Regions: a country's administrative tree (for China, GB/T 2260 divisions)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from minjian.core.models import BilingualName


class Region(BilingualName):
    """One administrative division: province (1), prefecture (2) or county (3).

    `path` is the chain of codes from the root ("/110000/110101/"), so that "this
    region and everything under it" is one indexed prefix match, whatever the
    shape of the country's codes.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        PREFECTURE = 2, _("prefecture")
        COUNTY = 3, _("county")

    code = models.CharField(max_length=20, unique=True)
    country = models.CharField(max_length=2, default="CN")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        ordering = ("code",)

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)
