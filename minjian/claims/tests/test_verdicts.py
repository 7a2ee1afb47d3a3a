"""Verdicts on cases and on written claims: who gives them, for which organisation, when
they are public, and what the case and the claim's log keep of them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from minjian.accounts.models import User
from minjian.cases import services as case_services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.claims import selectors, services
from minjian.claims.models import Claim, ClaimEvent
from minjian.claims.tests.factories import SOURCE, judge, make_verifier
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

Verdict = Case.Verdict
GUARDIANS = {"slug": "green-huai-river", "name_zh": "淮河卫士", "name_en": "Huai River Guardians"}
RIVER_NEWS = {"slug": "river-news", "name_zh": "河流新闻", "name_en": "River News"}


def test_a_verdict_is_public_at_once_by_default(case: Case, verifier: User) -> None:
    given = judge(case, verifier, Verdict.FALSE)

    assert given.public
    case.refresh_from_db()
    assert case.verdict == Verdict.FALSE
    event = case.events.get(kind=CaseEvent.Kind.VERDICT)
    assert event.actor == verifier
    assert event.organisation is not None and event.organisation.slug == "green-huai-river"
    assert event.payload == {
        "verdict": "false",
        "rationale": "环保局监测报告显示排污口水质超标。",
        "evidence": [SOURCE],
        "organisations": [GUARDIANS],
        "confirmations": [],
        "claim": given.claim.pk,
    }
    claim = Claim.objects.get(case=case)
    assert claim.verdict == Verdict.FALSE and claim.published == given.event
    assert [e.kind for e in claim.events.all()] == [ClaimEvent.Kind.VERDICT_PUBLISHED]


def test_personal_data_in_a_rationale_is_removed(case: Case, verifier: User) -> None:
    judge(case, verifier, Verdict.DISPUTED, rationale="厂长电话13812345678，他否认排污。")

    stored = case.events.get(kind=CaseEvent.Kind.VERDICT).payload["rationale"]
    assert "13812345678" not in stored


def test_false_waits_for_a_verifier_of_another_organisation(
    case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2

    proposed = judge(case, verifier, Verdict.FALSE)

    assert not proposed.public
    assert proposed.event.kind == ClaimEvent.Kind.VERDICT_PROPOSED
    case.refresh_from_db()
    assert case.verdict == Verdict.UNVERIFIED
    assert not case.events.filter(kind=CaseEvent.Kind.VERDICT).exists()
    assert list(selectors.claims_awaiting_confirmation()) == [proposed.claim]

    confirmed = judge(case, other_verifier, Verdict.FALSE, rationale="", evidence=[])

    assert confirmed.public
    case.refresh_from_db()
    assert case.verdict == Verdict.FALSE
    payload = case.events.get(kind=CaseEvent.Kind.VERDICT).payload
    assert payload["organisations"] == [GUARDIANS, RIVER_NEWS]
    assert payload["rationale"] == "环保局监测报告显示排污口水质超标。"
    assert payload["confirmations"] == [{"organisation": RIVER_NEWS, "rationale": ""}]
    assert [e.kind for e in confirmed.claim.events.all()] == [
        ClaimEvent.Kind.VERDICT_PROPOSED,
        ClaimEvent.Kind.VERDICT_CONFIRMED,
        ClaimEvent.Kind.VERDICT_PUBLISHED,
    ]
    assert list(selectors.claims_awaiting_confirmation()) == []
    assert list(selectors.recent_verdicts()) == [confirmed.claim]


def test_a_confirming_verifier_adds_her_own_rationale_and_evidence(
    case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    judge(case, verifier, Verdict.CORROBORATED)

    judge(
        case,
        other_verifier,
        Verdict.CORROBORATED,
        rationale="我们的记者在现场拍到了排污。",
        evidence=[{"kind": "link", "url": "https://news.example.org/huai"}, SOURCE],
    )

    payload = case.events.get(kind=CaseEvent.Kind.VERDICT).payload
    assert payload["evidence"] == [SOURCE, {"kind": "link", "url": "https://news.example.org/huai"}]
    assert payload["confirmations"] == [
        {"organisation": RIVER_NEWS, "rationale": "我们的记者在现场拍到了排污。"}
    ]


def test_other_verdicts_are_public_at_once_and_replace_a_proposal(
    case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    proposed = judge(case, verifier, Verdict.FALSE)

    disputed = judge(case, other_verifier, Verdict.DISPUTED)

    assert disputed.public
    case.refresh_from_db()
    assert case.verdict == Verdict.DISPUTED
    assert disputed.event.payload["replaces"] == proposed.event.pk
    claim = Claim.objects.get(case=case)
    assert claim.proposal is None


def test_a_new_proposal_of_another_verdict_replaces_the_one_waiting(
    case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    first = judge(case, verifier, Verdict.FALSE)

    second = judge(case, other_verifier, Verdict.CORROBORATED)

    assert not second.public
    assert second.event.payload["replaces"] == first.event.pk
    assert Claim.objects.get(case=case).proposal == second.event


def test_three_confirmations_need_three_organisations(
    case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 3
    third = make_verifier("lawyer-zhao", "rights-law", name_zh="维权律所", name_en="Rights Law")
    judge(case, verifier, Verdict.FALSE)

    assert not judge(case, other_verifier, Verdict.FALSE).public
    assert judge(case, third, Verdict.FALSE).public
    case.refresh_from_db()
    assert case.verdict == Verdict.FALSE


def test_staff_act_as_the_sites_staff_unless_they_choose_an_organisation(
    case: Case, staff: User, verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    proposed = judge(case, staff, Verdict.FALSE)
    assert proposed.event.organisation is None
    assert proposed.event.payload["organisations"] == [{"staff": True}]

    confirmed = judge(case, verifier, Verdict.FALSE)

    assert confirmed.public
    assert case.events.get(kind=CaseEvent.Kind.VERDICT).payload["organisations"] == [
        {"staff": True},
        GUARDIANS,
    ]


def test_a_verifier_of_several_organisations_acts_for_the_one_she_chooses(
    case: Case, verifier: User
) -> None:
    news = make_organisation("river-news", verified=True, name_zh="河流新闻", name_en="River News")
    news.memberships.create(user=verifier, verifier=True)

    judge(case, verifier, Verdict.CHECKING, organisation="river-news")

    event = case.events.get(kind=CaseEvent.Kind.VERDICT)
    assert event.organisation == news


def test_unverified_needs_no_rationale(case: Case, verifier: User) -> None:
    judge(case, verifier, Verdict.CHECKING)

    given = judge(case, verifier, Verdict.UNVERIFIED, rationale="", evidence=[])

    assert given.public
    case.refresh_from_db()
    assert case.verdict == Verdict.UNVERIFIED
    assert list(selectors.recent_verdicts()) == []


def test_an_official_response_and_a_photo_are_cited_by_reference(
    regions: dict[str, Region], verifier: User
) -> None:
    from minjian.cases.tests.images import jpeg_upload

    case = make_case(regions["340321"], photos=[jpeg_upload()])
    agency = make_organisation(
        "huai-bureau",
        kind=Organisation.Kind.AGENCY,
        verified=True,
        name_zh="淮河局",
        name_en="Huai River Bureau",
    )
    response = case_services.case_post_official_response(
        actor=verifier, organisation=agency, case_id=case.pk, note="已责令整改。"
    )
    photo = case.photos.get()

    judge(
        case,
        verifier,
        Verdict.CORROBORATED,
        evidence=[{"kind": "response", "event": response.pk}, {"kind": "photo", "key": photo.key}],
    )

    assert case.events.get(kind=CaseEvent.Kind.VERDICT).payload["evidence"] == [
        {
            "kind": "response",
            "event": response.pk,
            "organisation": {
                "slug": "huai-bureau",
                "name_zh": "淮河局",
                "name_en": "Huai River Bureau",
            },
        },
        {"kind": "photo", "key": photo.key, "position": 0},
    ]


def test_a_verifier_writes_a_claim_down_and_judges_it(verifier: User) -> None:
    claim = services.claim_write(
        actor=verifier,
        statement="网传淮河里发现大量死鱼，是因为上游化工厂爆炸。",
        appearances=[
            {"url": "https://weibo.example/post/1", "platform": "微博", "seen_on": "2024-05-02"},
            {"url": "", "platform": "微信群", "seen_on": ""},
            {"url": "", "platform": "", "seen_on": ""},
        ],
    )

    assert [(a.url, a.platform) for a in claim.appearances.all()] == [
        ("https://weibo.example/post/1", "微博"),
        ("", "微信群"),
    ]
    assert claim.events.get().kind == ClaimEvent.Kind.WRITTEN

    given = services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.FALSE,
        rationale="上游没有化工厂；死鱼是因为缺氧。",
        evidence=[{"kind": "document", "path": "/docs/water-2024-05.pdf"}],
    )

    assert given.public
    claim.refresh_from_db()
    assert claim.verdict == Verdict.FALSE
    assert claim.case is None


def test_a_verdict_on_a_cases_claim_by_its_id_judges_the_case(case: Case, verifier: User) -> None:
    claim = judge(case, verifier, Verdict.CHECKING).claim

    services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.DISPUTED,
        rationale="说法不一。",
        evidence=[SOURCE],
    )

    case.refresh_from_db()
    assert case.verdict == Verdict.DISPUTED


@pytest.mark.django_db
def test_the_verdict_reaches_the_public_timeline(case: Case, verifier: User) -> None:
    from minjian.cases.selectors import case_with_timeline, timeline

    judge(case, verifier, Verdict.FALSE)

    read = case_with_timeline(case.pk)
    assert read is not None
    with translation.override("en"):
        entry = next(e for e in timeline(read) if e.kind == CaseEvent.Kind.VERDICT)
    assert entry.verdict is not None
    assert entry.verdict.label == "false"
    assert [o.name for o in entry.verdict.organisations] == ["Huai River Guardians"]
    assert entry.verdict.evidence[0].href == SOURCE["url"]
