"""Every public verdict that concludes something is published as schema.org ClaimReview
JSON-LD on its page, read back here as a search engine reads it (extruct), with the
properties Google's fact-check guidance requires and recommends; and as a JSON feed and an
Atom feed."""

from __future__ import annotations

import json
from typing import Any

import extruct  # type: ignore[import-untyped]  # extruct ships no type information
import feedparser
import pytest
from django.test import Client
from django.utils import translation

from minjian.accounts.models import User
from minjian.cases.claim_review import claim_reviewed, json_ld, rating
from minjian.cases.models import Case
from minjian.claims import services
from minjian.claims.tests.factories import judge

Verdict = Case.Verdict
# Google: required claimReviewed, reviewRating (its alternateName), url; recommended
# author, datePublished, itemReviewed (a Claim: appearance or firstAppearance,
# datePublished).
REQUIRED = ("claimReviewed", "reviewRating", "url")
RECOMMENDED = ("author", "datePublished", "itemReviewed")


def _reviews(html: str) -> list[dict[str, Any]]:
    found = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [item for item in found if item.get("@type") == "ClaimReview"]


def _check_review(review: dict[str, Any]) -> None:
    for name in REQUIRED + RECOMMENDED:
        assert review.get(name), f"ClaimReview lacks {name}"
    assert len(review["claimReviewed"]) < 75
    assert review["reviewRating"]["@type"] == "Rating"
    assert review["reviewRating"]["alternateName"]
    authors = review["author"] if isinstance(review["author"], list) else [review["author"]]
    for author in authors:
        assert author["@type"] == "Organization"
        assert author["name"] and author["url"].startswith("http")
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["appearance"] and item["firstAppearance"]
    assert item["datePublished"]
    assert review["url"].startswith("http")


def test_the_case_page_publishes_its_verdict_as_claim_review(
    client: Client, case: Case, verifier: User
) -> None:
    judge(case, verifier, Verdict.FALSE)

    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    (review,) = _reviews(page.content.decode())
    _check_review(review)
    assert review["url"] == f"http://testserver/cases/{case.pk}/#verdict"
    assert review["claimReviewed"] == "淮河边造纸厂夜里排黑水"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "false",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["author"] == {
        "@type": "Organization",
        "name": "Huai River Guardians",
        "url": "http://testserver/orgs/green-huai-river/",
    }
    assert review["itemReviewed"]["appearance"] == [
        {
            "@type": "CreativeWork",
            "url": f"http://testserver/cases/{case.pk}/",
            "datePublished": case.published_at.date().isoformat() if case.published_at else "",
        }
    ]
    # The verdict box the ClaimReview's url points at.
    assert 'id="verdict"' in page.content.decode()


def test_two_organisations_are_both_authors(
    client: Client, case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    judge(case, verifier, Verdict.CORROBORATED)
    assert _reviews(client.get(f"/cases/{case.pk}/").content.decode()) == []

    judge(case, other_verifier, Verdict.CORROBORATED)

    (review,) = _reviews(client.get(f"/cases/{case.pk}/").content.decode())
    _check_review(review)
    assert [author["name"] for author in review["author"]] == ["淮河卫士", "河流新闻"]
    assert review["reviewRating"]["ratingValue"] == 5


@pytest.mark.parametrize(
    ("verdict", "published"),
    [
        (Verdict.DISPUTED, True),
        (Verdict.NOT_A_CLAIM, True),
        (Verdict.CHECKING, False),
        (Verdict.UNVERIFIED, False),
    ],
)
def test_only_a_conclusion_is_published_as_claim_review(
    client: Client, case: Case, verifier: User, verdict: str, published: bool
) -> None:
    judge(case, verifier, verdict)

    reviews = _reviews(client.get(f"/cases/{case.pk}/").content.decode())

    assert len(reviews) == int(published)
    if published:
        _check_review(reviews[0])


def test_the_rating_scale_and_not_a_claim() -> None:
    with translation.override("en"):
        assert rating(Verdict.DISPUTED)["ratingValue"] == 3
        assert rating(Verdict.NOT_A_CLAIM) == {"@type": "Rating", "alternateName": "not a claim"}


def test_a_long_claim_is_shortened_to_one_line() -> None:
    shortened = claim_reviewed("淮河" * 60 + "\n第二行")
    assert len(shortened) < 75 and shortened.endswith("…") and "\n" not in shortened
    assert claim_reviewed("  短  的 ") == "短 的"


def test_no_text_can_close_the_script_element() -> None:
    element = str(json_ld({"claimReviewed": "</script><script>alert(1)</script>&"}))

    assert element.count("</script>") == 1
    assert "<script>" not in element.removeprefix('<script type="application/ld+json">')
    body = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body) == {"claimReviewed": "</script><script>alert(1)</script>&"}


