"""Finding public cases: by topic, place, state and words, for the list, the map and the
API; ranked by their text, each result with the snippet that matched."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Count, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import Case
from minjian.cases.selectors import public_case_count, public_case_list
from minjian.core.errors import DomainError
from minjian.core.models import localized
from minjian.places.models import Region
from minjian.places.selectors import region_filter, region_with_code, regions_named
from minjian.redaction import render_redactions
from minjian.search.models import SearchDocument
from minjian.search.text import fold, query_terms
from minjian.topics.models import Topic
from minjian.topics.selectors import topic_filter

# How much a match in each field counts, title first (see `_rank`).
TITLE_WEIGHT = 1.0
DESCRIPTION_WEIGHT = 0.4
UPDATES_WEIGHT = 0.2
SNIPPET_LENGTH = 120
# How much of the snippet comes before the first match.
SNIPPET_LEAD = 30
ELLIPSIS = "…"
# A search counts its matches up to this many and no further: counting every match of
# a common term costs more than the page itself (see docs/benchmarks.md). Above it,
# only the most recently reported this many are ranked and listed (see `capped`).
SEARCH_COUNT_CAP = 1000


# Longer searches are refused rather than cut: a cut one would find other cases.
SEARCH_MAX_LENGTH = 200


@dataclass(frozen=True)
class CaseFilters:
    """The filters of the case list, shared by the web list, the map and the API."""

    topic: Topic | None = None
    region: Region | None = None
    state: str | None = None
    # The public verdict of verifiers (`Case.Verdict`).
    verdict: str | None = None
    # Words to search for, as typed, and the terms they make (`text.query_terms`).
    q: str = ""
    terms: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls,
        *,
        topic: str | None = None,
        region: str | None = None,
        state: str | None = None,
        q: str | None = None,
        verdict: str | None = None,
    ) -> CaseFilters:
        """From query-string values; an unknown topic, region, state or verdict, or a
        search longer than SEARCH_MAX_LENGTH, is a DomainError. A search without a word
        in it (only spaces or punctuation) lists every case."""
        q = (q or "").strip()
        if len(q) > SEARCH_MAX_LENGTH:
            raise DomainError(
                "query_too_long",
                _("Search for at most %(limit)d characters.") % {"limit": SEARCH_MAX_LENGTH},
                field="q",
            )
        found_topic = topic_filter(topic)
        found_region = region_filter(region)
        if state and state not in Case.PUBLIC_STATES:
            raise DomainError("unknown_state", _("There is no such state."), field="state")
        if verdict and verdict not in Case.Verdict.values:
            raise DomainError("unknown_verdict", _("There is no such verdict."), field="verdict")
        return cls(
            topic=found_topic,
            region=found_region,
            state=state or None,
            verdict=verdict or None,
            q=q,
            terms=tuple(query_terms(q)),
        )

    def as_query(self) -> dict[str, str]:
        query = {}
        if self.topic:
            query["topic"] = self.topic.slug
        if self.region:
            query["region"] = self.region.code
        if self.state:
            query["state"] = self.state
        if self.verdict:
            query["verdict"] = self.verdict
        if self.q:
            query["q"] = self.q
        return query


def find_cases(filters: CaseFilters) -> QuerySet[Case]:
    """Public cases matching the filters, ready for a list page: newest published first,
    or with search terms the SEARCH_COUNT_CAP + 1 most recently reported holding them
    all, best match first (`matching`); pages count and list them with `capped`."""
    if filters.terms:
        return matching(public_case_list(), filters).prefetch_related("search_document")
    return filtered_cases(filters)


def filtered_cases(filters: CaseFilters) -> QuerySet[Case]:
    """Public cases under every filter but the words (`public_case_list`), newest first."""
    cases = public_case_list(topic=filters.topic, region=filters.region, state=filters.state)
    if filters.verdict:
        cases = cases.filter(verdict=filters.verdict)
    return cases


def case_count(filters: CaseFilters) -> int:
    """How many cases `find_cases` lists without words, from the tallies, which count no
    verdicts. With a verdict, the cases judged are counted (few, found by the index on
    the verdict), and the unverified as all the others: nearly every case, too many to
    count one by one."""
    counted = public_case_count(topic=filters.topic, region=filters.region, state=filters.state)
    if not filters.verdict:
        return counted
    unfiltered = CaseFilters(topic=filters.topic, region=filters.region, state=filters.state)
    if filters.verdict == Case.Verdict.UNVERIFIED:
        judged = [verdict for verdict in Case.Verdict.values if verdict != filters.verdict]
        return counted - _count(filtered_cases(unfiltered).filter(verdict__in=judged))
    return _count(filtered_cases(filters))


def _count(cases: QuerySet[Case]) -> int:
    return cases.select_related(None).prefetch_related(None).order_by().count()


# The columns of the cases' CSV download: stable English names for scripts; the texts
# and names in the reader's language; times in UTC; the point as published (coarsened).
EXPORT_COLUMNS = (
    "case_id",
    "case_url",
    "title",
    "description",
    "topic",
    "region_code",
    "region",
    "state",
    "state_label",
    "published_at",
    "latitude",
    "longitude",
)
# Cases read per query of the download: it holds no more than these in memory.
EXPORT_CHUNK = 2000


def export_rows(
    filters: CaseFilters, *, language: str, case_url: Callable[[int], str]
) -> Iterator[list[str]]:
    """Every public case matching the filters (with search terms, those holding them all),
    oldest first, as rows of EXPORT_COLUMNS in `language`: read a chunk at a time after
    the last id read (keyset), so a download of a million cases holds one chunk in memory
    and takes as long for its last chunk as for its first. Read while the answer is sent,
    after the view has returned: the language is set here, not taken from the request."""
    cases = filtered_cases(filters)
    if filters.terms:
        cases = holding(cases, filters.terms)
    columns = (
        cases.select_related(None)
        .prefetch_related(None)
        .order_by("id")
        .values_list(
            "id",
            "title",
            "description",
            "topic__slug",
            "region_id",
            "state",
            "published_at",
            "latitude",
            "longitude",
        )
    )
    with translation.override(language):
        regions = {
            region_id: (code, localized(name_zh, name_en))
            for region_id, code, name_zh, name_en in Region.objects.values_list(
                "id", "code", "name_zh", "name_en"
            )
        }
        states = {state.value: str(state.label) for state in Case.State}
        last_id = 0
        while chunk := list(columns.filter(id__gt=last_id)[:EXPORT_CHUNK]):
            for pk, title, description, topic, region_id, state, published, lat, lng in chunk:
                code, region = regions[region_id]
                yield [
                    str(pk),
                    case_url(pk),
                    render_redactions(title),
                    render_redactions(description),
                    topic,
                    code,
                    region,
                    state,
                    states[state],
                    published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if published else "",
                    "" if lat is None else str(lat),
                    "" if lng is None else str(lng),
                ]
            if len(chunk) < EXPORT_CHUNK:
                break
            last_id = chunk[-1][0]


@dataclass(frozen=True)
class PlaceChoice:
    """What a region's name typed in the list's filter comes to: the region, or the
    regions it may mean when it names several (or starts the names of several)."""

    region: Region | None = None
    choices: tuple[Region, ...] = ()


def region_for_place(text: str, *, chosen_code: str | None = None) -> PlaceChoice:
    """The region a reader means by `text`, typed as a name in Chinese, pinyin or
    English, or as a code.

    `chosen_code` is the code of the region the filter holds already: when `text` is
    still its name (as the form shows it), it stays, so that one of two 城关区, once
    picked, is kept. Otherwise the one region whose whole name it is, else the one
    whose name it starts; several are choices. Blank text is no region; a name of none is a
    DomainError ("unknown_place", field "place").
    """
    text = text.strip()
    if not text:
        return PlaceChoice()
    chosen = region_with_code(chosen_code) if chosen_code else None
    if chosen is not None and text in (chosen.code, chosen.name_zh, chosen.name_en, chosen.name):
        return PlaceChoice(region=chosen)
    by_code = region_with_code(text)
    if by_code is not None:
        return PlaceChoice(region=by_code)
    named = regions_named(text)
    whole = [region for region in named if getattr(region, "rank", 1) == 0]
    candidates = whole or named
    if not candidates:
        raise DomainError(
            "unknown_place",
            _("No region is called “%(name)s”.") % {"name": text},
            field="place",
        )
    if len(candidates) == 1:
        return PlaceChoice(region=candidates[0])
    return PlaceChoice(choices=tuple(candidates))


@dataclass(frozen=True)
class RegionCounts:
    """How many public cases match the filters in each region of one level."""

    level: int
    # By the code of the region at `level` they lie in; a region without any is left out.
    by_region: dict[str, int]
    # Every matching case, counted or not: one placed only in a region above `level`
    # (a province, when prefectures are counted) lies in none of them.
    total: int


# The levels a map colours by their count of cases: the choropleth is for looking at a
# province or the country, where counties are too small to see.
COUNTED_LEVELS = (Region.Level.PROVINCE, Region.Level.PREFECTURE)
# How long counts are kept in the shared cache: a case published since shows on the
# map's colours after at most this long (its mark and its line in the list at once).
# Counting a million cases reads all of them (docs/benchmarks.md, "The map's counts").
COUNTS_CACHE_SECONDS = 120


def case_counts_by_region(filters: CaseFilters, level: int) -> RegionCounts:
    """The public cases matching `filters`, counted per region of `level` (1 provinces,
    2 prefectures), for the map's choropleth; kept COUNTS_CACHE_SECONDS in the cache.

    One grouped query over the cases, by the region each lies in (a few thousand
    groups at most, however many cases), and one for the regions' paths and levels;
    each group is then added to its ancestor of that level, read from the region's
    path. No case is loaded. An unknown level is a DomainError.
    """
    if level not in COUNTED_LEVELS:
        raise DomainError(
            "unknown_level",
            _("Cases are counted by province (1) or prefecture (2)."),
            field="level",
        )
    described = json.dumps([level, sorted(filters.as_query().items())], ensure_ascii=False)
    key = "search:map-counts:" + hashlib.sha256(described.encode()).hexdigest()
    counts: RegionCounts | None = cache.get(key)
    if counts is None:
        counts = _counted(filters, level)
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def _counted(filters: CaseFilters, level: int) -> RegionCounts:
    cases = filtered_cases(filters)
    if filters.terms:
        cases = holding(cases, filters.terms)
    # By the region's id, without a join: the grouping reads nothing but the cases.
    groups = (
        cases.prefetch_related(None).order_by().values_list("region_id").annotate(count=Count("pk"))
    )
    regions = list(Region.objects.values_list("pk", "path", "code", "level"))
    paths = {pk: path for pk, path, _code, _level in regions}
    codes_of_level = {code for _pk, _path, code, region_level in regions if region_level == level}
    by_region: dict[str, int] = {}
    total = 0
    for region_id, count in groups:
        total += count
        path = paths.get(region_id, "")
        ancestor = next((code for code in path.split("/") if code in codes_of_level), None)
        if ancestor is not None:
            by_region[ancestor] = by_region.get(ancestor, 0) + count
    return RegionCounts(level=level, by_region=by_region, total=total)


def matching(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    """The cases of `cases` among the SEARCH_COUNT_CAP + 1 most recently reported whose
    document holds every term of `filters` and lies under its topic, region and state,
    best first.

    The words, the filters and the most recent matches are all found in the full-text
    index, and only these few matches are ranked (`_ranked_newest`), so that a search
    costs about as much whatever the number of its matches. Each case gets
    `search_rank` (higher is better); ties go to the most recently reported.
    """
    ranked = _ranked_newest(filters, SEARCH_COUNT_CAP + 1)
    # The ranks, as ",id:rank,id:rank,": each case reads its own there, so that the
    # database sorts the page without ranking again.
    listed = "," + "".join(f"{pk}:{rank!r}," for pk, rank in ranked)
    if connection.vendor == "postgresql":
        at = "strpos(%s, ',' || \"cases_case\".\"id\" || ':')"
        after = f'substr(%s, {at} + length("cases_case"."id"::text) + 2, 30)'
        rank = f"CAST(split_part({after}, ',', 1) AS DOUBLE PRECISION)"
    else:
        at = "instr(%s, ',' || \"cases_case\".\"id\" || ':')"
        # SQLite's CAST reads the number at the start of the text and ignores the rest.
        rank = f'CAST(substr(%s, {at} + length("cases_case"."id") + 2, 30) AS DOUBLE PRECISION)'
    # The ids written out, not a list of parameters: a query with a thousand of them
    # costs more to build and copy in Django than to run (they are the database's own
    # integers).
    among = ",".join(str(int(pk)) for pk, _rank in ranked) or "NULL"
    ordered = (
        cases.filter(RawSQL(f'"cases_case"."id" IN ({among})', [], output_field=BooleanField()))  # noqa: S611
        .annotate(search_rank=RawSQL(rank, [listed, listed], output_field=FloatField()))  # noqa: S611
        .order_by("-search_rank", "-id")
    )
    return SearchResults.of(ordered, ranked, candidates=cases)


class SearchResults(QuerySet[Case]):
    """The cases of a search, best first (`matching`), with `ranking`, their ids and
    ranks in that order: a slice of them, which is what a page asks for, reads only
    its own cases by id from `candidates` (the cases searched, before the ranking was
    added to them) and puts them in the ranking's order, rather than sorting them all
    in the database. Everything else is a query of them, as for any cases."""

    ranking: list[tuple[int, float]]
    candidates: QuerySet[Case]

    @classmethod
    def of(
        cls,
        cases: QuerySet[Case],
        ranking: list[tuple[int, float]],
        *,
        candidates: QuerySet[Case],
    ) -> SearchResults:
        results = cls(model=Case, query=cases.query.chain(), using=cases.db)
        # What the cases prefetch (their photos), which a new queryset does not know.
        results._prefetch_related_lookups = cases._prefetch_related_lookups  # type: ignore[attr-defined]  # private in the stubs
        results.ranking = ranking
        results.candidates = candidates
        return results

    def _clone(self) -> SearchResults:
        # Django copies a queryset for every call that refines it: the copy keeps the ranking.
        clone: SearchResults = super()._clone()  # type: ignore[misc]  # private in the stubs
        clone.ranking = self.ranking
        clone.candidates = self.candidates
        return clone

    def __getitem__(self, k: Any) -> Any:
        if (
            not isinstance(k, slice)
            or k.step not in (None, 1)
            or self._iterable_class is not ModelIterable
        ):
            return super().__getitem__(k)
        ranks = dict(self.ranking[k])
        # By id among the candidates alone: with the thousand ids of the ranking as well,
        # PostgreSQL expected one row and joined each case's region by a scan of every
        # region (9 ms for a page of 20).
        page = self.candidates.filter(pk__in=ranks).order_by()
        # With what this queryset was asked to read with them (the documents, for snippets).
        page._prefetch_related_lookups = self._prefetch_related_lookups  # type: ignore[attr-defined]  # private in the stubs
        page.query.select_related = self.query.select_related
        by_id = {case.pk: case for case in page}
        for pk, case in by_id.items():
            case.search_rank = ranks[pk]  # type: ignore[attr-defined]  # as `matching` annotates
        # A case made private since the search was ranked is left out.
        return [by_id[pk] for pk in ranks if pk in by_id]


# Above any case's id: PostgreSQL's RUM index orders the matches by their distance
# from it, that is the most recently reported first. 2**53, so that the distance,
# a double precision number, is exact.
_ABOVE_ANY_ID = 2**53
# A search that PostgreSQL expects to match at least this share of the documents is
# answered by walking the documents from the most recent until enough match, rather
# than by collecting every match from the full-text index: at 5 %, 20 documents are
# read per match listed (see docs/benchmarks.md). The walk reads at most `_WALK_BUDGET`
# documents per match wanted, then leaves the search to the index.
_WALK_SHARE = 0.05
_WALK_BUDGET = 40


def _ranked_newest(filters: CaseFilters, limit: int) -> list[tuple[int, float]]:
    """The case ids and ranks of the `limit` most recently reported documents holding
    every term of `filters` and its filters, best first (ties most recent first): on
    SQLite from the FTS5 table, read backwards by case id; on PostgreSQL from the
    full-text index or, for very common terms, by walking the documents backwards."""
    marks = _filter_terms(filters)
    if connection.vendor == "postgresql":
        rows = _postgresql_newest(filters, marks, limit)
    else:
        expression = _fts5_words(filters.terms)
        if marks:
            expression += " AND {filters} : (" + " ".join(_quoted(m, '"') for m in marks) + ")"
        # FTS5 reads its lists of documents backwards and stops at the limit.
        rows = _rows(
            f"SELECT {_RANKED_COLUMNS} FROM (SELECT rowid FROM search_fts"  # noqa: S608
            " WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s) AS newest"
            " JOIN search_searchdocument ON case_id = newest.rowid",
            [expression, limit],
        )
    ranks = [(pk, _rank(texts, filters.terms)) for pk, *texts in rows]
    return sorted(ranks, key=lambda ranked: (ranked[1], ranked[0]), reverse=True)


# What `_rank` reads of each document found.
_RANKED_COLUMNS = "case_id, title, description, updates"


def _rank(texts: Sequence[str], terms: Sequence[str]) -> float:
    """How well a document's title, description and updates match `terms`, higher is
    better, the same on both engines: for each term and field, the times the term is
    in the field, n, counted as n / (n + 1) (a second mention adds less than the
    first) and weighed by the field's weight. The fields are terms separated by
    spaces; with every space doubled, no two mentions of a term share one."""
    score = 0.0
    for text, weight in zip(texts, (TITLE_WEIGHT, DESCRIPTION_WEIGHT, UPDATES_WEIGHT), strict=True):
        spaced = ""
        for term in terms:
            if term not in text:
                continue
            spaced = spaced or " " + text.replace(" ", "  ") + " "
            mentions = spaced.count(f" {term} ")
            score += weight * mentions / (mentions + 1)
    return score


def _postgresql_newest(
    filters: CaseFilters, marks: Sequence[str], limit: int
) -> list[tuple[Any, ...]]:
    terms = filters.terms
    query = "to_tsquery('simple', %s)"
    params: list[Any] = [_postgresql_words(terms)]
    if marks:
        # A cast, not to_tsquery: the filters' terms are not folded to lower case.
        query += " && %s::tsquery"
        params.append(" & ".join(_quoted(mark, "'") for mark in marks))
    expected, documents = _expected_matches(f"vector @@ ({query})", params)
    if expected >= limit and expected >= _WALK_SHARE * documents:
        # ts_match_vq is @@ as a function, which no index answers: the plan walks the
        # documents backwards by case id and stops at the limit.
        found = _rows(
            f"SELECT {_RANKED_COLUMNS} FROM (SELECT * FROM search_searchdocument"  # noqa: S608
            " ORDER BY case_id DESC LIMIT %s) AS search_searchdocument"
            f" WHERE ts_match_vq(vector, {query}) ORDER BY case_id DESC LIMIT %s",
            [limit * _WALK_BUDGET, *params, limit],
        )
        if len(found) == limit:
            return found
    elif filters.state and _words_are_common(terms):
        # Common words in one state (12345 热线 in 29 % of the documents, and resolved):
        # too rare together for the walk above, and the full-text index would read
        # their whole lists (74 ms); the state's cases are walked backwards instead,
        # by the index of their state and id, each document checked (19 ms).
        found = _rows(
            f"SELECT {_RANKED_COLUMNS} FROM (SELECT id FROM cases_case"  # noqa: S608
            " WHERE state = %s ORDER BY id DESC LIMIT %s) AS newest"
            " JOIN search_searchdocument ON case_id = newest.id"
            f" WHERE ts_match_vq(vector, {query}) ORDER BY newest.id DESC LIMIT %s",
            [filters.state, limit * _WALK_BUDGET, *params, limit],
        )
        if len(found) == limit:
            return found
    if not _rum_index():
        return _rows(
            f"SELECT {_RANKED_COLUMNS} FROM search_searchdocument"  # noqa: S608
            f" WHERE vector @@ ({query}) ORDER BY case_id DESC LIMIT %s",
            [*params, limit],
        )
    # The planner guesses the matches of several words as if they were independent
    # (489 for 农民工 & 工资, which 21,080 documents hold), and then prefers reading every
    # match from the table to sort them (0.55 s) over the index's own order (20 ms):
    # for this one statement, it may not.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            f"SELECT {_RANKED_COLUMNS} FROM search_searchdocument"  # noqa: S608
            f" WHERE vector @@ ({query}) ORDER BY case_id <=| %s::bigint LIMIT %s",
            [*params, _ABOVE_ANY_ID, limit],
        )
        found = list(cursor.fetchall())
        cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT")
    return found


def _words_are_common(terms: Sequence[str]) -> bool:
    """Whether PostgreSQL expects at least `_WALK_SHARE` of the documents to hold every
    one of the words (whatever the filters)."""
    expected, documents = _expected_matches(
        "vector @@ to_tsquery('simple', %s)", [_postgresql_words(terms)]
    )
    return expected >= _WALK_SHARE * documents


def _expected_matches(condition: str, params: Sequence[Any]) -> tuple[float, float]:
    """How many search documents PostgreSQL's planner expects to meet `condition`, and
    how many it expects there are, from one EXPLAIN."""
    with connection.cursor() as cursor:
        # `condition` is built by this module from literals; its values are parameters.
        explain = (
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchdocument"  # noqa: S608
            f" WHERE {condition} UNION ALL SELECT 1 FROM search_searchdocument"
        )
        cursor.execute(explain, params)
        meeting, every = cursor.fetchone()[0][0]["Plan"]["Plans"]
    return meeting["Plan Rows"], every["Plan Rows"]


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _filter_terms(filters: CaseFilters) -> list[str]:
    """The terms of `SearchDocument.filters` a document needs to match `filters`
    (made from the case by `minjian.search.indexing.FILTERS_SQL`)."""
    marks = []
    if filters.topic:
        marks.append(f"T{filters.topic.pk}")
    if filters.state:
        marks.append("S" + filters.state.replace("_", ""))
    if filters.region:
        marks.append(f"R{filters.region.code}")
    if filters.verdict:
        marks.append("V" + filters.verdict.replace("_", ""))
    return marks


@functools.cache
def _rum_index() -> bool:
    """Whether the full-text index is RUM's (migration 0003): asked once per process."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'search_document_vector'"
            " AND indexdef LIKE '%%USING rum%%'"
        )
        return cursor.fetchone() is not None


