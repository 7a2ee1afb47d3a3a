"""Cases are found by their public verdict: in the list and the API (counted without
counting every unverified case), in a search through the full-text index (the verdict is
a term of the document's filters, following each verdict), on the map and in the CSV."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.claims.tests.factories import judge, make_verifier
from minjian.places.models import Region
from minjian.search import selectors
from minjian.search.models import SearchDocument
from minjian.search.tests.helpers import found, public_case

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]
Verdict = Case.Verdict


@pytest.fixture
def judged(regions: dict[str, Region], user: User, committed: Committed) -> tuple[Case, Case, Case]:
    """Three cases about the same mill: one judged false, one being checked, one not judged."""
    verifier = make_verifier("guardian-li", "green-huai-river")
    with committed():
        false = public_case(regions["340321"], user, title="淮河排污 死鱼")
        checking = public_case(regions["340321"], user, title="淮河排污 黑水")
        untouched = public_case(regions["420102"], user, title="淮河排污 臭味")
        judge(false, verifier, Verdict.FALSE)
        judge(checking, verifier, Verdict.CHECKING)
    return false, checking, untouched


def _listed(**filters: str) -> tuple[list[int], int]:
    parsed = selectors.CaseFilters.parse(**filters)
    return [case.pk for case in selectors.find_cases(parsed)], selectors.case_count(parsed)


def test_the_list_is_filtered_and_counted_by_verdict(judged: tuple[Case, Case, Case]) -> None:
    false, checking, untouched = judged

    assert _listed(verdict="false") == ([false.pk], 1)
    assert _listed(verdict="checking") == ([checking.pk], 1)
    assert _listed(verdict="unverified") == ([untouched.pk], 1)
    assert _listed(verdict="unverified", region="340000") == ([], 0)
    assert _listed(verdict="corroborated") == ([], 0)
    assert _listed()[1] == 3
    assert selectors.CaseFilters.parse(verdict="false").as_query() == {"verdict": "false"}


def test_a_search_finds_the_verdict_in_the_index(
    judged: tuple[Case, Case, Case], committed: Committed
) -> None:
    false, checking, untouched = judged

    assert " Vfalse " in f" {SearchDocument.objects.get(case=false).filters} "
    assert found("排污", verdict="false") == [false.pk]
    assert sorted(found("排污", verdict="unverified")) == [untouched.pk]
    assert found("排污", verdict="checking", region="340321") == [checking.pk]
    # A new verdict moves the case to its new filter once the reindexing job has run.
    verifier = make_verifier("journalist-wang", "river-news")
    with committed():
        judge(untouched, verifier, Verdict.DISPUTED)
    assert found("排污", verdict="unverified") == []
    assert found("排污", verdict="disputed") == [untouched.pk]
    # No search word spells the verdict's term.
    assert found("Vfalse") == [] and found("vfalse") == []


def test_an_unknown_verdict_is_refused() -> None:
    from minjian.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        selectors.CaseFilters.parse(verdict="rumour")

    assert (refused.value.code, refused.value.field) == ("unknown_verdict", "verdict")


def test_the_map_and_the_download_follow_the_verdict(
    client: Any, judged: tuple[Case, Case, Case]
) -> None:
    false = judged[0]

    counts = client.get("/cases/map/counts.json", {"verdict": "false", "level": "1"}).json()
    assert counts["total"] == 1
    rows = b"".join(client.get("/cases/export.csv", {"verdict": "false"}).streaming_content)
    lines = rows.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{false.pk},")
