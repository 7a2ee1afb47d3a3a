"""The ALTCHA proof of work on anonymous forms: a captcha that no blocked service serves.

The browser fetches a challenge from /altcha/challenge, spends a moment of CPU on it
(about half a second on a laptop, a few seconds on a cheap phone) in a Web Worker (the
`altcha` npm widget, served by us), and sends the solution in the form field `altcha`.
The server checks it with the `altcha` PyPI package (PoW v2):

- Challenges are made in the package's deterministic mode: the server picks the
  counter the client must find (within `MINJIAN_ALTCHA_COUNTER_RANGE`), so the work
  is bounded rather than left to luck; the derived key is signed (`hmac_key_secret`), so checking
  a solution is one HMAC, never a key derivation.
- Both HMAC keys are derived from SECRET_KEY; a challenge expires after
  `MINJIAN_ALTCHA_EXPIRY_SECONDS`.
- A solution is accepted once: a digest of its challenge's signature goes into a unique
  column of the database (`UsedProof`) until the challenge would have expired, and a
  second use is refused, whichever process (gunicorn worker, machine) it is sent to. The
  database and not Redis, even where Redis is the cache: a used proof is written once
  per anonymous form, which writes to the database anyway; and a proof used before a
  Redis outage must not be taken again during it.

Without JavaScript (or in a browser too old for Web Crypto) no solution is sent. The
form must still work, so a submission without any solution is accepted, but under the
strict rate limit `proof_of_work_skipped` per client; `check` returns `Proof.SKIPPED`
so that the caller can treat it with more care (a report can wait for moderation).
A solution that is sent but wrong, expired or used before is always refused.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
import time

import altcha
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from minjian.abuse import ratelimit
from minjian.abuse.counters import sweep_now_and_then
from minjian.abuse.models import UsedProof
from minjian.core.errors import DomainError

FIELD_NAME = "altcha"
# A real payload is well under 1 KB; anything much larger is not worth decoding.
MAX_PAYLOAD_LENGTH = 4096
SKIPPED_SCOPE = "proof_of_work_skipped"


class Proof(enum.Enum):
    SOLVED = "solved"
    # Sent without any solution: a browser without JavaScript, or a script.
    SKIPPED = "skipped"


def _secret(purpose: str) -> str:
    return salted_hmac(f"minjian.abuse.proof_of_work.{purpose}", "", algorithm="sha256").hexdigest()


def new_challenge() -> dict[str, object]:
    """A signed challenge for the widget, as the JSON object it expects."""
    low, high = settings.MINJIAN_ALTCHA_COUNTER_RANGE
    challenge = altcha.create_challenge(
        algorithm=settings.MINJIAN_ALTCHA_ALGORITHM,
        cost=settings.MINJIAN_ALTCHA_COST,
        counter=low + secrets.randbelow(high - low),
        expires_at=int(time.time()) + settings.MINJIAN_ALTCHA_EXPIRY_SECONDS,
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("derived-key"),
    )
    result: dict[str, object] = challenge.to_dict()
    return result


def _refusal(code: str) -> DomainError:
    messages = {
        "proof_of_work_invalid": _(
            "The anti-spam check of this form did not succeed. Please send the form again."
        ),
        "proof_of_work_expired": _(
            "The anti-spam check of this form expired. Please send the form again."
        ),
        "proof_of_work_replayed": _(
            "This anti-spam check was used already. Please send the form again."
        ),
    }
    return DomainError(code, messages[code])


def _parse(payload: str) -> altcha.Payload | None:
    if len(payload) > MAX_PAYLOAD_LENGTH:
        return None
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    if not isinstance(parsed.challenge.signature, str):
        return None
    return parsed


def check(request: HttpRequest) -> Proof:
    """Check the proof of work sent with a form; raise a `DomainError` for the form if refused.

    Call it when the rest of the form is valid, right before acting on it, so that a
    form sent back for a typing mistake does not use up the no-JavaScript allowance.
    """
    payload = request.POST.get(FIELD_NAME, "").strip()
    if not payload:
        try:
            ratelimit.limit_requester(request, SKIPPED_SCOPE)
        except ratelimit.RateLimited as limited:
            minutes = max(1, -(-limited.retry_after // 60))
            raise DomainError(
                "proof_of_work_required",
                ngettext(
                    "This form runs a short anti-spam check in your browser, which needs "
                    "JavaScript. Without it only a few forms per hour are accepted from each "
                    "connection. Turn JavaScript on, or try again in %(minutes)d minute.",
                    "This form runs a short anti-spam check in your browser, which needs "
                    "JavaScript. Without it only a few forms per hour are accepted from each "
                    "connection. Turn JavaScript on, or try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                status=429,
                details={"retry_after": limited.retry_after},
            ) from limited
        return Proof.SKIPPED
    parsed = _parse(payload)
    if parsed is None:
        raise _refusal("proof_of_work_invalid")
    result = altcha.verify_solution(
        parsed, _secret("challenge"), hmac_key_secret=_secret("derived-key")
    )
    if result.expired:
        raise _refusal("proof_of_work_expired")
    if not result.verified:
        raise _refusal("proof_of_work_invalid")
    if not _use_once(str(parsed.challenge.signature), parsed.challenge.parameters.expires_at):
        raise _refusal("proof_of_work_replayed")
    return Proof.SOLVED


def _use_once(signature: str, expires_at: int | None) -> bool:
    """Record the challenge as used; False if it was used before, by any process."""
    now = time.time()
    digest = hashlib.sha256(signature.encode()).hexdigest()
    try:
        # A savepoint: a refused duplicate leaves a caller's transaction usable.
        with transaction.atomic():
            UsedProof.objects.create(
                signature=digest, expires_at=max(int(now), int(expires_at or 0)) + 60
            )
    except IntegrityError:
        return False
    sweep_now_and_then(now)
    return True
