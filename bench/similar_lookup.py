"""How fast the similar cases are found for a report being written, over a million cases.

    python bench/similar_lookup.py [--cases 1000000] [--queries 100] [--repeats 3] [--reuse]
                                   [--database-url postgres://...]

On PostgreSQL, in a database of its own (default `minjian_bench_similar`; the name must
contain "bench", because it is dropped and made again):

1. Migrates it, loads China's regions, and writes `--cases` public cases by COPY (see
   "The data" below), then makes the similar-case index of every one of them with the
   site's own rebuild (`cases.services_similarity.rebuild_similarity_index`: signatures in
   this process, fingerprints and buckets by COPY, the bucket indexes built after), and
   runs `VACUUM ANALYZE`. With `--reuse`, a database of an earlier run with as many cases
   is kept.
2. Looks up `--queries` texts of each kind below through the selector the report form and
   the API use (`cases.selectors_similar.similar_to_text`: redaction, signature, the four
   queries, the ranking), once all of them to warm the caches, then `--repeats` times
   timed, and prints p50, p95 and the slowest per kind and over all, with the line
   `GOAL similar lookup PostgreSQL <size>: p95 N ms (goal < 50 ms) holds|NOT MET`.
   For the rewrites of reported stories it also prints how many of the story's reports
   were found (recall among the first ten), and for new stories how many cases were
   offered all the same. Every figure goes as JSON into bench/results/.

The data: stories, each told by one reporter or by several (a share of them by two or
three, fewer by up to thirty: the near-duplicate groups a lookup must find). A story has
a topic's subject and problem (`bench/casedata.py`), a village or street named from two
random characters, the county or city it is in, and three or four sentences of words
drawn from jieba's dictionary by their frequency (so that unrelated reports share common
words and runs of characters as real ones do, not whole sentences), sometimes with one of
casedata's stock sentences ("希望有关部门尽快调查处理。"). Each report of a story is
its text with 0 to 20 % of the characters changed (replaced, dropped or added), a quarter
of them in traditional characters (OpenCC), published within three days of each other,
with points near one another for half of the stories.

The queries: a new reporter's rewrite of a reported story (10 % changed), the same in
traditional characters, the same with its region and point, only the title of one, its
title with the first 30 % of its description (a reporter who has begun to write), and
new stories like none in the database.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
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
    add_database_options,
    droppable_database,
    fresh_database,
    reusable_cases,
    server_environment,
)
from bench.report import machine, say_where, write_results  # noqa: E402
from bench.search import STATES, _database_version, _say, _summary, _write  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_similar"
GOAL_P95_MS = 50.0
COPY_BATCH = 50_000
SPAN = timedelta(days=730)
LIMIT = 10
# How many reports tell one story: (share of stories, fewest, most).
GROUPS = ((0.92, 1, 1), (0.06, 2, 3), (0.017, 4, 10), (0.003, 11, 30))
# How much of a report's text differs from its story's, and how many are in traditional
# characters.
CHANGES = (0.0, 0.05, 0.1, 0.2)
TRADITIONAL_SHARE = 0.25
POINT_SHARE = 0.5
VOCABULARY = 30_000
STOCK_SENTENCE_SHARE = 0.3
# A reporter who has begun to write: her title and this share of the description.
FIRST_LINES_SHARE = 0.3
# Stories kept aside, as they are written, for the queries that rewrite them.
KEPT_STORIES = 2_000
HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many cases")
    parser.add_argument("--queries", type=int, default=100, help="texts looked up of each kind")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each lookup")
    add_database_options(parser, database_url=DEFAULT_DATABASE_URL, seed=20261206)
    return parser.parse_args(argv)


@dataclass
class Story:
    title: str
    description: str
    topic_id: int
    region_id: int
    region_code: str
    point: tuple[float, float] | None
    at: datetime
    case_ids: list[int] = field(default_factory=list)


@dataclass
class Kind:
    what: str
    lookups_ms: list[float] = field(default_factory=list)
    # Of the rewrites of a reported story: the share of its reports found among the first
    # ten (of at most ten of them); of new stories: how many cases were offered.
    found: list[float] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="minjian-bench-similar-") as data_dir:
        os.environ.update(server_environment(args, Path(data_dir)))
        import django

        django.setup()
        data, stories = _prepare_database(args, database_name)
        kinds = _measure(args, stories)
        version = _database_version()
    report = {
        "machine": machine(database=version, load_average_at_start=load_at_start),
        "data": data,
        "repeats": args.repeats,
        "kinds": [asdict(kind) | {"lookup": _summary(kind.lookups_ms)} for kind in kinds],
        "all": _summary([ms for kind in kinds for ms in kind.lookups_ms]),
    }
    path = write_results(args.results_dir, "similar-lookup", report)
    _print_table(kinds, data)
    say_where(path)
    return 0


def _prepare_database(
    args: argparse.Namespace, database_name: str
) -> tuple[dict[str, Any], list[Story]]:
    rng = random.Random(args.seed)
    existing = reusable_cases(args, database_name)
    if existing is not None:
        # The same seed draws the same stories, without writing them again.
        told_often = [
            story for story, _rows in _stories(rng, args.cases) if len(story.case_ids) > 1
        ]
        return {"cases": existing, "reused": True}, _kept(told_often, rng)
    fresh_database(args.database_url, database_name)
    _say(f"Writing {args.cases} cases ...")
    data, told_often = _generate(rng, args.cases)
    return data | {"reused": False}, _kept(told_often, rng)


def _kept(told_often: list[Story], rng: random.Random) -> list[Story]:
    """A sample of the stories told by several reports, for the rewrite queries."""
    return rng.sample(told_often, min(KEPT_STORIES, len(told_often)))


def _generate(rng: random.Random, count: int) -> tuple[dict[str, Any], list[Story]]:
    from django.db import connection

    from minjian.cases.services_similarity import rebuild_similarity_index

    timings: dict[str, float] = {}
    started = time.monotonic()
    told_often: list[Story] = []
    stories = 0
    batch: list[tuple[object, ...]] = []
    columns = (
        "id, title, description, topic_id, region_id, latitude, longitude, location_precision,"
        " state, receipt_digest, personal_data_found, hidden_reason, verdict, created_at,"
        " published_at, updated_at"
    )
    with connection.cursor() as cursor:
        for story, rows in _stories(rng, count):
            stories += 1
            if len(story.case_ids) > 1:
                told_often.append(story)
            batch.extend(rows)
            if len(batch) >= COPY_BATCH:
                _write(cursor, "cases_case", columns, batch)
                _say(f"  {batch[-1][0]} cases")
                batch = []
        if batch:
            _write(cursor, "cases_case", columns, batch)
        cursor.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [count])
    timings["write_seconds"] = time.monotonic() - started
    _say("Making the similar-case index ...")
    started = time.monotonic()
    indexed = rebuild_similarity_index()
    timings["index_seconds"] = time.monotonic() - started
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT pg_total_relation_size('cases_caselshbucket'),"
            " pg_total_relation_size('cases_casefingerprint')"
        )
        buckets_bytes, fingerprints_bytes = cursor.fetchone()
    timings["vacuum_seconds"] = time.monotonic() - started
    data = {
        "cases": count,
        "indexed": indexed,
        "stories": stories,
        "stories_told_more_than_once": len(told_often),
        "cases_in_groups": sum(len(story.case_ids) for story in told_often),
        "buckets_mb": round(buckets_bytes / 2**20),
        "fingerprints_mb": round(fingerprints_bytes / 2**20),
    }
    return data | {key: round(value, 1) for key, value in timings.items()}, told_often


def _stories(rng: random.Random, count: int) -> Iterator[tuple[Story, list[tuple[object, ...]]]]:
    """Stories and the rows of their reports (case ids from 1), until `count` cases."""
    from django.utils import timezone

    now = timezone.now()
    next_id = 1
    while next_id <= count:
        story = _story(rng, now)
        shares = [share for share, _fewest, _most in GROUPS]
        _share, fewest, most = rng.choices(GROUPS, weights=shares)[0]
        rows: list[tuple[object, ...]] = []
        for _ in range(min(rng.randint(fewest, most), count - next_id + 1)):
            title, description = _retold(rng, story, rng.choice(CHANGES))
            point = _near(rng, story.point)
            published = story.at + timedelta(days=3 * rng.random())
            rows.append(
                (
                    next_id,
                    title,
                    description,
                    story.topic_id,
                    story.region_id,
                    point[0] if point else None,
                    point[1] if point else None,
                    "approximate",
                    rng.choices(list(STATES), weights=list(STATES.values()))[0],
                    "",
                    "[]",
                    "",
                    "unverified",
                    published - timedelta(minutes=rng.uniform(1, 600)),
                    published,
                    published,
                )
            )
            story.case_ids.append(next_id)
            next_id += 1
        yield story, rows


def _story(rng: random.Random, now: datetime) -> Story:
    from bench.casedata import DETAILS_ZH, PROBLEMS

    topic_id, slug = rng.choice(_topics())
    subject, _subject_en, problem, _problem_en = rng.choice(PROBLEMS[slug])
    region_id, region_code, region_name = rng.choice(_regions())
    village = "".join(rng.choices(_characters(), k=2)) + rng.choice("村镇庄街")
    title = f"{village}{subject}{problem}"
    words, weights = _vocabulary()
    sentences = [f"{title}。", f"地点在{region_name}{village}。"]
    for _ in range(rng.randint(3, 4)):
        sentences.append("".join(rng.choices(words, cum_weights=weights, k=rng.randint(8, 16))))
        sentences[-1] += "。"
    if rng.random() < STOCK_SENTENCE_SHARE:
        sentences.append(rng.choice(DETAILS_ZH))
    point = (
        (round(rng.uniform(22, 42), 4), round(rng.uniform(100, 122), 4))
        if rng.random() < POINT_SHARE
        else None
    )
    return Story(
        title=title,
        description="".join(sentences),
        topic_id=topic_id,
        region_id=region_id,
        region_code=region_code,
        point=point,
        at=now - SPAN * rng.random(),
    )


def _retold(rng: random.Random, story: Story, share: float) -> tuple[str, str]:
    """The story in another reporter's words: `share` of its characters changed, and
    sometimes in traditional characters."""
    title, description = _changed(rng, story.title, share), _changed(rng, story.description, share)
    if rng.random() < TRADITIONAL_SHARE:
        return _traditional(title), _traditional(description)
    return title, description


def _changed(rng: random.Random, text: str, share: float) -> str:
    if not share:
        return text
    characters = _characters()
    out = []
    for character in text:
        if rng.random() >= share:
            out.append(character)
            continue
        edit = rng.random()
        if edit < 0.6:
            out.append(rng.choice(characters))
        elif edit < 0.8:
            out.extend((character, rng.choice(characters)))
    return "".join(out)


def _near(rng: random.Random, point: tuple[float, float] | None) -> tuple[float, float] | None:
    if point is None:
        return None
    return (
        round(point[0] + rng.uniform(-0.01, 0.01), 4),
        round(point[1] + rng.uniform(-0.01, 0.01), 4),
    )


@cache
def _topics() -> list[tuple[int, str]]:
    from minjian.topics.models import Topic

    return list(Topic.objects.order_by("id").values_list("id", "slug"))


@cache
def _regions() -> list[tuple[int, str, str]]:
    from minjian.places.models import Region

    return list(
        Region.objects.filter(level__gte=Region.Level.PREFECTURE)
        .order_by("id")
        .values_list("id", "code", "name_zh")
    )


@cache
def _vocabulary() -> tuple[list[str], list[float]]:
    """jieba's most frequent words of Chinese characters, with cumulative weights."""
    import jieba

    words: list[tuple[int, str]] = []
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            word, count, _tag = line.split(" ")
            if HAN.match(word):
                words.append((int(count), word))
    words.sort(reverse=True)
    chosen = words[:VOCABULARY]
    cumulative, total = [], 0.0
    for weight, _word in chosen:
        total += weight
        cumulative.append(total)
    return [word for _weight, word in chosen], cumulative


