"""Atom feeds of cases per topic, region and organisation, and of one case's timeline,
read with feedparser: what the public pages show, and nothing more."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent
from minjian.cases.services import case_acknowledge, case_hide, case_publish
from minjian.cases.tests.factories import make_case
from minjian.feeds import feeds
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def read(client: Client, path: str, language: str = "zh-hans") -> Any:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def titles(feed: Any) -> list[str]:
    return [entry.title for entry in feed.entries]


@pytest.fixture
def reporter(db: Any) -> User:
    return make_user("secret-reporter")


def test_topic_feed_lists_public_cases_of_the_topic_only(
    client: Client, regions: dict[str, Region], reporter: User, staff: User, settings: Any
) -> None:
    make_case(regions["340321"], title="淮河排污", reporter=reporter)
    make_case(regions["340321"], title="工厂欠薪", topic="labour")
    hidden = make_case(regions["340321"], title="被隐藏的案件")
    case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    make_case(regions["340321"], title="等待审核的案件")

    feed = read(client, "/feeds/topics/environment/")
    assert titles(feed) == ["淮河排污"]
    assert feed.feed.title == "民间：关于环境的案例"
    assert "secret-reporter" not in client.get("/feeds/topics/environment/").content.decode()
    assert client.get("/feeds/topics/no-such-topic/").status_code == 404


def test_titles_follow_the_reader_s_language(client: Client, regions: dict[str, Region]) -> None:
    make_case(regions["340321"])
    assert read(client, "/feeds/topics/environment/", "en").feed.title == (
        "Minjian: cases about Environment"
    )


def test_region_feed_includes_the_regions_under_it(
    client: Client, regions: dict[str, Region]
) -> None:
    make_case(regions["340321"], title="固镇的案件")
    make_case(regions["420102"], title="武汉的案件")
    assert titles(read(client, "/feeds/regions/340000/")) == ["固镇的案件"]
    assert titles(read(client, "/feeds/regions/420100/")) == ["武汉的案件"]
    assert client.get("/feeds/regions/999999/").status_code == 404


def test_entries_have_stable_tag_ids_and_redacted_text(
    client: Client, regions: dict[str, Region], settings: Any, staff: User
) -> None:
    settings.MINJIAN_SITE_URL = "https://minjian.example.org"
    case = make_case(
        regions["340321"],
        title="河边垃圾",
        description="联系人手机13812345678",
    )
    # Personal data keeps a case from publishing at once; a moderator publishes it.
    case_publish(actor=staff, case_id=case.pk)
    first = read(client, "/feeds/regions/340321/")
    second = read(client, "/feeds/regions/340321/", "en")
    [entry] = first.entries
    assert entry.id == f"tag:minjian.example.org,{case.created_at:%Y-%m-%d}:case/{case.pk}"
    assert [e.id for e in second.entries] == [entry.id]
    assert "13812345678" not in entry.summary
    assert "redacted" not in entry.summary
    assert entry.link.endswith(f"/cases/{case.pk}/")


def test_a_feed_has_the_latest_entries_only(
    client: Client, regions: dict[str, Region], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "FEED_LENGTH", 2)
    for number in range(3):
        make_case(regions["340321"], title=f"案件{number}")
    assert titles(read(client, "/feeds/topics/environment/")) == ["案件2", "案件1"]


def test_organisation_feed_lists_cases_routed_to_it(
    client: Client, regions: dict[str, Region]
) -> None:
    organisation = make_organisation("huai-guardians")
    other = make_organisation("other-group", name_zh="别的组织", name_en="Others")
    routed = make_case(regions["340321"], title="转给卫士的案件")
    elsewhere = make_case(regions["340321"], title="转给别人的案件")
    make_case(regions["340321"], title="没有转交的案件")
    for case, to in ((routed, organisation), (elsewhere, other)):
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ROUTED, organisation=to)
    feed = read(client, "/feeds/orgs/huai-guardians/", "en")
    assert titles(feed) == ["转给卫士的案件"]
    assert feed.feed.title == "Minjian: cases sent to Huai River Guardians"
    assert client.get("/feeds/orgs/nobody/").status_code == 404


def test_case_feed_is_the_public_timeline_without_internal_or_held_notes(
    client: Client, regions: dict[str, Region], reporter: User, staff: User
) -> None:
    organisation = make_organisation("huai-guardians", verified=True, members=[staff])
    case = make_case(regions["340321"], reporter=reporter)
    case_acknowledge(actor=staff, case_id=case.pk, note="我们已收到")
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.INTERNAL_NOTE,
        organisation=organisation,
        internal=True,
        payload={"note": "内部备注：别外传"},
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.PUBLIC_UPDATE,
        organisation=organisation,
        actor=staff,
        payload={"note": "待审核的文字", "held": True},
    )
    body = client.get(f"/feeds/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    feed = read(client, f"/feeds/cases/{case.pk}/", "en")
    # Newest first: the held update (text left out), acknowledgement, publication;
    # the submission has no public time (minjian.cases.times), so no entry.
    assert [entry.title.split(" · ")[0] for entry in feed.entries] == [
        "update from an organisation",
        "acknowledged",
        "published",
    ]
    assert "我们已收到" in feed.entries[1].summary
    assert len({entry.id for entry in feed.entries}) == 3
    for secret in ("内部备注", "待审核的文字", "secret-reporter", "internal note"):
        assert secret not in body


def test_case_feed_of_a_hidden_case_is_gone_and_of_a_waiting_case_missing(
    client: Client, regions: dict[str, Region], staff: User, settings: Any
) -> None:
    hidden = make_case(regions["340321"])
    case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)
    assert client.get(f"/feeds/cases/{hidden.pk}/").status_code == 410
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    waiting = make_case(regions["340321"])
    # Not even staff read an unpublished case through its feed: feeds are public.
    client.force_login(staff)
    assert client.get(f"/feeds/cases/{waiting.pk}/").status_code == 404


def test_pages_point_to_their_feeds(client: Client, regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"])
    make_organisation("huai-guardians")
    alternate = '<link rel="alternate" type="application/atom+xml" href="{}"'
    pages = {
        "/cases/?topic=environment&region=340000": [
            "/feeds/topics/environment/",
            "/feeds/regions/340000/",
        ],
        f"/cases/{case.pk}/": [f"/feeds/cases/{case.pk}/"],
        "/orgs/huai-guardians/": ["/feeds/orgs/huai-guardians/"],
    }
    for page, feed_paths in pages.items():
        html = client.get(page).content.decode()
        for feed_path in feed_paths:
            assert alternate.format(feed_path) in html, (page, feed_path)
        assert html.count('type="application/atom+xml"') == len(feed_paths)
