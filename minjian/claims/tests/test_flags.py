"""Readers flag public texts as rumours (the verifiers' queue) or as exposing a person (the
moderators'): with the proof of work when not signed in, under a rate limit whose flood
is refused with nothing written, counted once per client and item, and never naming
who flagged, in any page or answer. Verdicts and moderators' actions settle them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.models import User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.cases import services as case_services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.services_merge import case_merge
from minjian.cases.tests.factories import make_case
from minjian.claims import services
from minjian.claims.models import Claim, Flag
from minjian.claims.tests.factories import judge
from minjian.places.models import Region

Verdict = Case.Verdict
HOUR = 3600
ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-hans"}
RUMOUR = {"kind": "rumour", "note": "同一张照片去年就在别的城市传过。"}
EXPOSES = {"kind": "exposes_person", "note": "这条写出了厂长女儿的学校和住址。"}


def _flag(
    client: Client, query: str, data: dict[str, Any], headers: dict[str, str] = ENGLISH
) -> Any:
    return client.post(f"/claims/flag/?{query}", data, headers=headers)


def _anonymous(client: Client, query: str, data: dict[str, Any]) -> Any:
    return _flag(client, query, data | {"altcha": solved_payload(client)})


def _flags() -> list[Any]:
    return list(Flag.objects.order_by("pk").values())


@pytest.fixture
def acknowledged(case: Case, staff: User) -> CaseEvent:
    """A public entry of the case's timeline with a text."""
    case_services.case_acknowledge(actor=staff, case_id=case.pk, note="已转交环保局。")
    return case.events.get(kind=CaseEvent.Kind.ACKNOWLEDGED)


@pytest.fixture
def limited(settings: Any) -> None:
    settings.MINJIAN_RATE_LIMITS = {**settings.MINJIAN_RATE_LIMITS, "flag": (2, HOUR)}


def test_the_case_page_and_its_entries_offer_the_flag(
    client: Client, case: Case, acknowledged: CaseEvent
) -> None:
    page = client.get(f"/cases/{case.pk}/", headers=ENGLISH).content.decode()

    assert f'href="/claims/flag/?case={case.pk}"' in page
    assert f'href="/claims/flag/?case={case.pk}&amp;event={acknowledged.pk}"' in page
    # Entries without a public text have none (the submission, the publication).
    assert page.count('class="flag-link meta"') == 2


def test_an_anonymous_reader_flags_a_case_with_the_proof_of_work(
    client: Client, case: Case
) -> None:
    form = client.get(f"/claims/flag/?case={case.pk}", headers=ENGLISH)
    assert form.status_code == 200
    shown = form.content.decode()
    assert case.readable_title in shown and "data-proof-of-work" in shown

    sent = _anonymous(client, f"case={case.pk}", RUMOUR)

    assert sent.status_code == 303 and sent["Location"] == f"/cases/{case.pk}/"
    (flag,) = Flag.objects.all()
    assert (flag.case, flag.event, flag.claim, flag.kind, flag.status) == (
        case,
        None,
        None,
        "rumour",
        "open",
    )
    assert flag.note == RUMOUR["note"] and len(flag.key) == 64
    thanks = client.get(sent["Location"], headers=ENGLISH).content.decode()
    assert "Thank you. Verifiers and moderators will look at it." in thanks


def test_a_signed_in_reader_flags_an_entry_without_the_proof_of_work(
    client: Client, case: Case, acknowledged: CaseEvent, user: User
) -> None:
    client.force_login(user)
    assert (
        "data-proof-of-work"
        not in client.get(f"/claims/flag/?event={acknowledged.pk}").content.decode()
    )

    sent = _flag(client, f"case={case.pk}&event={acknowledged.pk}", EXPOSES)

    assert sent.status_code == 303
    (flag,) = Flag.objects.all()
    assert (flag.case, flag.event, flag.kind) == (case, acknowledged, "exposes_person")
    assert user.username not in str(_flags())


