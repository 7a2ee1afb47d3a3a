"""Bad merges change nothing: a case into itself, into a case that is not public (hidden,
waiting for review, merged), a cycle of merges, a case already merged or not public, a
decided or mismatched suggestion, someone who is not a verifier: each refused with its
own code, and not a row written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent, CasePhoto, CaseTally, DuplicateSuggestion
from minjian.cases.services_merge import case_merge, duplicate_confirm, duplicate_reject
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.cases.tests.test_merge import make_verifier
from minjian.core.errors import DomainError
from minjian.orgs.models import Membership
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db


def everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row a merge or a decision could write or change."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "pk", "state", "hidden_reason", "duplicate_of_id", "updated_at"
            )
        ),
        "events": list(CaseEvent.objects.order_by("pk").values_list("pk", "case_id", "kind")),
        "photos": list(CasePhoto.objects.order_by("pk").values_list("pk", "case_id", "position")),
        "suggestions": list(
            DuplicateSuggestion.objects.order_by("pk").values_list(
                "pk", "case_id", "original_id", "status", "decided_by_id"
            )
        ),
        "tallies": list(CaseTally.objects.order_by("pk").values_list("pk", "number")),
    }


@pytest.fixture
def cases(regions: dict[str, Region], staff: User, settings: Any) -> dict[str, Case]:
    """Two public cases with photos, one hidden, one waiting for review, and a pair merged
    (`merged` into `root`), with a suggestion for each public pair."""
    region = regions["340321"]
    public = make_case(region, title="造纸厂向淮河排污", photos=[jpeg_upload()])
    other = make_case(region, title="淮河边造纸厂排黑水", photos=[jpeg_upload()])
    hidden = make_case(region, title="广告")
    services.case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)
    root = make_case(region, title="河面漂着死鱼")
    merged = make_case(region, title="河里死鱼很多")
    case_merge(actor=staff, case_id=merged.pk, into_id=root.pk)
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    submitted = make_case(region, title="还在审核的报告")
    assert submitted.state == Case.State.SUBMITTED
    DuplicateSuggestion.objects.create(case=other, original=public, score=0.8)
    return {
        "public": public,
        "other": other,
        "hidden": hidden,
        "root": root,
        "merged": merged,
        "submitted": submitted,
    }


@pytest.mark.parametrize(
    ("case", "into", "code", "field"),
    [
        ("public", "public", "merge_into_itself", "into"),
        ("public", "hidden", "original_not_public", "into"),
        ("public", "submitted", "original_not_public", "into"),
        ("public", "merged", "into_merged_case", "into"),
        ("root", "merged", "merge_cycle", "into"),
        ("merged", "public", "already_merged", "case"),
        ("hidden", "public", "case_not_public", "case"),
        ("submitted", "public", "case_not_public", "case"),
        ("public", "missing", "not_found", "into"),
        ("missing", "public", "not_found", "case"),
    ],
)
def test_a_bad_merge_is_refused_and_changes_nothing(
    cases: dict[str, Case], case: str, into: str, code: str, field: str
) -> None:
    verifier, _organisation = make_verifier()
    ids = {name: found.pk for name, found in cases.items()} | {"missing": 10**12}
    before = everything()

    with pytest.raises(DomainError) as refused:
        case_merge(actor=verifier, case_id=ids[case], into_id=ids[into])

    assert (refused.value.code, refused.value.field) == (code, field)
    assert everything() == before


def test_merging_into_a_merged_case_names_its_original(cases: dict[str, Case]) -> None:
    verifier, _organisation = make_verifier()

    with pytest.raises(DomainError) as refused:
        case_merge(actor=verifier, case_id=cases["public"].pk, into_id=cases["merged"].pk)

    assert refused.value.details == {"original": cases["root"].pk}
    assert refused.value.status == 409


def not_a_verifier(name: str) -> User:
    """Members without the verifier mark, and verifiers of an unverified organisation."""
    user = make_user(name)
    if name == "member":
        organisation = make_organisation("verified-ngo", verified=True)
        Membership.objects.create(organisation=organisation, user=user, verifier=False)
    elif name == "unverified":
        organisation = make_organisation("unverified-ngo", verified=False)
        Membership.objects.create(organisation=organisation, user=user, verifier=True)
    return user


@pytest.mark.parametrize("name", ["someone", "member", "unverified"])
@pytest.mark.parametrize(
    "decide",
    [
        lambda actor, cases, suggestion: case_merge(
            actor=actor, case_id=cases["other"].pk, into_id=cases["public"].pk
        ),
        lambda actor, cases, suggestion: duplicate_confirm(actor=actor, suggestion_id=suggestion),
        lambda actor, cases, suggestion: duplicate_reject(actor=actor, suggestion_id=suggestion),
    ],
    ids=["merge", "confirm", "reject"],
)
def test_only_verifiers_and_staff_decide_of_duplicates(
    cases: dict[str, Case], name: str, decide: Callable[..., object]
) -> None:
    actor = not_a_verifier(name)
    suggestion = DuplicateSuggestion.objects.get()
    before = everything()

    with pytest.raises(DomainError) as refused:
        decide(actor, cases, suggestion.pk)

    assert (refused.value.code, refused.value.status) == ("not_a_verifier", 403)
    assert everything() == before


@pytest.mark.parametrize("decided", ["confirmed", "rejected"])
@pytest.mark.parametrize("decide", ["confirm", "reject"])
def test_a_decided_suggestion_is_not_decided_again(
    cases: dict[str, Case], decided: str, decide: str
) -> None:
    verifier, _organisation = make_verifier()
    DuplicateSuggestion.objects.update(status=decided)
    suggestion = DuplicateSuggestion.objects.get()
    before = everything()

    with pytest.raises(DomainError) as refused:
        if decide == "confirm":
            duplicate_confirm(actor=verifier, suggestion_id=suggestion.pk)
        else:
            duplicate_reject(actor=verifier, suggestion_id=suggestion.pk)

    assert (refused.value.code, refused.value.details) == (
        "suggestion_decided",
        {"status": decided},
    )
    assert everything() == before


def test_a_suggestion_confirms_only_its_own_pair(cases: dict[str, Case]) -> None:
    verifier, _organisation = make_verifier()
    suggestion = DuplicateSuggestion.objects.get()
    before = everything()

    with pytest.raises(DomainError) as refused:
        case_merge(
            actor=verifier,
            case_id=cases["public"].pk,
            into_id=cases["other"].pk,
            suggestion_id=suggestion.pk,
        )

    assert refused.value.code == "suggestion_mismatch"
    assert everything() == before


@pytest.mark.parametrize("decide", [duplicate_confirm, duplicate_reject])
def test_an_unknown_suggestion_is_not_found(
    cases: dict[str, Case], decide: Callable[..., object]
) -> None:
    verifier, _organisation = make_verifier()
    before = everything()

    with pytest.raises(DomainError) as refused:
        decide(actor=verifier, suggestion_id=10**12)

    assert (refused.value.code, refused.value.status) == ("unknown_suggestion", 404)
    assert everything() == before