def holding(
    cases: QuerySet[Case], terms: Sequence[str], *, candidates: int | None = None
) -> QuerySet[Case]:
    """The cases of `cases` whose document holds every term, unranked: for counting
    them, which needs no rank (`matching` ranks them).

    `candidates`, when the caller knows it, is how many cases `cases` holds before the
    search (a map's view). On PostgreSQL, when that is fewer than the documents holding
    the rarest of the terms, each candidate's own document is checked instead of
    reading every match from the full-text index: a map's view of 3,000 cases and a
    search matched by 21,000 documents read 3,000 documents, not 21,000."""
    if connection.vendor == "postgresql":
        if candidates is not None and candidates < _fewest_matches(terms):
            # ts_match_vq is @@ as a function, which no index answers: the plan probes
            # each candidate's document by its case id.
            return cases.filter(
                RawSQL(
                    "EXISTS (SELECT 1 FROM search_searchdocument AS document"
                    ' WHERE document.case_id = "cases_case"."id"'
                    " AND ts_match_vq(document.vector, to_tsquery('simple', %s)))",
                    [_postgresql_words(terms)],
                    output_field=BooleanField(),
                )
            )
        return cases.filter(search_document__vector=_postgresql_query(terms))
    return cases.filter(
        pk__in=RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [_fts5_words(terms)]
        )
    )


