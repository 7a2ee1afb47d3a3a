"""The rumour desk (/claims/): what verifiers are checking, their recent verdicts, the
stories reported most often, and the verdicts waiting for a second verifier, each with
its feed; a word for readers on what the verdicts mean and how to flag a text.

Anonymous readers get one stored page (its tags: a claim's verdict or proposal, any
case's public change such as a merge or a hide, organisations' names). A verifier reads
her own page, with what each waiting verdict proposes and the ways to act."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minjian.claims import access, desk, selectors
from minjian.claims.services import CLAIMS
from minjian.core.public_cache import CASES, ORGANISATIONS, public_page, tags_for_everything


@public_page(tags_for_everything(CLAIMS, CASES, ORGANISATIONS))
def rumour_desk(request: HttpRequest) -> HttpResponse:
    sections = selectors.rumour_desk()
    verifier = access.may_judge(request.user)
    return render(
        request,
        "claims/desk.html",
        {
            "being_checked": [desk.judged(claim) for claim in sections.being_checked],
            "recent_verdicts": [desk.judged(claim) for claim in sections.recent_verdicts],
            "clusters": sections.clusters,
            "awaiting": [
                desk.awaiting(claim, proposals=verifier) for claim in sections.awaiting_confirmation
            ],
            "verifier": verifier,
            "confirmations": settings.MINJIAN_VERDICT_CONFIRMATIONS,
        },
    )
