"""Ledger cells: each figure links to the events it is the sum of."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from minjian.aid.explanations import explanation_text
from minjian.aid.models import Drive
from minjian.aid.selectors import FIGURES, LedgerRow

register = template.Library()


@register.inclusion_tag("aid/_cells.html")
def figure_cells(drive: Drive, row: LedgerRow) -> dict[str, object]:
    return {"cells": cells_of(reverse("aid:ledger_events", args=[drive.pk]), row), "row": row}


def cells_of(base: str, row: LedgerRow) -> list[dict[str, object]]:
    """The five figures of a row, each with its link to the events it sums."""
    query: dict[str, object] = {"item": row.item.pk}
    if row.recipient is not None:
        query["recipient"] = row.recipient.pk
    return [
        {
            "figure": figure,
            "value": getattr(row.figures, figure),
            "percent": row.figures.percent(figure),
            "needed": row.figures.needed,
            "url": f"{base}?{urlencode(query | {'figure': figure})}",
        }
        for figure in FIGURES
    ]


@register.filter
def explained(explanation: dict[str, object]) -> str:
    return explanation_text(explanation)
