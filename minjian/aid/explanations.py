"""Allocation explanations, stored as data, rendered in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from minjian.aid.allocation import Explanation
from minjian.aid.allocation import Priority as AllocationPriority
from minjian.aid.models import Priority


def explanation_text(data: Mapping[str, object]) -> str:
    """ "urgent; 12% met before this round" / "紧急；本轮前已满足 12%"."""
    explanation = Explanation(
        priority=AllocationPriority(str(data["priority"])),
        met_share=float(str(data["met_share"])),
        region_weight=float(str(data["region_weight"])),
    )
    parts = []
    if data.get("earmarked"):
        parts.append(_("earmarked by the donor"))
    parts.append(str(Priority(explanation.priority).label))
    parts.append(_("%(percent)d%% met before this round") % {"percent": explanation.met_percent})
    if explanation.region_weight != 1.0:
        parts.append(_("region weight ×%(weight)g") % {"weight": explanation.region_weight})
    return pgettext("list separator", "; ").join(parts)
