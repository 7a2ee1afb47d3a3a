"""How fast full-text search answers over many cases, as a ratio against ILIKE on the same data.

    python bench/search.py [--engine both|postgresql|sqlite] [--cases 1000000]
                           [--sqlite-cases 100000] [--reuse] [--repeats 20] ...

Without `--engine`, it runs twice, each in a process of its own: PostgreSQL with
`--cases` (1,000,000), then SQLite, the embedded default, with `--sqlite-cases`
(100,000). Each run:

1. (Re)creates a database of its own (PostgreSQL: default `minjian_bench_search`,
   the name must contain "bench", because it is dropped; SQLite: a file in
   bench/results/), migrates it, loads China's regions and writes the public cases,
   Chinese (70 %) and English, in the five public states, with their search
   documents, by COPY on PostgreSQL (see "The data" below); the documents' columns
   derived from the cases by `minjian.search.indexing.fill_derived_columns`. With
   `--reuse`, a database left by an earlier run with the same number of cases is kept.
2. Runs each query of QUERIES through the selectors the case list and the API use
   (`minjian.search.selectors.find_cases` with `q`, then
   `minjian.search.selectors.capped`): what a list page asks, the count of matches
   up to the site's ceiling and the first page of 20, timed together. Then the same
   words the way a site without full-text search would look for them: `ILIKE
   '%word%'` on title or description (every word), newest first, count and
   first page, on the same data in the same run.
   Queries with filters (a topic, a province, a state, or all three) take the
   same filters on both sides.
3. Prints p50 and p95 of each, per query and over all, their ratio, the line
   `GOAL search <engine> <size>: p95 max N ms (goal < 50 ms) holds|NOT MET` (the
   highest p95 of any query), and writes every figure as JSON into bench/results/.

The data: titles and descriptions are drawn from the word lists of
`bench/casedata.py` (what people report, by topic), with the name of the case's
county or city in the description, and a 12345 hotline ticket number in one
case of ten (the rare terms: each number is in about one case). A third of the
cases have public updates from the same lists. The search documents are built
from the same texts by the site's own tokenizer (`minjian.search.text`): each
distinct sentence is segmented once and the terms of a text are those of its
sentences, which is what segmenting the whole text gives, since jieba never
joins words across punctuation. The columns derived from the case (the filters'
terms, the date, and on PostgreSQL the weighted vector) are filled by the site's
own SQL (`minjian.search.indexing.fill_derived_columns`), then the full-text index
of migration 0003 is built (RUM where the extension can be created, else GIN).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import (  # noqa: E402
    _database_name,
    _recreate_database,
    add_database_options,
    reusable_cases,
)
from bench.report import machine, say_where, write_results  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_search"
ENGINES = ("postgresql", "sqlite")
GOAL_P95_MS = 50.0
PAGE_SIZE = 20
COPY_BATCH = 50_000
ENGLISH_SHARE = 0.3
TICKET_SHARE = 0.1
UPDATES_SHARE = 0.33
SPAN = timedelta(days=730)
# The public states, with the share of cases in each.
STATES = {
    "published": 0.45,
    "acknowledged": 0.2,
    "in_progress": 0.15,
    "resolved": 0.12,
    "closed": 0.08,
}


@dataclass(frozen=True)
class Query:
    q: str
    what: str
    # The words ILIKE looks for, each in the title or the description.
    ilike_words: tuple[str, ...]
    # The list's filters besides the words: topic, region, state.
    filters: tuple[tuple[str, str], ...] = ()


# Common and rare terms, Chinese (simplified and traditional) and English. The
# ticket numbers and the county come from the generated data (see _rare_queries).
QUERIES = (
    Query("排污", "Chinese, common (a problem of one topic)", ("排污",)),
    Query("工资", "Chinese, common", ("工资",)),
    Query("造纸厂 污水", "Chinese, two words", ("造纸厂", "污水")),
    Query("農民工 工資", "traditional characters, two words", ("農民工", "工資")),
    Query("化工厂 废气", "Chinese, two words", ("化工厂", "废气")),
    Query("12345 热线", "Chinese and a number, very common", ("12345", "热线")),
    Query("wages", "English, common", ("wages",)),
    Query("paper mill river", "English, three words", ("paper", "mill", "river")),
    Query("Wheelchairs", "English, capitalised", ("wheelchairs",)),
    Query("排污", "common, with a topic", ("排污",), (("topic", "environment"),)),
    Query("工资", "common, in a province", ("工资",), (("region", "420000"),)),
    Query("12345 热线", "very common, in a state", ("12345", "热线"), (("state", "resolved"),)),
    Query(
        "造纸厂 污水",
        "two words, in a province and a state",
        ("造纸厂", "污水"),
        (("region", "340000"), ("state", "in_progress")),
    ),
    Query(
        "wages",
        "English, with a topic, a province and a state",
        ("wages",),
        (("topic", "labour"), ("region", "420000"), ("state", "published")),
    ),
    Query("農民工 工資", "traditional, in a city", ("農民工", "工資"), (("region", "420100"),)),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--engine", choices=("both", *ENGINES), default="both", help="which database"
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many cases on PostgreSQL")
    parser.add_argument(
        "--sqlite-cases", type=int, default=100_000, help="how many cases on SQLite"
    )
    parser.add_argument("--repeats", type=int, default=10, help="timed runs of each search")
    parser.add_argument(
        "--ilike-repeats", type=int, default=3, help="timed runs of each ILIKE baseline"
    )
    add_database_options(parser, database_url=DEFAULT_DATABASE_URL, seed=20261122)
    return parser.parse_args(argv)


@dataclass
class Timing:
    query: Query
    # Counted as the site counts a search: up to SEARCH_COUNT_CAP.
    matches: int = 0
    # More than `matches` cases match, and the page lists the newest first.
    more_than_cap: bool = False
    search_ms: list[float] = field(default_factory=list)
    ilike_matches: int = 0
    ilike_ms: list[float] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.engine == "both":
        # Django's settings are made once per process: one process per engine.
        given = list(sys.argv[1:] if argv is None else argv)
        codes = [
            subprocess.run([sys.executable, __file__, *given, "--engine", engine]).returncode
            for engine in ENGINES
        ]
        return max(codes)
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    if args.engine == "sqlite":
        args.cases = args.sqlite_cases
        database_url = f"sqlite:///{args.results_dir.resolve()}/search-{args.cases}.sqlite3"
        database_name = database_url
    else:
        database_url = args.database_url
        database_name = _database_name(database_url)
        if "bench" not in database_name:
            print(f"The database {database_name!r} would be dropped: give one with 'bench' in it.")
            return 2
    args.results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="minjian-bench-search-") as data_dir:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url,
                "REDIS_URL": "",
                "MINJIAN_DATA_DIR": data_dir,
                "MINJIAN_PRODUCTION": "",
                "MINJIAN_DEBUG": "",
                "SECRET_KEY": "bench-search-not-secret",
            }
        )
        import django

        django.setup()
        data = _prepare_database(args, database_name, database_url)
        queries = QUERIES + _rare_queries()
        timings = [_measure(query, args) for query in queries]
        version = _database_version()
    report = {
        "engine": args.engine,
        "machine": machine(database=version, load_average_at_start=load_at_start),
        "data": data,
        "repeats": args.repeats,
        "ilike_repeats": args.ilike_repeats,
        "queries": [
            asdict(timing)
            | {"search": _summary(timing.search_ms), "ilike": _summary(timing.ilike_ms)}
            for timing in timings
        ],
        "all": {
            "search": _summary([ms for t in timings for ms in t.search_ms]),
            "ilike": _summary([ms for t in timings for ms in t.ilike_ms]),
        },
    }
    path = write_results(args.results_dir, f"search-{args.engine}", report)
    _print_table(timings, data, args.engine)
    say_where(path)
    return 0


def _prepare_database(
    args: argparse.Namespace, database_name: str, database_url: str | None = None
) -> dict[str, Any]:
    """The database of `--cases` cases (bench/map_counts.py uses it too): reused, or
    made anew at `database_url` (default `--database-url`)."""
    from django.core.management import call_command
    from django.db import connections

    existing = reusable_cases(args, database_name)
    if existing is not None:
        return {"cases": existing, "reused": True}
    _say(f"Creating the database {database_name} ...")
    database_url = database_url or args.database_url
    if connections["default"].vendor == "sqlite":
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        _recreate_database(database_url, database_name)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    _say(f"Writing {args.cases} cases and their search documents ...")
    return _generate(args.cases, args.seed) | {"reused": False}


def _generate(count: int, seed: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from minjian.places.models import Region
    from minjian.search.indexing import fill_derived_columns
    from minjian.topics.models import Topic

    rng = random.Random(seed)
    topics = list(Topic.objects.values_list("id", "slug"))
    regions = list(
        Region.objects.filter(level__gte=Region.Level.PREFECTURE).values_list(
            "id", "name_zh", "name_en"
        )
    )
    now = timezone.now()
    postgresql = connection.vendor == "postgresql"
    timings: dict[str, float] = {}
    started = time.monotonic()
    index_sql = importlib.import_module("minjian.search.migrations.0003_filters_in_the_index")
    with connection.cursor() as cursor:
        if postgresql:
            # Loading is faster without the full-text index; it is built afterwards.
            cursor.execute("DROP INDEX IF EXISTS search_document_vector")
        for start in range(0, count, COPY_BATCH):
            rows = [
                _case_row(rng, topics, regions, now) for _ in range(min(COPY_BATCH, count - start))
            ]
            ids = range(start + 1, start + len(rows) + 1)
            _write(
                cursor,
                "cases_case",
                "id, title, description, topic_id, region_id, location_precision, state,"
                " receipt_digest, personal_data_found, hidden_reason, verdict, created_at,"
                " published_at, updated_at",
                [(pk, *row.case) for pk, row in zip(ids, rows, strict=True)],
            )
            _write(
                cursor,
                "search_searchdocument",
                "case_id, title, description, updates, update_notes, indexed_at, filters",
                [(pk, *row.document, "") for pk, row in zip(ids, rows, strict=True)],
            )
            _say(f"  {start + len(rows)} cases")
        if postgresql:
            cursor.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [count])
    timings["write_seconds"] = time.monotonic() - started
    started = time.monotonic()
    fill_derived_columns()
    timings["derived_columns_seconds"] = time.monotonic() - started
    started = time.monotonic()
    data: dict[str, Any] = {"cases": count}
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
            rum = cursor.fetchone() is not None
            cursor.execute(index_sql.RUM_INDEX if rum else index_sql.GIN_INDEX)
            timings["full_text_index_seconds"] = time.monotonic() - started
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT pg_relation_size('search_document_vector')")
            data["full_text_index"] = "rum" if rum else "gin"
            data["full_text_index_mb"] = round(cursor.fetchone()[0] / 2**20)
        else:
            cursor.execute("ANALYZE")
    return data | {key: round(value, 1) for key, value in timings.items()}


@dataclass(frozen=True)
class GeneratedRow:
    # Both without the case's id, which is given when they are written.
    case: tuple[object, ...]
    document: tuple[object, ...]


def _case_row(
    rng: random.Random,
    topics: Sequence[tuple[int, str]],
    regions: Sequence[tuple[int, str, str]],
    now: datetime,
) -> GeneratedRow:
    from bench.casedata import DETAILS_EN, DETAILS_ZH, NOTES, PLACES_EN, PLACES_ZH, PROBLEMS

    topic_id, slug = rng.choice(topics)
    subject_zh, subject_en, problem_zh, problem_en = rng.choice(PROBLEMS[slug])
    region_id, region_zh, region_en = rng.choice(regions)
    details = rng.sample(range(len(DETAILS_ZH)), rng.randint(2, 5))
    ticket = rng.random() < TICKET_SHARE
    if rng.random() < ENGLISH_SHARE:
        title = f"{subject_en}{rng.choice(PLACES_EN)} {problem_en}"
        sentences = [f"{title}.", f"It is in {region_en or region_zh}."]
        sentences += [DETAILS_EN[i] for i in details]
        if ticket:
            sentences.append(f"12345 hotline ticket {rng.randrange(10**12, 10**13)}.")
        description = " ".join(sentences)
    else:
        title = f"{rng.choice(PLACES_ZH)}{subject_zh}{problem_zh}"
        sentences = [f"{title}。", f"地点在{region_zh}。"] + [DETAILS_ZH[i] for i in details]
        if ticket:
            sentences.append(f"12345热线工单号：{rng.randrange(10**12, 10**13)}。")
        description = "".join(sentences)
    notes = [note for note in rng.sample(NOTES, 2) if note] if rng.random() < UPDATES_SHARE else []
    reported = now - SPAN * rng.random()
    published = reported + timedelta(minutes=rng.uniform(1, 600))
    case = (
        title,
        description,
        topic_id,
        region_id,
        "approximate",
        rng.choices(list(STATES), weights=list(STATES.values()))[0],
        "",
        "[]",
        "",
        "unverified",
        reported,
        published,
        published,
    )
    document = (
        _terms(title),
        " ".join(_terms(sentence) for sentence in sentences),
        " ".join(_terms(note) for note in notes),
        json.dumps(notes, ensure_ascii=False),
        now,
    )
    return GeneratedRow(case, document)


@cache
def _terms(sentence: str) -> str:
    from minjian.search.indexing import searchable

    return searchable(sentence)


def _write(cursor: Any, table: str, columns: str, rows: Sequence[tuple[object, ...]]) -> None:
    """Rows into a table: by COPY on PostgreSQL, in one executemany on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with (
            cursor.connection.cursor() as raw,
            raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(rows[0]))
    adapted = [
        tuple(
            connection.ops.adapt_datetimefield_value(value)
            if isinstance(value, datetime)
            else value
            for value in row
        )
        for row in rows
    ]
    # The table and columns are this script's literals; the values are parameters.
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    cursor.executemany(insert, adapted)


