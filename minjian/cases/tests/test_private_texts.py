"""Private stays private: every kind of text that is not for the public is read by
those it is meant for, on the surfaces they use, and found nowhere else.

The walk reads every surface (pages, feeds, the API, Open311, exports, search, mail)
as each kind of viewer, after a story that writes one text of each private kind,
each carrying a word of its own. For each kind it checks the exact set of surfaces
that show the word: every other surface must not. Who reads what is decided in one
place, `minjian.cases.selectors.text_audience` and `may_read` (docs/privacy.md, "Who
reads which text").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.receipts import receipt_digest
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.notify.tests.mailbox import Inbox, readable
from minjian.notify.tests.test_follow_by_email import confirmed_follower
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.record.services import seal_record
from minjian.routing import services as routing_services
from minjian.routing.tests.helpers import subscribed

pytestmark = pytest.mark.django_db

# One word per kind of text, found only where that text is.
INTERNAL_NOTE = "quokkainternal"
HIDE_NOTE = "wombathidenote"
EDIT_REQUEST = "platypuseditrequest"
HELD_TEXT = "bilbyheldtext"
WITHHELD_TEXT = "numbatwithheld"
PENDING_CASE = "echidnapending"
HIDDEN_CASE = "cassowaryhidden"
# A public update: the control that shows each surface really reads the timeline.
PUBLIC_UPDATE = "dingopublic"

REPORTER_PSEUDONYM = "rinreporter"
REPORTER_EMAIL = "rin@reporter.example.org"
MEMBER_EMAIL = "alice@green-huai.example.org"
OTHER_MEMBER_EMAIL = "bob@river-watch.example.org"
FOLLOWER_EMAIL = "follower@example.org"


@dataclass
class Story:
    regions: dict[str, Region]
    moderator: User
    reporter: User
    member: User
    other_member: User
    organisation: Organisation
    other_organisation: Organisation
    # A: anonymous, public, routed to both organisations, with an internal note, a
    # public update, a held text and a withheld one, and a follower.
    public_case: Case
    public_code: str
    # B: by the reporter with an account; a moderator asked for an edit, then published it.
    edited_case: Case
    # C: anonymous, published, then hidden with a note for moderators.
    hidden_case: Case
    hidden_code: str
    # D: by the reporter with an account, still waiting for a moderator.
    pending_case: Case


@pytest.fixture
def story(
    regions: dict[str, Region], settings: Any, smtp: Inbox, committed: Callable[[], Any]
) -> Story:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    moderator = make_user("moderator", is_staff=True)
    reporter = make_user(REPORTER_PSEUDONYM, email=REPORTER_EMAIL)
    member = make_user("alice", email=MEMBER_EMAIL)
    other_member = make_user("bob", email=OTHER_MEMBER_EMAIL)
    organisation = subscribed("green-huai", topic="environment", members=(member,))
    other_organisation = subscribed("river-watch", topic="environment", members=(other_member,))
    county = regions["340321"]

    def submitted(reporter: User | None, title: str) -> tuple[Case, str]:
        submission = services.case_submit(
            reporter=reporter,
            title=title,
            description="每天夜里排放黑色污水。",
            topic_slug="environment",
            region_code=county.code,
        )
        return submission.case, submission.receipt_code

    with committed():
        public_case, public_code = submitted(None, "造纸厂向淮河排污")
        services.case_publish(actor=moderator, case_id=public_case.pk)
    client = Client()
    confirmed_follower(client, smtp, public_case, FOLLOWER_EMAIL)
    with committed():
        routing_services.inbox_add_internal_note(
            actor=member,
            organisation=organisation,
            case_id=public_case.pk,
            note=f"{INTERNAL_NOTE}：工厂老板是理事的亲戚，先别公开。",
        )
        routing_services.inbox_post_update(
            actor=other_member,
            organisation=other_organisation,
            case_id=public_case.pk,
            note=f"{PUBLIC_UPDATE}：我们明天去排污口取样。",
        )
        services.case_add_by_reporter(
            case=public_case, actor=None, text=f"{HELD_TEXT}：村长电话 13812345678。"
        )
        services.case_add_by_reporter(
            case=public_case, actor=None, text=f"{WITHHELD_TEXT}：他住在这里，电话 13912345678。"
        )
    withheld = public_case.events.filter(kind=CaseEvent.Kind.ADDED_BY_REPORTER).last()
    assert withheld is not None and withheld.payload["held"]
    services.case_withhold_note(
        actor=moderator, event_id=withheld.pk, reason=Case.HiddenReason.HARASSMENT
    )

    edited_case, _ = submitted(reporter, "河边垃圾成堆")
    services.case_request_edit(
        actor=moderator, case_id=edited_case.pk, note=f"{EDIT_REQUEST}：请删掉邻居的名字。"
    )
    services.case_edit_by_reporter(
        case=edited_case, actor=reporter, title="河边垃圾成堆", description="已删掉名字。"
    )
    with committed():
        services.case_publish(actor=moderator, case_id=edited_case.pk)

    with committed():
        hidden_case, hidden_code = submitted(None, f"{HIDDEN_CASE} 某某的住址")
        services.case_publish(actor=moderator, case_id=hidden_case.pk)
    with committed():
        services.case_hide(
            actor=moderator,
            case_id=hidden_case.pk,
            reason=Case.HiddenReason.HARASSMENT,
            note=f"{HIDE_NOTE}：同一个人第三次发人肉帖。",
        )
    pending_case, _ = submitted(reporter, f"{PENDING_CASE} 桥面裂缝")

    return Story(
        regions=regions,
        moderator=moderator,
        reporter=reporter,
        member=member,
        other_member=other_member,
        organisation=organisation,
        other_organisation=other_organisation,
        public_case=public_case,
        public_code=public_code,
        edited_case=edited_case,
        hidden_case=hidden_case,
        hidden_code=hidden_code,
        pending_case=pending_case,
    )


def _signed_in(user: User | None) -> OpenAPICheckingClient:
    client = OpenAPICheckingClient()
    if user is not None:
        client.force_login(user)
    return client


def _with_token(user: User) -> dict[str, str]:
    _token, secret = api_token_issue(actor=user, user=user, name="walk")
    return {"Authorization": f"Bearer {secret}"}


def _texts(client: Client, paths: list[str], headers: dict[str, str] | None = None) -> str:
    """Every answer's body, decoded; each must be one a reader gets (no error page)."""
    bodies = []
    for path in paths:
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 410), (path, response.status_code)
        bodies.append(response.getvalue().decode())  # a download is streamed
    return "\n".join(bodies)


