"""The rumour desk (/claims/): its four sections, their Atom feeds and the JSON, right after
verdicts and merges (the stored page changes with them), and the verdict that waits for
a second verifier shown only to verifiers."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.cases import services as case_services
from minjian.cases.models import Case, DuplicateSuggestion
from minjian.cases.services_merge import case_merge, duplicate_reject, duplicates_suggest
from minjian.cases.services_similarity import case_fingerprint_update
from minjian.cases.tests.factories import make_case
from minjian.claims import selectors, services
from minjian.claims.tests.factories import SOURCE, judge
from minjian.places.models import Region

Verdict = Case.Verdict
ENGLISH = {"Accept-Language": "en"}
PROPOSED_RATIONALE = "监测数据显示排污口水质正常，网传说法不实。"


def _page(client: Client, path: str = "/claims/") -> str:
    response = client.get(path, headers=ENGLISH)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, section: str) -> str:
    """The HTML of one section of the desk."""
    start = page.index(f'<section id="{section}"')
    return page[start : page.index("</section>", start)]


def _listed(page: str, section: str) -> str:
    """The list of one section of the desk, without its explanation."""
    shown = _section(page, section)
    start = shown.index("<ul")
    return shown[start : shown.index("</ul>", start)]


def _feed(client: Client, name: str) -> Any:
    response = client.get(f"/claims/{name}.atom", headers=ENGLISH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


@pytest.fixture
def story(regions: dict[str, Region]) -> list[Case]:
    """Four reports of one paper mill's black water, and an unrelated one."""
    return [
        make_case(regions["340321"], title=f"造纸厂夜里排黑水（第{number}份）")
        for number in range(4)
    ] + [make_case(regions["340321"], title="小区垃圾无人清运")]


def test_the_empty_desk_says_so_in_each_section(client: Client, db: Any) -> None:
    page = _page(client)

    assert "Nothing is being checked at the moment." in page
    assert "No verdict yet." in page
    assert "No case has been reported twice yet." in page
    assert "No verdict is waiting." in page
    assert "What the verdicts mean" in page
    assert 'href="/claims/new/"' not in page
    for feed in ("checking", "reviews", "clusters", "awaiting"):
        assert f'href="/claims/{feed}.atom"' in page
    assert 'href="/api/v1/claims/desk"' in page


def test_verdicts_move_a_case_from_being_checked_to_recent_verdicts(
    client: Client, case: Case, verifier: User
) -> None:
    judge(case, verifier, Verdict.CHECKING)

    page = _page(client)
    assert case.readable_title in _section(page, "being-checked")
    assert case.readable_title not in _section(page, "recent-verdicts")
    assert [entry.title for entry in _feed(client, "checking").entries] == [
        f"being checked: {case.readable_title}"
    ]

    judge(case, verifier, Verdict.FALSE)

    page = _page(client)
    assert case.readable_title not in _section(page, "being-checked")
    recent = _section(page, "recent-verdicts")
    assert case.readable_title in recent and "False" in recent and "Huai River Guardians" in recent
    assert _feed(client, "checking").entries == []
    (entry,) = _feed(client, "reviews").entries
    assert entry.title == f"false: {case.readable_title}"


def test_a_written_claim_is_listed_like_a_case(client: Client, verifier: User) -> None:
    claim = services.claim_write(
        actor=verifier, statement="网传淮河的鱼全部死光了。", appearances=[{"platform": "微博"}]
    )
    services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.CHECKING,
        rationale="正在联系渔民核实。",
        evidence=[SOURCE],
    )

    checking = _section(_page(client), "being-checked")

    assert "网传淮河的鱼全部死光了。" in checking
    assert f'href="/claims/{claim.pk}/"' in checking


def test_merges_and_suggestions_make_the_most_reported_stories(
    client: Client, story: list[Case], verifier: User, staff: User
) -> None:
    original, first, second, third, unrelated = story
    DuplicateSuggestion.objects.create(case=third, original=original, score=0.8)
    DuplicateSuggestion.objects.create(case=unrelated, original=first, score=0.5)
    assert [c.case for c in selectors.most_reported_clusters(limit=10)] == [first, original]

    case_merge(actor=verifier, case_id=first.pk, into_id=original.pk)
    case_services.case_hide(
        actor=staff,
        case_id=second.pk,
        reason=Case.HiddenReason.DUPLICATE,
        duplicate_of=original.pk,
    )

    # The merge carried the suggestion about the first report over to the original.
    (cluster,) = selectors.most_reported_clusters(limit=10)
    assert (cluster.case, cluster.merged, cluster.suggested, cluster.reports) == (
        original,
        2,
        2,
        5,
    )
    clusters = _section(_page(client), "clusters")
    assert f'href="/cases/{original.pk}/"' in clusters
    assert "5 reports" in clusters
    assert "2 merged into it" in clusters
    assert "2 more suggested as duplicates" in clusters
    assert f"/cases/{first.pk}/" not in clusters
    (entry,) = _feed(client, "clusters").entries
    assert entry.title == f"{original.readable_title}: 5 reports"
    assert entry.link.endswith(f"/cases/{original.pk}/")


def test_a_merge_into_a_case_of_a_cluster_moves_its_reports_along(
    story: list[Case], verifier: User
) -> None:
    original, first, second, _third, _unrelated = story
    case_merge(actor=verifier, case_id=first.pk, into_id=second.pk)
    case_merge(actor=verifier, case_id=second.pk, into_id=original.pk)

    (cluster,) = selectors.most_reported_clusters(limit=10)

    assert (cluster.case, cluster.merged) == (original, 2)


