from __future__ import annotations

from django import template

from minjian.redaction.persons import exposure_reasons

register = template.Library()


@register.simple_tag
def exposure_labels(*texts: object) -> list[str]:
    """`{% exposure_labels case.title case.description as exposes %}`: what the texts
    expose of a private person they name, in the reader's language (empty: nobody)."""
    return [str(reason.label) for reason in exposure_reasons(*(str(text) for text in texts))]
