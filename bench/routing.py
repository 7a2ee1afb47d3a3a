"""Routing: from publishing a case to its row in every matching inbox, per case,
with 10,000 subscriptions, as ratios against baselines measured in the same run.

    python bench/routing.py [--subscriptions 10000] [--organisations 1000] [--cases 200]

1. (Re)creates a PostgreSQL database of its own (default `minjian_bench_routing`;
   the name must contain "bench", because it is dropped), migrates it and loads
   China's 3,218 regions (`load_regions`), so that a case's chain of regions is
   the real one.
2. Writes `--organisations` verified organisations and `--subscriptions`
   distinct subscriptions among them: a topic (one in ten: all topics) in a
   region (30 % provinces, 50 % prefectures, 19 % counties, 1 % everywhere).
3. Submits 2 × `--cases` reports in random counties and topics, left for review.
4. Measures, case by case:
   - **publish + route**: `case_publish` by a moderator with jobs run inline
     after commit (`MINJIAN_JOBS=inline`): the publish, the routing job's
     matching query, the inbox rows and one `routed` event per organisation;
   - **publish only** (baseline): the same on the other half of the cases, with
     routing's receiver disconnected, so the difference is what routing costs;
   - **bare insert** (baseline): for each routed case, one bulk insert of as
     many inbox rows and `routed` events as it got, into a scratch case's
     inboxes, in one transaction: the floor for writing them;
   - **matching query** against **naive matching** (baseline): the one indexed
     query `route_case` uses, against loading every subscription and checking
     each in Python, as code without the materialised path would.
5. Prints a table (and Markdown for docs/benchmarks.md) and writes every figure
   as JSON into bench/results/.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import machine, say_where, write_results  # noqa: E402

BENCH_DIR = ROOT / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_routing"
ALL_TOPICS_SHARE = 0.1
ROUTING_RECEIVER = "routing_route_published_case"
# Shares of subscriptions per region level; the rest (1 %) are "everywhere".
LEVEL_SHARES = {1: 0.30, 2: 0.50, 3: 0.19}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time per case from publish to every matching inbox, against baselines."
    )
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=1_000)
    parser.add_argument("--cases", type=int, default=200, help="cases per measurement")
    parser.add_argument(
        "--cases-with-all-receivers",
        type=int,
        default=20,
        help="cases published with every app's receivers connected (search, notify)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL database to (re)create; its name must contain 'bench' "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=BENCH_DIR / "results", help="where the JSON goes"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    from bench.http_pages import _recreate_database, droppable_database

    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-") as data_dir:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": args.database_url,
                "REDIS_URL": "",
                "MINJIAN_JOBS": "inline",
                "MINJIAN_DATA_DIR": data_dir,
                "MINJIAN_PRODUCTION": "",
                "SECRET_KEY": secrets.token_urlsafe(50),
            }
        )
        import django

        django.setup()
        from django.core.management import call_command

        _say(f"Creating the database {database_name} ...")
        _recreate_database(args.database_url, database_name)
        call_command("migrate", verbosity=0)
        call_command("load_regions", verbosity=0)
        rng = random.Random(args.seed)
        data = _generate(args, rng)
        results = _measure(args, rng)
    report = {
        "machine": machine(load_average_at_start=load_at_start),
        "data": data,
        "results": results,
    }
    path = write_results(args.results_dir, "routing", report)
    _print(report)
    say_where(path)
    return 0


def _generate(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import override_settings
    from django.utils import timezone

    from minjian.cases.tests.factories import make_case
    from minjian.orgs.models import Organisation
    from minjian.places.models import Region
    from minjian.routing.models import Subscription
    from minjian.topics.models import Topic

    _say(f"Writing {args.organisations} organisations, {args.subscriptions} subscriptions ...")
    now = timezone.now()
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                slug=f"bench-org-{n}",
                kind=Organisation.Kind.NGO,
                name_zh=f"测试组织 {n}",
                verified=True,
                verified_at=now,
            )
            for n in range(args.organisations)
        )
        topics = list(Topic.objects.all())
        by_level: dict[int, list[Region]] = {1: [], 2: [], 3: []}
        for each in Region.objects.all():
            by_level[each.level].append(each)
        wanted: set[tuple[int, int | None, int | None]] = set()
        levels, shares = zip(*LEVEL_SHARES.items(), strict=True)
        while len(wanted) < args.subscriptions:
            topic = None if rng.random() < ALL_TOPICS_SHARE else rng.choice(topics).pk
            if rng.random() < sum(shares):
                level = rng.choices(levels, weights=shares)[0]
                region: int | None = rng.choice(by_level[level]).pk
            else:
                region = None
            wanted.add((rng.choice(organisations).pk, topic, region))
        Subscription.objects.bulk_create(
            Subscription(organisation_id=org, topic_id=topic, region_id=region)
            for org, topic, region in sorted(wanted, key=repr)
        )
    reports = 2 * args.cases + args.cases_with_all_receivers
    _say(f"Submitting {reports} reports for review ...")
    with override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True):
        for _ in range(reports):
            make_case(
                rng.choice(by_level[3]), topic=rng.choice(topics).slug, title="benchmark case"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "organisations": args.organisations,
        "subscriptions": args.subscriptions,
        "regions": sum(len(regions) for regions in by_level.values()),
        "topics": len(topics),
        "cases_per_measurement": args.cases,
    }


def _measure(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from minjian.accounts.models import User
    from minjian.cases.models import Case, CaseEvent
    from minjian.cases.services import case_publish
    from minjian.cases.signals import case_events_written
    from minjian.routing import selectors
    from minjian.routing.models import InboxItem, Subscription

    staff = User.objects.create_user(username="bench-moderator", is_staff=True)
    case_ids = list(Case.objects.order_by("id").values_list("pk", flat=True))
    routed_ids = case_ids[: args.cases]
    unrouted_ids = case_ids[args.cases : 2 * args.cases]
    with_all_receivers_ids = case_ids[2 * args.cases :]

    def publish(pk: int) -> None:
        case_publish(actor=staff, case_id=pk)

    _say("Publishing with every app's receivers, their jobs inline ...")
    with_all_receivers = _timed_each(with_all_receivers_ids, publish)

    # What "publish to every inbox" is: routing's own work. The other apps'
    # receivers (search reindex, notify mails) defer a job per routed event, run
    # by workers once the inboxes are written; inline they would be timed here.
    other_receivers = _disconnect_other_case_event_receivers()
    _say(f"Publishing and routing (without {', '.join(other_receivers) or 'other receivers'}) ...")
    publish_and_route = _timed_each(routed_ids, publish)
    inbox_rows = [InboxItem.objects.filter(case_id=pk).count() for pk in routed_ids]
    routed_events = CaseEvent.objects.filter(
        case_id__in=routed_ids, kind=CaseEvent.Kind.ROUTED
    ).count()
    assert routed_events == sum(inbox_rows), "one routed event per inbox row"

    _say("Publishing without routing (baseline) ...")
    case_events_written.disconnect(dispatch_uid=ROUTING_RECEIVER)
    publish_only = _timed_each(unrouted_ids, publish)
    assert not InboxItem.objects.filter(case_id__in=unrouted_ids).exists()

    _say("Bare inserts of as many rows (baseline) ...")
    organisation_ids = list(
        Subscription.objects.values_list("organisation_id", flat=True).distinct().order_by()
    )
    scratch = dict(zip(routed_ids, unrouted_ids, strict=True))
    rows_for = dict(zip(routed_ids, inbox_rows, strict=True))

    def bare_insert(pk: int) -> None:
        chosen = rng.sample(organisation_ids, rows_for[pk])
        with transaction.atomic():
            InboxItem.objects.bulk_create(
                InboxItem(organisation_id=org, case_id=scratch[pk]) for org in chosen
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(case_id=scratch[pk], kind=CaseEvent.Kind.ROUTED, organisation_id=org)
                for org in chosen
            )

    bare = _timed_each(routed_ids, bare_insert)

    _say("Matching: the query against checking every subscription (baseline) ...")
    cases = list(Case.objects.filter(pk__in=routed_ids).select_related("region"))
    query = _timed_each(cases, selectors.subscribed_organisation_ids)

    def naive(case: Case) -> set[int]:
        return {
            org
            for org, topic, path, verified in Subscription.objects.values_list(
                "organisation_id", "topic_id", "region__path", "organisation__verified"
            )
            if verified
            and (topic is None or topic == case.topic_id)
            and (path is None or case.region.path.startswith(path))
        }

    for case in cases[:5]:
        assert naive(case) == selectors.subscribed_organisation_ids(case)
    naive_times = _timed_each(cases, naive)

    return {
        "inbox_rows_per_case": _summary([float(n) for n in inbox_rows]),
        "publish_and_route_ms": _summary(publish_and_route),
        "publish_only_ms": _summary(publish_only),
        "publish_and_route_with_all_receivers_ms": _summary(with_all_receivers),
        "other_receivers_disconnected": other_receivers,
        "bare_insert_ms": _summary(bare),
        "matching_query_ms": _summary(query),
        "naive_matching_ms": _summary(naive_times),
    }


def _disconnect_other_case_event_receivers() -> list[str]:
    """Leave only routing's receiver on `case_events_written`; name the others."""
    from minjian.cases.signals import case_events_written

    # Signal.receivers holds (lookup key, weak reference or function, is_async);
    # a lookup key is (dispatch_uid or id(receiver), id(sender)).
    others = []
    for key, reference, _is_async in list(case_events_written.receivers):
        if key[0] == ROUTING_RECEIVER:
            continue
        receiver = reference() if isinstance(reference, weakref.ReferenceType) else reference
        others.append((key, receiver))
    names = []
    for key, receiver in others:
        case_events_written.disconnect(dispatch_uid=key[0])
        names.append(f"{receiver.__module__}.{receiver.__qualname__}" if receiver else str(key[0]))
    return sorted(names)