def test_personal_data_in_a_note_is_removed_before_it_is_stored(
    client: Client, case: Case, user: User
) -> None:
    client.force_login(user)

    _flag(client, f"case={case.pk}", {"kind": "exposes_person", "note": "他的电话是13812345678。"})

    assert "13812345678" not in Flag.objects.get().note


def test_a_written_claim_is_flagged_and_a_case_claim_flags_its_case(
    client: Client, case: Case, user: User, verifier: User
) -> None:
    written = services.claim_write(
        actor=verifier, statement="网传淮河的鱼都死了。", appearances=[{"platform": "微博"}]
    )
    case_claim = judge(case, verifier, Verdict.CHECKING).claim
    client.force_login(user)
    assert 'href="/claims/flag/?claim=' in client.get(f"/claims/{written.pk}/").content.decode()

    _flag(client, f"claim={written.pk}", RUMOUR)
    _flag(client, f"claim={case_claim.pk}", RUMOUR)

    assert [(f.claim_id, f.case_id) for f in Flag.objects.order_by("pk")] == [
        (written.pk, None),
        (None, case.pk),
    ]


def test_a_second_flag_of_one_item_by_one_client_counts_once(
    client: Client, case: Case, user: User
) -> None:
    client.force_login(user)
    first = _flag(client, f"case={case.pk}", RUMOUR)
    again = _flag(client, f"case={case.pk}", RUMOUR | {"note": "再说一次。"})
    other_kind = _flag(client, f"case={case.pk}", EXPOSES)

    assert first.status_code == again.status_code == other_kind.status_code == 303
    assert Flag.objects.filter(kind="rumour").count() == 1
    assert Flag.objects.get(kind="rumour").note == RUMOUR["note"]
    assert Flag.objects.filter(kind="exposes_person").count() == 1

    other = Client()
    other.force_login(make_user("another-reader"))
    _flag(other, f"case={case.pk}", RUMOUR)
    assert Flag.objects.filter(kind="rumour").count() == 2


@pytest.mark.usefixtures("limited")
def test_a_flood_of_flags_is_refused_in_the_readers_language_and_writes_nothing(
    client: Client, case: Case, user: User, regions: dict[str, Region]
) -> None:
    client.force_login(user)
    others = [make_case(regions["340321"], title=f"另一条{n}") for n in range(3)]
    for other in others[:2]:
        assert _flag(client, f"case={other.pk}", RUMOUR).status_code == 303
    before = _flags()

    refused = _flag(client, f"case={case.pk}", RUMOUR)
    in_chinese = _flag(client, f"case={others[2].pk}", RUMOUR, CHINESE)

    assert refused.status_code == in_chinese.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many flags from this connection or account: at most 2 are taken in 60 minutes." in (
        refused.content.decode()
    )
    assert "此连接或账户发出的标记太多：每 60 分钟最多受理 2 条。" in in_chinese.content.decode()
    assert _flags() == before


@pytest.mark.usefixtures("limited")
def test_a_flood_does_not_spend_the_proof_of_work(client: Client, case: Case) -> None:
    for _ in range(2):
        assert _anonymous(client, f"case={case.pk}", RUMOUR).status_code == 303
    proof = solved_payload(client)

    refused = _flag(client, f"case={case.pk}", EXPOSES | {"altcha": proof})

    assert refused.status_code == 429
    assert Flag.objects.filter(kind="exposes_person").count() == 0


def test_a_wrong_or_replayed_proof_of_work_is_refused(client: Client, case: Case) -> None:
    wrong = _flag(client, f"case={case.pk}", RUMOUR | {"altcha": "bm90IGEgcHJvb2Y="})
    proof = solved_payload(client)
    taken = _flag(client, f"case={case.pk}", RUMOUR | {"altcha": proof})
    replayed = _flag(client, f"case={case.pk}", EXPOSES | {"altcha": proof})

    assert wrong.status_code == replayed.status_code == 400
    assert taken.status_code == 303
    assert "This anti-spam check was used already." in replayed.content.decode()
    assert Flag.objects.count() == 1


