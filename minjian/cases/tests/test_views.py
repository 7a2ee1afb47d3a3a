"""The case pages as a visitor meets them, in both languages, with bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import PASSWORD
from minjian.cases.models import Case
from minjian.cases.services import case_close
from minjian.cases.tests.factories import make_case, receipt_code_of_report
from minjian.cases.tests.images import camera_photo, jpeg_upload, upload
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

FORM = {
    "title": "村口的桥断了",
    "description": "上周暴雨以后桥面塌了一半，孩子们每天绕行两公里上学。",
    "topic": "public-safety",
    "region": "340321",
}


def test_home_shows_recent_cases_and_counts_in_both_languages(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    for number in range(12):
        make_case(
            regions["420102"], title=f"案例{number}", photos=[jpeg_upload()] if number % 2 else []
        )
    with django_assert_max_num_queries(8):
        chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 200
    assert "案例11" in chinese.text
    assert "Recent cases" in english.text and "Recent cases" not in chinese.text
    assert english.context["counts"].total == 12


def test_language_can_be_switched(client: Client, db: Any) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 302
    assert "Report a problem" in client.get("/").text


def test_report_form_without_javascript_creates_a_case_with_a_photo(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    form = client.get("/cases/report/", HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert 'value="340300"' in form.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/cases/report/",
            FORM | {"photos": [camera_photo("DSCN0012.jpg")]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    case = Case.objects.get()
    # An anonymous reporter lands on her receipt page, which shows her code this once.
    assert response.status_code == 303
    receipt = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    code = receipt.context["receipt"]["code"]
    assert code in receipt.text and "Keep this receipt code" in receipt.text
    assert case.reporter is None and case.photos.count() == 1
    page = client.get(f"/cases/{case.pk}/")
    assert FORM["title"] in page.text
    assert case.photos.get().thumbnail_url in page.text
    assert code not in page.text


def test_signed_in_report_belongs_to_the_account(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    client.login(username=user.username, password=PASSWORD)
    client.post("/cases/report/", FORM)
    assert Case.objects.get().reporter == user


@pytest.mark.parametrize(
    ("changes", "field", "english", "chinese"),
    [
        ({"title": ""}, "title", "Please give the report a title.", "请给报告写一个标题。"),
        (
            {"region": "999999"},
            "region",
            "Choose one of the listed regions.",
            "请从列表中选择一个地区。",
        ),
        (
            {"latitude": "200", "longitude": "1"},
            "latitude",
            "Latitude must be a number between -90 and 90.",
            "纬度必须是 -90 到 90 之间的数字。",
        ),
        (
            {"photos": [upload("notes.jpg", b"just text")]},
            "photos",
            "is not a JPEG, PNG, WebP or HEIC photo.",
            "不是 JPEG、PNG、WebP 或 HEIC 格式的照片。",
        ),
    ],
)
def test_form_error_is_shown_next_to_the_field_in_the_users_language(
    client: Client,
    regions: dict[str, Region],
    changes: dict[str, Any],
    field: str,
    english: str,
    chinese: str,
) -> None:
    for language, message in (("en", english), ("zh-hans", chinese)):
        response = client.post("/cases/report/", FORM | changes, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        errors = response.context["form"].errors[field]
        assert any(message in error for error in errors), errors
        assert message in response.text
    assert not Case.objects.exists()


def test_case_page_shows_photos_and_timeline_without_naming_the_reporter(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    case = make_case(regions["340321"], reporter=user, photos=[jpeg_upload()])
    response = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert case.title in response.text and "Timeline" in response.text
    assert "the reporter" in response.text
    assert user.username not in response.text


def test_user_text_is_shown_as_written_and_escaped(
    client: Client, regions: dict[str, Region]
) -> None:
    case = make_case(
        regions["340321"], title="<b>标题</b>", description="<script>alert('x')</script>\n第二行"
    )
    response = client.get(f"/cases/{case.pk}/")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text
    assert "<script>alert" not in response.text
    assert "&lt;b&gt;标题&lt;/b&gt;" in response.text


def test_case_under_review_is_a_404_for_the_public(
    client: Client, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    case = make_case(regions["340321"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_reporter_closes_her_case_from_its_page(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    case = make_case(regions["340321"], reporter=user)
    client.login(username=user.username, password=PASSWORD)
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"/cases/{case.pk}/close/" in page.text
    response = client.post(f"/cases/{case.pk}/close/", {"note": "已经解决了，谢谢"}, follow=True)
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED
    assert "已经解决了，谢谢" in response.text


def test_refused_action_changes_nothing_and_says_why(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    case = make_case(regions["340321"])
    client.login(username=user.username, password=PASSWORD)
    response = client.post(f"/cases/{case.pk}/acknowledge/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "You are not allowed to do this to this case." in response.text
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED


def test_reporter_follows_and_adds_to_her_case_with_the_receipt_code(
    client: Client, regions: dict[str, Region]
) -> None:
    code = receipt_code_of_report(client, FORM)
    case = Case.objects.get()
    wrong = client.post("/cases/follow/", {"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert wrong.status_code == 404
    opened = client.post("/cases/follow/", {"code": code.lower()}, HTTP_ACCEPT_LANGUAGE="en")
    assert opened.status_code == 200 and FORM["title"] in opened.text
    added = client.post(
        "/cases/follow/",
        {"code": code, "action": "add", "text": "今天桥又塌了一块。", "photos": [jpeg_upload()]},
    )
    assert added.status_code == 200
    assert case.events.last().kind == "added_by_reporter"  # type: ignore[union-attr]  # None fails the test
    assert case.photos.count() == 1
    assert "今天桥又塌了一块。" in client.get(f"/cases/{case.pk}/").text


def test_moderator_asks_for_an_edit_and_the_reporter_edits(
    client: Client, regions: dict[str, Region], staff: User, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    code = receipt_code_of_report(client, FORM)
    case = Case.objects.get()
    assert case.state == Case.State.SUBMITTED
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    moderator = Client()
    moderator.login(username=staff.username, password=PASSWORD)
    queue = moderator.get("/cases/moderation/")
    assert FORM["title"] in queue.text
    moderator.post(
        f"/cases/moderation/{case.pk}/request_edit/", {"note": "请删掉第二段里的电话号码。"}
    )
    followed = client.post("/cases/follow/", {"code": code})
    assert "请删掉第二段里的电话号码。" in followed.text
    client.post(
        "/cases/follow/",
        {"code": code, "action": "edit", "title": "村口的桥断了", "description": "已修改。"},
    )
    moderator.post(f"/cases/moderation/{case.pk}/publish/")
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED and case.description == "已修改。"
    public = client.get(f"/cases/{case.pk}/").text
    assert "请删掉第二段里的电话号码。" not in public


def test_hidden_case_leaves_a_public_tombstone_and_a_log_entry(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"], title="某某的家庭住址和照片")
    moderator = Client()
    moderator.login(username=staff.username, password=PASSWORD)
    moderator.post(
        f"/cases/moderation/{case.pk}/hide/", {"reason": "harassment", "note": "人肉搜索"}
    )
    tombstone = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert tombstone.status_code == 410
    assert f"Case #{case.pk} was hidden" in tombstone.text
    assert "harassment" in tombstone.text
    assert "某某的家庭住址" not in tombstone.text and "人肉搜索" not in tombstone.text
    assert client.get("/cases/").context["page"].paginator.count == 0
    log = client.get("/cases/moderation/log/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"#{case.pk}" in log.text and "hidden by a moderator" in log.text
    assert "某某的家庭住址" not in log.text and "人肉搜索" not in log.text
    api = client.get(f"/api/v1/cases/{case.pk}")
    assert api.status_code == 410 and api.json()["code"] == "hidden"
    assert api.json()["details"]["reason"] == "harassment"


def test_moderation_queue_is_for_staff_only(client: Client, user: User, db: Any) -> None:
    assert client.get("/cases/moderation/").status_code == 302
    client.login(username=user.username, password=PASSWORD)
    assert client.get("/cases/moderation/").status_code == 403
    assert client.post("/cases/moderation/1/hide/", {"reason": "spam"}).status_code == 403


def test_later_text_with_personal_data_waits_for_a_moderator(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    code = receipt_code_of_report(client, FORM)
    case = Case.objects.get()
    client.post(
        "/cases/follow/",
        {"code": code, "action": "add", "text": "村长的电话是 138 1234 5678，他知道这件事。"},
    )
    public = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "A text waits here for a moderator" in public and "村长的电话" not in public
    assert "村长的电话" in client.post("/cases/follow/", {"code": code}).text
    held = case.events.get(kind="added_by_reporter")
    assert "5678" not in str(held.payload) and held.payload["held"] is True

    moderator = Client()
    moderator.login(username=staff.username, password=PASSWORD)
    assert "村长的电话" in moderator.get("/cases/moderation/").text
    moderator.post(f"/cases/moderation/text/{held.pk}/release/")
    released = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "村长的电话是 [mobile number removed]" in released
    assert "waits here for a moderator" not in released
    assert "村长的电话" not in moderator.get("/cases/moderation/").text
    log = client.get("/cases/moderation/log/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "text released by a moderator" in log


def test_withheld_text_stays_hidden_and_the_log_says_why(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    code = receipt_code_of_report(client, FORM)
    case = Case.objects.get()
    client.post(
        "/cases/follow/",
        {"code": code, "action": "add", "text": "他家住在这里，电话 13912345678，大家去找他。"},
    )
    held = case.events.get(kind="added_by_reporter")
    moderator = Client()
    moderator.login(username=staff.username, password=PASSWORD)
    refused = moderator.post(f"/cases/moderation/text/{held.pk}/withhold/", {"reason": "x"})
    assert refused.status_code == 302 and not case.events.filter(kind="note_withheld").exists()
    moderator.post(f"/cases/moderation/text/{held.pk}/withhold/", {"reason": "harassment"})
    public = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "大家去找他" not in public and "waits here for a moderator" not in public
    log = client.get("/cases/moderation/log/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "text withheld by a moderator" in log and "harassment" in log
    again = moderator.post(f"/cases/moderation/text/{held.pk}/release/")
    assert again.status_code == 302
    assert not case.events.filter(kind="note_released").exists()


def test_a_trusted_writers_text_is_not_held(regions: dict[str, Region], staff: User) -> None:

    case = make_case(regions["340321"])
    case_close(actor=staff, case_id=case.pk, note="联系人电话 13812345678")
    assert "held" not in case.events.get(kind="closed").payload
