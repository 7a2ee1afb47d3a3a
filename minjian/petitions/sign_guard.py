"""What a signing request says of its sender, asked by the web form and the API alike once
the signature itself has been checked:

1. the proof of work of a signer without an account (`abuse.proof_of_work`): the web form
   takes one sent without JavaScript under that module's strict allowance, the API
   requires it (a program can solve it: GET /altcha/challenge). A missing or wrong proof
   is refused: it writes nothing;
2. the rate limits, per client (`petition_sign`: her account, or her network) and per
   petition from everyone (`petition_sign_petition`). Beyond either the signature is
   still taken, but it waits for a moderator (`needs_review`): a crowd behind one
   address, or a petition suddenly shared widely, is not silently refused;
3. a keyed hash of the client for the trending-clients view of staff (`client_key`).
"""

from __future__ import annotations

import time

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.core.errors import DomainError
from minjian.petitions.models import Petition

CLIENT_SCOPE = "petition_sign"
PETITION_SCOPE = "petition_sign_petition"
# How long one client's signatures share one key in the trending view: a day.
CLIENT_KEY_PERIOD = 24 * 60 * 60


def client_key(requester: str, *, now: float | None = None) -> str:
    """The client as signatures keep it: an HMAC of `requester` (`abuse.ratelimit.
    requester`) under a key derived from SECRET_KEY and the day, as claims' flags keep
    theirs. A day's signatures of one client share it; nothing links two days, and it
    cannot be turned back into an address."""
    moment = time.time() if now is None else now
    period = int(moment // CLIENT_KEY_PERIOD)
    return salted_hmac(
        f"minjian.petitions.client:{CLIENT_KEY_PERIOD}:{period}", requester, algorithm="sha256"
    ).hexdigest()


def admit_signer(
    request: HttpRequest, actor: User | None, petition: Petition, *, proof_required: bool
) -> tuple[str, bool]:
    """(the client's key, whether the signature needs review) for the sender of `request`.
    `actor`: the signed-in account, or None (the proof of work is then checked)."""
    subject = ratelimit.requester(request, user=actor if actor is not None else AnonymousUser())
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
    petition_subject = f"petition:{petition.pk}"
    beyond = ratelimit.is_limited(CLIENT_SCOPE, subject) or ratelimit.is_limited(
        PETITION_SCOPE, petition_subject
    )
    ratelimit.record(CLIENT_SCOPE, subject)
    ratelimit.record(PETITION_SCOPE, petition_subject)
    return client_key(subject), beyond