def test_a_written_claims_page_publishes_its_appearances(client: Client, verifier: User) -> None:
    claim = services.claim_write(
        actor=verifier,
        statement="网传淮河里发现大量死鱼，是因为上游化工厂爆炸。",
        appearances=[
            {"url": "https://weibo.example/post/2", "platform": "微博", "seen_on": "2024-05-03"},
            {"url": "https://weibo.example/post/1", "platform": "微博", "seen_on": "2024-05-02"},
        ],
    )
    services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.FALSE,
        rationale="上游没有化工厂。",
        evidence=[{"kind": "document", "path": "/docs/water.pdf"}],
    )

    page = client.get(f"/claims/{claim.pk}/")

    (review,) = _reviews(page.content.decode())
    _check_review(review)
    assert review["url"] == f"http://testserver/claims/{claim.pk}/#verdict"
    assert review["itemReviewed"]["firstAppearance"]["url"] == "https://weibo.example/post/1"
    assert review["itemReviewed"]["datePublished"] == "2024-05-02"
    # Appearances are quoted, never vouched for.
    assert 'href="https://weibo.example/post/1" rel="nofollow noopener noreferrer"' in (
        page.content.decode()
    )


def test_the_feeds_list_every_review_newest_first(
    client: Client, case: Case, verifier: User
) -> None:
    judge(case, verifier, Verdict.FALSE)
    claim = services.claim_write(
        actor=verifier, statement="网传淮河有死鱼。", appearances=[{"platform": "微信群"}]
    )
    services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.NOT_A_CLAIM,
        rationale="无从核实的说法。",
        evidence=[{"kind": "link", "url": "https://example.org/x"}],
    )

    first = client.get("/api/v1/claim-reviews", {"limit": 1}).json()
    assert [r["url"] for r in first["results"]] == [f"http://testserver/claims/{claim.pk}/#verdict"]
    second = client.get("/api/v1/claim-reviews", {"limit": 1, "after": first["next_after"]})
    assert [r["url"] for r in second.json()["results"]] == [
        f"http://testserver/cases/{case.pk}/#verdict"
    ]
    assert second.json()["next_after"] is None
    for review in first["results"] + second.json()["results"]:
        _check_review(review)

    atom = client.get("/claims/reviews.atom")
    assert atom.status_code == 200
    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert [entry.link for entry in parsed.entries] == [
        f"http://testserver/claims/{claim.pk}/#verdict",
        f"http://testserver/cases/{case.pk}/#verdict",
    ]
    assert parsed.entries[1].summary == "环保局监测报告显示排污口水质超标。"


@pytest.mark.django_db
def test_a_damaged_cursor_is_refused(client: Client) -> None:
    refused = client.get("/api/v1/claim-reviews", {"after": "yesterday"})

    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_cursor")


def test_a_hidden_case_leaves_the_feeds(
    client: Client, case: Case, verifier: User, staff: User
) -> None:
    from minjian.cases import services as case_services

    judge(case, verifier, Verdict.FALSE)
    assert client.get("/api/v1/claim-reviews").json()["results"]

    case_services.case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.SPAM)

    assert client.get("/api/v1/claim-reviews").json()["results"] == []
