"""The report form as a reporter meets it without JavaScript: the place by name or from
the list, nothing she typed or chose lost when the form comes back, a report sent once
however often the page is reloaded, and the checks that cost her something (the proof
of work, the rate limit) spent only on a report that is taken."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.models import User
from minjian.cases import services_drafts
from minjian.cases.models import Case, DraftPhoto, PhotoDraft
from minjian.cases.services_drafts import DRAFT_LIFETIME, photo_drafts_delete_stale
from minjian.cases.tests.factories import make_case, receipt_code_of_report
from minjian.cases.tests.images import jpeg_upload, upload
from minjian.places.models import Region
from minjian.places.tests.factories import make_bounded_regions, make_region

pytestmark = pytest.mark.django_db

HOUR = 3600
FORM = {
    "title": "村口的桥断了",
    "description": "上周暴雨以后桥面塌了一半，孩子们每天绕行两公里上学。",
    "topic": "public-safety",
    "region": "340321",
}


def _send(client: Client, data: dict[str, Any], language: str = "en") -> Any:
    return client.post("/cases/report/", data, HTTP_ACCEPT_LANGUAGE=language)


def _draft_key(response: Any) -> str:
    found = re.search(r'name="draft" value="([^"]+)"', response.text)
    assert found, "the form carries no draft"
    return found[1]


def _kept_photo_ids(response: Any) -> list[str]:
    return re.findall(r'name="remove_photo" value="(\d+)"', response.text)


def _stored_files() -> set[str]:
    def walk(folder: str) -> set[str]:
        folders, files = default_storage.listdir(folder)
        found = {f"{folder}{name}" for name in files}
        for sub in folders:
            found |= walk(f"{folder}{sub}/")
        return found

    return walk("") if default_storage.exists("") else set()


def test_a_report_taken_lands_on_a_receipt_that_shows_the_code_once(
    client: Client, regions: dict[str, Region]
) -> None:
    sent = _send(client, FORM)

    assert sent.status_code == 303
    assert sent["Location"] == "/cases/report/receipt/"
    receipt = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en")
    code = receipt.context["receipt"]["code"]
    assert re.fullmatch(r"(\w{4}-){4}\w{4}", code)
    assert code in receipt.text and "Keep this receipt code" in receipt.text
    assert "no-store" in receipt["Cache-Control"]

    reloaded = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en")

    assert reloaded.status_code == 200
    assert code not in reloaded.text
    assert "Nothing was sent a second time." in reloaded.text
    assert Case.objects.count() == 1


def test_a_signed_in_reporter_lands_on_her_case(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    client.force_login(user)

    sent = _send(client, FORM)

    case = Case.objects.get()
    assert sent.status_code == 303
    assert sent["Location"] == f"/cases/{case.pk}/"
    assert case.reporter == user


def test_every_field_is_refused_at_once_and_what_was_typed_stays(
    client: Client, regions: dict[str, Region]
) -> None:
    data = FORM | {
        "title": "",
        "topic": "no-such-topic",
        "region": "",
        "latitude": "200",
        "longitude": "117.36",
        "location_precision": "exact",
    }

    for language, said in (
        ("en", "Please give the report a title."),
        ("zh-hans", "请给报告写一个标题。"),
    ):
        refused = _send(client, data, language)

        assert refused.status_code == 400
        errors = refused.context["form"].errors
        assert set(errors) >= {"title", "topic", "latitude", "region_name"}
        assert said in refused.text
        assert FORM["description"] in refused.text
        assert 'value="200"' in refused.text and 'value="117.36"' in refused.text
        assert re.search(r'value="exact"[^>]*checked', refused.text)
    assert "Say where: type the region" in _send(client, data).text
    assert not Case.objects.exists()


def test_a_refused_report_keeps_the_chosen_photos_for_the_next_sending(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    refused = _send(client, FORM | {"title": "", "photos": [jpeg_upload("bridge.jpg")]})

    assert refused.status_code == 400
    # Shown to her as a preview inside the page: no address serves a draft.
    assert "data:image/jpeg;base64," in refused.text
    assert "bridge.jpg" in refused.text
    key = _draft_key(refused)
    drafts = [name for name in _stored_files() if name.startswith("incoming/draft-")]
    assert len(drafts) == 1

    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(client, FORM | {"draft": key})

    assert sent.status_code == 303
    case = Case.objects.get()
    assert case.photos.count() == 1
    # The draft went with the sending: its row and its file.
    assert not PhotoDraft.objects.exists() and not DraftPhoto.objects.exists()
    assert not any(name.startswith("incoming/draft-") for name in _stored_files())


def test_kept_photos_can_be_removed_and_more_added(
    client: Client, regions: dict[str, Region]
) -> None:
    first = _send(
        client,
        FORM | {"title": "", "photos": [jpeg_upload("one.jpg"), jpeg_upload("two.jpg")]},
    )
    one, _two = _kept_photo_ids(first)

    second = _send(
        client,
        FORM
        | {
            "title": "",
            "draft": _draft_key(first),
            "remove_photo": [one],
            "photos": [jpeg_upload("three.jpg")],
        },
    )

    assert second.status_code == 400
    assert "one.jpg" not in second.text
    assert "two.jpg" in second.text and "three.jpg" in second.text
    sent = _send(client, FORM | {"draft": _draft_key(second)})
    assert sent.status_code == 303
    assert Case.objects.get().photos.count() == 2


def test_a_refused_photo_is_said_and_the_good_ones_are_kept(
    client: Client, regions: dict[str, Region]
) -> None:
    refused = _send(
        client,
        FORM | {"photos": [jpeg_upload("good.jpg"), upload("notes.jpg", b"just text")]},
    )

    assert refused.status_code == 400
    assert "“notes.jpg” is not a JPEG, PNG, WebP or HEIC photo." in refused.text
    assert "good.jpg" in refused.text
    assert not Case.objects.exists()
    # She leaves the bad one out; the good one is sent without being chosen again.
    sent = _send(client, FORM | {"draft": _draft_key(refused)})
    assert sent.status_code == 303
    assert Case.objects.get().photos.count() == 1


def test_boxes_drawn_on_a_kept_photo_are_blurred_with_it(
    client: Client, regions: dict[str, Region]
) -> None:
    refused = _send(client, FORM | {"title": "", "photos": [jpeg_upload("plate.jpg")]})

    _send(client, FORM | {"draft": _draft_key(refused), "blur_boxes_1": "0.1,0.1,0.3,0.2"})

    photo = Case.objects.get().photos.get()
    assert photo.blur_boxes == "0.1,0.1,0.3,0.2"


def test_narrowing_down_to_a_county_keeps_what_was_typed_and_chosen(
    client: Client, regions: dict[str, Region]
) -> None:
    narrowed = _send(
        client, FORM | {"region": "340300", "narrow": "1", "photos": [jpeg_upload("pipe.jpg")]}
    )

    assert narrowed.status_code == 200
    assert 'name="county"' in narrowed.text and 'value="340321"' in narrowed.text
    assert FORM["description"] in narrowed.text and "pipe.jpg" in narrowed.text
    assert not Case.objects.exists()
    sent = _send(
        client, FORM | {"region": "340300", "county": "340321", "draft": _draft_key(narrowed)}
    )
    assert sent.status_code == 303
    case = Case.objects.get()
    assert case.region.code == "340321" and case.photos.count() == 1


@pytest.mark.parametrize("name", ["怀远县", "怀远", "懷遠", "huaiyuan", "Huaiyuan County", "hyx"])
def test_the_region_is_found_by_its_name_without_javascript(
    client: Client, regions: dict[str, Region], name: str
) -> None:
    sent = _send(client, FORM | {"region": "", "region_name": name})

    assert sent.status_code == 303
    assert Case.objects.get().region.code == "340321"


def test_finding_a_region_by_name_shows_it_in_the_list(
    client: Client, regions: dict[str, Region]
) -> None:
    found = _send(client, FORM | {"region": "", "region_name": "huaiyuan", "narrow": "1"})

    assert found.status_code == 200
    form = found.context["form"]
    assert form["region"].value() == "340300" and form["county"].value() == "340321"
    assert form["region_name"].value() == ""


def test_a_name_several_regions_share_offers_them_to_choose_from(
    client: Client, regions: dict[str, Region]
) -> None:
    for parent in (regions["340300"], regions["420100"]):
        make_region(f"{parent.code[:4]}99", "城关区", "Chengguan District", parent=parent, level=3)

    refused = _send(client, FORM | {"region": "", "region_name": "城关区"})

    assert refused.status_code == 400
    assert "Several regions are called “城关区”: choose one." in refused.text
    assert "城关区 · 蚌埠市" in refused.text or "Chengguan District · Bengbu" in refused.text
    choices = re.findall(r'name="region_code" value="(\d+)"', refused.text)
    assert sorted(choices) == ["340399", "420199"]
    sent = _send(client, FORM | {"region": "", "region_name": "城关区", "region_code": "420199"})
    assert sent.status_code == 303
    assert Case.objects.get().region.code == "420199"


def test_an_unknown_name_is_refused_next_to_it(client: Client, regions: dict[str, Region]) -> None:
    for language, said in (
        ("en", "No region called “Atlantis” was found."),
        ("zh-hans", "没有找到名为“Atlantis”的地区。"),
    ):
        refused = _send(client, FORM | {"region": "", "region_name": "Atlantis"}, language)

        assert refused.status_code == 400
        assert refused.context["form"].errors["region_name"]
        assert said in refused.text
    assert not Case.objects.exists()


def test_a_point_without_a_region_is_filed_under_the_county_that_holds_it(
    client: Client, regions: dict[str, Region]
) -> None:
    make_bounded_regions(regions)

    sent = _send(client, FORM | {"region": "", "latitude": "32.97", "longitude": "117.19"})

    assert sent.status_code == 303
    case = Case.objects.get()
    assert case.region.code == "340321"
    # Located from the point she gave, stored only as precisely as she chose.
    assert (str(case.latitude), str(case.longitude)) == ("32.975000", "117.195000")


def test_a_refused_report_spends_neither_the_proof_of_work_nor_the_rate_limit(
    client: Client, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "case_report": (1, HOUR)}
    proof = solved_payload(client)

    for _ in range(3):
        assert _send(client, FORM | {"title": "", "altcha": proof}).status_code == 400

    assert _send(client, FORM | {"altcha": proof}).status_code == 303
    # Taken: this proof is spent, and the hour's one report is counted.
    replayed = _send(client, FORM | {"altcha": proof})
    assert replayed.status_code == 400
    assert "This anti-spam check was used already." in replayed.text
    limited = _send(client, FORM | {"altcha": solved_payload(client)})
    assert limited.status_code == 429
    assert FORM["description"] in limited.text
    assert Case.objects.count() == 1


def test_a_report_refused_by_the_rate_limit_keeps_its_photos(
    client: Client, regions: dict[str, Region], user: User, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "case_report": (1, HOUR)}
    client.force_login(user)
    assert _send(client, FORM).status_code == 303

    limited = _send(client, FORM | {"photos": [jpeg_upload("later.jpg")]})

    assert limited.status_code == 429
    assert "later.jpg" in limited.text and _draft_key(limited)


def test_a_draft_unused_for_hours_is_deleted_with_its_files(
    client: Client, regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    refused = _send(client, FORM | {"title": "", "photos": [jpeg_upload("old.jpg")]})
    key = _draft_key(refused)

    with time_machine.travel(timezone.now() + DRAFT_LIFETIME + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert photo_drafts_delete_stale() == 1
        late = _send(client, FORM | {"draft": key})

    assert not PhotoDraft.objects.exists()
    assert not any(name.startswith("incoming/draft-") for name in _stored_files())
    assert late.status_code == 400
    assert "The photos you chose earlier are kept for 6 hours only." in late.text
    assert not Case.objects.exists()


def test_a_new_draft_has_the_stale_ones_deleted_without_any_cron(
    client: Client,
    regions: dict[str, Region],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Each process asks at most every few minutes; this test is that process's first ask.
    monkeypatch.setattr(services_drafts, "_last_sweep", -float("inf"))
    with time_machine.travel(timezone.now() - DRAFT_LIFETIME - timedelta(minutes=1)):
        _send(client, FORM | {"title": "", "photos": [jpeg_upload("forgotten.jpg")]})
    monkeypatch.setattr(services_drafts, "_last_sweep", -float("inf"))

    with django_capture_on_commit_callbacks(execute=True):
        _send(Client(), FORM | {"title": "", "photos": [jpeg_upload("today.jpg")]})

    assert list(DraftPhoto.objects.values_list("name", flat=True)) == ["today.jpg"]
    assert len([name for name in _stored_files() if name.startswith("incoming/draft-")]) == 1


def test_another_reporter_cannot_send_a_draft_she_does_not_hold(
    client: Client, regions: dict[str, Region]
) -> None:
    _send(client, FORM | {"title": "", "photos": [jpeg_upload("mine.jpg")]})

    stranger = _send(Client(), FORM | {"draft": "guessed-key"})

    assert stranger.status_code == 400
    assert "mine.jpg" not in stranger.text
    assert PhotoDraft.objects.count() == 1


def test_the_report_form_and_its_receipt_read_a_fixed_number_of_queries(
    client: Client, regions: dict[str, Region], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        assert client.get("/cases/report/").status_code == 200
    photos = [jpeg_upload(f"photo{number}.jpg") for number in range(5)]
    refused = _send(client, FORM | {"title": "", "photos": photos})
    assert len(_kept_photo_ids(refused)) == 5
    with django_assert_max_num_queries(13):
        again = _send(client, FORM | {"title": "", "draft": _draft_key(refused)})
    assert again.status_code == 400
    _send(client, FORM | {"draft": _draft_key(refused)})
    with django_assert_max_num_queries(4):
        assert client.get("/cases/report/receipt/").status_code == 200


# The reporter's own forms on her case.


def test_her_addition_refused_keeps_her_text_and_photos(
    client: Client, regions: dict[str, Region], user: User
) -> None:
    case = make_case(regions["340321"], reporter=user)
    client.force_login(user)

    refused = client.post(
        f"/cases/{case.pk}/update/",
        {"action": "add", "text": "长" * 5001, "photos": [jpeg_upload("later.jpg")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert refused.status_code == 400
    assert "An addition can be at most 5000 characters long." in refused.text
    assert "长" * 5001 in refused.text and "later.jpg" in refused.text
    added = client.post(
        f"/cases/{case.pk}/update/",
        {
            "action": "add",
            "text": "桥又塌了一块。",
            "draft": _draft_key(refused),
            "submission": "token-1",
        },
    )
    assert added.status_code == 303
    assert added["Location"] == f"/cases/{case.pk}/"
    assert case.photos.count() == 1


def test_her_addition_sent_twice_is_added_once(client: Client, regions: dict[str, Region]) -> None:
    code = receipt_code_of_report(client, FORM)
    case = Case.objects.get()
    addition = {"code": code, "action": "add", "text": "今天又排了一次。", "submission": "abc"}

    first = client.post("/cases/follow/", addition)
    again = client.post("/cases/follow/", addition)

    assert (first.status_code, again.status_code) == (200, 200)
    assert case.events.filter(kind="added_by_reporter").count() == 1


def test_her_edit_refused_keeps_what_she_typed(
    client: Client, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    code = receipt_code_of_report(client, FORM)

    refused = client.post(
        "/cases/follow/",
        {"code": code, "action": "edit", "title": "", "description": "桥已经修好一半。"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert refused.status_code == 400
    assert "Please give the report a title." in refused.text
    assert "桥已经修好一半。" in refused.text
    assert Case.objects.get().description == FORM["description"]
