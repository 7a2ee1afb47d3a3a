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
from minjian.core.public_cache import CASES, ORGANISATIONS, public_page, tags_for_everything

CASES_PER_PAGE = 50


@dataclass(frozen=True)
class _League:
    """What the league page and its two downloads show, for the reader's choices."""

    form: LeagueForm
    filters: selectors.Filters
    sort: str
    table: list[selectors.LeagueRow]
    facts: list[selectors.CaseFacts]


def _league(request: HttpRequest) -> _League:
    form = LeagueForm(request.GET)
    filters = form.chosen_filters()
    sort = form.chosen_sort()
    figures = selectors.organisation_figures(filters)
    return _League(
        form=form,
        filters=filters,
        sort=sort,
        table=selectors.league_table([row for row, _facts in figures], sort),
        facts=[fact for _row, rows in figures for fact in rows],
    )


def _filter_query(filters: selectors.Filters, **extra: str) -> str:
    query = {"period": filters.period}
    if filters.organisation_kind:
        query["kind"] = filters.organisation_kind
    return urlencode({**query, **extra})


@public_page(tags_for_everything(ORGANISATIONS, CASES))
def league(request: HttpRequest) -> HttpResponse:
    league = _league(request)
    return render(
        request,
        "accountability/league.html",
        {
            "form": league.form,
            "sort": league.sort,
            "period": league.filters.period,
            "table": league.table,
            "sort_links": {
                key: "?" + _filter_query(league.filters, sort=key) for key, _label in SORT_CHOICES
            },
            "download_query": _filter_query(league.filters),
            "response_chart": charts.response_time_chart(league.table),
            "answered_chart": charts.answered_share_chart(league.table),
            "min_routed_to_rank": selectors.MIN_ROUTED_TO_RANK,
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


def _case_url(request: HttpRequest) -> exports.CaseUrl:
    return lambda case_id: request.build_absolute_uri(reverse("cases:detail", args=[case_id]))


def cases_csv(request: HttpRequest) -> StreamingHttpResponse:
    league = _league(request)
    organisations = {row.figures.organisation.pk: row.figures.organisation for row in league.table}
    return csv_download(
        f"minjian-accountability-cases-{league.filters.period}.csv",
        exports.CASE_COLUMNS,
        exports.case_rows(league.facts, organisations, _case_url(request)),
    )


def _organisation(
    request: HttpRequest, slug: str
) -> tuple[PeriodForm, selectors.Filters, selectors.OrganisationFigures, list[selectors.CaseFacts]]:
    organisation = selectors.organisation_by_slug(slug)
    form = PeriodForm(request.GET)
    filters = form.chosen_filters()
    figures, facts = selectors.figures_of(organisation, filters)
    return form, filters, figures, facts


@public_page(tags_for_everything(ORGANISATIONS, CASES))
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    form, filters, figures, facts = _organisation(request, slug)
    newest_first = sorted(facts, key=lambda f: (f.routed_at, f.case_id), reverse=True)
    page = Paginator(newest_first, CASES_PER_PAGE).get_page(request.GET.get("page"))
    titles = selectors.case_titles(fact.case_id for fact in page.object_list)
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
            "download_query": _filter_query(filters),
            "rankable": figures.rankable,
            "min_routed_to_rank": selectors.MIN_ROUTED_TO_RANK,
        },
        status=200 if form.is_valid() else 400,
    )


def organisation_cases_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    _form, filters, figures, facts = _organisation(request, slug)
    organisation = figures.organisation
    return csv_download(
        f"minjian-accountability-{organisation.slug}-cases-{filters.period}.csv",
        exports.CASE_COLUMNS,
        exports.case_rows(facts, {organisation.pk: organisation}, _case_url(request)),
    )