def read_every_surface(story: Story, smtp: Inbox) -> dict[str, str]:
    """What each surface shows, by a name that says who reads it where."""
    # The record serves what is sealed: what the seal job would have sealed by now.
    seal_record()
    a, b, c, d = (
        story.public_case.pk,
        story.edited_case.pk,
        story.hidden_case.pk,
        story.pending_case.pk,
    )
    org, other = story.organisation.slug, story.other_organisation.slug
    anonymous = _signed_in(None)
    case_pages = [f"/cases/{a}/", f"/cases/{b}/", f"/cases/{c}/"]
    api_cases = [f"/api/v1/cases/{a}", f"/api/v1/cases/{b}", f"/api/v1/cases/{c}"]
    county = story.regions["340321"].code
    public = {
        "home": ["/"],
        "case list": ["/cases/", "/cases/?topic=environment", f"/cases/?region={county}"],
        "case list download": ["/cases/export.csv", f"/cases/export.csv?region={county}"],
        "map": ["/cases/map/", "/cases/map/counts.json?level=1"],
        "api case list": ["/api/v1/cases", f"/api/v1/cases?region={county}"],
        "open311 requests": [
            "/open311/v2/requests.json",
            "/open311/v2/requests.xml",
            f"/open311/v2/requests.json?service_request_id={a},{b},{c},{d}",
        ],
        "open311 request": [
            f"/open311/v2/requests/{case}.{fmt}" for case in (a, b) for fmt in ("json", "xml")
        ],
        "feeds": [
            f"/feeds/cases/{a}/",
            f"/feeds/cases/{b}/",
            "/feeds/topics/environment/",
            f"/feeds/regions/{county}/",
            f"/feeds/orgs/{org}/",
            f"/feeds/orgs/{other}/",
        ],
        "accountability": [
            "/accountability/",
            "/accountability/figures.csv",
            "/accountability/cases.csv",
            f"/accountability/{org}/",
            f"/accountability/{org}/cases.csv",
        ],
        "organisation pages": [f"/orgs/{org}/", f"/orgs/{other}/"],
        "moderation log": ["/cases/moderation/log/"],
        "public record": ["/api/v1/record/entries?limit=1000"],
        "case page: anonymous": case_pages,
        "api case: anonymous": api_cases,
    }
    surfaces = {name: _texts(anonymous, paths) for name, paths in public.items()}

    # Viewer, and whether she may see case D under review.
    viewers = {
        "reporter with account": (story.reporter, True),
        "member of the organisation": (story.member, False),
        "member of another": (story.other_member, False),
        "moderator": (story.moderator, True),
    }
    for name, (viewer, sees_pending) in viewers.items():
        pending = [f"/cases/{d}/"] if sees_pending else []
        surfaces[f"case page: {name}"] = _texts(_signed_in(viewer), case_pages + pending)
        pending = [f"/api/v1/cases/{d}"] if sees_pending else []
        surfaces[f"api case: {name}"] = _texts(
            anonymous, api_cases + pending, headers=_with_token(viewer)
        )

    holder = _signed_in(None)
    surfaces["follow page: receipt code"] = "\n".join(
        holder.post("/cases/follow/", {"code": code}).content.decode()
        for code in (story.public_code, story.hidden_code)
    )
    for name, viewer, slug in (
        ("member of the organisation", story.member, org),
        ("member of another", story.other_member, other),
    ):
        surfaces[f"inbox: {name}"] = _texts(
            _signed_in(viewer),
            [f"/inbox/{slug}/?show=all", f"/inbox/{slug}/cases/{a}/", f"/inbox/{slug}/cases/{b}/"],
        )
        surfaces[f"api inbox: {name}"] = _texts(
            anonymous,
            [
                f"/api/v1/inbox/{slug}?show=all",
                f"/api/v1/inbox/{slug}/cases/{a}",
                f"/api/v1/inbox/{slug}/cases/{b}",
            ],
            headers=_with_token(viewer),
        )
    surfaces["moderation queue"] = _texts(_signed_in(story.moderator), ["/cases/moderation/"])
    for address in (FOLLOWER_EMAIL, MEMBER_EMAIL, OTHER_MEMBER_EMAIL):
        surfaces[f"mail to {address}"] = "\n".join(
            readable(message) for message in smtp.to(address)
        )
    return surfaces


