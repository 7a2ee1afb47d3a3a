"""Adding to a public case as another witness (/cases/<id>/add/): anyone may add a note
and photos, anonymous witnesses with the proof of work; she is never named, her note is
redacted, and unless she is a trusted writer what she adds (text and photos) waits for a
moderator: shown nowhere until released, never once withheld."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.jobs import prepare_case_photo
from minjian.cases.models import Case, CaseEvent, CasePhoto, DraftPhoto
from minjian.cases.photos import PhotoUpload
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.core.errors import DomainError
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

HOUR = 3600
NOTE = "我昨天傍晚也看到排污口在冒黑水，味道很大。"


@pytest.fixture(autouse=True)
def _untrusted_writers_wait(settings: Any) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True


@pytest.fixture
def case(regions: dict[str, Region], staff: User) -> Case:
    """A public case reported anonymously, with one photo of its reporter's."""
    filed = make_case(regions["340321"], photos=[jpeg_upload("reporter.jpg")])
    return services.case_publish(actor=staff, case_id=filed.pk)


def _add(client: Client, case: Case, data: dict[str, Any], language: str = "en") -> Any:
    return client.post(f"/cases/{case.pk}/add/", data, HTTP_ACCEPT_LANGUAGE=language)


def _prepare_photos(case: Case) -> None:
    """Run the photo jobs the addition's commit deferred (a test's transaction never commits)."""
    for photo in case.photos.filter(status=CasePhoto.Status.PREPARING):
        prepare_case_photo(photo.pk)


def _witness_photo(case: Case) -> CasePhoto:
    return case.photos.get(position=1)


def _public_page(case: Case) -> str:
    return Client().get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_page_offers_the_form_with_the_proof_of_work_to_anonymous_witnesses(
    client: Client, case: Case
) -> None:
    page = client.get(f"/cases/{case.pk}/add/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert case.title in page.text
    assert 'name="text"' in page.text and 'name="photos"' in page.text
    assert "data-proof-of-work" in page.text
    assert "another witness" in page.text
    assert page["Cache-Control"] == "no-store"
    assert "Saw this too? Add a photo or a note" in _public_page(case)
    assert f'href="/cases/{case.pk}/add/"' in _public_page(case)


def test_the_page_in_chinese(client: Client, case: Case) -> None:
    page = client.get(f"/cases/{case.pk}/add/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "也看到了？补充照片或说明" in page.text
    assert "补充到这个案例" in page.text and "另一位目击者" in page.text


def test_an_anonymous_witness_adds_a_note_and_a_photo_that_wait_for_a_moderator(
    client: Client, case: Case, staff: User
) -> None:
    sent = _add(
        client,
        case,
        {"text": NOTE, "photos": [jpeg_upload("witness.jpg")], "altcha": solved_payload(client)},
    )

    assert sent.status_code == 303
    assert sent["Location"] == f"/cases/{case.pk}/"
    added = case.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS)
    assert added.actor is None and added.payload["held"] is True
    photo = _witness_photo(case)
    assert added.payload["photo_ids"] == [photo.pk] and photo.held
    _prepare_photos(case)
    photo.refresh_from_db()
    assert photo.status == CasePhoto.Status.READY and photo.held
    assert "will be public once a moderator has read it" in client.get(sent["Location"]).text

    # Nowhere public until released: not its text, not its photo.
    public = _public_page(case)
    assert NOTE not in public
    assert "What another witness added waits here for a moderator." in public
    assert photo.key not in public
    assert Client().get(photo.thumbnail_url).status_code == 404
    api = Client().get(f"/api/v1/cases/{case.pk}").json()
    assert len(api["photos"]) == 1 and photo.key not in str(api)
    assert NOTE not in str(api)
    listed = Client().get("/cases/").content.decode()
    assert photo.key not in listed

    moderator = Client()
    moderator.force_login(staff)
    queue = moderator.get("/cases/moderation/")
    assert NOTE in queue.text and photo.thumbnail_url in queue.text
    shown_to_moderator = moderator.get(photo.thumbnail_url)
    assert shown_to_moderator.status_code == 200
    assert "public" not in shown_to_moderator["Cache-Control"]

    moderator.post(f"/cases/moderation/text/{added.pk}/release/")

    photo.refresh_from_db()
    assert not photo.held
    public = _public_page(case)
    assert NOTE in public
    assert "Another witness added a note and 1 photo" in public
    assert photo.thumbnail_url in public
    assert Client().get(photo.thumbnail_url).status_code == 200
    assert len(Client().get(f"/api/v1/cases/{case.pk}").json()["photos"]) == 2
    assert NOTE not in moderator.get("/cases/moderation/").text


def test_a_withheld_addition_never_shows_its_text_or_its_photos(
    client: Client, case: Case, staff: User
) -> None:
    _add(
        client,
        case,
        {"text": NOTE, "photos": [jpeg_upload("witness.jpg")], "altcha": solved_payload(client)},
    )
    _prepare_photos(case)
    added = case.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS)
    photo = _witness_photo(case)

    services.case_withhold_note(actor=staff, event_id=added.pk, reason="harassment")

    photo.refresh_from_db()
    assert photo.held
    public = _public_page(case)
    assert NOTE not in public and photo.key not in public
    assert "waits here for a moderator" not in public
    assert Client().get(photo.thumbnail_url).status_code == 404
    with pytest.raises(DomainError) as refused:
        services.case_release_note(actor=staff, event_id=added.pk)
    assert refused.value.code == "not_held"


