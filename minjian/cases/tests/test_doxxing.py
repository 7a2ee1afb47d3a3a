"""A report or a later text that names a private person with her address, workplace,
family or personal data waits for a moderator, whoever wrote it but staff; the queue says
why, and the public moderation log counts such holds per month, never which nor what."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import EXPOSES_PERSON, Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db

EXPOSING = "张伟住在幸福小区3栋2单元，每天晚上都往河里倒垃圾。"
WITHOUT_THE_NAME = "有人每天晚上都往河里倒垃圾，就在幸福小区3栋2单元旁边。"
ANONYMOUS = "张某住在幸福小区3栋2单元，每天晚上都往河里倒垃圾。"
OFFICIAL = "环保局局长张伟住在幸福小区3栋2单元，每天晚上都往河里倒垃圾。"


@pytest.fixture(autouse=True)
def _review_on(settings: Any) -> None:
    """Reports from anonymous and new reporters wait for a moderator (the default of a
    real instance)."""
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True


@pytest.fixture
def member(regions: dict[str, Region]) -> User:
    """A member of a verified organisation: a trusted reporter and writer."""
    member = make_user("huai-volunteer")
    make_organisation("huai-watchers", members=[member], verified=True)
    return member


def submitted_event(case: Case) -> CaseEvent:
    return case.events.get(kind=CaseEvent.Kind.SUBMITTED)


def test_a_report_naming_a_private_person_with_her_address_waits_even_from_a_trusted_reporter(
    regions: dict[str, Region], member: User
) -> None:
    case = make_case(regions["340321"], reporter=member, description=EXPOSING)

    assert case.state == Case.State.SUBMITTED
    assert case.personal_data_found == []
    assert submitted_event(case).payload[EXPOSES_PERSON] == ["address"]


@pytest.mark.parametrize("description", [WITHOUT_THE_NAME, ANONYMOUS, OFFICIAL])
def test_the_same_report_without_a_private_persons_name_is_published(
    regions: dict[str, Region], member: User, description: str
) -> None:
    case = make_case(regions["340321"], reporter=member, description=description)

    assert case.state == Case.State.PUBLISHED
    assert EXPOSES_PERSON not in submitted_event(case).payload


def test_a_report_by_staff_is_not_held_for_naming_a_person(
    regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"], reporter=staff, description=EXPOSING)

    assert case.state == Case.State.PUBLISHED


def test_an_anonymous_report_naming_a_person_records_why_it_waits(
    regions: dict[str, Region],
) -> None:
    case = make_case(
        regions["340321"], title="举报張偉", description="張偉的手機號是１３８１２３４５６７８。"
    )

    assert case.state == Case.State.SUBMITTED
    assert case.personal_data_found == ["mobile"]
    assert submitted_event(case).payload[EXPOSES_PERSON] == ["personal_data"]


def test_a_later_text_naming_a_person_is_held_whoever_writes_it_but_staff(
    regions: dict[str, Region], member: User, staff: User
) -> None:
    reporter = make_user("reporter")
    case = make_case(regions["340321"], reporter=reporter)
    services.case_publish(actor=staff, case_id=case.pk)
    organisation = Organisation.objects.get(slug="huai-watchers")
    services.case_route_to_organisations(case_id=case.pk, organisation_ids=[organisation.pk])

    services.case_add_by_reporter(case=case, actor=reporter, text="老王的儿子在县医院上班。")
    services.case_post_update(
        actor=member, organisation=organisation, case_id=case.pk, note="李女士家住锦绣花园。"
    )
    services.case_add_by_reporter(case=case, actor=reporter, text="王局长的儿子在县医院上班。")
    services.case_acknowledge(actor=staff, case_id=case.pk, note="张伟住在幸福小区，已联系。")

    texts = {
        event.payload["note"]: event.payload
        for event in case.events.all()
        if event.payload.get("note")
    }
    assert texts["老王的儿子在县医院上班。"][EXPOSES_PERSON] == ["workplace", "relatives"]
    assert texts["老王的儿子在县医院上班。"]["held"] is True
    assert texts["李女士家住锦绣花园。"][EXPOSES_PERSON] == ["address"]
    assert texts["李女士家住锦绣花园。"]["held"] is True
    # An official in office, and staff, are not held.
    assert "held" not in texts["王局长的儿子在县医院上班。"]
    assert "held" not in texts["张伟住在幸福小区，已联系。"]


def test_the_queue_says_why_a_report_and_a_text_wait(
    client: Client, regions: dict[str, Region], staff: User
) -> None:
    make_case(regions["340321"], description=EXPOSING)
    published = make_case(regions["340321"], reporter=staff)
    services.case_add_by_reporter(case=published, actor=staff, text="正常的补充。")
    reporter = make_user("reporter")
    case = make_case(regions["340321"], reporter=reporter)
    services.case_publish(actor=staff, case_id=case.pk)
    services.case_add_by_reporter(case=case, actor=reporter, text="刘阿姨的电话13812345678。")
    client.force_login(staff)

    english = client.get("/cases/moderation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/cases/moderation/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "names a private person with their address" in english
    assert "names a private person with a number or address that identifies them" in english
    assert "点名普通人并提及其住址" in chinese
    assert "点名普通人并附有可识别其身份的号码或地址" in chinese


def month_rows(page: str) -> dict[str, int]:
    """The rows of the log's table of holds: month → how many."""
    cells = re.findall(r"<td>(\d{4}-\d{2})</td>\s*<td>(\d+)</td>", page)
    return {month: int(number) for month, number in cells}


def test_the_public_log_counts_the_holds_per_month_and_shows_neither_which_nor_what(
    client: Client,
    regions: dict[str, Region],
    member: User,
    staff: User,
    django_assert_max_num_queries: Any,
) -> None:
    held = make_case(regions["340321"], reporter=member, description=EXPOSING)
    make_case(regions["340321"], reporter=member, description=WITHOUT_THE_NAME)
    services.case_add_by_reporter(case=held, actor=member, text="李女士家住锦绣花园3栋。")
    services.case_publish(actor=staff, case_id=held.pk)

    with django_assert_max_num_queries(4):  # with petitions' entries (core.moderation_log)
        english = client.get("/cases/moderation/log/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/cases/moderation/log/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = english.content.decode()
    this_month = timezone.localdate().strftime("%Y-%m")
    rows = month_rows(page)
    assert len(rows) == 12
    assert rows[this_month] == 2
    assert sum(rows.values()) == 2
    assert "Held for naming a private person" in page
    assert "因点名普通人而暂扣" in chinese.content.decode()
    for private in ("张伟", "幸福小区", "李女士", "锦绣花园"):
        assert private not in page
