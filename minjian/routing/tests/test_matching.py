"""Which organisations a published case reaches: topic × region, a region
including everything under it, and null as "any"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minjian.cases.models import Case, CaseEvent
from minjian.cases.services import case_hide, case_publish
from minjian.cases.signals import case_events_written
from minjian.cases.tests.factories import make_case
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region
from minjian.routing import selectors
from minjian.routing.jobs import route_case
from minjian.routing.models import InboxItem, Subscription
from minjian.routing.tests.helpers import published, subscribed
from minjian.topics.models import Topic


def test_a_published_case_reaches_subscriptions_of_its_topic_in_its_region_or_above(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    wanted = [
        subscribed("province", topic="environment", region=regions["340000"]),
        subscribed("prefecture-all-topics", region=regions["340300"]),
        subscribed("county", topic="environment", region=regions["340321"]),
        subscribed("everywhere", topic="environment"),
        subscribed("everything"),
    ]
    subscribed("other-prefecture", topic="environment", region=regions["341200"])
    subscribed("other-province", topic="environment", region=regions["420000"])
    subscribed("other-topic", topic="health", region=regions["340000"])
    subscribed("unverified", verified=False)

    case = published(django_capture_on_commit_callbacks, regions["340321"])

    routed = set(InboxItem.objects.filter(case=case).values_list("organisation__slug", flat=True))
    assert routed == {organisation.slug for organisation in wanted}
    events = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ROUTED)
    assert {event.organisation.slug for event in events if event.organisation} == routed
    assert events.count() == len(wanted)


def test_a_case_in_a_parent_region_does_not_reach_subscriptions_of_its_children(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    subscribed("county", topic="environment", region=regions["340321"])
    case = published(django_capture_on_commit_callbacks, regions["340300"])
    assert not InboxItem.objects.filter(case=case).exists()


REGION_CODES = ("340000", "340300", "340321", "341200", "420000", "420100", "420102", "420106")
TOPICS = ("environment", "health", "labour")
subscription_rows = st.lists(
    st.tuples(
        st.integers(0, 3),  # organisation
        st.none() | st.sampled_from(TOPICS),
        st.none() | st.sampled_from(REGION_CODES),
    ),
    max_size=15,
    unique=True,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=subscription_rows,
    case_topic=st.sampled_from(TOPICS),
    case_region=st.sampled_from(REGION_CODES),
    unverified=st.sets(st.integers(0, 3)),
)
def test_matching_agrees_with_checking_every_subscription(
    regions: dict[str, Region],
    rows: list[tuple[int, str | None, str | None]],
    case_topic: str,
    case_region: str,
    unverified: set[int],
) -> None:
    with transaction.atomic():
        organisations = [
            make_organisation(f"org-{n}", verified=n not in unverified) for n in range(4)
        ]
        topics = {topic.slug: topic for topic in Topic.objects.filter(slug__in=TOPICS)}
        for org, topic, region in rows:
            Subscription.objects.create(
                organisation=organisations[org],
                topic=topics[topic] if topic else None,
                region=regions[region] if region else None,
            )
        case = Case(topic=topics[case_topic], region=regions[case_region])

        expected = {
            organisations[org].pk
            for org, topic, region in rows
            if org not in unverified
            and (topic is None or topic == case_topic)
            and (region is None or regions[case_region].is_within(regions[region]))
        }
        assert selectors.subscribed_organisation_ids(case) == expected
        transaction.set_rollback(True)


def test_routing_twice_writes_one_inbox_item_and_one_routed_event(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    organisation = subscribed("watchers", topic="environment")
    case = published(django_capture_on_commit_callbacks, regions["340321"])

    route_case(case.pk)
    route_case(case.pk)

    assert InboxItem.objects.filter(case=case, organisation=organisation).count() == 1
    assert (
        CaseEvent.objects.filter(
            case=case, kind=CaseEvent.Kind.ROUTED, organisation=organisation
        ).count()
        == 1
    )


def test_a_subscription_added_later_reaches_the_case_when_routing_runs_again(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    first = subscribed("first", topic="environment")
    case = published(django_capture_on_commit_callbacks, regions["340321"])
    second = subscribed("second", region=regions["340000"])

    route_case(case.pk)

    assert set(InboxItem.objects.filter(case=case).values_list("organisation", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ROUTED).count() == 2


def test_a_hidden_case_is_not_routed(
    regions: dict[str, Region], staff: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    subscribed("watchers")
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(regions["340321"])
    assert case.state == Case.State.SUBMITTED
    assert not InboxItem.objects.filter(case=case).exists()

    # Published, then hidden before the routing job got to it (it runs after commit).
    with django_capture_on_commit_callbacks(execute=False) as deferred:
        case_publish(actor=staff, case_id=case.pk)
    case_hide(actor=staff, case_id=case.pk, reason=Case.HiddenReason.SPAM)
    for callback in deferred:
        callback()

    assert not InboxItem.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ROUTED).exists()


def test_a_case_under_review_is_routed_when_a_moderator_publishes_it(
    regions: dict[str, Region], staff: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = subscribed("watchers")
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(regions["340321"])
    assert not InboxItem.objects.filter(case=case).exists()

    with django_capture_on_commit_callbacks(execute=True):
        case_publish(actor=staff, case_id=case.pk)

    assert InboxItem.objects.filter(case=case, organisation=organisation).exists()


def test_apps_reacting_to_case_events_see_each_routed_event(
    regions: dict[str, Region], django_capture_on_commit_callbacks: Any
) -> None:
    subscribed("first", topic="environment")
    subscribed("second")
    seen: list[tuple[int | None, str]] = []

    def record(sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any) -> None:
        seen.extend((event.pk, event.kind) for event in events)

    case_events_written.connect(record, dispatch_uid="test_record_routed")
    try:
        case = published(django_capture_on_commit_callbacks, regions["340321"])
    finally:
        case_events_written.disconnect(dispatch_uid="test_record_routed")

    routed_ids = set(
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ROUTED).values_list("pk", flat=True)
    )
    assert len(routed_ids) == 2
    assert {pk for pk, kind in seen if kind == CaseEvent.Kind.ROUTED} == routed_ids
