"""The verifiers' pages: the verdict form on a case and on a claim, writing a claim down,
the public claim page, and what the case page and the lists show of a verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from minjian.accounts.models import User
from minjian.cases import services as case_services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.images import jpeg_upload
from minjian.claims.models import Claim
from minjian.claims.tests.conftest import Snapshot
from minjian.claims.tests.factories import judge
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

Verdict = Case.Verdict


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_a_verifier_gives_a_verdict_from_the_case_page(
    client: Client, regions: dict[str, Region], verifier: User
) -> None:
    from minjian.cases.tests.factories import make_case

    case = make_case(regions["340321"], photos=[jpeg_upload()])
    agency = make_organisation(
        "huai-bureau", kind=Organisation.Kind.AGENCY, verified=True, name_en="Huai Bureau"
    )
    response = case_services.case_post_official_response(
        actor=verifier, organisation=agency, case_id=case.pk, note="已责令停产整改。"
    )
    _signed_in(client, verifier)
    page = client.get(f"/cases/{case.pk}/")
    assert f'href="/claims/case/{case.pk}/verdict/"' in page.content.decode()

    form = client.get(f"/claims/case/{case.pk}/verdict/")
    assert form.status_code == 200
    assert "已责令停产整改。" in form.content.decode()
    sent = client.post(
        f"/claims/case/{case.pk}/verdict/",
        {
            "verdict": "corroborated",
            "rationale": "环保局的回复证实了排污。",
            "links": "https://example.org/report\n\n",
            "responses": [str(response.pk)],
            "photos": [case.photos.get().key],
        },
    )

    assert sent.status_code == 303 and sent["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.verdict == Verdict.CORROBORATED
    evidence = case.events.get(kind=CaseEvent.Kind.VERDICT).payload["evidence"]
    assert [item["kind"] for item in evidence] == ["link", "response", "photo"]
    shown = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "环保局的回复证实了排污。" in shown
    assert 'href="https://example.org/report" rel="nofollow noopener noreferrer"' in shown


def test_a_refused_verdict_is_shown_next_to_its_field_and_writes_nothing(
    client: Client, case: Case, verifier: User, snapshot: Callable[[], Snapshot]
) -> None:
    _signed_in(client, verifier)
    before = snapshot()

    sent = client.post(
        f"/claims/case/{case.pk}/verdict/",
        {"verdict": "false", "rationale": "", "links": "https://example.org/a"},
    )

    assert sent.status_code == 400
    assert sent.context["form"].errors["rationale"]
    sent = client.post(
        f"/claims/case/{case.pk}/verdict/",
        {"verdict": "false", "rationale": "不实。", "links": "https://example.org/a\nnot-a-link"},
    )
    assert sent.status_code == 400
    assert sent.context["form"].errors["links"]
    assert snapshot() == before


def test_people_who_are_not_verifiers_are_refused(client: Client, case: Case, user: User) -> None:
    assert client.get(f"/claims/case/{case.pk}/verdict/").status_code == 302  # to log in
    _signed_in(client, user)
    page = client.get(f"/cases/{case.pk}/")
    assert f"/claims/case/{case.pk}/verdict/" not in page.content.decode()

    assert client.get(f"/claims/case/{case.pk}/verdict/").status_code == 403
    assert client.post(f"/claims/case/{case.pk}/verdict/", {"verdict": "false"}).status_code == 403
    assert client.get("/claims/new/").status_code == 403
    assert not Claim.objects.exists()


def test_a_hidden_case_cannot_be_judged(
    client: Client, case: Case, verifier: User, staff: User
) -> None:
    case_services.case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.SPAM)
    _signed_in(client, verifier)

    assert client.get(f"/claims/case/{case.pk}/verdict/").status_code == 410


def test_a_verifier_confirms_the_verdict_that_waits(
    client: Client, case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    judge(case, verifier, Verdict.FALSE)
    _signed_in(client, other_verifier)

    form = client.get(f"/claims/case/{case.pk}/verdict/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Waiting for a second verifier: false" in form.content.decode()
    sent = client.post(f"/claims/case/{case.pk}/verdict/", {"verdict": "false"})

    assert sent.status_code == 303
    case.refresh_from_db()
    assert case.verdict == Verdict.FALSE


def test_the_case_page_and_the_lists_show_the_verdict(
    client: Client, case: Case, verifier: User
) -> None:
    judge(case, verifier, Verdict.FALSE)

    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Verdict: false" in page
    assert "环保局监测报告显示排污口水质超标。" in page
    assert 'href="/orgs/green-huai-river/"' in page
    listed = client.get("/cases/", {"verdict": "false"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Verdict: false" in listed.content.decode()
    assert listed.context["page"].count == 1
    assert client.get("/cases/", {"verdict": "corroborated"}).context["page"].count == 0
    assert client.get("/cases/", {"verdict": "unverified"}).context["page"].count == 0
    assert client.get("/cases/", {"verdict": "rumour"}).status_code == 400


def test_a_verifier_writes_a_claim_down_and_judges_it(client: Client, verifier: User) -> None:
    _signed_in(client, verifier)
    assert client.get("/claims/new/").status_code == 200
    rows = {
        "seen-TOTAL_FORMS": "3",
        "seen-INITIAL_FORMS": "0",
        "seen-0-url": "https://weibo.example/post/1",
        "seen-0-platform": "微博",
        "seen-0-seen_on": "2024-05-02",
        "seen-1-url": "weibo.example/2",
    }

    refused = client.post("/claims/new/", {"statement": "网传淮河有死鱼。"} | rows)
    assert refused.status_code == 400
    assert refused.context["formset"].forms[1].errors["url"]
    assert not Claim.objects.exists()

    sent = client.post(
        "/claims/new/", {"statement": "网传淮河有死鱼。"} | rows | {"seen-1-url": ""}
    )
    claim = Claim.objects.get()
    assert sent.status_code == 303 and sent["Location"] == f"/claims/{claim.pk}/verdict/"
    judged = client.post(
        f"/claims/{claim.pk}/verdict/",
        {"verdict": "false", "rationale": "死鱼是因为缺氧。", "documents": "/docs/water.pdf"},
    )
    assert judged.status_code == 303 and judged["Location"] == f"/claims/{claim.pk}/"

    client.logout()
    page = client.get(f"/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "网传淮河有死鱼。" in page and "死鱼是因为缺氧。" in page
    assert "Verdict: false" in page
    assert 'href="/docs/water.pdf"' in page


def test_a_cases_claim_page_is_its_case(client: Client, case: Case, verifier: User) -> None:
    claim = judge(case, verifier, Verdict.CHECKING).claim

    assert client.get(f"/claims/{claim.pk}/")["Location"] == f"/cases/{case.pk}/"
    assert client.get("/claims/999999/").status_code == 404
