"""The public accountability pages and their CSV downloads: read-only, for everyone.

An unknown organisation becomes a 404 page (minjian.core.middleware.DomainErrorMiddleware).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from minjian.accountability import charts, exports, selectors
from minjian.accountability.forms import SORT_CHOICES, LeagueForm, PeriodForm
from minjian.core.downloads import csv_download
from minjian.core.public_cache import (
    ACCOUNTABILITY,
    CASES,
    ORGANISATIONS,
    public_page,
    tags_for_everything,
)
from minjian.orgs.models import Organisation

CASES_PER_PAGE = 50
# The newest petitions delivered to an organisation shown on its page; its download has
# them all (an organisation receives far fewer petitions than cases).
PETITIONS_SHOWN = 50
# A national instance has thousands of organisations: the table shows them a page at a time.
ORGANISATIONS_PER_PAGE = 100
# Rows of the facts CSV read from the database at a time while the download is sent.
FACTS_READ_AT_ONCE = 2000


@dataclass(frozen=True)
class _League:
    """What the league page and its two downloads show, for the reader's choices."""

    form: LeagueForm
    filters: selectors.Filters
    sort: str
    table: list[selectors.LeagueRow]


def _league(request: HttpRequest) -> _League:
    form = LeagueForm(request.GET)
    filters = form.chosen_filters()
    sort = form.chosen_sort()
    return _League(
        form=form,
        filters=filters,
        sort=sort,
        table=selectors.league_table(selectors.organisation_figures(filters), sort),
    )


def _filter_params(filters: selectors.Filters, **extra: str) -> dict[str, str]:
    query = {"period": filters.period}
    if filters.organisation_kind:
        query["kind"] = filters.organisation_kind
    return {**query, **extra}


def _filter_query(filters: selectors.Filters, **extra: str) -> str:
    return urlencode(_filter_params(filters, **extra))


@public_page(tags_for_everything(ORGANISATIONS, ACCOUNTABILITY))
def league(request: HttpRequest) -> HttpResponse:
    league = _league(request)
    page = Paginator(league.table, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/league.html",
        {
            "form": league.form,
            "sort": league.sort,
            "period": league.filters.period,
            "table": page.object_list,
            "page": page,
            "query": _filter_params(league.filters, sort=league.sort),
            "sort_links": {
                key: "?" + _filter_query(league.filters, sort=key) for key, _label in SORT_CHOICES
            },
            "download_query": _filter_query(league.filters),
            "response_chart": charts.response_time_chart(league.table),
            "answered_chart": charts.answered_share_chart(league.table),
            "answer_time_chart": charts.answer_time_chart(league.table),
            "petitions_answered_chart": charts.petitions_answered_chart(league.table),
            "min_to_rank": selectors.MIN_TO_RANK,
        },
        status=200 if league.form.is_valid() else 400,
    )


def figures_csv(request: HttpRequest) -> StreamingHttpResponse:
    league = _league(request)
    return csv_download(
        f"minjian-accountability-{league.filters.period}.csv",
        exports.FIGURES_COLUMNS,
        exports.figures_rows(league.table),
    )


def _page_url(request: HttpRequest, view: str) -> exports.PageUrl:
    return lambda object_id: request.build_absolute_uri(reverse(view, args=[object_id]))


def _league_organisations(league: _League) -> dict[int, Organisation]:
    return {row.figures.organisation.pk: row.figures.organisation for row in league.table}


def cases_csv(request: HttpRequest) -> StreamingHttpResponse:
    league = _league(request)
    return csv_download(
        f"minjian-accountability-cases-{league.filters.period}.csv",
        exports.CASE_COLUMNS,
        exports.case_rows(
            selectors.case_facts(league.filters).iterator(chunk_size=FACTS_READ_AT_ONCE),
            _league_organisations(league),
            _page_url(request, "cases:detail"),
        ),
    )


def petitions_csv(request: HttpRequest) -> StreamingHttpResponse:
    league = _league(request)
    return csv_download(
        f"minjian-accountability-petitions-{league.filters.period}.csv",
        exports.PETITION_COLUMNS,
        exports.petition_rows(
            selectors.petition_facts(league.filters).iterator(chunk_size=FACTS_READ_AT_ONCE),
            _league_organisations(league),
            _page_url(request, "petitions:detail"),
        ),
    )


def _organisation(
    request: HttpRequest, slug: str
) -> tuple[PeriodForm, selectors.Filters, Organisation]:
    organisation = selectors.organisation_by_slug(slug)
    form = PeriodForm(request.GET)
    return form, form.chosen_filters(), organisation


# The titles of the cases listed are the cases' own: a case's change may change this page.
@public_page(tags_for_everything(ORGANISATIONS, ACCOUNTABILITY, CASES))
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    form, filters, organisation = _organisation(request, slug)
    figures = selectors.figures_of(organisation, filters)
    facts = selectors.case_facts(filters, organisation=organisation)
    newest_first = facts.order_by("-routed_at", "-case_id")
    page = Paginator(newest_first, CASES_PER_PAGE).get_page(request.GET.get("page"))
    titles = selectors.case_titles(fact.case_id for fact in page.object_list)
    petitions = selectors.petition_facts(filters, organisation=organisation).order_by(
        "-delivered_at", "-petition_id"
    )[:PETITIONS_SHOWN]
    return render(
        request,
        "accountability/organisation.html",
        {
            "form": form,
            "figures": figures,
            "organisation": figures.organisation,
            "page": page,
            "query": {"period": filters.period},
            "cases": [(fact, titles.get(fact.case_id, "")) for fact in page.object_list],
            "petitions": petitions,
            "petitions_shown": PETITIONS_SHOWN,
            "download_query": _filter_query(filters),
            "min_to_rank": selectors.MIN_TO_RANK,
        },
        status=200 if form.is_valid() else 400,
    )


def organisation_cases_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    _form, filters, organisation = _organisation(request, slug)
    facts = selectors.case_facts(filters, organisation=organisation)
    return csv_download(
        f"minjian-accountability-{organisation.slug}-cases-{filters.period}.csv",
        exports.CASE_COLUMNS,
        exports.case_rows(
            facts.iterator(chunk_size=FACTS_READ_AT_ONCE),
            {organisation.pk: organisation},
            _page_url(request, "cases:detail"),
        ),
    )


def organisation_petitions_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    _form, filters, organisation = _organisation(request, slug)
    facts = selectors.petition_facts(filters, organisation=organisation)
    return csv_download(
        f"minjian-accountability-{organisation.slug}-petitions-{filters.period}.csv",
        exports.PETITION_COLUMNS,
        exports.petition_rows(
            facts.iterator(chunk_size=FACTS_READ_AT_ONCE),
            {organisation.pk: organisation},
            _page_url(request, "petitions:detail"),
        ),
    )
