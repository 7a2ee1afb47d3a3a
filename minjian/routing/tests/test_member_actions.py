"""What members do with a case in their organisation's inbox, each written as a
timeline event for their organisation; and who may do it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent
from minjian.core.errors import DomainError
from minjian.orgs.models import Organisation
from minjian.places.models import Region
from minjian.routing import services
from minjian.routing.jobs import route_case
from minjian.routing.models import InboxItem
from minjian.routing.tests.helpers import published, subscribed


@pytest.fixture
def member(db: Any) -> User:
    return make_user("river-volunteer")


@pytest.fixture
def watchers(member: User) -> Organisation:
    return subscribed("watchers", topic="environment", members=(member,))


@pytest.fixture
def case(
    regions: dict[str, Region], watchers: Organisation, django_capture_on_commit_callbacks: Any
) -> Case:
    return published(django_capture_on_commit_callbacks, regions["340321"])


def test_acknowledging_writes_the_event_for_the_organisation_and_moves_the_case(
    member: User, watchers: Organisation, case: Case
) -> None:
    event = services.inbox_acknowledge(
        actor=member, organisation=watchers, case_id=case.pk, note="收到"
    )

    assert event.kind == CaseEvent.Kind.ACKNOWLEDGED
    assert event.organisation == watchers
    assert event.payload["note"] == "收到"
    case.refresh_from_db()
    assert case.state == Case.State.ACKNOWLEDGED
    assert InboxItem.objects.get(case=case, organisation=watchers).acknowledged_at is not None


def test_a_second_organisation_acknowledges_without_moving_the_case_again(
    member: User, watchers: Organisation, case: Case
) -> None:
    other_member = make_user("other-volunteer")
    other = subscribed("others", members=(other_member,))
    route_case(case.pk)
    services.inbox_acknowledge(actor=member, organisation=watchers, case_id=case.pk)

    event = services.inbox_acknowledge(actor=other_member, organisation=other, case_id=case.pk)

    assert event.organisation == other
    assert "from" not in event.payload
    case.refresh_from_db()
    assert case.state == Case.State.ACKNOWLEDGED
    with pytest.raises(DomainError) as again:
        services.inbox_acknowledge(actor=member, organisation=watchers, case_id=case.pk)
    assert again.value.code == "already_acknowledged"
    assert again.value.status == 409


def test_a_public_update_is_redacted_and_shown_with_the_organisation_name(
    client: Client, member: User, watchers: Organisation, case: Case
) -> None:
    event = services.inbox_post_update(
        actor=member,
        organisation=watchers,
        case_id=case.pk,
        note="周六取水样。Call 13812345678 for details.",
    )

    assert event.kind == CaseEvent.Kind.PUBLIC_UPDATE
    assert event.organisation == watchers
    assert "13812345678" not in event.payload["note"]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "周六取水样" in page
    assert "watchers" in page  # the organisation's name (name_en in the factory)
    assert "13812345678" not in page


def test_an_empty_update_is_refused(member: User, watchers: Organisation, case: Case) -> None:
    with pytest.raises(DomainError) as empty:
        services.inbox_post_update(actor=member, organisation=watchers, case_id=case.pk, note=" ")
    assert empty.value.code == "note_required"


def test_an_internal_note_is_read_only_in_its_organisations_inbox(
    client: Client, member: User, watchers: Organisation, case: Case
) -> None:
    other_member = make_user("other-volunteer")
    subscribed("others", members=(other_member,))
    route_case(case.pk)
    event = services.inbox_add_internal_note(
        actor=member, organisation=watchers, case_id=case.pk, note="SECRET-PLAN 周六六点大堤集合"
    )
    assert event.internal
    assert event.organisation == watchers

    assert "SECRET-PLAN" not in client.get(f"/cases/{case.pk}/").content.decode()
    assert "SECRET-PLAN" not in client.get(f"/api/v1/cases/{case.pk}").content.decode()
    client.force_login(other_member)
    assert "SECRET-PLAN" not in client.get(f"/inbox/others/cases/{case.pk}/").content.decode()
    assert client.get(f"/inbox/watchers/cases/{case.pk}/").status_code == 403
    client.force_login(member)
    assert "SECRET-PLAN" in client.get(f"/inbox/watchers/cases/{case.pk}/").content.decode()


def test_non_members_cannot_act_on_the_inbox(
    watchers: Organisation, case: Case, user: User
) -> None:
    for action in services.MEMBER_ACTIONS.values():
        with pytest.raises(DomainError) as refused:
            action(actor=user, organisation=watchers, case_id=case.pk, note="hello")
        assert refused.value.status == 403


def test_members_cannot_act_on_a_case_not_in_their_inbox(
    regions: dict[str, Region], member: User, django_capture_on_commit_callbacks: Any
) -> None:
    lonely = subscribed("lonely", topic="health", members=(member,))
    case = published(django_capture_on_commit_callbacks, regions["340321"])
    with pytest.raises(DomainError) as refused:
        services.inbox_post_update(actor=member, organisation=lonely, case_id=case.pk, note="hi")
    assert refused.value.code == "not_in_inbox"
    assert refused.value.status == 404


@pytest.fixture
def official(db: Any) -> User:
    return make_user("bureau-office")


@pytest.fixture
def bureau(official: User) -> Organisation:
    return subscribed(
        "bengbu-eeb", topic="environment", kind=Organisation.Kind.AGENCY, members=(official,)
    )


def test_a_verified_agency_answers_officially_and_the_page_shows_it_as_official(
    client: Client,
    regions: dict[str, Region],
    official: User,
    bureau: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = published(django_capture_on_commit_callbacks, regions["340321"])

    event = services.inbox_post_official_response(
        actor=official, organisation=bureau, case_id=case.pk, note="已立案调查"
    )

    assert event.kind == CaseEvent.Kind.OFFICIAL_RESPONSE
    assert event.organisation == bureau
    client.cookies.load({"django_language": "en"})
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Official response" in page
    assert "bengbu-eeb" in page
    assert "已立案调查" in page


def test_only_verified_agencies_answer_officially(
    regions: dict[str, Region],
    member: User,
    watchers: Organisation,
    case: Case,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(DomainError) as ngo:
        services.inbox_post_official_response(
            actor=member, organisation=watchers, case_id=case.pk, note="we answer"
        )
    assert ngo.value.code == "not_a_verified_agency"

    unverified_official = make_user("unverified-official")
    unverified = subscribed(
        "fake-bureau",
        kind=Organisation.Kind.AGENCY,
        verified=False,
        members=(unverified_official,),
    )
    with pytest.raises(DomainError) as fake:
        services.inbox_post_official_response(
            actor=unverified_official, organisation=unverified, case_id=case.pk, note="answer"
        )
    assert fake.value.code == "not_a_verified_agency"


def test_an_agency_answers_only_cases_routed_or_addressed_to_it(
    regions: dict[str, Region],
    official: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    agency = subscribed(
        "wuhan-bureau",
        topic="environment",
        region=regions["420000"],
        kind=Organisation.Kind.AGENCY,
        members=(official,),
    )
    case = published(django_capture_on_commit_callbacks, regions["340321"])
    with pytest.raises(DomainError) as refused:
        services.inbox_post_official_response(
            actor=official, organisation=agency, case_id=case.pk, note="answer"
        )
    assert refused.value.code == "not_in_inbox"


def test_the_reporter_addresses_her_case_to_an_agency_which_may_then_answer(
    regions: dict[str, Region], official: User, django_capture_on_commit_callbacks: Any
) -> None:
    reporter = make_user("reporter")
    agency = subscribed(
        "wuhan-bureau",
        topic="health",
        kind=Organisation.Kind.AGENCY,
        members=(official,),
    )
    case = published(django_capture_on_commit_callbacks, regions["340321"], reporter=reporter)
    assert not InboxItem.objects.filter(case=case, organisation=agency).exists()

    event = services.case_address_to_agency(
        actor=reporter, case_id=case.pk, agency_slug="wuhan-bureau"
    )

    assert event.kind == CaseEvent.Kind.ADDRESSED
    assert event.organisation == agency
    assert InboxItem.objects.get(case=case, organisation=agency).addressed
    assert CaseEvent.objects.filter(
        case=case, kind=CaseEvent.Kind.ROUTED, organisation=agency
    ).exists()
    services.inbox_post_official_response(
        actor=official, organisation=agency, case_id=case.pk, note="已转交"
    )
    with pytest.raises(DomainError) as again:
        services.case_address_to_agency(actor=reporter, case_id=case.pk, agency_slug="wuhan-bureau")
    assert again.value.code == "already_addressed"


def test_only_staff_the_reporter_and_organisations_with_the_case_address_it(
    regions: dict[str, Region],
    user: User,
    staff: User,
    member: User,
    watchers: Organisation,
    bureau: Organisation,
    case: Case,
) -> None:
    other_agency = subscribed("other-bureau", kind=Organisation.Kind.AGENCY, topic="labour")
    with pytest.raises(DomainError) as stranger:
        services.case_address_to_agency(actor=user, case_id=case.pk, agency_slug="other-bureau")
    assert stranger.value.status == 403

    services.case_address_to_agency(actor=member, case_id=case.pk, agency_slug="other-bureau")
    services.case_address_to_agency(actor=staff, case_id=case.pk, agency_slug="bengbu-eeb")

    assert set(
        InboxItem.objects.filter(case=case, addressed=True).values_list("organisation", flat=True)
    ) == {other_agency.pk, bureau.pk}
    with pytest.raises(DomainError) as not_agency:
        services.case_address_to_agency(actor=staff, case_id=case.pk, agency_slug="watchers")
    assert not_agency.value.code == "unknown_agency"