def _rare_queries() -> tuple[Query, ...]:
    """Terms of the generated data that few cases hold: ticket numbers, a county's name."""
    from minjian.cases.models import Case

    tickets = (
        Case.objects.filter(description__contains="工单号")
        .order_by("id")
        .values_list("description", flat=True)[:2]
    )
    queries = []
    for description in tickets:
        number = description.rsplit("：", 1)[1].rstrip("。")
        queries.append(Query(number, "a ticket number, rare", (number,)))
    county = Case.objects.filter(description__contains="地点在").order_by("id").first()
    if county is not None:
        name = county.description.split("地点在", 1)[1].split("。", 1)[0]
        queries.append(Query(name, "a county's or city's name, rare", (name,)))
    return tuple(queries)


def _measure(query: Query, args: argparse.Namespace) -> Timing:
    from django.db import reset_queries
    from django.db.models import Q

    from minjian.search import selectors as search_selectors

    timing = Timing(query)

    def search() -> int:
        filters = search_selectors.CaseFilters.parse(q=query.q, **dict(query.filters))
        found = search_selectors.capped(search_selectors.find_cases(filters))
        list(found.cases[:PAGE_SIZE])
        timing.more_than_cap = found.more_than_cap
        return found.count

    def ilike() -> int:
        filters = search_selectors.CaseFilters.parse(**dict(query.filters))
        cases = search_selectors.find_cases(filters)
        for word in query.ilike_words:
            # ILIKE on PostgreSQL, LIKE (which ignores the case of ASCII letters) on SQLite.
            cases = cases.filter(Q(title__icontains=word) | Q(description__icontains=word))
        found = cases.count()
        list(cases[:PAGE_SIZE])
        return found

    _say(f"Query {query.q!r} ({query.what}) ...")
    timing.matches = search()  # warm-up
    timing.search_ms = _timed(search, args.repeats)
    timing.ilike_matches = ilike()
    timing.ilike_ms = _timed(ilike, args.ilike_repeats)
    reset_queries()
    return timing