def test_a_decided_or_hidden_suggestion_leaves_the_clusters(story: list[Case], staff: User) -> None:
    original, first, second, _third, _unrelated = story
    DuplicateSuggestion.objects.create(
        case=first, original=original, score=0.8, status=DuplicateSuggestion.Status.REJECTED
    )
    DuplicateSuggestion.objects.create(case=second, original=original, score=0.8)
    case_services.case_hide(actor=staff, case_id=second.pk, reason=Case.HiddenReason.SPAM)

    assert selectors.most_reported_clusters(limit=10) == []


def test_the_proposed_verdict_is_shown_to_verifiers_only(
    client: Client, case: Case, verifier: User, other_verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    judge(case, verifier, Verdict.FALSE, rationale=PROPOSED_RATIONALE)

    public = _page(client)
    waiting = _listed(public, "awaiting")
    assert case.readable_title in waiting
    assert "Proposed" not in waiting and "false" not in waiting.lower()
    assert "Huai River Guardians" not in public and PROPOSED_RATIONALE not in public
    (entry,) = _feed(client, "awaiting").entries
    assert entry.title == f"Waiting for a second verifier: {case.readable_title}"
    feed = client.get("/claims/awaiting.atom", headers=ENGLISH).content.decode()
    assert "false" not in feed.lower() and "Huai River Guardians" not in feed
    desk = client.get("/api/v1/claims/desk").json()
    (awaiting,) = desk["awaiting_confirmation"]
    assert (awaiting["case"], awaiting["verdict"], awaiting["public_verdict"]) == (
        case.pk,
        "unverified",
        None,
    )
    assert "false" not in str(desk) and PROPOSED_RATIONALE not in str(desk)

    client.force_login(other_verifier)
    waiting = _section(_page(client), "awaiting")
    assert "Proposed: false, by Huai River Guardians" in waiting
    assert f'href="/claims/case/{case.pk}/verdict/"' in waiting

    judge(case, other_verifier, Verdict.FALSE, rationale="", evidence=[])

    client.logout()
    page = _page(client)
    assert "No verdict is waiting." in page
    assert case.readable_title in _section(page, "recent-verdicts")


def test_a_verifier_finds_the_way_to_write_a_claim_and_to_the_flags(
    client: Client, verifier: User
) -> None:
    client.force_login(verifier)

    page = _page(client)

    assert 'href="/claims/new/"' in page and 'href="/claims/flags/"' in page


def test_the_desk_is_in_the_main_menu_in_both_languages(client: Client, db: Any) -> None:
    english = client.get("/", headers={"Accept-Language": "en"}).content.decode()
    chinese = client.get("/", headers={"Accept-Language": "zh-hans"}).content.decode()

    assert '<a href="/claims/">Rumour desk</a>' in english
    assert '<a href="/claims/">传言核查</a>' in chinese
    desk = client.get("/claims/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "核查中" in desk and "各种核查结论的含义" in desk


def test_the_stored_desk_changes_with_a_verdict_and_a_merge(
    client: Client, story: list[Case], verifier: User
) -> None:
    original, first, *_others = story
    before = client.get("/claims/", headers=ENGLISH)
    assert (
        client.get("/claims/", headers=ENGLISH | {"If-None-Match": before["ETag"]}).status_code
        == 304
    )

    judge(original, verifier, Verdict.CHECKING)
    after_verdict = client.get("/claims/", headers=ENGLISH)
    assert after_verdict["ETag"] != before["ETag"]
    assert original.readable_title in _section(after_verdict.content.decode(), "being-checked")

    case_merge(actor=verifier, case_id=first.pk, into_id=original.pk)
    after_merge = client.get("/claims/", headers=ENGLISH)
    assert after_merge["ETag"] != after_verdict["ETag"]
    assert "1 merged into it" in _section(after_merge.content.decode(), "clusters")


def test_the_stored_desk_changes_when_a_duplicate_is_suggested_and_rejected(
    client: Client, story: list[Case], verifier: User
) -> None:
    original, first, *_others = story
    for case in (original, first):
        case_fingerprint_update(case.pk)
    before = client.get("/claims/", headers=ENGLISH)

    duplicates_suggest(case_id=first.pk)
    (suggestion,) = DuplicateSuggestion.objects.filter(case=first, original=original)
    suggested = client.get("/claims/", headers=ENGLISH)
    assert suggested["ETag"] != before["ETag"]
    assert "1 more suggested as a duplicate" in _section(suggested.content.decode(), "clusters")

    duplicate_reject(actor=verifier, suggestion_id=suggestion.pk)
    rejected = client.get("/claims/", headers=ENGLISH)
    assert rejected["ETag"] != suggested["ETag"]
    assert "suggested as a duplicate" not in _section(rejected.content.decode(), "clusters")


def test_the_desk_in_json(client: Client, story: list[Case], verifier: User) -> None:
    original, first, *_others = story
    case_merge(actor=verifier, case_id=first.pk, into_id=original.pk)
    judge(original, verifier, Verdict.CORROBORATED)

    desk = client.get("/api/v1/claims/desk").json()

    assert desk["being_checked"] == [] and desk["awaiting_confirmation"] == []
    (verdict,) = desk["recent_verdicts"]
    assert (verdict["case"], verdict["verdict"]) == (original.pk, "corroborated")
    assert verdict["public_verdict"]["verdict"] == "corroborated"
    (cluster,) = desk["clusters"]
    assert {key: cluster[key] for key in ("case", "reports", "merged", "suggested")} == {
        "case": original.pk,
        "reports": 2,
        "merged": 1,
        "suggested": 0,
    }
    assert cluster["verdict"] == "corroborated"