def _fewest_matches(terms: Sequence[str]) -> float:
    """How many documents PostgreSQL expects the rarest of the terms in: no more hold
    them all (its guess for several terms together supposes them independent, and
    was 513 for 工资 & 拖欠, which 21,101 documents hold)."""
    return min(
        _expected_matches("vector @@ to_tsquery('simple', %s)", [_quoted(term, "'")])[0]
        for term in terms
    )


def newest_holding(terms: Sequence[str], limit: int) -> list[int]:
    """The ids of the `limit` most recently reported public cases whose document holds
    every term, read from the search index alone (no case row is read)."""
    if connection.vendor == "postgresql":
        documents = SearchDocument.objects.filter(vector=_postgresql_query(terms))
    else:
        documents = SearchDocument.objects.filter(
            case_id__in=RawSQL(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [_fts5_words(terms)]
            )
        )
    return list(documents.order_by("-case_id").values_list("case_id", flat=True)[:limit])


def _postgresql_query(terms: Sequence[str]) -> SearchQuery:
    return SearchQuery(_postgresql_words(terms), search_type="raw", config="simple")


def _postgresql_words(terms: Sequence[str]) -> str:
    return " & ".join(_quoted(term, "'") for term in terms)


def _fts5_words(terms: Sequence[str]) -> str:
    """The terms, each in one of the text columns (not in `filters`)."""
    return "{title description updates} : (" + " ".join(_quoted(t, '"') for t in terms) + ")"