def _timed(run: Callable[[], int], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _summary(times: Sequence[float]) -> dict[str, float]:
    if not times:
        return {}
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(_percentile(ordered, 0.95), 2),
        "max_ms": round(ordered[-1], 2),
    }


def _percentile(ordered: Sequence[float], share: float) -> float:
    """The nearest-rank percentile."""
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def _print_table(timings: Sequence[Timing], data: dict[str, Any], engine: str) -> None:
    rows = []
    for timing in timings:
        search, ilike = _summary(timing.search_ms), _summary(timing.ilike_ms)
        filters = " ".join(f"{name}={value}" for name, value in timing.query.filters)
        rows.append(
            (
                f"`{timing.query.q}`" + (f" {filters}" if filters else ""),
                timing.query.what,
                f"more than {timing.matches}" if timing.more_than_cap else f"{timing.matches}",
                f"{search['p50_ms']:.1f}",
                f"{search['p95_ms']:.1f}",
                f"{timing.ilike_matches}",
                f"{ilike['p50_ms']:.1f}",
                f"{ilike['p95_ms']:.1f}",
                f"{search['p95_ms'] / ilike['p95_ms']:.3f}",
            )
        )
    everything = _summary([ms for t in timings for ms in t.search_ms])
    baseline = _summary([ms for t in timings for ms in t.ilike_ms])
    rows.append(
        (
            "**all**",
            "",
            "",
            f"{everything['p50_ms']:.1f}",
            f"{everything['p95_ms']:.1f}",
            "",
            f"{baseline['p50_ms']:.1f}",
            f"{baseline['p95_ms']:.1f}",
            f"{everything['p95_ms'] / baseline['p95_ms']:.3f}",
        )
    )
    header = (
        "query",
        "what",
        "found",
        "search p50 ms",
        "search p95 ms",
        "ILIKE found",
        "ILIKE p50 ms",
        "ILIKE p95 ms",
        "p95 × ILIKE",
    )
    print(
        f"\n{engine}, {data['cases']} cases."
        f" Count of matches and first page of {PAGE_SIZE}, per query:\n"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    worst = max(_summary(timing.search_ms)["p95_ms"] for timing in timings)
    verdict = "holds" if worst < GOAL_P95_MS else "NOT MET"
    name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[engine]
    size = (
        f"{data['cases'] // 1_000_000}M"
        if data["cases"] >= 1_000_000
        else f"{data['cases'] // 1000}k"
        if data["cases"] >= 1000
        else str(data["cases"])
    )
    print(
        f"\nGOAL search {name} {size}: p95 max {worst:.1f} ms (goal < {GOAL_P95_MS:.0f} ms)"
        f" {verdict}"
    )


def _database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"PostgreSQL {_postgres_version()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def _postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
