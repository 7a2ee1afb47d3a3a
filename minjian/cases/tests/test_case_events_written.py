"""Other apps react to a case through one signal (minjian/cases/signals.py): every event
the timeline gets is announced once with its id, alone or with the events written in the
same insert, inside the transaction that writes it, and the jobs the reactions defer
travel together."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.db import transaction

from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.signals import case_events_written
from minjian.cases.tests.factories import make_case
from minjian.jobs.models import PendingJob
from minjian.jobs.registry import run_together
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced() -> Iterator[list[list[int | None]]]:
    """The ids of the events of each announcement, in the order they were sent."""
    batches: list[list[int | None]] = []

    def record(sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any) -> None:
        batches.append([event.pk for event in events])

    case_events_written.connect(record, dispatch_uid="test_announced")
    yield batches
    case_events_written.disconnect(dispatch_uid="test_announced")


def test_every_event_of_a_case_is_announced_once_a_filing_and_a_routing_each_in_one_batch(
    regions: dict[str, Region], staff: User, announced: list[list[int | None]]
) -> None:
    case = make_case(regions["340321"], reporter=staff)
    assert case.state == Case.State.PUBLISHED
    first, second = (make_organisation(slug, verified=True) for slug in ("first", "second"))
    services.case_route_to_organisations(case_id=case.pk, organisation_ids=[first.pk, second.pk])
    services.case_post_update(actor=staff, organisation=first, case_id=case.pk, note="已到现场")
    services.case_resolve(actor=staff, case_id=case.pk)

    events = list(case.events.values_list("pk", "kind"))
    assert [kind for _pk, kind in events] == [
        CaseEvent.Kind.SUBMITTED,
        CaseEvent.Kind.PUBLISHED,
        CaseEvent.Kind.ROUTED,
        CaseEvent.Kind.ROUTED,
        CaseEvent.Kind.PUBLIC_UPDATE,
        CaseEvent.Kind.RESOLVED,
    ]
    ids = [pk for pk, _kind in events]
    # A case published as it is filed gets its submission and publication in one insert.
    assert announced == [ids[0:2], ids[2:4], [ids[4]], [ids[5]]]


def test_the_jobs_reactions_defer_vanish_with_a_change_rolled_back(
    regions: dict[str, Region],
    staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = make_case(regions["340321"], reporter=staff)
    with django_capture_on_commit_callbacks() as kept:
        services.case_acknowledge(actor=staff, case_id=case.pk, note="我们来跟进")
    assert kept, "mail to followers and the search index react to an acknowledgement"

    with (
        django_capture_on_commit_callbacks() as rolled_back,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.case_resolve(actor=staff, case_id=case.pk, note="已解决")
        raise RuntimeError("the request fails after the service")
    assert rolled_back == []
    assert not case.events.filter(kind=CaseEvent.Kind.RESOLVED).exists()


def test_the_jobs_reactions_defer_to_one_event_travel_as_one(
    regions: dict[str, Region],
    staff: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MINJIAN_JOBS_BACKEND = "redis"
    settings.MINJIAN_JOBS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens: rows stay
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(regions["340321"], reporter=staff)

    outbox = PendingJob.objects.get()
    assert outbox.name == run_together.name
    deferred = {name for name, _args, _kwargs in outbox.args[0]}
    assert {
        "minjian.search.jobs.reindex_case",
        "minjian.cases.jobs.update_case_fingerprint",
        # The public record's seal of what the case's publication appended to it.
        "minjian.record.jobs.seal",
    } <= deferred
    assert all(
        args == [case.pk]
        for name, args, _kwargs in outbox.args[0]
        if name != "minjian.record.jobs.seal"
    )