@cache
def _characters() -> str:
    """The characters of the 3,000 most frequent words: what an edit puts in."""
    words, _weights = _vocabulary()
    return "".join(sorted(set("".join(words[:3000]))))


def _traditional(text: str) -> str:
    return str(_converter().convert(text))


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def _measure(args: argparse.Namespace, kept: list[Story]) -> list[Kind]:
    from django.utils import timezone

    from minjian.cases.selectors_similar import similar_to_text
    from minjian.places.models import Region

    rng = random.Random(args.seed + 1)
    stories = rng.sample(kept, min(args.queries, len(kept)))
    regions = Region.objects.in_bulk([story.region_id for story in stories])
    lookups: list[tuple[Kind, dict[str, Any], set[int]]] = []
    rewrite = Kind("a new reporter's rewrite of a reported story (10 % changed)")
    traditional = Kind("the same, in traditional characters")
    placed = Kind("the same, with its region and point")
    title_only = Kind("only the title of a reported story (10 % changed)")
    first_lines = Kind("its title and the first 30 % of its description (10 % changed)")
    new = Kind("a new story, like none reported")
    for story in stories:
        title, description = _changed(rng, story.title, 0.1), _changed(rng, story.description, 0.1)
        members = set(story.case_ids)
        lookups.append((rewrite, {"title": title, "description": description}, members))
        lookups.append(
            (
                traditional,
                {"title": _traditional(title), "description": _traditional(description)},
                members,
            )
        )
        where: dict[str, Any] = {"region": regions[story.region_id]}
        if story.point:
            where |= {"latitude": story.point[0], "longitude": story.point[1]}
        lookups.append((placed, {"title": title, "description": description} | where, members))
        lookups.append((title_only, {"title": title, "description": ""}, members))
        begun = description[: round(len(description) * FIRST_LINES_SHARE)]
        lookups.append((first_lines, {"title": title, "description": begun}, members))
    for _ in range(len(stories)):
        fresh = _story(rng, timezone.now())
        lookups.append((new, {"title": fresh.title, "description": fresh.description}, set()))

    def run(arguments: dict[str, Any]) -> list[int]:
        return [similar.case.pk for similar in similar_to_text(limit=LIMIT, **arguments)]

    _say(f"Warming up with {len(lookups)} lookups ...")
    for _kind, arguments, _members in lookups:
        run(arguments)
    _say(f"Timing them {args.repeats} times ...")
    for repeat in range(args.repeats):
        for kind, arguments, members in lookups:
            started = time.perf_counter()
            found = run(arguments)
            kind.lookups_ms.append((time.perf_counter() - started) * 1000)
            if repeat:
                continue
            if members:
                kind.found.append(len(members & set(found)) / min(len(members), LIMIT))
            else:
                kind.found.append(len(found))
    return [rewrite, traditional, placed, title_only, first_lines, new]


