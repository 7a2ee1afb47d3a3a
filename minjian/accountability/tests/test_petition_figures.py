"""Petitions count like cases in every accountability figure: the kept facts and the
figures equal a recomputation from the petitions' timelines after each delivery and
answer; a petition answered late or never shows as such on the pages, in the CSV and
the API, in both languages."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minjian.accountability.facts import to_second
from minjian.accountability.models import DeliveredPetition
from minjian.accountability.selectors import (
    Filters,
    PetitionFigures,
    figures_of,
    organisation_figures,
)
from minjian.accountability.tests.percentiles import nearest_rank
from minjian.accountability.tests.petitions import answered, delivered
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions.models import Petition, PetitionEvent

pytestmark = pytest.mark.django_db
Kind = PetitionEvent.Kind
Row = tuple[int, int, datetime, datetime | None, int | None]


@pytest.fixture
def official(db: Any) -> User:
    return make_user("bureau-official")


@pytest.fixture
def bureau(official: User) -> Organisation:
    return make_organisation(
        "huaibei-water",
        kind=Organisation.Kind.AGENCY,
        name_zh="淮北市水务局",
        name_en="Huaibei Water Bureau",
        members=[official],
        verified=True,
    )


@pytest.fixture
def start(db: Any) -> datetime:
    """An hour from now, to the second: deliveries and answers come after the petitions
    were written and closed."""
    return to_second(timezone.now()) + timedelta(hours=1)


def at(start: datetime, hours: float) -> datetime:
    return start + timedelta(hours=hours)


def kept() -> set[Row]:
    return set(
        DeliveredPetition.objects.values_list(
            "organisation_id", "petition_id", "delivered_at", "answered_at", "answer_seconds"
        )
    )


def recomputed() -> set[Row]:
    """The facts computed again from every petition's public timeline: its delivery to
    the organisation it addresses and that organisation's answer."""
    rows = set()
    for petition in Petition.objects.filter(addressed_organisation__isnull=False):
        times = {
            kind: to_second(moment)
            for kind, moment in petition.events.filter(kind__in=(Kind.DELIVERED, Kind.ANSWERED))
            .order_by("-created_at")
            .values_list("kind", "created_at")
        }
        if Kind.DELIVERED not in times:
            continue
        answered_at = times.get(Kind.ANSWERED)
        seconds = (
            None
            if answered_at is None
            else int((answered_at - times[Kind.DELIVERED]).total_seconds())
        )
        rows.add(
            (
                petition.addressed_organisation_id,
                petition.pk,
                times[Kind.DELIVERED],
                answered_at,
                seconds,
            )
        )
    return rows  # type: ignore[return-value]  # addressed_organisation_id is not None here


def recomputed_figures(organisation: Organisation) -> PetitionFigures:
    rows = [row for row in recomputed() if row[0] == organisation.pk]
    seconds = [row[4] for row in rows if row[4] is not None]

    def rank(percent: int) -> timedelta | None:
        value = nearest_rank(seconds, percent)
        return None if value is None else timedelta(seconds=value)

    return PetitionFigures(
        delivered=len(rows),
        answered=len(seconds),
        median_time_to_answer=rank(50),
        p90_time_to_answer=rank(90),
    )


def assert_figures_equal_a_recomputation(organisations: list[Organisation]) -> None:
    assert kept() == recomputed()
    league = {row.organisation.pk: row for row in organisation_figures(Filters())}
    for organisation in organisations:
        expected = recomputed_figures(organisation)
        assert figures_of(organisation, Filters()).petitions == expected
        if expected.delivered:
            assert league[organisation.pk].petitions == expected
            # Petitions are no cases: the figures of cases stay empty.
            assert league[organisation.pk].routed == 0
        else:
            assert organisation.pk not in league


def test_the_figures_equal_a_recomputation_after_each_delivery_and_answer(
    start: datetime, bureau: Organisation, official: User, agency: Organisation
) -> None:
    clerk = make_user("agency-clerk")
    agency.memberships.create(user=clerk)
    organisations = [bureau, agency]
    assert_figures_equal_a_recomputation(organisations)
    first = delivered(bureau, at(start, 0))
    assert_figures_equal_a_recomputation(organisations)
    answered(first, official, at(start, 66))
    assert_figures_equal_a_recomputation(organisations)
    late = delivered(bureau, at(start, 1))
    never = delivered(bureau, at(start, 2))
    elsewhere = delivered(agency, at(start, 3))
    assert_figures_equal_a_recomputation(organisations)
    answered(late, official, at(start, 1 + 240))
    answered(elsewhere, clerk, at(start, 3.5))
    assert_figures_equal_a_recomputation(organisations)

    figures = figures_of(bureau, Filters()).petitions
    assert (figures.delivered, figures.answered) == (3, 2)
    assert figures.answered_share == pytest.approx(2 / 3)
    assert figures.median_time_to_answer == timedelta(hours=66)
    assert figures.p90_time_to_answer == timedelta(hours=240)
    assert never.pk in {row[1] for row in kept() if row[3] is None}