@dataclass(frozen=True)
class CappedSearch:
    """The cases of a search in the order they are listed, and how many there are."""

    cases: QuerySet[Case]
    # The number of matches, or SEARCH_COUNT_CAP when there are more.
    count: int
    # More than SEARCH_COUNT_CAP cases match: `cases` are then the SEARCH_COUNT_CAP
    # most recently reported of them, still best first.
    more_than_cap: bool


def capped(ranked: QuerySet[Case]) -> CappedSearch:
    """The matches of `matching`, counted up to SEARCH_COUNT_CAP.

    `matching` ranks only the SEARCH_COUNT_CAP + 1 most recently reported matches,
    found in that order in the full-text index: ranking every match of a very common
    term reads every one of them. When there are that many, more than the cap match,
    and the earliest reported of them is left out: the list is then the most recently
    reported SEARCH_COUNT_CAP matches, best first. The rule and the rank are the same
    on both engines, so the same data lists the same cases in the same order on
    PostgreSQL and SQLite.
    """
    cap = SEARCH_COUNT_CAP
    if not isinstance(ranked, SearchResults):
        raise TypeError("capped() counts the cases of matching() (find_cases with words)")
    if len(ranked.ranking) > cap:
        earliest = min(pk for pk, _rank in ranked.ranking)
        fewer = ranked.exclude(pk=earliest)
        fewer.ranking = [(pk, rank) for pk, rank in ranked.ranking if pk != earliest]
        return CappedSearch(fewer, cap, more_than_cap=True)
    return CappedSearch(ranked, len(ranked.ranking), more_than_cap=False)