def test_without_javascript_only_a_few_flags_are_taken(
    client: Client, case: Case, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {
        **settings.MINJIAN_RATE_LIMITS,
        "proof_of_work_skipped": (1, HOUR),
    }

    assert _flag(client, f"case={case.pk}", RUMOUR).status_code == 303
    refused = _flag(client, f"case={case.pk}", EXPOSES)

    assert refused.status_code == 429
    assert Flag.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"kind": "spam"}, "Select a valid choice."),
        ({"kind": "rumour", "note": "长" * 1001}, "at most 1000 characters"),
    ],
)
def test_a_refused_flag_says_why_next_to_its_field_and_writes_nothing(
    client: Client, case: Case, user: User, data: dict[str, str], field_error: str
) -> None:
    client.force_login(user)

    refused = _flag(client, f"case={case.pk}", data)

    assert refused.status_code == 400
    assert field_error in refused.content.decode()
    assert Flag.objects.count() == 0


def test_only_public_texts_can_be_flagged(
    client: Client, case: Case, user: User, staff: User, regions: dict[str, Region], settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    client.force_login(user)
    hidden = make_case(regions["340321"], title="被隐藏的案例")
    case_services.case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)
    hide_note = hidden.events.get(kind=CaseEvent.Kind.HIDDEN)
    published = case.events.get(kind=CaseEvent.Kind.PUBLISHED)
    case_services.case_add_by_witness(case=case, actor=None, text="我也看到了，在东门。", photos=[])
    held = case.events.get(kind=CaseEvent.Kind.ADDED_BY_WITNESS)
    assert held.payload.get("held")

    for query in (
        f"case={hidden.pk}",
        f"case={hidden.pk}&event={hide_note.pk}",
        f"case={case.pk}&event={published.pk}",
        f"case={case.pk}&event={held.pk}",
        f"case={case.pk}&event={hide_note.pk}",
        "case=abc",
        f"case={2**70}",
    ):
        assert client.get(f"/claims/flag/?{query}").status_code == 404, query
        assert _flag(client, query, RUMOUR).status_code == 404, query
    assert client.get("/claims/flag/").status_code == 400
    assert Flag.objects.count() == 0


def test_an_entry_of_a_merged_report_is_flagged_on_its_original(
    client: Client, case: Case, user: User, verifier: User, staff: User, regions: dict[str, Region]
) -> None:
    duplicate = make_case(regions["340321"], title="淮河造纸厂排污（重复）")
    case_services.case_acknowledge(actor=staff, case_id=duplicate.pk, note="已转交。")
    note = duplicate.events.get(kind=CaseEvent.Kind.ACKNOWLEDGED)
    case_merge(actor=verifier, case_id=duplicate.pk, into_id=case.pk)
    client.force_login(user)

    sent = _flag(client, f"case={case.pk}&event={note.pk}", RUMOUR)

    assert sent.status_code == 303 and sent["Location"] == f"/cases/{case.pk}/"
    assert Flag.objects.get().case == case


def _queue(client: Client) -> str:
    response = client.get("/claims/flags/", headers=ENGLISH)
    assert response.status_code == 200
    return response.content.decode()


def test_the_queues_show_counts_and_notes_never_who_flagged(
    client: Client, case: Case, acknowledged: CaseEvent, verifier: User, staff: User
) -> None:
    flaggers = [make_user(f"flagger-{n}") for n in range(4)]
    notes = ["第一条理由", "第二条理由", "第三条理由", "第四条理由"]
    for flagger, note in zip(flaggers, notes, strict=True):
        reader = Client()
        reader.force_login(flagger)
        _flag(reader, f"case={case.pk}", RUMOUR | {"note": note})
    _flag(reader, f"case={case.pk}&event={acknowledged.pk}", EXPOSES)
    _anonymous(Client(), f"case={case.pk}", RUMOUR | {"note": ""})

    client.force_login(verifier)
    rumours = _queue(client)
    assert "flagged 5 times" in rumours
    assert case.readable_title in rumours
    assert f'href="/claims/case/{case.pk}/verdict/?verdict=checking"' in rumours
    # The three newest notes, newest first.
    shown = [note for note in reversed(notes) if note in rumours]
    assert shown == ["第四条理由", "第三条理由", "第二条理由"]
    assert rumours.index("第四条理由") < rumours.index("第二条理由")
    assert EXPOSES["note"] not in rumours and "Texts that expose a person" not in rumours

    client.force_login(staff)
    both = _queue(client)
    assert "Rumours to check" in both and "Texts that expose a person" in both
    assert EXPOSES["note"] in both and "已转交环保局。" in both
    assert f'href="/cases/{case.pk}/#moderation"' in both
    for page in (rumours, both):
        assert all(flagger.username not in page for flagger in flaggers)


