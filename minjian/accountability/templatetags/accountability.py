from __future__ import annotations

from datetime import timedelta

from django import template

from minjian.accountability.formatting import (
    readable_duration,
    readable_response_kind,
    readable_share,
)

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """`{{ figures.median_first_response|duration }}`: '66 hours' in the reader's language."""
    return readable_duration(value)


@register.filter
def share(value: float | None) -> str:
    """`{{ figures.response_rate|share }}`: '75%'."""
    return readable_share(value)


@register.filter
def response_kind(kind: str) -> str:
    """`{{ fact.first_response_kind|response_kind }}`: 'Gave an official response'."""
    return readable_response_kind(kind)
