"""The figures of each organisation, computed from hand-built timelines (see timeline.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minjian.accountability.selectors import (
    Filters,
    OrganisationFigures,
    case_facts,
    figures_of,
    organisation_figures,
)
from minjian.accountability.tests.timeline import event, hours, routed
from minjian.accounts.models import User
from minjian.cases import services
from minjian.cases.models import Case, CaseEvent
from minjian.cases.tests.factories import make_case
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.places.models import Region

pytestmark = pytest.mark.django_db
Kind = CaseEvent.Kind


def figures_by_slug(filters: Filters | None = None) -> dict[str, OrganisationFigures]:
    return {
        figures.organisation.slug: figures for figures in organisation_figures(filters or Filters())
    }


def test_the_seed_story_an_agency_answering_in_66_hours(case: Case, agency: Organisation) -> None:
    routed(case, agency, hours(0))
    event(case, Kind.OFFICIAL_RESPONSE, hours(66), agency, note="已责令停产整改。")
    event(case, Kind.RESOLVED, hours(100))

    figures = figures_by_slug()["bengbu-ecology"]

    assert (figures.routed, figures.acknowledged, figures.answered, figures.resolved) == (
        1,
        0,
        1,
        1,
    )
    assert figures.responded == 1
    assert figures.response_rate == 1.0
    assert figures.median_first_response == figures.p90_first_response == timedelta(hours=66)
    assert figures.median_resolution == figures.p90_resolution == timedelta(hours=100)


def test_medians_and_90th_percentiles_over_several_cases(
    regions: dict[str, Region], agency: Organisation
) -> None:
    answer_after = [5, 1, 66, 30, 240, 2, 12, 48, 8, 3]
    for number, delay in enumerate(answer_after):
        case = make_case(regions["340321"], title=f"案例 {number}")
        routed(case, agency, hours(number))
        event(case, Kind.PUBLIC_UPDATE, hours(number + delay), agency, note="收到")
    unanswered = make_case(regions["340321"], title="无人回应")
    routed(unanswered, agency, hours(0))

    figures = figures_by_slug()["bengbu-ecology"]

    # Sorted: 1 2 3 5 8 12 30 48 66 240; ranks ⌈10 × 0.5⌉ = 5 and ⌈10 × 0.9⌉ = 9.
    assert figures.median_first_response == timedelta(hours=8)
    assert figures.p90_first_response == timedelta(hours=66)
    assert (figures.routed, figures.responded, figures.answered) == (11, 10, 10)
    assert figures.response_rate == pytest.approx(10 / 11)


def test_the_first_response_is_the_earliest_of_acknowledgement_update_and_official_response(
    case: Case, agency: Organisation
) -> None:
    routed(case, agency, hours(0))
    event(case, Kind.OFFICIAL_RESPONSE, hours(30), agency, note="答复")
    event(case, Kind.ACKNOWLEDGED, hours(4), agency)

    [facts] = case_facts(Filters())

    assert facts.first_response_kind == Kind.ACKNOWLEDGED
    assert facts.time_to_first_response == timedelta(hours=4)
    assert (facts.acknowledged, facts.answered) == (True, True)


def test_only_the_organisations_own_events_count(
    case: Case, agency: Organisation, ngo: Organisation
) -> None:
    routed(case, agency, hours(0))
    # The NGO answers a case routed to the agency: that is not the agency's answer,
    # and the NGO, to which nothing was routed, has no figures.
    event(case, Kind.PUBLIC_UPDATE, hours(2), ngo, note="我们已转告")
    event(case, Kind.ACKNOWLEDGED, hours(3), ngo)
    # An acknowledgement without an organisation (a moderator's) is no one's response.
    event(case, Kind.ACKNOWLEDGED, hours(4))

    figures = figures_by_slug()

    assert set(figures) == {"bengbu-ecology"}
    agency_figures = figures["bengbu-ecology"]
    assert (agency_figures.acknowledged, agency_figures.answered, agency_figures.responded) == (
        0,
        0,
        0,
    )
    assert agency_figures.median_first_response is None


def test_internal_notes_are_never_answers(case: Case, agency: Organisation) -> None:
    routed(case, agency, hours(0))
    event(case, Kind.INTERNAL_NOTE, hours(1), agency, internal=True, note="先查排污许可证")
    event(case, Kind.PUBLIC_UPDATE, hours(9), agency, internal=True, note="误标为内部")

    figures = figures_by_slug()["bengbu-ecology"]
    assert (figures.answered, figures.responded) == (0, 0)

    event(case, Kind.PUBLIC_UPDATE, hours(5), agency, note="已派人核查")

    figures = figures_by_slug()["bengbu-ecology"]
    assert figures.answered == 1
    assert figures.median_first_response == timedelta(hours=5)


def test_a_case_routed_to_two_organisations_counts_for_each_from_its_own_routing(
    case: Case, agency: Organisation, ngo: Organisation
) -> None:
    routed(case, ngo, hours(0))
    routed(case, agency, hours(24))
    # Routed again later (another rule matched): the first routing counts.
    routed(case, agency, hours(40))
    event(case, Kind.ACKNOWLEDGED, hours(30), agency)
    event(case, Kind.ACKNOWLEDGED, hours(2), ngo)

    figures = figures_by_slug()

    assert figures["bengbu-ecology"].median_first_response == timedelta(hours=6)
    assert figures["bengbu-ecology"].routed == 1
    assert figures["huai-river-guardians"].median_first_response == timedelta(hours=2)


def test_a_response_before_the_routing_takes_no_time(case: Case, ngo: Organisation) -> None:
    event(case, Kind.ACKNOWLEDGED, hours(1), ngo)
    routed(case, ngo, hours(5))

    [facts] = case_facts(Filters())

    assert facts.time_to_first_response == timedelta(0)


def test_only_a_resolution_after_the_routing_counts(case: Case, agency: Organisation) -> None:
    event(case, Kind.RESOLVED, hours(1))
    routed(case, agency, hours(10))
    # In the same second is not after: the contract says "after routing".
    event(case, Kind.RESOLVED, hours(10) + timedelta(microseconds=500))

    assert figures_by_slug()["bengbu-ecology"].resolved == 0

    # Reopened and resolved again, by someone else than the agency.
    event(case, Kind.RESOLVED, hours(58))

    figures = figures_by_slug()["bengbu-ecology"]
    assert figures.resolved == 1
    assert figures.median_resolution == timedelta(hours=48)


def test_times_are_taken_to_the_second(case: Case, agency: Organisation) -> None:
    routed(case, agency, hours(0) + timedelta(microseconds=900_000))
    event(case, Kind.ACKNOWLEDGED, hours(1) + timedelta(microseconds=100_000), agency)

    [facts] = case_facts(Filters())

    assert facts.routed_at == hours(0)
    assert facts.time_to_first_response == timedelta(hours=1)


def test_a_hidden_case_leaves_the_figures(
    regions: dict[str, Region], agency: Organisation, staff: User
) -> None:
    kept, hidden = make_case(regions["340321"]), make_case(regions["340321"], title="另一案例")
    for case in (kept, hidden):
        routed(case, agency, hours(0))
        event(case, Kind.ACKNOWLEDGED, hours(1), agency)

    services.case_hide(actor=staff, case_id=hidden.pk, reason=Case.HiddenReason.SPAM)

    assert [f.case_id for f in case_facts(Filters())] == [kept.pk]
    assert figures_by_slug()["bengbu-ecology"].routed == 1


def test_the_period_chooses_cases_by_when_they_were_routed(
    regions: dict[str, Region], agency: Organisation
) -> None:
    now = timezone.now()
    recent, older = make_case(regions["340321"]), make_case(regions["340321"], title="旧案")
    routed(recent, agency, now - timedelta(days=3))
    routed(older, agency, now - timedelta(days=40))
    # Answered recently, but routed before the period: still out of the last 30 days.
    event(older, Kind.ACKNOWLEDGED, now - timedelta(days=1), agency)

    def routed_cases(period: str) -> list[int]:
        return [f.case_id for f in case_facts(Filters(period=period), now=now)]

    assert routed_cases("30") == [recent.pk]
    assert sorted(routed_cases("90")) == sorted([recent.pk, older.pk])
    assert sorted(routed_cases("all")) == sorted([recent.pk, older.pk])


def test_the_kind_filter_keeps_one_kind_of_organisation(
    case: Case, agency: Organisation, ngo: Organisation
) -> None:
    informal = make_organisation("river-volunteers", kind=Organisation.Kind.INFORMAL)
    for organisation in (agency, ngo, informal):
        routed(case, organisation, hours(0))

    assert set(figures_by_slug(Filters(organisation_kind="agency"))) == {"bengbu-ecology"}
    assert set(figures_by_slug(Filters(organisation_kind="informal"))) == {"river-volunteers"}
    assert len(figures_by_slug()) == 3


def test_one_organisations_figures_equal_its_row_among_all(
    case: Case, agency: Organisation, ngo: Organisation
) -> None:
    for organisation, delay in ((agency, 66), (ngo, 3)):
        routed(case, organisation, hours(0))
        event(case, Kind.PUBLIC_UPDATE, hours(delay), organisation, note="收到")

    alone = figures_of(agency, Filters())

    assert alone == figures_by_slug()["bengbu-ecology"]
    assert [f.organisation_id for f in case_facts(Filters(), organisation=agency)] == [agency.pk]


def test_no_routed_case_no_figures(case: Case, agency: Organisation) -> None:
    event(case, Kind.ACKNOWLEDGED, hours(1), agency)

    assert organisation_figures(Filters()) == []
    figures = figures_of(agency, Filters())
    facts = list(case_facts(Filters(), organisation=agency))
    assert (figures.routed, facts, figures.response_rate, figures.median_first_response) == (
        0,
        [],
        None,
        None,
    )


@pytest.mark.parametrize("count", [2, 12])
def test_the_number_of_queries_does_not_grow_with_the_organisations(
    regions: dict[str, Region], count: int, django_assert_max_num_queries: Any
) -> None:
    cases = [make_case(regions["340321"], title=f"案例 {n}") for n in range(3)]
    for number in range(count):
        organisation = make_organisation(f"org-{number}", name_zh=f"组织{number}")
        for case in cases:
            routed(case, organisation, hours(number))
            event(case, Kind.ACKNOWLEDGED, hours(number + 1), organisation)
            event(case, Kind.RESOLVED, hours(number + 2))

    with django_assert_max_num_queries(4):
        figures = organisation_figures(Filters())

    assert len(figures) == count
