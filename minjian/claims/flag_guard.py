"""Who may send a flag now: the rate limit of flags per client, and the proof of work for
anyone not signed in. The web form and the API ask the same, in the same order, once
the flag itself has been checked (`services_flags.check_flag`, the target):

1. the rate limit, without counting: a flood is refused before anything is spent or
   written (429 `rate_limited`, with the limit in the reader's language);
2. the proof of work of a flagger without an account (`abuse.proof_of_work`): the web
   form takes one sent without JavaScript under that module's strict allowance, the API
   requires it (a program can solve it: GET /altcha/challenge);
3. the flag is counted.
"""

from __future__ import annotations

import math

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.core.errors import DomainError

SCOPE = "flag"


class FlagsFlooded(DomainError):
    """Too many flags from one client: 429, saying how many are taken and when to come back."""

    def __init__(self, limited: ratelimit.RateLimited) -> None:
        rule = ratelimit.rule_for(SCOPE)
        wait = max(1, math.ceil(limited.retry_after / 60))
        message = ngettext(
            "Too many flags from this connection or account: at most %(limit)d are taken "
            "in %(period)d minutes. Try again in %(wait)d minute.",
            "Too many flags from this connection or account: at most %(limit)d are taken "
            "in %(period)d minutes. Try again in %(wait)d minutes.",
            wait,
        ) % {"limit": rule.limit, "period": rule.period // 60, "wait": wait}
        super().__init__(
            "rate_limited",
            message,
            status=429,
            details={"retry_after": limited.retry_after, "limit": rule.limit},
        )
        self.retry_after = limited.retry_after


def admit_flagger(request: HttpRequest, actor: User | None, *, proof_required: bool) -> str:
    """Check that the sender of `request` may flag now and count her flag; return whom
    it is counted for (`abuse.ratelimit.requester`: her account, or her network), which
    the flag's key hashes. `actor`: the signed-in account, or None."""
    subject = ratelimit.requester(request, user=actor if actor is not None else AnonymousUser())
    try:
        ratelimit.check(SCOPE, subject)
        if actor is None:
            if proof_required and not request.POST.get(proof_of_work.FIELD_NAME, "").strip():
                raise DomainError(
                    "proof_of_work_required",
                    _(
                        "Without an account, send the solution of a proof-of-work challenge "
                        "(GET /altcha/challenge) in the field `altcha`."
                    ),
                    field=proof_of_work.FIELD_NAME,
                )
            proof_of_work.check(request)
        ratelimit.hit(SCOPE, subject)
    except ratelimit.RateLimited as limited:
        raise FlagsFlooded(limited) from limited
    return subject
