"""Claims and verdicts in the JSON API: verifiers' tokens write, anyone reads, and every
refusal is a JSON error with a stable code that writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.cases.models import Case
from minjian.claims.tests.conftest import Snapshot
from minjian.claims.tests.factories import SOURCE

Verdict = Case.Verdict


def _auth(user: User) -> dict[str, str]:
    _token, secret = api_token_issue(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def _post(client: Client, path: str, body: object, user: User | None) -> Any:
    return client.post(
        path, body, content_type="application/json", headers=_auth(user) if user else {}
    )


def test_a_verifier_gives_a_verdict_on_a_case(client: Client, case: Case, verifier: User) -> None:
    answer = _post(
        client,
        f"/api/v1/cases/{case.pk}/verdicts",
        {"verdict": "false", "rationale": "监测数据不支持。", "evidence": [SOURCE]},
        verifier,
    )

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["public"] is True and body["kind"] == "verdict_published"
    assert body["claim"]["case"] == case.pk
    assert body["claim"]["public_verdict"]["organisations"] == [
        {"name": "淮河卫士", "href": "/orgs/green-huai-river/"}
    ]
    read = client.get(f"/api/v1/cases/{case.pk}").json()
    assert read["verdict"] == "false"
    (entry,) = [e for e in read["timeline"] if e["kind"] == "verdict"]
    assert entry["verdict"]["rationale"] == "监测数据不支持。"
    listed = client.get("/api/v1/cases", {"verdict": "false"}).json()
    assert [c["id"] for c in listed["results"]] == [case.pk] and listed["count"] == 1
    assert client.get("/api/v1/cases", {"verdict": "disputed"}).json()["count"] == 0
    refused = client.get("/api/v1/cases", {"verdict": "rumour"})
    assert (refused.status_code, refused.json()["code"]) == (400, "unknown_verdict")


def test_a_proposal_waits_and_its_verdict_stays_private(
    client: Client, case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    body = {"verdict": "corroborated", "rationale": "现场核实。", "evidence": [SOURCE]}

    proposed = _post(client, f"/api/v1/cases/{case.pk}/verdicts", body, verifier).json()

    assert (proposed["public"], proposed["kind"]) == (False, "verdict_proposed")
    claim = client.get(f"/api/v1/claims/{proposed['claim']['id']}").json()
    assert claim["verdict"] == "unverified" and claim["public_verdict"] is None
    assert claim["awaiting_confirmation"] is True
    again = _post(client, f"/api/v1/cases/{case.pk}/verdicts", body, verifier)
    assert (again.status_code, again.json()["code"]) == (409, "same_organisation")

    confirmed = _post(
        client, f"/api/v1/cases/{case.pk}/verdicts", {"verdict": "corroborated"}, other_verifier
    ).json()

    assert (confirmed["public"], confirmed["kind"]) == (True, "verdict_published")
    assert confirmed["claim"]["verdict"] == "corroborated"


def test_a_verifier_writes_a_claim_and_judges_it(client: Client, verifier: User) -> None:
    written = _post(
        client,
        "/api/v1/claims",
        {
            "statement": "网传淮河里的鱼不能吃了。",
            "appearances": [{"url": "https://weibo.example/p/1", "seen_on": "2024-05-02"}],
        },
        verifier,
    )
    assert written.status_code == 201, written.json()
    claim = written.json()
    assert claim["appearances"] == [
        {"url": "https://weibo.example/p/1", "platform": "", "seen_on": "2024-05-02"}
    ]

    judged = _post(
        client,
        f"/api/v1/claims/{claim['id']}/verdicts",
        {
            "verdict": "not_a_claim",
            "rationale": "这是建议，不是可核实的说法。",
            "evidence": [{"kind": "document", "path": "/docs/fish.pdf"}],
        },
        verifier,
    )

    assert judged.status_code == 201, judged.json()
    assert judged.json()["claim"]["public_verdict"]["evidence"] == [
        {"kind": "document", "label": "/docs/fish.pdf", "href": "/docs/fish.pdf"}
    ]


def test_refusals_are_json_and_write_nothing(
    client: Client,
    case: Case,
    verifier: User,
    user: User,
    staff: User,
    snapshot: Callable[[], Snapshot],
) -> None:
    from minjian.cases import services as case_services
    from minjian.cases.tests.factories import make_case

    hidden = make_case(case.region, title="另一件事")
    case_services.case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)
    verdict = f"/api/v1/cases/{case.pk}/verdicts"
    unseen = {"statement": "网传", "appearances": []}
    before = snapshot()
    attempts = [
        (verdict, {"verdict": "false"}, None, 401, "unauthenticated"),
        (verdict, {"verdict": "false", "evidence": [SOURCE]}, user, 403, "not_a_verifier"),
        (verdict, {"verdict": "false", "evidence": [SOURCE]}, verifier, 400, "rationale_required"),
        (verdict, {"verdict": "false", "rationale": "不实"}, verifier, 400, "evidence_required"),
        (
            verdict,
            {"verdict": "false", "rationale": "x", "evidence": [{"kind": "link", "url": "x"}]},
            verifier,
            400,
            "evidence_link_invalid",
        ),
        (
            f"/api/v1/cases/{hidden.pk}/verdicts",
            {"verdict": "false", "rationale": "不实", "evidence": [SOURCE]},
            verifier,
            410,
            "hidden",
        ),
        (
            "/api/v1/cases/999999/verdicts",
            {"verdict": "false", "rationale": "不实", "evidence": [SOURCE]},
            verifier,
            404,
            "not_found",
        ),
        ("/api/v1/claims", unseen, verifier, 400, "appearance_required"),
        ("/api/v1/claims", unseen, user, 403, "not_a_verifier"),
        ("/api/v1/claims/999999/verdicts", {"verdict": "checking"}, verifier, 404, "not_found"),
    ]  # fmt: skip
    for path, body, actor, status, code in attempts:
        answer = _post(client, path, body, actor)
        assert (answer.status_code, answer.json()["code"]) == (status, code), (path, body)
    assert snapshot() == before
    assert client.get("/api/v1/claims/999999").status_code == 404
