from __future__ import annotations

from django import template

from minjian.redaction import text

register = template.Library()


@register.filter(is_safe=False)
def render_redactions(stored: str) -> str:
    """`{{ case.description|render_redactions }}`: placeholders in the reader's language.

    The result is not marked safe: the template escapes it like any other user text.
    """
    return text.render_redactions(str(stored))