def test_the_flagger_is_in_no_page_or_answer(
    client: Client, case: Case, verifier: User, staff: User
) -> None:
    flagger = make_user("secret-flagger")
    reader = Client()
    reader.force_login(flagger)
    _flag(reader, f"case={case.pk}", EXPOSES | {"note": "请尽快处理。"})
    _flag(reader, f"case={case.pk}", RUMOUR | {"note": "请尽快核实。"})
    _, token = api_token_issue(actor=flagger, user=flagger, name="flags")
    answer = reader.post(
        "/api/v1/flags",
        {"case": case.pk, "kind": "rumour"},
        headers={"Authorization": f"Bearer {token}"},
    )

    pages = [
        answer.content.decode(),
        Client().get("/claims/").content.decode(),
        Client().get(f"/cases/{case.pk}/").content.decode(),
        Client().get("/api/v1/claims/desk").content.decode(),
    ]
    for viewer in (verifier, staff):
        client.force_login(viewer)
        pages += [_queue(client), client.get("/claims/").content.decode()]
        pages.append(client.get(f"/cases/{case.pk}/").content.decode())
    assert all("secret-flagger" not in page for page in pages)
    assert "请尽快处理。" in pages[-3]
    assert not Flag.objects.filter(note__contains="secret-flagger").exists()


def test_others_may_not_read_or_decide_the_queues(
    client: Client, case: Case, user: User, verifier: User
) -> None:
    _flag(client, f"case={case.pk}", EXPOSES | {"altcha": solved_payload(client)})

    assert client.get("/claims/flags/").status_code == 302  # to log in
    client.force_login(user)
    assert client.get("/claims/flags/").status_code == 403
    dismiss = {"kind": "exposes_person", "case": case.pk}
    assert client.post("/claims/flags/dismiss/", dismiss).status_code == 403
    client.force_login(verifier)
    assert client.post("/claims/flags/dismiss/", dismiss).status_code == 403
    assert Flag.objects.get().status == Flag.Status.OPEN


def test_a_moderator_dismisses_the_flags_of_an_item(
    client: Client, case: Case, user: User, staff: User
) -> None:
    client.force_login(user)
    _flag(client, f"case={case.pk}", EXPOSES)
    _flag(client, f"case={case.pk}", RUMOUR)
    client.force_login(staff)

    done = client.post(
        "/claims/flags/dismiss/", {"kind": "exposes_person", "case": case.pk}, headers=ENGLISH
    )
    again = client.post(
        "/claims/flags/dismiss/", {"kind": "exposes_person", "case": case.pk}, headers=ENGLISH
    )

    assert done.status_code == again.status_code == 303
    exposed = Flag.objects.get(kind="exposes_person")
    assert (exposed.status, exposed.handled_by) == (Flag.Status.DISMISSED, staff)
    assert Flag.objects.get(kind="rumour").status == Flag.Status.OPEN
    assert "No text is flagged as exposing a person." in _queue(client)