def test_the_period_chooses_petitions_by_their_delivery(
    bureau: Organisation, official: User
) -> None:
    long_ago = to_second(timezone.now()) - timedelta(days=400)
    old = delivered(bureau, long_ago)
    answered(old, official, long_ago + timedelta(hours=5))
    delivered(bureau, to_second(timezone.now()) - timedelta(days=3))

    this_year = figures_of(bureau, Filters(period="365")).petitions
    ever = figures_of(bureau, Filters(period="all")).petitions

    assert (this_year.delivered, this_year.answered) == (1, 0)
    assert this_year.median_time_to_answer is None
    assert (ever.delivered, ever.answered) == (2, 1)
    assert ever.median_time_to_answer == timedelta(hours=5)


@pytest.fixture
def late_and_never(start: datetime, bureau: Organisation, official: User) -> list[Petition]:
    """Three petitions to the bureau: answered in 66 hours, answered after ten days,
    never answered."""
    quick, late, never = (delivered(bureau, at(start, number)) for number in range(3))
    answered(quick, official, at(start, 66))
    answered(late, official, at(start, 1 + 240))
    return [quick, late, never]


def test_a_petition_answered_late_or_never_shows_as_such_on_the_pages(
    client: Client, late_and_never: list[Petition]
) -> None:
    quick, late, never = late_and_never

    league = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    page = client.get("/accountability/huaibei-water/", HTTP_ACCEPT_LANGUAGE="en")

    table = league.split('id="league-table"')[1]
    row = table.split("Huaibei Water Bureau</a>")[1].split("</tr>")[0]
    cells = [cell.strip() for cell in row.split('<td class="number">')[1:]]
    # Cases (none), then delivered, answered, share, median and 90th percentile.
    assert [cell.removesuffix("</td>").strip() for cell in cells[-5:]] == [
        "3",
        "2",
        "67%",
        "66 hours",
        "10.0 days",
    ]
    assert 'id="chart-petition-answer-time"' in league
    assert 'id="chart-petitions-answered"' in league
    assert 'id="chart-answered"' not in league  # no case was routed to it
    assert "67% (2/3)" in league

    html = page.content.decode()
    assert page.status_code == 200
    petitions = html.split('id="petitions"')[1]
    rows = {
        petition.pk: petitions.split(f'href="/petitions/{petition.pk}/"')[1].split("</tr>")[0]
        for petition in (quick, late, never)
    }
    assert "66 hours" in rows[quick.pk]
    assert "10.0 days" in rows[late.pk]
    assert "No answer yet" in rows[never.pk]
    assert "No answer yet" not in rows[quick.pk] + rows[late.pk]
    assert f"#{never.pk} {never.title}" in rows[never.pk]
    assert "Not ranked by the figures of petitions" in petitions


def csv_rows(response: Any) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


def test_the_downloads_and_the_api_show_the_late_and_the_unanswered_petition(
    client: Client, late_and_never: list[Petition]
) -> None:
    quick, late, never = late_and_never

    facts = {
        int(row["petition_id"]): row
        for row in csv_rows(client.get("/accountability/huaibei-water/petitions.csv"))
    }
    every = csv_rows(client.get("/accountability/petitions.csv"))
    [figures] = csv_rows(client.get("/accountability/figures.csv"))
    [api] = client.get("/api/v1/accountability?sort=median_answer").json()

    assert set(facts) == {quick.pk, late.pk, never.pk}
    assert [row["petition_id"] for row in every] == [str(p.pk) for p in (quick, late, never)]
    assert facts[never.pk]["answered_at"] == facts[never.pk]["answer_seconds"] == ""
    assert facts[late.pk]["answer_seconds"] == str(241 * 3600 - 3600)
    for row in (facts[quick.pk], facts[late.pk]):
        seconds = _parsed(row["answered_at"]) - _parsed(row["delivered_at"])
        assert row["answer_seconds"] == str(int(seconds.total_seconds()))
    assert facts[never.pk]["petition_url"] == f"http://testserver/petitions/{never.pk}/"
    assert {
        key: figures[key]
        for key in figures
        if key.startswith(("petitions", "median_time", "p90_time"))
    } == {
        "petitions_delivered": "3",
        "petitions_answered": "2",
        "petitions_answered_share": "0.6667",
        "median_time_to_answer_seconds": str(66 * 3600),
        "p90_time_to_answer_seconds": str(240 * 3600),
    }
    assert figures["routed"] == "0"
    assert api["organisation"] == "huaibei-water"
    assert api["rank"] is None  # three petitions: too few to take a place
    assert (api["petitions_delivered"], api["petitions_answered"]) == (3, 2)
    assert api["median_time_to_answer_seconds"] == 66 * 3600
    assert api["p90_time_to_answer_seconds"] == 240 * 3600


def _parsed(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def test_the_pages_of_petitions_in_chinese(client: Client, late_and_never: list[Petition]) -> None:
    never = late_and_never[2]

    league = client.get("/accountability/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    page = client.get(
        "/accountability/huaibei-water/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    for chinese in (
        "收到的请愿",
        "已答复的请愿",
        "请愿答复比例",
        "答复请愿中位用时",
        "答复请愿用时",
    ):
        assert chinese in league
    assert "66 小时" in league
    assert "淮北市水务局" in page
    assert f"#{never.pk} {never.title}" in page
    assert "尚未答复" in page
    assert "答复用时" in page
    for english in ("Petitions delivered", "No answer yet", "Time to answer"):
        assert english not in league + page


def test_an_organisation_without_petitions_shows_none(client: Client, bureau: Organisation) -> None:
    html = client.get("/accountability/huaibei-water/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "No petition has been delivered to this organisation in this period." in html
    assert "Not ranked by the figures of petitions" not in html
