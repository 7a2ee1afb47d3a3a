"""Two live instances on loopback: this one (the test's database) follows another (a
gunicorn process with its own database), serves what it pulled, keeps serving when the
source is gone, and catches up when it returns."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.storage import default_storage

from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.mirrors import services
from minjian.mirrors.errors import SourceUnreachable
from minjian.mirrors.models import MirroredEntry, MirroredPhoto, Source
from minjian.mirrors.tests.instances import RelayedSource, SourceInstance

pytestmark = pytest.mark.django_db


def _entry_positions(name: str) -> list[int]:
    return list(
        MirroredEntry.objects.filter(source__name=name)
        .order_by("position")
        .values_list("position", flat=True)
    )


def test_a_mirror_serves_the_source_keeps_serving_when_it_is_gone_and_catches_up(
    source: SourceInstance, client: OpenAPICheckingClient, django_assert_max_num_queries: Any
) -> None:
    first = source.run('publish(["造纸厂夜里排污", "河边垃圾堆"], photos=1)')["ids"]
    services.follow("a", source.url)
    pulled = services.pull("a", page_size=2)
    assert pulled.complete and pulled.photos == 2 and pulled.entries >= 2
    mirrored = Source.objects.get(name="a")
    assert mirrored.state == Source.State.FOLLOWING and mirrored.last_synced_at is not None
    assert mirrored.checkpoint is not None
    assert mirrored.checkpoint["position"] == mirrored.head_position == pulled.entries

    listing = client.get("/mirrors/a/", HTTP_ACCEPT_LANGUAGE="en")
    text = listing.content.decode()
    assert "造纸厂夜里排污" in text and "河边垃圾堆" in text
    assert f'A mirror of <a href="{source.url}"' in text and "Last synced" in text
    page = client.get(f"/mirrors/a/cases/{first[0]}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "造纸厂夜里排污" in page.content.decode()
    photo = MirroredPhoto.objects.get(case__case_id=first[0])
    served = client.get(f"/mirrors/a/photos/{photo.sha256}.jpg")
    assert hashlib.sha256(served.getvalue()).hexdigest() == photo.sha256
    assert default_storage.exists(photo.stored_name.name)

    source.stop()
    head = Source.objects.get(name="a").head_position
    with pytest.raises(SourceUnreachable):
        services.pull("a")
    gone = Source.objects.get(name="a")
    assert gone.state == Source.State.UNREACHABLE and gone.unreachable_since is not None
    assert gone.head_position == head
    listing = client.get("/mirrors/a/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200 and "河边垃圾堆" in listing.content.decode()
    assert "The source has been unreachable since" in listing.content.decode()
    assert client.get(f"/mirrors/a/cases/{first[1]}/").status_code == 200
    # The source, the three summaries of its removals, and its cases kept now that it is dark.
    with django_assert_max_num_queries(5):
        removed = client.get("/mirrors/a/removed/", HTTP_ACCEPT_LANGUAGE="en")
    assert "The whole source has gone dark" in removed.content.decode()
    assert "All 2 of its cases are kept here." in removed.content.decode()

    source.start()
    later = source.run('publish(["新的投诉"])')["ids"]
    caught_up = services.pull("a")
    back = Source.objects.get(name="a")
    assert back.state == Source.State.FOLLOWING and back.unreachable_since is None
    # Only what came after the head kept was read, and each entry is kept once.
    assert caught_up.entries == back.head_position - head > 0
    assert _entry_positions("a") == list(range(1, back.head_position + 1))
    assert "新的投诉" in client.get(f"/mirrors/a/cases/{later[0]}/").content.decode()


def test_a_pull_stopped_after_its_first_page_goes_on_from_the_second(
    source: SourceInstance, relayed: RelayedSource
) -> None:
    source.run('publish(["一", "二", "三"])')
    services.follow("a", relayed.url)
    stopped = services.pull("a", page_size=2, max_pages=1)
    assert not stopped.complete and stopped.pages == 1 and stopped.head_position == 2
    assert _entry_positions("a") == [1, 2]

    relayed.paths.clear()
    resumed = services.pull("a", page_size=2)
    assert resumed.complete
    asked = relayed.record_pages_asked()
    assert asked[0] == "/api/v1/record/entries?after=2&limit=2"
    head = Source.objects.get(name="a").head_position
    assert _entry_positions("a") == list(range(1, head + 1))
    assert resumed.entries == head - 2
