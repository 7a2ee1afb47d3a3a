"""Who may move a case along (minjian/cases/rules.py): staff, members of an
organisation the case was routed or addressed to, and, to close it, its reporter.
Nobody else, however verified their own organisation is; and the case page says
why a button is missing. A member moves the case for her organisation."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.orgs.models import Organisation
from minjian.orgs.services import organisation_set_verified
from minjian.places.models import Region
from minjian.routing.jobs import route_case
from minjian.routing.models import InboxItem
from minjian.routing.services import case_address_to_agency
from minjian.routing.tests.helpers import published, subscribed

pytestmark = pytest.mark.django_db


@pytest.fixture
def river_member(db: Any) -> User:
    return make_user("river-volunteer")


@pytest.fixture
def labour_member(db: Any) -> User:
    return make_user("labour-caseworker")


@pytest.fixture
def river_ngo(river_member: User) -> Organisation:
    return subscribed("huai-river-watchers", topic="environment", members=(river_member,))


@pytest.fixture
def labour_ngo(labour_member: User) -> Organisation:
    """Verified and busy, but subscribed to labour cases only."""
    return subscribed("workers-rights", topic="labour", members=(labour_member,))


@pytest.fixture
def river_case(
    regions: dict[str, Region],
    river_ngo: Organisation,
    labour_ngo: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> Case:
    """An environment case, routed to the river NGO and to no one else."""
    return published(
        django_capture_on_commit_callbacks, regions["340321"], reporter=make_user("她")
    )


def _state(case: Case) -> str:
    case.refresh_from_db()
    return case.state


def test_a_member_of_an_ngo_that_never_received_the_case_may_not_move_it(
    river_case: Case, labour_member: User
) -> None:
    assert services.actions_allowed(labour_member, river_case) == []
    for move in (
        services.case_acknowledge,
        services.case_start_progress,
        services.case_resolve,
        services.case_close,
    ):
        with pytest.raises(DomainError) as refused:
            move(actor=labour_member, case_id=river_case.pk)
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert _state(river_case) == Case.State.PUBLISHED
    assert not river_case.events.filter(actor=labour_member).exists()


def test_a_verified_informal_groups_member_without_the_case_may_not_resolve_it(
    client: Client, river_case: Case
) -> None:
    helper = make_user("mask-volunteer")
    subscribed("face-masks", topic="health", kind=Organisation.Kind.INFORMAL, members=(helper,))
    client.force_login(helper)

    response = client.post(
        f"/cases/{river_case.pk}/resolve/",
        {"note": "已解决"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "You are not allowed to do this to this case." in response.text
    assert _state(river_case) == Case.State.PUBLISHED


def test_members_of_the_organisations_it_was_routed_and_addressed_to_move_it(
    river_case: Case, river_member: User, labour_member: User
) -> None:
    official = make_user("bureau-office")
    subscribed(
        "bengbu-eeb",
        topic="labour",
        kind=Organisation.Kind.AGENCY,
        members=(official,),
    )
    assert services.actions_allowed(official, river_case) == []
    services.case_acknowledge(actor=river_member, case_id=river_case.pk)
    case_address_to_agency(actor=river_member, case_id=river_case.pk, agency_slug="bengbu-eeb")

    river_case.refresh_from_db()
    assert services.actions_allowed(official, river_case) == ["start_progress", "resolve", "close"]
    services.case_start_progress(actor=official, case_id=river_case.pk)
    services.case_resolve(actor=official, case_id=river_case.pk, note="已封堵排污口")
    assert _state(river_case) == Case.State.RESOLVED
    # Still nothing for the organisation that never had it.
    assert services.actions_allowed(labour_member, river_case) == []


def test_an_organisation_no_longer_verified_no_longer_moves_its_cases(
    river_case: Case, river_ngo: Organisation, river_member: User, staff: User
) -> None:
    organisation_set_verified(actor=staff, organisation=river_ngo, verified=False)
    with pytest.raises(DomainError) as refused:
        services.case_acknowledge(actor=river_member, case_id=river_case.pk)
    assert refused.value.status == 403


def test_the_reporter_closes_her_case_and_nothing_else(river_case: Case) -> None:
    reporter = river_case.reporter
    assert reporter is not None
    assert services.actions_allowed(reporter, river_case) == ["close"]
    with pytest.raises(DomainError):
        services.case_resolve(actor=reporter, case_id=river_case.pk)
    services.case_close(actor=reporter, case_id=river_case.pk, note="问题没了")
    assert _state(river_case) == Case.State.CLOSED


def test_a_case_nobody_has_reviewed_is_not_made_public_by_closing_it(
    client: Client, regions: dict[str, Region], user: User, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    case = make_case(regions["340321"], reporter=user, description="邻居王某的电话 13812345678")
    assert case.state == Case.State.SUBMITTED
    assert "close" not in services.actions_allowed(user, case)
    with pytest.raises(DomainError) as refused:
        services.case_close(actor=user, case_id=case.pk)
    assert refused.value.status == 409
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_the_case_page_says_why_a_button_is_missing(
    client: Client, river_case: Case, labour_member: User, river_member: User
) -> None:
    client.force_login(labour_member)
    page = client.get(f"/cases/{river_case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"/cases/{river_case.pk}/acknowledge/" not in page.text
    assert "Only its reporter, moderators and members of an organisation" in page.text
    assert "This case was sent to: huai-river-watchers" in page.text
    chinese = client.get(f"/cases/{river_case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "只有报告人、审核员和收到这个案例的组织的成员可以进行此操作。" in chinese.text
    assert "这个案例已转给：huai-river-watchers" in chinese.text

    client.force_login(river_member)
    page = client.get(f"/cases/{river_case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    for action in ("acknowledge", "start_progress", "resolve", "close"):
        assert f"/cases/{river_case.pk}/{action}/" in page.text
    assert "Only its reporter" not in page.text


def test_the_reporter_reads_why_she_cannot_resolve_her_case(
    client: Client, river_case: Case
) -> None:
    assert river_case.reporter is not None
    client.force_login(river_case.reporter)
    page = client.get(f"/cases/{river_case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"/cases/{river_case.pk}/close/" in page.text
    assert f"/cases/{river_case.pk}/resolve/" not in page.text
    assert (
        "Only moderators and members of an organisation this case was sent to can do this."
        in page.text
    )


def test_a_member_who_moves_the_case_from_its_page_acts_for_her_organisation(
    client: Client, river_case: Case, river_ngo: Organisation, river_member: User
) -> None:
    client.force_login(river_member)
    client.post(f"/cases/{river_case.pk}/acknowledge/", {"note": "我们来跟进"})
    client.post(f"/cases/{river_case.pk}/resolve/", {"note": "排污口已封堵"})

    moves = river_case.events.filter(actor=river_member).order_by("id")
    assert [(event.kind, event.organisation) for event in moves] == [
        (CaseEvent.Kind.ACKNOWLEDGED, river_ngo),
        (CaseEvent.Kind.RESOLVED, river_ngo),
    ]
    # So the accountability figures count her acknowledgement as her organisation's response.
    response = client.get(f"/accountability/{river_ngo.slug}/cases.csv")
    (row,) = csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))
    assert (row["first_response_kind"], row["acknowledged"]) == (CaseEvent.Kind.ACKNOWLEDGED, "1")


def test_a_member_of_several_organisations_with_the_case_acts_for_the_first_by_slug(
    river_case: Case, river_ngo: Organisation, river_member: User
) -> None:
    earlier_slug = subscribed("anhui-rivers", topic="environment", members=(river_member,))
    route_case(river_case.pk)

    services.case_acknowledge(actor=river_member, case_id=river_case.pk)

    acknowledged = river_case.events.get(kind=CaseEvent.Kind.ACKNOWLEDGED)
    assert acknowledged.organisation == earlier_slug


def test_moderators_and_the_reporter_move_it_for_no_organisation(
    river_case: Case, staff: User
) -> None:
    reporter = river_case.reporter
    assert reporter is not None
    services.case_acknowledge(actor=staff, case_id=river_case.pk)
    services.case_close(actor=reporter, case_id=river_case.pk)

    moves = river_case.events.filter(kind__in=(CaseEvent.Kind.ACKNOWLEDGED, CaseEvent.Kind.CLOSED))
    assert [(event.actor, event.organisation) for event in moves] == [
        (staff, None),
        (reporter, None),
    ]


def test_each_move_from_the_case_page_says_what_was_done_in_the_past_tense(
    client: Client, river_case: Case, river_member: User
) -> None:
    client.force_login(river_member)
    said = {
        action: [
            str(message)
            for message in client.post(
                f"/cases/{river_case.pk}/{action}/", follow=True, HTTP_ACCEPT_LANGUAGE=language
            ).context["messages"]
        ]
        for action, language in (
            ("acknowledge", "en"),
            ("start_progress", "zh-hans"),
            ("resolve", "en"),
            ("close", "zh-hans"),
        )
    }

    number = river_case.pk
    assert said == {
        "acknowledge": [f"Case #{number} acknowledged"],
        "start_progress": [f"案例 #{number} 已开始处理"],
        "resolve": [f"Case #{number} marked resolved"],
        "close": [f"案例 #{number} 已关闭"],
    }


def test_a_case_acknowledged_from_its_page_is_acknowledged_in_the_inbox_too(
    client: Client, river_case: Case, river_ngo: Organisation, river_member: User
) -> None:
    client.force_login(river_member)
    client.post(f"/cases/{river_case.pk}/acknowledge/", {"note": "我们来跟进"})

    (acknowledged,) = river_case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED)
    item = InboxItem.objects.get(case=river_case, organisation=river_ngo)
    assert item.acknowledged_at == acknowledged.created_at
    again = client.post(f"/inbox/{river_ngo.slug}/cases/{river_case.pk}/acknowledge/")
    assert again.status_code == 409
    assert river_case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED).count() == 1
