"""The walks of the claims' API operations for `minjian.core.tests.test_api_walk`: a
request each operation grants and one it refuses, as (success, refusal, (status, code)).
Each makes the verifier and the rows it needs on the walk's public case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.cases.models import Case
from minjian.claims import services
from minjian.claims.models import Claim
from minjian.claims.tests.factories import SOURCE, judge, make_verifier

NO_SUCH_ID = 2**62
VERDICT: dict[str, Any] = {
    "verdict": "false",
    "rationale": "监测数据不支持这一说法。",
    "evidence": [SOURCE],
}
CLAIM: dict[str, Any] = {"statement": "网传淮河的鱼都死了。", "appearances": [{"platform": "微博"}]}

# (client, world) -> response; the world is the walk's (a public case, tokens).
Request = Callable[[Any, Any], Any]


def _verifier() -> User:
    return make_verifier("walk-verifier", "walk-verifiers")


def _bearer(user: User) -> dict[str, str]:
    _row, token = api_token_issue(actor=user, user=user, name="walk")
    return {"Authorization": f"Bearer {token}"}


def _post(client: Any, path: str, body: object, headers: dict[str, str]) -> Any:
    return client.post(path, body, content_type="application/json", headers=headers)


def _written(verifier: User) -> Claim:
    return services.claim_write(actor=verifier, **CLAIM)


def _judged(case: Case) -> None:
    judge(case, _verifier(), Case.Verdict.FALSE)


def _verdict_on_claim(client: Any, _world: Any) -> Any:
    verifier = _verifier()
    claim = _written(verifier)
    return _post(client, f"/api/v1/claims/{claim.pk}/verdicts", VERDICT, _bearer(verifier))


def _stranger_on_claim(client: Any, world: Any) -> Any:
    claim = _written(_verifier())
    return _post(client, f"/api/v1/claims/{claim.pk}/verdicts", VERDICT, world.stranger)


def _reviews(client: Any, world: Any) -> Any:
    _judged(world.case)
    return client.get("/api/v1/claim-reviews")


def _desk(client: Any, world: Any) -> Any:
    _judged(world.case)
    return client.get("/api/v1/claims/desk")


def _flag(client: Any, world: Any, kind: str) -> Any:
    # A form, as a browser's; the stranger's token spares her the proof of work.
    return client.post(
        "/api/v1/flags", {"case": world.case.pk, "kind": kind}, headers=world.stranger
    )


CLAIM_WALKS: dict[str, tuple[Request, Request, tuple[int, str]]] = {
    "GET /api/v1/claims/desk": (
        _desk,
        lambda client, _world: client.get(
            "/api/v1/claims/desk", headers={"Authorization": "Bearer mj_not-a-token"}
        ),
        (401, "unauthenticated"),
    ),
    "POST /api/v1/flags": (
        lambda client, world: _flag(client, world, "rumour"),
        lambda client, world: _flag(client, world, "gossip"),
        (400, "unknown_flag_kind"),
    ),
    "POST /api/v1/cases/{case_id}/verdicts": (
        lambda client, world: _post(
            client, f"/api/v1/cases/{world.case.pk}/verdicts", VERDICT, _bearer(_verifier())
        ),
        lambda client, world: _post(
            client, f"/api/v1/cases/{world.case.pk}/verdicts", VERDICT, world.stranger
        ),
        (403, "not_a_verifier"),
    ),
    "POST /api/v1/claims": (
        lambda client, _world: _post(client, "/api/v1/claims", CLAIM, _bearer(_verifier())),
        lambda client, _world: _post(
            client, "/api/v1/claims", CLAIM | {"appearances": []}, _bearer(_verifier())
        ),
        (400, "appearance_required"),
    ),
    "GET /api/v1/claims/{claim_id}": (
        lambda client, _world: client.get(f"/api/v1/claims/{_written(_verifier()).pk}"),
        lambda client, _world: client.get(f"/api/v1/claims/{NO_SUCH_ID}"),
        (404, "not_found"),
    ),
    "POST /api/v1/claims/{claim_id}/verdicts": (
        _verdict_on_claim,
        _stranger_on_claim,
        (403, "not_a_verifier"),
    ),
    "GET /api/v1/claim-reviews": (
        _reviews,
        lambda client, _world: client.get("/api/v1/claim-reviews", {"after": "yesterday"}),
        (400, "invalid_cursor"),
    ),
}
