"""Personal data typed into a report never reaches the database, and sends the case to review."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import PASSWORD
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

ID_NUMBER = "34032119800101001X"  # valid check digit, Huaiyuan county, 1980-01-01
ID_WRITTEN = "３４０３２１ １９８００１０１ ００１Ｘ"  # full-width, spaced
PHONE = "138 1234 5678"


def _everything_stored() -> str:
    """Every text column of every case and event row, as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, description FROM cases_case")
        cases = " ".join(" ".join(row) for row in cursor.fetchall())
        cursor.execute("SELECT CAST(payload AS TEXT) FROM cases_caseevent")
        events = " ".join(row[0] for row in cursor.fetchall())
    return cases + " " + events


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def test_id_and_phone_are_removed_before_anything_is_stored(
    regions: dict[str, Region], staff: User
) -> None:
    case = make_case(
        regions["340321"],
        title=f"举报人身份证 {ID_WRITTEN}",
        description=f"排污口在厂区东边。有事打我电话 {PHONE}，或者 +86 139-0000-1111。",
    )
    case.refresh_from_db()
    stored = _everything_stored()
    assert "1980" not in stored and "12345678" not in _digits(stored).replace("0000", "")
    assert "[[redacted:id_number]]" in case.title
    assert case.description.count("[[redacted:mobile]]") == 2
    assert case.personal_data_found == ["id_number", "mobile"]
    # Found personal data sends the case to a moderator, whoever reported it.
    assert case.state == Case.State.SUBMITTED
    services.case_publish(actor=staff, case_id=case.pk)


def test_reporter_may_keep_a_phone_number_but_never_an_id_number(
    regions: dict[str, Region],
) -> None:
    case = make_case(
        regions["340321"],
        description="造纸厂的投诉电话是 0552-1234567，没人接。",
        keep_personal_data=["landline"],
    )
    assert "0552-1234567" in case.description
    with pytest.raises(DomainError) as refused:
        make_case(
            regions["340321"],
            description=f"身份证 {ID_NUMBER}",
            keep_personal_data=["id_number"],
        )
    assert refused.value.code == "personal_data_always_removed"
    assert Case.objects.count() == 1


def test_later_public_texts_are_redacted_too(regions: dict[str, Region], staff: User) -> None:
    case = make_case(regions["340321"])
    services.case_close(actor=staff, case_id=case.pk, note=f"当事人电话 {PHONE} 已转交。")
    note = CaseEvent.objects.get(case=case, kind="closed").payload["note"]
    assert "5678" not in note and "[[redacted:mobile]]" in note


def test_placeholders_are_shown_in_the_readers_language(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"], description=f"我的身份证号是 {ID_NUMBER}。")
    services.case_publish(actor=staff, case_id=case.pk)
    chinese = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    english = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "[身份证号已隐去]" in chinese and "[ID number removed]" in english
    assert "[[redacted" not in chinese + english and ID_NUMBER not in chinese + english
    api = client.get(f"/api/v1/cases/{case.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "[ID number removed]" in api["description"]


def test_form_preview_shows_what_will_be_removed_masked(client: Client, db: Any) -> None:
    response = client.post(
        "/cases/report/preview/",
        {"title": "工资被拖欠", "description": f"老板身份证 {ID_NUMBER}，电话 {PHONE}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "ID number" in response.text and "mobile" in response.text.lower()
    assert "1X" in response.text and ID_NUMBER not in response.text and "1234" not in response.text
    assert response["Cache-Control"] == "no-store"


def test_check_button_works_without_javascript(client: Client, regions: dict[str, Region]) -> None:
    response = client.post(
        "/cases/report/",
        {"title": "t", "description": f"身份证 {ID_NUMBER}", "check": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Personal data found" in response.text
    assert not Case.objects.exists()


def test_an_edit_by_the_reporter_is_redacted(
    client: Client, regions: dict[str, Region], user: User, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    case = make_case(regions["340321"], reporter=user)
    client.login(username=user.username, password=PASSWORD)
    client.post(
        f"/cases/{case.pk}/update/",
        {"action": "edit", "title": "新标题", "description": f"电话 {PHONE}"},
    )
    case.refresh_from_db()
    assert case.description == "电话 [[redacted:mobile]]"