# Where each kind of private text is read: on these surfaces, and on no other.
READ_ONLY_ON: dict[str, set[str]] = {
    # An organisation's internal note: its members, in its inbox; not even moderators.
    INTERNAL_NOTE: {"inbox: member of the organisation", "api inbox: member of the organisation"},
    # The note of a hide is for other moderators: not the reporter.
    HIDE_NOTE: {"case page: moderator", "api case: moderator"},
    # A moderator's request for an edit is the reporter's to read.
    EDIT_REQUEST: {
        "case page: reporter with account",
        "api case: reporter with account",
        "case page: moderator",
        "api case: moderator",
    },
    # A held text: its writer (here by her receipt code) and moderators, who decide on it.
    HELD_TEXT: {
        "follow page: receipt code",
        "case page: moderator",
        "api case: moderator",
        "moderation queue",
    },
    WITHHELD_TEXT: {"follow page: receipt code", "case page: moderator", "api case: moderator"},
    # A case under review: its reporter and moderators.
    PENDING_CASE: {
        "case page: reporter with account",
        "api case: reporter with account",
        "case page: moderator",
        "api case: moderator",
        "moderation queue",
    },
    # A hidden case's content: moderators only (its public tombstone says when and why),
    # and the mail that brought it to the inboxes while it was public.
    HIDDEN_CASE: {
        "case page: moderator",
        "api case: moderator",
        f"mail to {MEMBER_EMAIL}",
        f"mail to {OTHER_MEMBER_EMAIL}",
    },
    # The reporter is never named: she reads her pseudonym in her own page's header.
    REPORTER_PSEUDONYM: {"case page: reporter with account"},
    # E-mail addresses: nowhere (a mail names its recipient in its envelope only).
    REPORTER_EMAIL: set(),
    MEMBER_EMAIL: set(),
    OTHER_MEMBER_EMAIL: set(),
    FOLLOWER_EMAIL: set(),
}


