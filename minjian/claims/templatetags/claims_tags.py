"""Pieces of claims shown on pages of other apps: a case's verdict, with its ClaimReview
and, for verifiers, the way to judge it."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from minjian.cases.claim_review import case_claim_review, case_public_verdict, json_ld
from minjian.cases.models import Case
from minjian.claims import access

register = template.Library()


@register.inclusion_tag("claims/_case_verdict.html", takes_context=True)
def case_verdict(context: template.Context, case: Case) -> dict[str, Any]:
    """The verdict box of a case's page, read from the case's timeline as the page has
    it (no query), and its ClaimReview as JSON-LD."""
    request = context.get("request")
    review = (
        case_claim_review(case, absolute=request.build_absolute_uri)
        if isinstance(request, HttpRequest)
        else None
    )
    return {
        "case": case,
        "verdict": case_public_verdict(case),
        "json_ld": json_ld(review) if review else "",
        "may_judge": case.is_public and access.may_judge(context.get("user")),
    }
