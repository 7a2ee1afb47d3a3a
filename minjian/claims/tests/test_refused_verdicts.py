"""Bad input changes nothing: a verdict without a rationale or evidence, by someone who is
not a verifier, on a hidden case, confirmed by the same organisation or the same
verifier, or with evidence that is not the case's; each refused with its stable code and
field, and not a row written (claims, their log, the case's timeline, its verdict, or the
versions of the pages the public reads)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services as case_services
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.claims import services
from minjian.claims.tests.conftest import Snapshot
from minjian.claims.tests.factories import SOURCE, judge
from minjian.claims.validation import clean_evidence
from minjian.core.errors import DomainError
from minjian.orgs.models import Membership
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

Verdict = Case.Verdict


def _refused(snapshot: Callable[[], Snapshot], attempt: Callable[[], object]) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        attempt()
    assert snapshot() == before, "a refused verdict wrote something"
    return refused.value


def _citing(**item: object) -> dict[str, Any]:
    return {"evidence": [item]}


@pytest.mark.parametrize(
    ("arguments", "code", "field"),
    [
        ({"rationale": ""}, "rationale_required", "rationale"),
        ({"rationale": "   \n  "}, "rationale_required", "rationale"),
        ({"evidence": []}, "evidence_required", "evidence"),
        ({"rationale": "长" * 5001}, "rationale_too_long", "rationale"),
        ({"verdict": "rumour"}, "unknown_verdict", "verdict"),
        (_citing(kind="tweet", url="https://x.example"), "evidence_kind_unknown", "evidence"),
        (_citing(kind="link", url="javascript:alert(1)"), "evidence_link_invalid", "evidence"),
        (_citing(kind="link", url="ftp://example.org/a"), "evidence_link_invalid", "evidence"),
        (_citing(kind="document", path="//evil.example"), "evidence_document_invalid", "evidence"),
        (_citing(kind="document", path="http://a.b"), "evidence_document_invalid", "evidence"),
        (_citing(kind="response", event=999999), "evidence_response_unknown", "evidence"),
        (_citing(kind="photo", key="nope"), "evidence_photo_unknown", "evidence"),
        ({"evidence": [SOURCE] * 21}, "evidence_too_many", "evidence"),
        ({"organisation": "river-news"}, "not_a_verifier_of_organisation", "organisation"),
    ],
)  # fmt: skip
def test_a_verdict_without_what_it_needs_is_refused(
    case: Case,
    verifier: User,
    snapshot: Callable[[], Snapshot],
    arguments: dict[str, Any],
    code: str,
    field: str,
) -> None:
    make_organisation("river-news", verified=True)
    verdict = arguments.pop("verdict", Verdict.FALSE)

    refused = _refused(snapshot, lambda: judge(case, verifier, verdict, **arguments))

    assert (refused.code, refused.field) == (code, field)


def test_someone_without_the_verifier_role_is_refused(
    case: Case, user: User, snapshot: Callable[[], Snapshot]
) -> None:
    # A member of a verified organisation without the mark, an admin without it, and a
    # verifier of an organisation that is not verified (any more).
    verified = make_organisation("green-huai-river", verified=True, members=[user])
    admin = make_user("admin-chen")
    Membership.objects.create(organisation=verified, user=admin, role=Membership.Role.ADMIN)
    unverified = make_user("unverified-verifier")
    Membership.objects.create(
        organisation=make_organisation("small-group"), user=unverified, verifier=True
    )

    for actor in (user, admin, unverified, None):
        refused = _refused(snapshot, partial(judge, case, actor, Verdict.FALSE))
        assert (refused.code, refused.status) == ("not_a_verifier", 403)
    refused = _refused(
        snapshot,
        lambda: services.claim_write(
            actor=user, statement="网传", appearances=[{"platform": "微博"}]
        ),
    )
    assert refused.code == "not_a_verifier"


def test_a_hidden_case_or_one_not_public_is_refused(
    regions: dict[str, Region], verifier: User, staff: User, settings: Any,
    snapshot: Callable[[], Snapshot],
) -> None:  # fmt: skip
    hidden = make_case(regions["340321"])
    case_services.case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    waiting = make_case(regions["340321"])
    assert waiting.state == Case.State.SUBMITTED

    refused = _refused(snapshot, lambda: judge(hidden, verifier, Verdict.FALSE))
    assert (refused.code, refused.status) == ("hidden", 410)
    refused = _refused(snapshot, lambda: judge(waiting, verifier, Verdict.FALSE))
    assert (refused.code, refused.status) == ("not_found", 404)


def test_a_confirmation_by_the_same_organisation_or_verifier_is_refused(
    case: Case, verifier: User, staff: User, settings: Any, snapshot: Callable[[], Snapshot]
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    judge(case, verifier, Verdict.FALSE)
    colleague = make_user("guardian-zhou")
    Membership.objects.create(
        organisation=verifier.memberships.get().organisation, user=colleague, verifier=True
    )
    # The same verifier, now acting for another organisation she also verifies for.
    make_organisation("river-news", verified=True).memberships.create(user=verifier, verifier=True)

    refused = _refused(snapshot, lambda: judge(case, colleague, Verdict.FALSE))
    assert (refused.code, refused.field, refused.status) == (
        "same_organisation",
        "organisation",
        409,
    )
    refused = _refused(
        snapshot, lambda: judge(case, verifier, Verdict.FALSE, organisation="river-news")
    )
    assert (refused.code, refused.status) == ("same_verifier", 409)
    # Two members of staff acting as the site's staff are one organisation.
    judge(case, staff, Verdict.CORROBORATED)
    other_staff = make_user("moderator-2", is_staff=True)
    refused = _refused(snapshot, lambda: judge(case, other_staff, Verdict.CORROBORATED))
    assert refused.code == "same_organisation"


def test_a_verifier_of_several_organisations_must_choose(
    case: Case, verifier: User, snapshot: Callable[[], Snapshot]
) -> None:
    make_organisation("river-news", verified=True).memberships.create(user=verifier, verifier=True)

    refused = _refused(snapshot, lambda: judge(case, verifier, Verdict.FALSE))

    assert (refused.code, refused.field) == ("organisation_required", "organisation")


def test_a_written_claim_cites_no_response_or_photo(
    verifier: User, snapshot: Callable[[], Snapshot]
) -> None:
    claim = services.claim_write(
        actor=verifier, statement="网传淮河有死鱼。", appearances=[{"platform": "微博"}]
    )

    refused = _refused(
        snapshot,
        lambda: services.claim_verdict_give(
            actor=verifier,
            claim_id=claim.pk,
            verdict=Verdict.FALSE,
            rationale="不实。",
            evidence=[SOURCE, {"kind": "photo", "key": "abc"}],
        ),
    )

    assert (refused.code, refused.details) == ("evidence_needs_case", {"index": 1})


def test_a_response_of_another_case_or_held_for_a_moderator_is_not_evidence(
    regions: dict[str, Region], case: Case, verifier: User, snapshot: Callable[[], Snapshot]
) -> None:
    from minjian.orgs.models import Organisation

    agency = make_organisation("huai-bureau", kind=Organisation.Kind.AGENCY, verified=True)
    elsewhere = make_case(regions["340321"], title="另一件事")
    other = case_services.case_post_official_response(
        actor=verifier, organisation=agency, case_id=elsewhere.pk, note="已处理。"
    )
    # A member of an agency that is not trusted writes personal data: held.
    untrusted = make_user("clerk")
    held = case_services.case_post_official_response(
        actor=untrusted, organisation=agency, case_id=case.pk, note="联系电话13812345678"
    )
    assert held.payload.get("held")

    for event in (other, held):
        refused = _refused(
            snapshot,
            partial(
                judge,
                case,
                verifier,
                Verdict.FALSE,
                evidence=[{"kind": "response", "event": event.pk}],
            ),
        )
        assert refused.code == "evidence_response_unknown"


@pytest.mark.parametrize(
    ("appearances", "code"),
    [
        ([], "appearance_required"),
        ([{"url": "", "platform": ""}], "appearance_required"),
        ([{"url": "weibo.com/1"}], "appearance_url_invalid"),
        ([{"platform": "微博", "seen_on": "2024-13-01"}], "appearance_date_invalid"),
        ([{"platform": "微博", "seen_on": "2999-01-01"}], "appearance_in_future"),
        ([{"seen_on": "2024-01-01"}], "appearance_empty"),
        ([{"platform": "微" * 101}], "platform_too_long"),
        ([{"platform": "微博"}] * 11, "appearances_too_many"),
    ],
)
def test_a_claim_without_where_it_was_seen_is_refused(
    verifier: User, snapshot: Callable[[], Snapshot], appearances: list[Any], code: str
) -> None:
    refused = _refused(
        snapshot,
        lambda: services.claim_write(
            actor=verifier, statement="网传淮河有死鱼。", appearances=appearances
        ),
    )

    assert refused.code == code


def test_a_claim_without_a_statement_is_refused(
    verifier: User, snapshot: Callable[[], Snapshot]
) -> None:
    for statement, code in (("", "statement_required"), ("谣" * 2001, "statement_too_long")):
        refused = _refused(
            snapshot,
            partial(
                services.claim_write,
                actor=verifier,
                statement=statement,
                appearances=[{"platform": "微博"}],
            ),
        )
        assert (refused.code, refused.field) == (code, "statement")


_evidence_item = st.fixed_dictionaries(
    {"kind": st.sampled_from(["link", "document", "response", "photo", "other"])},
    optional={
        "url": st.text(max_size=40),
        "path": st.text(max_size=40),
        "event": st.one_of(st.integers(), st.text(max_size=5), st.booleans()),
        "key": st.one_of(st.text(max_size=40), st.integers()),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_evidence_item, max_size=4))
def test_evidence_is_accepted_only_in_its_safe_forms(items: list[dict[str, Any]]) -> None:
    """Whatever is sent, the parser refuses it with a DomainError or keeps only safe
    references: an http(s) address, a path of this site, a positive id, a short key."""
    try:
        parsed = clean_evidence(items)
    except DomainError as refused:
        assert refused.field == "evidence"
        assert refused.details["index"] in range(len(items))
        return
    for piece in parsed:
        if piece.kind == "link":
            assert isinstance(piece.reference, str)
            assert piece.reference.startswith(("http://", "https://"))
        elif piece.kind == "document":
            assert isinstance(piece.reference, str)
            assert piece.reference.startswith("/") and not piece.reference.startswith("//")
            assert "\\" not in piece.reference
        elif piece.kind == "response":
            assert isinstance(piece.reference, int) and piece.reference > 0
        else:
            assert piece.kind == "photo" and isinstance(piece.reference, str)