def _quoted(term: str, quote: str) -> str:
    """A term as a literal of the engine's query language (terms hold no quotes,
    but they are doubled anyway so that no text can change the query)."""
    return quote + term.replace(quote, quote * 2) + quote


def snippet(case: Case, terms: Sequence[str]) -> SafeString:
    """About SNIPPET_LENGTH characters of the case's public text around the first
    place a term appears, every term marked with <mark>, everything else escaped.

    It is read from the description first, then the public updates; when the terms
    are only in the title, it is the start of the description.
    """
    try:
        notes: list[str] = case.search_document.update_notes
    except SearchDocument.DoesNotExist:
        notes = []
    texts = [render_redactions(case.description)] + [render_redactions(note) for note in notes]
    for text in texts:
        spans = _spans(text, terms)
        if spans:
            return _window(text, spans)
    return _window(texts[0], [])


def _spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms appear in `text`, in positions of `text` itself, merged and in order."""
    folded, origin = _folded_with_origin(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            found.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """`fold(text)`, and for each of its characters the position in `text` it came from.

    Folding character by character keeps the positions; the whole text is folded
    at once when that gives as many characters (nearly always), because the
    converter is much faster on one long text than on many short ones.
    """
    whole = fold(text)
    if len(whole) == len(text):
        return whole, list(range(len(text)))
    pieces: list[str] = []
    origin: list[int] = []
    for position, character in enumerate(text):
        folded = fold(character)
        pieces.append(folded)
        origin.extend([position] * len(folded))
    return "".join(pieces), origin


def _window(text: str, spans: Sequence[tuple[int, int]]) -> SafeString:
    first = spans[0][0] if spans else 0
    start = max(0, min(first - SNIPPET_LEAD, len(text) - SNIPPET_LENGTH))
    end = min(len(text), start + SNIPPET_LENGTH)
    pieces = [ELLIPSIS] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(ELLIPSIS)
    # Safe: every piece of the text went through escape() above.
    return mark_safe("".join(pieces))  # noqa: S308