def test_a_verdict_and_a_hide_settle_the_flags_they_answer(
    client: Client, case: Case, acknowledged: CaseEvent, user: User, verifier: User, staff: User
) -> None:
    client.force_login(user)
    _flag(client, f"case={case.pk}", RUMOUR)
    _flag(client, f"case={case.pk}&event={acknowledged.pk}", RUMOUR)
    _flag(client, f"case={case.pk}", EXPOSES)

    judge(case, verifier, Verdict.CHECKING)

    assert set(Flag.objects.values_list("kind", "status", "handled_by")) == {
        ("rumour", "handled", verifier.pk),
        ("exposes_person", "open", None),
    }

    case_services.case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.HARASSMENT)

    assert Flag.objects.get(kind="exposes_person").status == Flag.Status.HANDLED
    assert Flag.objects.get(kind="exposes_person").handled_by == staff


def _api_flag(client: Client, data: dict[str, Any], headers: dict[str, str] = ENGLISH) -> Any:
    return client.post("/api/v1/flags", data, headers=headers)


def test_the_api_takes_a_flag_with_the_proof_of_work_or_a_token(
    client: Client, case: Case, acknowledged: CaseEvent, user: User
) -> None:
    without = _api_flag(client, {"case": case.pk, "kind": "rumour"})
    assert without.status_code == 400 and without.json()["code"] == "proof_of_work_required"
    assert Flag.objects.count() == 0

    anonymous = _api_flag(
        client, {"event": acknowledged.pk, "kind": "rumour", "altcha": solved_payload(client)}
    )
    _row, token = api_token_issue(actor=user, user=user, name="flags")
    signed = _api_flag(
        client,
        {"case": case.pk, "kind": "exposes_person", "note": "写了住址。"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert anonymous.status_code == signed.status_code == 202
    assert anonymous.json() == {"message": "Thank you. Verifiers and moderators will look at it."}
    assert [(f.case_id, f.event_id, f.kind) for f in Flag.objects.order_by("pk")] == [
        (case.pk, acknowledged.pk, "rumour"),
        (case.pk, None, "exposes_person"),
    ]


@pytest.mark.usefixtures("limited")
def test_the_api_refuses_a_flood_with_json_and_writes_nothing(
    client: Client, case: Case, user: User
) -> None:
    _row, token = api_token_issue(actor=user, user=user, name="flags")
    bearer = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    for kind in ("rumour", "exposes_person"):
        assert _api_flag(client, {"case": case.pk, "kind": kind}, bearer).status_code == 202
    before = _flags()

    refused = _api_flag(client, {"case": case.pk, "kind": "rumour"}, bearer)

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited" and body["details"]["limit"] == 2
    assert body["details"]["retry_after"] == int(refused["Retry-After"])
    assert "at most 2 are taken in 60 minutes" in body["message"]
    assert _flags() == before


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"kind": "rumour"}, 400, "flag_target_required"),
        ({"case": 1, "claim": 1, "kind": "rumour"}, 400, "flag_target_required"),
        ({"case": 1, "kind": "gossip"}, 400, "unknown_flag_kind"),
        ({"case": 1, "kind": "rumour", "note": "长" * 1001}, 400, "note_too_long"),
        ({"case": 2**40, "kind": "rumour"}, 404, "not_found"),
        ({"case": "twelve", "kind": "rumour"}, 422, "invalid_input"),
    ],
)
def test_the_api_refuses_bad_flags_with_their_code(
    client: Client,
    case: Case,
    user: User,
    data: dict[str, Any],
    status: int,
    code: str,
) -> None:
    _row, token = api_token_issue(actor=user, user=user, name="flags")
    data = {key: case.pk if value == 1 else value for key, value in data.items()}

    refused = _api_flag(client, data, {"Authorization": f"Bearer {token}"})

    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert Flag.objects.count() == 0


def test_a_claim_about_a_hidden_case_cannot_be_flagged(
    client: Client, case: Case, user: User, verifier: User, staff: User
) -> None:
    claim = judge(case, verifier, Verdict.CHECKING).claim
    case_services.case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.SPAM)
    client.force_login(user)

    assert _flag(client, f"claim={claim.pk}", RUMOUR).status_code == 404
    assert Claim.objects.filter(pk=claim.pk).exists() and Flag.objects.count() == 0
