"""The similar-case index holds exactly the public cases, as their stored text is now:
it follows publication, an edit, hiding, and is made again whole by `rebuild_similarity`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from importlib import import_module
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minjian.accounts.models import User
from minjian.cases import services, similarity
from minjian.cases.models import Case, CaseFingerprint, CaseLshBucket
from minjian.cases.receivers import changes_fingerprint
from minjian.cases.services_similarity import case_fingerprint_update, rebuild_similarity_index
from minjian.cases.tests.factories import make_case
from minjian.places.models import Region

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]

TITLE = "淮河边造纸厂夜间偷排黑水"
DESCRIPTION = "每天夜里十点以后，排污口流出黑色的污水，河面上漂着死鱼。"


def indexed(case: Case) -> tuple[list[int], int, int, list[int]] | None:
    """The case's signature, its number of shingles, its digest and its sorted buckets as
    the index holds them, or None."""
    stored = CaseFingerprint.objects.filter(case=case).first()
    buckets = sorted(CaseLshBucket.objects.filter(case=case).values_list("bucket", flat=True))
    if stored is None:
        assert buckets == []
        return None
    signature = similarity.from_bytes(bytes(stored.signature))
    return signature, stored.shingle_count, stored.digest, buckets


def expected(title: str, description: str) -> tuple[list[int], int, int, list[int]]:
    made = similarity.fingerprint(title, description)
    return (
        list(made.signature),
        made.size,
        similarity.digest(made.signature),
        sorted(similarity.buckets(made.signature)),
    )


def test_a_published_case_is_indexed_by_its_stored_text(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    assert case.state == Case.State.PUBLISHED
    assert indexed(case) == expected(TITLE, DESCRIPTION)


def test_a_case_waiting_for_review_is_indexed_only_once_published_as_edited(
    regions: dict[str, Region], staff: User, committed: Committed, settings: Any
) -> None:
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    assert case.state == Case.State.SUBMITTED
    assert indexed(case) is None
    with committed():
        services.case_request_edit(actor=staff, case_id=case.pk, note="请写清楚地点。")
        services.case_edit_by_reporter(
            case=case, actor=None, title="化工厂排放废水", description="在淮河边，很臭。"
        )
    assert indexed(case) is None
    with committed():
        services.case_publish(actor=staff, case_id=case.pk)
    assert indexed(case) == expected("化工厂排放废水", "在淮河边，很臭。")


def test_a_hidden_case_leaves_the_index(
    regions: dict[str, Region], staff: User, committed: Committed
) -> None:
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
        other = make_case(regions["340321"], title="化工厂排放废气", description="很刺鼻。")
    with committed():
        services.case_hide(actor=staff, case_id=case.pk, reason="false_claim", note="不实")
    assert indexed(case) is None
    assert indexed(other) == expected("化工厂排放废气", "很刺鼻。")


def test_only_events_that_change_the_public_text_or_publicity_update_the_index(
    regions: dict[str, Region], staff: User
) -> None:
    case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    services.case_acknowledge(actor=staff, case_id=case.pk, note="已收到。")
    services.case_resolve(actor=staff, case_id=case.pk, note="已整改。")
    services.case_hide(actor=staff, case_id=case.pk, reason="false_claim", note="不实")
    assert [(event.kind, changes_fingerprint(event)) for event in case.events.order_by("id")] == [
        ("submitted", False),
        ("published", True),
        ("acknowledged", False),
        ("resolved", False),
        ("hidden", True),
    ]


def test_an_update_is_idempotent_and_reads_only_when_nothing_changed(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    before = indexed(case)
    with CaptureQueriesContext(connection) as queries:
        assert case_fingerprint_update(case.pk) is False
    assert indexed(case) == before
    writes = [q["sql"] for q in queries if not q["sql"].startswith(("SELECT", "SAVEPOINT"))]
    assert not [sql for sql in writes if not sql.startswith("RELEASE SAVEPOINT")]


def test_an_update_repairs_a_stale_entry_and_forgets_a_missing_case(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    CaseLshBucket.objects.filter(case=case).delete()
    CaseFingerprint.objects.filter(case=case).update(signature=b"\0" * 512)
    assert case_fingerprint_update(case.pk) is True
    assert indexed(case) == expected(TITLE, DESCRIPTION)
    assert case_fingerprint_update(10**9) is False


def test_an_update_repairs_a_stale_number_of_shingles(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    CaseFingerprint.objects.filter(case=case).update(shingle_count=0)

    assert case_fingerprint_update(case.pk) is True
    assert indexed(case) == expected(TITLE, DESCRIPTION)


def test_rebuild_makes_every_public_case_again_and_drops_the_others(
    regions: dict[str, Region], staff: User, settings: Any
) -> None:
    # Written without their jobs: the index knows nothing of them yet.
    public = [
        make_case(regions["340321"], title=f"{TITLE}{number}", description=DESCRIPTION)
        for number in range(3)
    ]
    hidden = make_case(regions["420102"], title="化工厂排放废气", description="很刺鼻。")
    case_fingerprint_update(hidden.pk)
    services.case_hide(actor=staff, case_id=hidden.pk, reason="spam", note="")
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    waiting = make_case(regions["340321"], title="养猪场粪污流进农田", description="很臭。")
    assert indexed(hidden) is not None

    assert rebuild_similarity_index() == 3

    for case in public:
        assert indexed(case) == expected(case.title, DESCRIPTION)
    assert indexed(hidden) is None
    assert indexed(waiting) is None
    assert CaseLshBucket.objects.count() == 3 * similarity.BANDS


def test_the_command_rebuilds_the_index(regions: dict[str, Region]) -> None:
    case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    out = StringIO()
    call_command("rebuild_similarity", stdout=out)
    assert indexed(case) == expected(TITLE, DESCRIPTION)
    assert "1 public case" in out.getvalue()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the migration computes digests in SQL there"
)
def test_the_migration_computes_in_sql_the_digest_the_index_keeps(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        case = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    migration = import_module("minjian.cases.migrations.0017_fingerprint_digest")

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {migration.POSTGRESQL_DIGEST} FROM {CaseFingerprint._meta.db_table}"  # noqa: S608  # the migration's expression, the model's table
            " WHERE case_id = %s",
            [case.pk],
        )
        assert cursor.fetchone() == (CaseFingerprint.objects.get(case=case).digest,)