def test_a_witness_with_an_account_is_never_named(client: Client, case: Case, staff: User) -> None:
    witness = make_user("tree-planter")
    client.force_login(witness)

    sent = _add(client, case, {"text": NOTE})

    assert sent.status_code == 303
    added = case.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS)
    assert added.actor == witness
    # She reads her own text while it waits; nobody reads her name.
    own = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert NOTE in own and "Not public yet: what another witness adds waits" in own
    services.case_release_note(actor=staff, event_id=added.pk)
    for reader in (Client(), client):
        page = reader.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
        timeline = page[page.index('<ol class="timeline">') :]
        assert NOTE in timeline and "Another witness added a note" in timeline
        assert "tree-planter" not in timeline
    assert "tree-planter" not in _public_page(case)
    api = Client().get(f"/api/v1/cases/{case.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    entry = next(e for e in api["timeline"] if e["kind"] == "added_by_witness")
    assert entry["actor"] == "another witness" and entry["note"] == NOTE
    assert "tree-planter" not in str(api)
    feed = Client().get(f"/feeds/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert feed.status_code == 200 and "tree-planter" not in feed.content.decode()


def test_personal_data_in_the_note_is_removed_before_it_is_stored(
    client: Client, case: Case
) -> None:
    client.force_login(make_user("tree-planter"))

    _add(client, case, {"text": "排污的老板电话 13812345678，身份证 110101199003074477"})

    stored = str(case.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS).payload)
    assert "13812345678" not in stored and "110101199003074477" not in stored


def test_a_trusted_witness_adds_to_the_public_timeline_at_once(
    client: Client, case: Case, regions: dict[str, Region]
) -> None:
    member = make_user("guardian")
    make_organisation(verified=True, members=[member])
    client.force_login(member)

    _add(client, case, {"text": NOTE, "photos": [jpeg_upload("witness.jpg")]})

    added = case.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS)
    assert "held" not in added.payload and "photo_ids" not in added.payload
    photo = _witness_photo(case)
    assert not photo.held
    # Its faces are blurred before it is shown: being prepared, it is not shown yet.
    assert photo.status == CasePhoto.Status.PREPARING
    assert Client().get(f"/api/v1/cases/{case.pk}").json()["photos_preparing"] == 1
    _prepare_photos(case)
    public = _public_page(case)
    assert NOTE in public and photo.thumbnail_url in public
    assert "guardian" not in public


def test_a_refused_addition_comes_back_with_each_error_next_to_its_field(
    client: Client, case: Case
) -> None:
    empty = _add(client, case, {"text": "   "})

    assert empty.status_code == 400
    assert re.search(
        r'<ul class="errorlist"[^>]*><li>Write something or add a photo.</li></ul>\s*<textarea',
        empty.text,
    ), empty.text
    assert "Nothing was added." in empty.text
    too_long = _add(client, case, {"text": "长" * 5001}, language="zh-hans")
    assert too_long.status_code == 400
    assert "长" * 5001 in too_long.text
    assert not case.events.filter(kind=CaseEvent.Kind.ADDED_BY_WITNESS).exists()


