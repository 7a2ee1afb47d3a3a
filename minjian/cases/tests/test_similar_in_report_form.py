"""The report form offers the public cases like the one being written before it is sent
("Is it one of these? Add to it instead"). Without JavaScript its "Check for similar
cases" button brings the form back with them, nothing filed and nothing she typed or
chose lost; each case's "Add" button takes her text and photos to that case's witness
page, where they wait to be sent as an addition."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from minjian.cases.models import Case, CaseEvent, DraftPhoto
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

TITLE = "淮河边造纸厂夜间偷排黑水"
DESCRIPTION = "每天夜里十点以后，怀远县淮河边的造纸厂排污口流出黑色的污水，河面上漂着死鱼。"
# The same story, told by someone else in other words.
FORM = {
    "title": "怀远县淮河边造纸厂夜里偷排黑水",
    "description": "每天夜里十点以后，淮河边造纸厂的排污口流出黑色的污水，河面上漂着很多死鱼。",
    "topic": "environment",
    "region": "340321",
}


@pytest.fixture
def original(
    regions: dict[str, Region],
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Case:
    """A public case with a photo, in the similar-case index (its jobs run as at a commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        make_case(regions["340321"], title="化工厂排放废气", description="学校里的孩子咳嗽不止。")
        return make_case(
            regions["340321"], title=TITLE, description=DESCRIPTION, photos=[jpeg_upload()]
        )


def _send(client: Client, data: dict[str, Any], language: str = "en") -> Any:
    return client.post("/cases/report/", data, HTTP_ACCEPT_LANGUAGE=language)


def _panel(response: Any) -> str:
    found = re.search(r'<section id="similar-cases".*?</section>', response.text, re.S)
    assert found, "the form has no panel of similar cases"
    return found[0]


def test_the_form_comes_back_with_the_similar_cases_and_nothing_is_filed(
    client: Client, original: Case
) -> None:
    checked = _send(client, FORM | {"similar": "1", "photos": [jpeg_upload("mine.jpg")]})

    assert checked.status_code == 200
    assert Case.objects.count() == 2
    panel = _panel(checked)
    assert not re.search(r"\shidden[\s>]", panel[: panel.index(">") + 1])
    assert "Is it one of these? Add to it instead" in panel
    [listed] = re.findall(r'<li class="similar-case">.*?</li>', panel, re.S)
    assert TITLE in listed and "published" in listed
    assert original.photos.get().small_url in listed
    assert f'formaction="/cases/{original.pk}/add/"' in listed
    assert "Add a photo or a note to this case" in listed
    assert "None of these: go on" in panel
    # What she typed and the photo she chose are still there.
    assert FORM["title"] in checked.text and FORM["description"] in checked.text
    assert "mine.jpg" in checked.text and DraftPhoto.objects.count() == 1
    assert re.search(r'name="draft" value="[^"]+"', checked.text)
    assert checked["Cache-Control"] == "no-store"


def test_the_panel_speaks_chinese(client: Client, original: Case) -> None:
    checked = _send(client, FORM | {"similar": "1"}, language="zh-hans")

    panel = _panel(checked)
    assert "是不是其中一件？可以补充到那件里" in panel
    assert "给这件补充照片或说明" in panel and "都不是：继续填写" in panel


def test_a_report_like_no_case_says_so(client: Client, original: Case) -> None:
    checked = _send(
        client,
        FORM
        | {
            "similar": "1",
            "title": "地铁电梯坏了",
            "description": "武汉地铁站的电梯坏了三个星期没人修。",
        },
    )

    assert checked.status_code == 200
    assert re.search(r'<section id="similar-cases"[^>]*hidden', checked.text)
    assert "No public case like yours was found" in checked.text
    assert Case.objects.count() == 2


def test_a_title_the_report_would_refuse_is_said_next_to_it(client: Client, original: Case) -> None:
    checked = _send(client, FORM | {"similar": "1", "title": "长" * 201})

    assert checked.status_code == 200
    title_errors = re.search(
        r'<ul class="errorlist" id="id_title_error">(.*?)</ul>\s*<input[^>]*name="title"',
        checked.text,
    )
    assert title_errors and title_errors[1].count("<li>") == 1
    assert "200" in title_errors[1]
    assert not re.findall(r'<li class="similar-case">', checked.text)
    assert Case.objects.count() == 2


def test_the_form_without_the_check_shows_no_list(client: Client, original: Case) -> None:
    page = client.get("/cases/report/", HTTP_ACCEPT_LANGUAGE="en")

    assert re.search(r'<section id="similar-cases"[^>]*hidden', page.text)
    assert 'name="similar"' in page.text and "Check for similar cases" in page.text
    assert 'formaction="/cases/report/#similar"' in page.text
    assert "cases/similar.js" in page.text
    assert 'data-url="/api/v1/cases/similar"' in page.text
    assert "No public case like yours was found" not in page.text


def test_add_to_this_case_takes_her_text_and_photos_to_its_witness_page(
    client: Client, original: Case, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    checked = _send(client, FORM | {"similar": "1", "photos": [jpeg_upload("mine.jpg")]})
    draft = re.search(r'name="draft" value="([^"]+)"', checked.text)
    assert draft

    # Her browser sends the whole report form to the case's witness page (formaction).
    moved = client.post(
        f"/cases/{original.pk}/add/",
        FORM | {"draft": draft[1], "from_report": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert moved.status_code == 200
    assert f"{FORM['title']}\n\n{FORM['description']}" in moved.text
    assert "mine.jpg" in moved.text
    assert "errorlist" not in moved.text
    assert not original.events.filter(kind=CaseEvent.Kind.ADDED_BY_WITNESS).exists()
    moved_draft = re.search(r'name="draft" value="([^"]+)"', moved.text)
    assert moved_draft and moved_draft[1] == draft[1]

    added = client.post(
        f"/cases/{original.pk}/add/",
        {"text": FORM["description"], "draft": draft[1], "submission": "once"},
    )

    assert added.status_code == 303
    event = original.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS)
    assert event.payload["photos"] == 1 and event.payload["held"] is True
    assert original.photos.count() == 2
    assert Case.objects.count() == 2
    assert DraftPhoto.objects.count() == 0


def test_the_report_page_reads_a_fixed_number_of_queries(
    client: Client, original: Case, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        page = client.get("/cases/report/")

    assert page.status_code == 200