def test_each_private_text_is_read_only_by_those_it_is_meant_for(story: Story, smtp: Inbox) -> None:
    surfaces = read_every_surface(story, smtp)

    for word, readers in READ_ONLY_ON.items():
        showing = {name for name, text in surfaces.items() if word in text}
        assert showing == readers, word
    # Receipt codes are shown once, when the report is sent, and then only to whoever
    # typed one on the follow page (in the forms that send it again, where there are
    # any: none for a hidden case); their digests never leave the database.
    for code, readers in (
        (story.public_code, {"follow page: receipt code"}),
        (story.hidden_code, set()),
    ):
        assert {name for name, text in surfaces.items() if code in text} == readers
        assert not [name for name, text in surfaces.items() if receipt_digest(code) in text]
    # The walk reads real timelines: the public update is on every surface of case A's
    # timeline, and the followers' mail tells it.
    for name in (
        "case page: anonymous",
        "case page: member of the organisation",
        "api case: anonymous",
        "inbox: member of the organisation",
        "api inbox: member of another",
        "follow page: receipt code",
        "feeds",
        "open311 request",
        "public record",
        f"mail to {FOLLOWER_EMAIL}",
    ):
        assert PUBLIC_UPDATE in surfaces[name], name


def test_search_finds_no_case_by_a_private_text(story: Story) -> None:
    client = _signed_in(None)

    def found(words: str) -> tuple[int, int, int]:
        """How many cases the list, the API and the map's counts find by these words."""
        page = client.get("/cases/", {"q": words})
        api = client.get("/api/v1/cases", {"q": words})
        counts = client.get("/cases/map/counts.json", {"q": words, "level": "1"})
        return page.context["page"].paginator.count, api.json()["count"], counts.json()["total"]

    assert found(PUBLIC_UPDATE) == (1, 1, 1)
    for word in (
        INTERNAL_NOTE,
        HIDE_NOTE,
        EDIT_REQUEST,
        HELD_TEXT,
        WITHHELD_TEXT,
        PENDING_CASE,
        HIDDEN_CASE,
    ):
        assert found(word) == (0, 0, 0), word


def test_the_page_says_who_reads_a_text_the_public_does_not(story: Story) -> None:
    reporter = _signed_in(story.reporter)
    edit = reporter.get(f"/cases/{story.edited_case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "Not public: only the reporter and the moderators read this." in edit

    holder = _signed_in(None)
    followed = holder.post(
        "/cases/follow/", {"code": story.public_code}, HTTP_ACCEPT_LANGUAGE="en"
    ).text
    assert "Only its writer and the moderators read it until a moderator releases it." in followed
    assert "a moderator withheld this text" in followed

    hidden = holder.post("/cases/follow/", {"code": story.hidden_code}, HTTP_ACCEPT_LANGUAGE="en")
    assert "A moderator hid this case. Reason: harassment or a call to hunt someone down." in (
        hidden.text
    )
    moderator = _signed_in(story.moderator)
    page = moderator.get(f"/cases/{story.hidden_case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "Not public: a note for moderators only, not shown to the reporter." in page
    assert "A moderator hid this case: only moderators read it." in page
    assert "waiting for review" not in page