def test_a_refused_addition_keeps_the_photos_she_chose(
    client: Client, case: Case, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {
        **settings.MINJIAN_RATE_LIMITS,
        "proof_of_work_skipped": (0, HOUR),
    }

    refused = _add(client, case, {"text": NOTE, "photos": [jpeg_upload("witness.jpg")]})

    assert refused.status_code == 429
    assert "needs JavaScript" in refused.text
    assert NOTE in refused.text and "witness.jpg" in refused.text
    draft = re.search(r'name="draft" value="([^"]+)"', refused.text)
    assert draft and DraftPhoto.objects.count() == 1
    taken = _add(client, case, {"text": NOTE, "draft": draft[1], "altcha": solved_payload(client)})
    assert taken.status_code == 303
    assert case.photos.count() == 2 and DraftPhoto.objects.count() == 0


def test_an_anonymous_witness_needs_a_proof_of_work_that_was_not_used_before(
    client: Client, case: Case
) -> None:
    proof = solved_payload(client)
    wrong = _add(client, case, {"text": NOTE, "altcha": "bm90IGEgcHJvb2Y="})
    assert wrong.status_code == 400 and "anti-spam check" in wrong.text

    assert _add(client, case, {"text": NOTE, "altcha": proof}).status_code == 303
    replayed = _add(client, case, {"text": "另一段说明。", "altcha": proof})

    assert replayed.status_code == 400
    assert "This anti-spam check was used already." in replayed.text
    assert case.events.filter(kind=CaseEvent.Kind.ADDED_BY_WITNESS).count() == 1


def test_the_same_form_sent_twice_adds_once(client: Client, case: Case) -> None:
    proof = solved_payload(client)
    form = {"text": NOTE, "submission": "token-of-this-form", "altcha": proof}

    first = _add(client, case, form)
    # A second tap on a slow link: the same form, its proof of work used already.
    second = _add(client, case, form)

    assert first.status_code == second.status_code == 303
    assert second["Location"] == f"/cases/{case.pk}/"
    assert case.events.filter(kind=CaseEvent.Kind.ADDED_BY_WITNESS).count() == 1


def test_additions_count_against_the_rate_limit(
    client: Client, case: Case, user: User, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "comment": (1, HOUR)}
    client.force_login(user)

    assert _add(client, case, {"text": NOTE}).status_code == 303
    limited = _add(client, case, {"text": "再补充一句。"})

    assert limited.status_code == 429 and limited["Retry-After"]
    assert "再补充一句。" in limited.text
    assert case.events.filter(kind=CaseEvent.Kind.ADDED_BY_WITNESS).count() == 1


def test_its_reporter_is_sent_to_her_own_form(
    client: Client, regions: dict[str, Region], user: User, staff: User
) -> None:
    own = make_case(regions["340321"], reporter=user)
    services.case_publish(actor=staff, case_id=own.pk)
    client.force_login(user)

    page = client.get(f"/cases/{own.pk}/add/")

    assert page.status_code == 303
    assert page["Location"] == f"/cases/{own.pk}/#add-to-your-report"
    assert "Saw this too?" not in client.get(f"/cases/{own.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    with pytest.raises(DomainError) as refused:
        services.case_add_by_witness(case=own, actor=user, text=NOTE)
    assert refused.value.code == "own_case"


def test_only_an_open_public_case_takes_additions(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    waiting = make_case(regions["340321"])
    assert client.get(f"/cases/{waiting.pk}/add/").status_code == 404
    hidden = make_case(regions["340321"])
    services.case_hide(actor=staff, case_id=hidden.pk, reason="spam")
    assert client.get(f"/cases/{hidden.pk}/add/").status_code == 410
    closed = make_case(regions["340321"])
    services.case_publish(actor=staff, case_id=closed.pk)
    services.case_close(actor=staff, case_id=closed.pk)
    client.force_login(make_user("tree-planter"))

    refused = _add(client, closed, {"text": NOTE})

    assert refused.status_code == 409
    assert "Nothing can be added to a closed or hidden case." in refused.text
    assert NOTE in refused.text
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.ADDED_BY_WITNESS).exists()
    assert client.post(f"/cases/{waiting.pk}/add/", {"text": NOTE}).status_code == 404


def test_the_pages_read_a_fixed_number_of_queries(
    client: Client, case: Case, staff: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(3):
        _add(
            client,
            case,
            {
                "text": f"{NOTE}{number}",
                "photos": [jpeg_upload("witness.jpg")],
                "altcha": solved_payload(client),
            },
        )
    _prepare_photos(case)

    with django_assert_max_num_queries(5):
        page = Client().get(f"/cases/{case.pk}/add/")
    assert page.status_code == 200
    moderator = Client()
    moderator.force_login(staff)
    with django_assert_max_num_queries(12):
        queue = moderator.get("/cases/moderation/")
    assert queue.text.count("/cases/photos/") >= 3


def test_photos_waiting_for_a_moderator_keep_nobody_from_adding_photos(
    regions: dict[str, Region], user: User, staff: User, settings: Any
) -> None:
    settings.MINJIAN_MAX_PHOTOS_PER_CASE = 2
    own = make_case(regions["340321"], reporter=user, photos=[jpeg_upload("first.jpg")])
    services.case_publish(actor=staff, case_id=own.pk)
    for stranger in ("stranger", "another"):
        services.case_add_by_witness(case=own, actor=None, text=NOTE, photos=photos_of(1, stranger))

    services.case_add_by_reporter(case=own, actor=user, text="", photos=photos_of(1, "later"))

    assert own.photos.filter(held=False).count() == 2
    assert own.photos.filter(held=True).count() == 2
    with pytest.raises(DomainError) as refused:
        services.case_add_by_reporter(case=own, actor=user, text="", photos=photos_of(1, "third"))
    assert refused.value.code == "too_many_photos"


def photos_of(number: int, name: str) -> list[PhotoUpload]:
    return [PhotoUpload.from_upload(jpeg_upload(f"{name}{n}.jpg")) for n in range(number)]