def _timed_each(items: Sequence[Any], action: Callable[[Any], object]) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        action(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _summary(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 2),
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max": round(ordered[-1], 2),
    }


def _print(report: dict[str, Any]) -> None:
    results = report["results"]
    routed = results["publish_and_route_ms"]["median"]
    rows = [
        ("publish + route (per case)", results["publish_and_route_ms"], None),
        (
            "… with search and notify jobs inline",
            results["publish_and_route_with_all_receivers_ms"],
            results["publish_and_route_with_all_receivers_ms"]["median"] / routed,
        ),
        ("publish only", results["publish_only_ms"], routed / results["publish_only_ms"]["median"]),
        (
            "bare insert of the same rows",
            results["bare_insert_ms"],
            routed / results["bare_insert_ms"]["median"],
        ),
        ("matching query", results["matching_query_ms"], None),
        (
            "naive matching",
            results["naive_matching_ms"],
            results["matching_query_ms"]["median"] / results["naive_matching_ms"]["median"],
        ),
    ]
    machine, data = report["machine"], report["data"]
    print(
        f"\n{data['subscriptions']} subscriptions of {data['organisations']} organisations, "
        f"{data['regions']} regions, {data['cases_per_measurement']} cases per row; "
        f"inbox rows per case: median {results['inbox_rows_per_case']['median']:.0f}, "
        f"mean {results['inbox_rows_per_case']['mean']:.1f}, "
        f"max {results['inbox_rows_per_case']['max']:.0f}"
    )
    print(
        f"{machine['date']} · {machine['cpu']} · {machine['cores']} cores · "
        f"load {machine['load_average_at_start']} → {machine['load_average']}\n"
    )
    print("| measurement | median ms | mean ms | p95 ms | ratio |")
    print("|---|---|---|---|---|")
    for label, figures, ratio in rows:
        shown = "" if ratio is None else f"{ratio:.2f}"
        print(
            f"| {label} | {figures['median']:.2f} | {figures['mean']:.2f} | "
            f"{figures['p95']:.2f} | {shown} |"
        )
    print(
        "\nratio: publish + route ÷ the baseline (publish only, bare insert); "
        "matching query ÷ naive matching."
    )


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