def _print_table(kinds: Sequence[Kind], data: dict[str, Any]) -> None:
    size = (
        f"{data['cases'] // 1_000_000}M"
        if data["cases"] >= 1_000_000
        else f"{data['cases'] // 1000}k"
    )
    print(
        f"\nPostgreSQL, {data['cases']} cases ({data.get('stories_told_more_than_once', '?')}"
        f" stories told more than once, {data.get('cases_in_groups', '?')} cases in them)."
        f" `similar_to_text`, at most {LIMIT} cases, per kind of text:\n"
    )
    header = ("text", "lookups", "p50 ms", "p95 ms", "max ms", "found")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for kind in kinds:
        summary = _summary(kind.lookups_ms)
        found = (
            f"{statistics.mean(kind.found):.0%} of its reports"
            if kind is not kinds[-1]
            else f"{statistics.mean(kind.found):.2f} cases offered"
        )
        print(
            f"| {kind.what} | {len(kind.lookups_ms)} | {summary['p50_ms']:.1f}"
            f" | {summary['p95_ms']:.1f} | {summary['max_ms']:.1f} | {found} |"
        )
    everything = _summary([ms for kind in kinds for ms in kind.lookups_ms])
    print(
        f"| **all** | {sum(len(kind.lookups_ms) for kind in kinds)} | {everything['p50_ms']:.1f}"
        f" | {everything['p95_ms']:.1f} | {everything['max_ms']:.1f} | |"
    )
    verdict = "holds" if everything["p95_ms"] < GOAL_P95_MS else "NOT MET"
    print(
        f"\nGOAL similar lookup PostgreSQL {size}: p95 {everything['p95_ms']:.1f} ms"
        f" (goal < {GOAL_P95_MS:.0f} ms; {everything['p95_ms'] / GOAL_P95_MS:.2f}x the goal)"
        f" {verdict}"
    )


if __name__ == "__main__":
    sys.exit(main())
