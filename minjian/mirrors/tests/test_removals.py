"""What a mirror does with what its source removed: a removal that protects a person takes
the content here too and leaves a tombstone; a removal for another reason, or a case that
vanished without any, is kept and marked; the removed page counts them by reason and by
month. The pages' numbers of queries are pinned here, on a mirror with every kind of case."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.mirrors import services
from minjian.mirrors.models import MirroredCase, MirroredEntry, MirroredPhoto
from minjian.mirrors.tests.instances import SourceInstance

pytestmark = pytest.mark.django_db


def test_removals_at_the_source_are_followed_told_apart_and_counted(
    source: SourceInstance,
    client: OpenAPICheckingClient,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    doxxing, spam, silent, kept = source.run(
        'publish(["张三家住在幸福小区3栋", "便宜发票", "河道变黑", "工地噪音"], photos=1)'
    )["ids"]
    services.follow("a", source.url)
    services.pull("a")
    photo = MirroredPhoto.objects.get(case__case_id=doxxing)
    assert default_storage.exists(photo.stored_name.name)

    source.run(f'hide({doxxing}, "personal_data")')
    source.run(f'hide({spam}, "spam")')
    source.run(f"withdraw_silently({silent})")
    # Its server started again: the pages it kept in memory are gone with the case.
    source.stop()
    source.start()
    with django_capture_on_commit_callbacks(execute=True):
        pulled = services.pull("a")
    assert pulled.vanished == 1

    # Removed to protect a person: nothing of it here but the tombstone.
    tombstone = MirroredCase.objects.get(case_id=doxxing)
    assert tombstone.protects_person and tombstone.removal_reason == "personal_data"
    assert tombstone.title == "" and tombstone.snapshot == {}
    assert not MirroredPhoto.objects.filter(case=tombstone).exists()
    assert not default_storage.exists(photo.stored_name.name)
    entries = MirroredEntry.objects.filter(subject=f"case:{doxxing}")
    assert all(
        entry.body is None and entry.withdrawn for entry in entries.exclude(kind="case.removed")
    )
    assert all(len(entry.content_hash) == 64 for entry in entries)
    page = client.get(f"/mirrors/a/cases/{doxxing}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 410
    assert "幸福小区" not in page.content.decode()
    assert "to protect a person" in page.content.decode()
    assert "幸福小区" not in client.get("/mirrors/a/").content.decode()

    # Removed for spam: kept, marked.
    page = client.get(f"/mirrors/a/cases/{spam}/", HTTP_ACCEPT_LANGUAGE="en")
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert page.status_code == 200 and "便宜发票" in page.content.decode()
    assert f"Removed at source on {today} (spam or advertising)" in page.content.decode()

    # Gone from the source without a public reason: kept, marked vanished.
    vanished = MirroredCase.objects.get(case_id=silent)
    assert vanished.removal == MirroredCase.Removal.VANISHED and vanished.title == "河道变黑"
    page = client.get(f"/mirrors/a/cases/{silent}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "vanished without a public reason" in page.content.decode()
    assert MirroredCase.objects.get(case_id=kept).removal == ""

    removed = client.get("/mirrors/a/removed/", HTTP_ACCEPT_LANGUAGE="en")
    text = removed.content.decode()
    for reason in ("personal_data", "spam", "vanished"):
        assert f'<tr data-reason="{reason}">' in text
    assert "3 cases removed." in text
    month = timezone.localdate().strftime("%Y-%m")
    assert (
        f'<tr data-month="{month}">\n            <td>{month}</td>\n            <td>3</td>' in text
    )
    assert "便宜发票" in text and "幸福小区" not in text

    name = "a"
    with django_assert_max_num_queries(1):
        assert client.get("/mirrors/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(f"/mirrors/{name}/").status_code == 200
    # The source, the case, its photos, its timeline.
    with django_assert_max_num_queries(4):
        assert client.get(f"/mirrors/{name}/cases/{spam}/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/mirrors/{name}/removed/").status_code == 200
    # Every entry kept, the withheld ones by their hash only.
    with django_assert_max_num_queries(2):
        record = client.get(f"/mirrors/{name}/record/", HTTP_ACCEPT_LANGUAGE="en")
    text = record.content.decode()
    assert "便宜发票" in text and "幸福小区" not in text
    assert "Withheld to protect a person" in text and "case.removed" in text
    # Bodies read as the JSON the source published, not as Python's repr.
    assert '"reason": "spam"' in html.unescape(text)
    assert client.get(f"/mirrors/{name}/record/?after=x").status_code == 400
    sha256 = MirroredPhoto.objects.get(case__case_id=kept).sha256
    with django_assert_max_num_queries(2):
        assert client.get(f"/mirrors/{name}/photos/{sha256}.jpg").status_code == 200
