"""The generated benchmark data holds what the site relies on: the rows the services write.

A small generation (200 cases, 40 organisations, a drive of 20 recipients) over a few
regions, then the invariants that pages, routing and search assume, checked against the
site's own code where it has it (the routing selector, the transitions, `index_case`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest
from django.db import connection

from bench.casedata import GeneratedCases, generate_cases
from minjian.aid.models import Drive, Need, Recipient
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.rules import organisation_acted_for
from minjian.cases.selectors import public_case_count
from minjian.cases.services import TRANSITIONS
from minjian.orgs.models import Organisation, OrganisationEvent
from minjian.places.tests.factories import NEIGHBOURS, TREE, make_region_tree
from minjian.routing.models import InboxItem, Subscription
from minjian.routing.selectors import subscribed_organisation_ids
from minjian.search.indexing import index_case
from minjian.search.models import SearchDocument
from minjian.topics.models import Topic

CASES = 200

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(db: Any) -> GeneratedCases:
    # Two provinces with some prefectures and counties, Wuhan's districts among them.
    make_region_tree(TREE)
    make_region_tree(NEIGHBOURS)
    return generate_cases(count=CASES, seed=7, organisations=40, recipients=20)


def test_every_case_is_public_with_its_submission_and_publication(
    generated: GeneratedCases,
) -> None:
    cases = list(Case.objects.prefetch_related("events", "photos"))
    assert len(cases) == generated.cases == CASES
    states = Counter(case.state for case in cases)
    assert set(states) <= set(Case.PUBLIC_STATES)
    # The shares of `LATER_STATES`: most cases stay published, every later state occurs.
    assert 100 <= states[Case.State.PUBLISHED] <= 180
    assert all(states[state] for state in Case.PUBLIC_STATES)
    for case in cases:
        events = sorted(case.events.all(), key=lambda event: (event.created_at, event.pk))
        submitted, published = events[0], events[1]
        assert (submitted.kind, submitted.created_at) == ("submitted", case.created_at)
        assert submitted.actor_id == case.reporter_id
        photos = list(case.photos.all())
        assert submitted.payload == {
            "photos": len(photos),
            "unblurred_photos": sum(not photo.blur_faces for photo in photos),
            "has_point": case.has_point,
            "location_precision": case.location_precision,
            "personal_data": [],
        }
        assert all(photo.is_ready and photo.image.name for photo in photos)
        assert (published.kind, published.created_at) == ("published", case.published_at)
        assert published.payload == {"from": "submitted", "to": "published"}
        # An anonymous report waits for a moderator; an established reporter's does not.
        if case.reporter_id is None:
            assert len(case.receipt_digest) == 64
            assert published.actor is not None
            assert published.actor.is_staff
        else:
            assert (case.receipt_digest, published.actor_id) == ("", None)
        _check_moves(case, events)


def _check_moves(case: Case, events: list[CaseEvent]) -> None:
    """Each later move is a transition the services allow, by someone allowed to take it."""
    state = Case.State.PUBLISHED
    kinds = {transition.kind: transition for transition in TRANSITIONS.values()}
    latest = case.published_at
    assert latest is not None
    for event in events[2:]:
        assert event.created_at >= latest
        if event.kind == CaseEvent.Kind.ROUTED:
            assert (event.actor_id, event.payload) == (None, {})
            continue
        latest = event.created_at
        if event.organisation_id is not None:
            # Written by a member, for her organisation that has the case.
            assert organisation_acted_for(event.actor, case) == event.organisation
        if event.kind in (CaseEvent.Kind.PUBLIC_UPDATE, CaseEvent.Kind.OFFICIAL_RESPONSE):
            assert set(event.payload) == {"note"}
            continue
        transition = kinds[CaseEvent.Kind(event.kind)]
        assert state in transition.allowed_from
        assert event.payload["from"] == state
        state = event.payload["to"]
    assert case.state == state
    assert case.updated_at == latest


def test_each_published_case_reached_the_subscribed_inboxes(generated: GeneratedCases) -> None:
    routed: defaultdict[int, dict[int, Any]] = defaultdict(dict)
    acknowledged: defaultdict[int, dict[int, Any]] = defaultdict(dict)
    for event in CaseEvent.objects.filter(organisation__isnull=False):
        organisation_id = event.organisation_id
        assert organisation_id is not None
        if event.kind == CaseEvent.Kind.ROUTED:
            routed[event.case_id][organisation_id] = event.created_at
        elif event.kind == CaseEvent.Kind.ACKNOWLEDGED:
            acknowledged[event.case_id][organisation_id] = event.created_at
    inbox: defaultdict[int, dict[int, tuple[Any, Any]]] = defaultdict(dict)
    for item in InboxItem.objects.all():
        assert not item.addressed
        inbox[item.case_id][item.organisation_id] = (item.routed_at, item.acknowledged_at)
    for case in Case.objects.select_related("region"):
        assert set(routed[case.pk]) == subscribed_organisation_ids(case)
        assert inbox[case.pk] == {
            org: (at, acknowledged[case.pk].get(org)) for org, at in routed[case.pk].items()
        }
    assert generated.inbox_items == InboxItem.objects.count() > 0


def test_organisations_are_registered_and_subscribed_as_the_services_do(
    generated: GeneratedCases,
) -> None:
    organisations = list(Organisation.objects.prefetch_related("memberships", "events"))
    assert len(organisations) == generated.organisations == 40
    assert {organisation.kind for organisation in organisations} == {"ngo", "informal", "agency"}
    for organisation in organisations:
        kinds = Counter(event.kind for event in organisation.events.all())
        assert kinds[OrganisationEvent.Kind.CREATED] == 1
        assert kinds[OrganisationEvent.Kind.VERIFIED] == int(organisation.verified)
        assert organisation.verified or not organisation.is_agency
        assert kinds[OrganisationEvent.Kind.SUBSCRIPTION_ADDED] == (
            Subscription.objects.filter(organisation=organisation).count()
        )
        assert [m.role for m in organisation.memberships.all()].count("admin") == 1
    assert Subscription.objects.count() == generated.subscriptions


def test_search_documents_are_what_index_case_makes(generated: GeneratedCases) -> None:
    documents = {document.case_id: document for document in SearchDocument.objects.all()}
    assert set(documents) == set(
        Case.objects.filter(state__in=Case.PUBLIC_STATES).values_list("id", flat=True)
    )
    assert generated.documents == len(documents)
    if connection.vendor == "postgresql":
        assert not SearchDocument.objects.filter(vector__isnull=True).exists()
    # One in four: `index_case` takes a while per case.
    for case_id, written in list(documents.items())[::4]:
        index_case(case_id)
        made = SearchDocument.objects.get(case_id=case_id)
        assert (written.title, written.update_notes) == (made.title, made.update_notes)
        # The same terms; jieba's extra dictionary words may stand elsewhere.
        assert Counter(written.description.split()) == Counter(made.description.split())
        assert Counter(written.updates.split()) == Counter(made.updates.split())


def test_the_site_goes_on_writing_after_the_generated_rows(generated: GeneratedCases) -> None:
    """The id sequences were moved past the ids written."""
    generated_case = Case.objects.first()
    organisation = Organisation.objects.first()
    assert generated_case is not None
    assert organisation is not None
    case = Case.objects.create(
        title="t",
        description="d",
        topic_id=generated_case.topic_id,
        region_id=generated_case.region_id,
    )
    CaseEvent.objects.create(case=case, kind="submitted", payload={})
    CasePhoto.objects.create(case=case)
    InboxItem.objects.create(case=case, organisation=organisation)
    assert case.pk == CASES + 1
    if connection.vendor == "sqlite":
        connection.check_constraints()


def test_the_drive_has_its_recipients_needs_and_ledger(generated: GeneratedCases) -> None:
    drive = Drive.objects.get()
    assert generated.drive["drive"] == drive.pk
    assert Recipient.objects.filter(drive=drive, verified_at__isnull=False).count() == 20
    assert Need.objects.filter(recipient__drive=drive).count() == 40
    need_events = drive.events.filter(kind="need_set")
    assert sum(event.delta for event in need_events) == sum(
        Need.objects.filter(recipient__drive=drive).values_list("quantity", flat=True)
    )
    assert generated.drive["shipments"] > 0


def test_the_tallies_count_the_generated_cases(generated: GeneratedCases) -> None:
    assert public_case_count() == generated.cases
    for topic in Topic.objects.all():
        assert public_case_count(topic=topic) == topic.cases.count()
    assert public_case_count(state=Case.State.RESOLVED) == (
        Case.objects.filter(state=Case.State.RESOLVED).count()
    )
