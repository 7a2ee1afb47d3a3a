"""Finding cases by their text, ranked, and the snippet shown for each result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minjian.cases.models import Case
from minjian.redaction import render_redactions
from minjian.search.models import SearchDocument
from minjian.search.text import fold

# How much a match in each field counts, title first. The same proportions on
# both engines, so that they rank alike: PostgreSQL's weights of D, C, B, A
# (D is unused), and FTS5's bm25 weights of title, description, updates.
TITLE_WEIGHT = 1.0
DESCRIPTION_WEIGHT = 0.4
UPDATES_WEIGHT = 0.2
SNIPPET_LENGTH = 120
# How much of the snippet comes before the first match.
SNIPPET_LEAD = 30
ELLIPSIS = "…"
# A search counts its matches up to this many and no further: counting every match of
# a common term costs more than the page itself (see docs/benchmarks.md). Above it,
# the cases are listed newest first rather than ranked (see `capped`).
SEARCH_COUNT_CAP = 1000


def matching(cases: QuerySet[Case], terms: Sequence[str]) -> QuerySet[Case]:
    """The cases of `cases` whose document holds every term, best first.

    Each case gets `search_rank` (higher is better); ties go to the newest
    published. `terms` come from `minjian.search.text.query_terms`.
    """
    if connection.vendor == "postgresql":
        query = SearchQuery(
            " & ".join(_quoted(term, "'") for term in terms), search_type="raw", config="simple"
        )
        ranked = cases.filter(search_document__vector=query).annotate(
            search_rank=SearchRank(
                F("search_document__vector"),
                query,
                weights=[0.0, UPDATES_WEIGHT, DESCRIPTION_WEIGHT, TITLE_WEIGHT],
            )
        )
    else:
        expression = " ".join(_quoted(term, '"') for term in terms)
        # Raw SQL, because Django knows no FTS5; every value in it is a bound parameter.
        ranked = cases.filter(
            pk__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])
        ).annotate(
            # bm25 is lower for better matches; negated so that both engines sort alike.
            search_rank=RawSQL(
                "SELECT -bm25(search_fts, %s, %s, %s) FROM search_fts"
                ' WHERE search_fts MATCH %s AND rowid = "cases_case"."id"',
                [TITLE_WEIGHT, DESCRIPTION_WEIGHT, UPDATES_WEIGHT, expression],
                output_field=FloatField(),
            )
        )
    return ranked.order_by("-search_rank", "-published_at", "-id")


@dataclass(frozen=True)
class CappedSearch:
    """The cases of a search in the order they are listed, and how many there are."""

    cases: QuerySet[Case]
    # The number of matches, or SEARCH_COUNT_CAP when there are more.
    count: int
    # More than SEARCH_COUNT_CAP cases match: `cases` are then the newest first, and
    # only the first SEARCH_COUNT_CAP of them are listed.
    more_than_cap: bool


def capped(ranked: QuerySet[Case]) -> CappedSearch:
    """The matches of `matching`, counted up to SEARCH_COUNT_CAP.

    When more match, they are listed newest published first instead of best first:
    ranking every match of a very common term reads every one of them, whereas the
    newest are found by walking the cases in date order. The rule is the same on
    both engines and does not depend on their ranking functions, so the same data
    lists the same cases in the same order on PostgreSQL and SQLite.
    """
    cap = SEARCH_COUNT_CAP
    # Neither ordered nor ranked: the engine stops at the first cap + 1 matches it finds.
    found = ranked.order_by().values("pk")[: cap + 1].count()
    if found > cap:
        return CappedSearch(ranked.order_by("-published_at", "-id"), cap, more_than_cap=True)
    return CappedSearch(ranked, found, more_than_cap=False)


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
