"""The index follows every change to a case, and never holds what the public may not read."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.search.models import SearchDocument
from minjian.search.tests.helpers import found, organisation_note, public_case

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]


def test_a_hidden_case_is_never_found_not_even_by_its_updates(
    regions: dict[str, Region], user: User, staff: User, committed: Committed
) -> None:
    agency = make_organisation("county-eco", kind="agency", verified=True)
    with committed():
        case = public_case(regions["340321"], user, title="淮河排污", description="造纸厂。")
        organisation_note(case, agency, "已派人到现场核查。", kind=CaseEvent.Kind.PUBLIC_UPDATE)
    assert found("核查") == [case.pk]
    with committed():
        services.case_hide(actor=staff, case_id=case.pk, reason="false_claim", note="核查 排污")
    assert found("排污") == []
    assert found("核查") == []
    assert found("造纸厂") == []
    assert not SearchDocument.objects.filter(case=case).exists()


def test_a_case_waiting_for_review_is_found_only_once_published_as_edited(
    regions: dict[str, Region], staff: User, committed: Committed, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with committed():
        case = make_case(regions["340321"], title="化工厂排放废气", description="很刺鼻。")
    assert case.state == Case.State.SUBMITTED
    assert found("废气") == []
    with committed():
        services.case_request_edit(actor=staff, case_id=case.pk, note="请写清楚地点。")
        services.case_edit_by_reporter(
            case=case, actor=None, title="化工厂排放废水", description="在淮河边，很臭。"
        )
        services.case_publish(actor=staff, case_id=case.pk)
    assert found("废气") == []
    assert found("废水 淮河") == [case.pk]


def test_what_the_reporter_adds_later_is_found(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    with committed():
        case = public_case(regions["340321"], user, title="淮河排污")
    assert found("死鱼") == []
    with committed():
        services.case_add_by_reporter(case=case, actor=user, text="今天河面上漂着很多死鱼。")
    assert found("死鱼") == [case.pk]


def test_removed_phone_numbers_and_their_placeholders_are_not_found(
    regions: dict[str, Region], user: User, staff: User, committed: Committed
) -> None:
    with committed():
        case = make_case(
            regions["340321"],
            reporter=user,
            title="工地欠薪",
            description="包工头电话 13812345678，一直不接。",
        )
        if case.state == Case.State.SUBMITTED:
            case = services.case_publish(actor=staff, case_id=case.pk)
    assert "13812345678" not in Case.objects.get(pk=case.pk).description
    assert found("欠薪") == [case.pk]
    assert found("13812345678") == []
    assert found("redacted") == []
    assert found("phone") == []


def test_internal_notes_are_not_found(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    ngo = make_organisation("green-huai", verified=True)
    with committed():
        case = public_case(regions["340321"], user, title="淮河排污")
        organisation_note(case, ngo, "联系人是厂里的老员工。", kind=CaseEvent.Kind.INTERNAL_NOTE)
        organisation_note(case, ngo, "已联系环保局。", kind=CaseEvent.Kind.PUBLIC_UPDATE)
    assert found("老员工") == []
    assert found("环保局") == [case.pk]


def test_a_held_text_is_found_only_once_a_moderator_releases_it(
    regions: dict[str, Region], staff: User, committed: Committed, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with committed():
        case = make_case(regions["340321"], title="淮河排污")
        services.case_publish(actor=staff, case_id=case.pk)
        services.case_add_by_reporter(
            case=case, actor=None, text="排污口旁边的仓库，老板电话 13912345678。"
        )
    held = case.events.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
    assert held.payload.get("held")
    assert found("仓库") == []
    with committed():
        services.case_release_note(actor=staff, event_id=held.pk)
    assert found("仓库") == [case.pk]


def test_a_withheld_text_is_never_found(
    regions: dict[str, Region], staff: User, committed: Committed, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with committed():
        case = make_case(regions["340321"], title="淮河排污")
        services.case_publish(actor=staff, case_id=case.pk)
        services.case_add_by_reporter(case=case, actor=None, text="仓库老板电话 13912345678。")
        held = case.events.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
        services.case_withhold_note(actor=staff, event_id=held.pk, reason="harassment")
    assert found("仓库") == []


def test_events_without_public_text_leave_the_document_alone(
    regions: dict[str, Region], user: User, committed: Committed
) -> None:
    ngo = make_organisation("green-huai", verified=True)
    with committed():
        case = public_case(regions["340321"], user, title="淮河排污")
    indexed_at = SearchDocument.objects.get(case=case).indexed_at
    with committed():
        services.case_route_to_organisations(case_id=case.pk, organisation_ids=[ngo.pk])
        organisation_note(case, ngo, "内部讨论。", kind=CaseEvent.Kind.INTERNAL_NOTE)
    assert SearchDocument.objects.get(case=case).indexed_at == indexed_at
    with committed():
        organisation_note(case, ngo, "已转交环保局。", kind=CaseEvent.Kind.PUBLIC_UPDATE)
    assert SearchDocument.objects.get(case=case).indexed_at > indexed_at
