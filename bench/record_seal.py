"""The public record's cost: what appending to it adds to the transaction that publishes a
report, and how fast the sealer chains what was appended.

    python bench/record_seal.py [--reports 2000] [--rounds 5] [--database-url postgres://...]

1. Uses a fresh database: by default SQLite in a temporary folder (the embedded default);
   with `--database-url`, a PostgreSQL database that is dropped and created again (its
   name must contain "bench").
2. Files `--reports` reports published at once (`cases.services.case_file`, one
   transaction each, as a trusted reporter's report without photos), half with the
   record's append and half without it (the cases app's call to the record replaced by
   nothing), alternating in `--rounds` rounds so that a drift of the machine falls on
   both alike. Deferred jobs are written as the embedded default writes them (a row in
   the database's queue) but not run: the time is the transaction's alone.
3. Seals every entry appended (`record.services.seal_record`, in steps of 1,000 with
   one checkpoint) and checks the chain (`verify_record`).
4. Prints the figures (and Markdown for docs/benchmarks.md) and writes them as JSON into
   bench/results/.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import add_sqlite_or_postgres_options  # noqa: E402
from bench.report import machine, say_where, write_results  # noqa: E402

COUNTY = "340321"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="The record's append in the publishing transaction, and the seal's speed."
    )
    parser.add_argument("--reports", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    add_sqlite_or_postgres_options(parser)
    return parser.parse_args(argv)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    from bench.http_pages import _recreate_database, droppable_database

    database_name = droppable_database(args.database_url) if args.database_url else ""
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-record-") as data_dir:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": args.database_url,
                "REDIS_URL": "",
                "MINJIAN_JOBS": "in-process",
                "MINJIAN_DATA_DIR": data_dir,
                "MINJIAN_PRODUCTION": "",
                "SECRET_KEY": secrets.token_urlsafe(50),
            }
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from minjian.jobs import pending

        # The deferred jobs are written, not run: nothing else takes the machine meanwhile.
        pending.runner.wake = lambda: None  # type: ignore[method-assign]  # the bench's own runner: none
        if database_name:
            _recreate_database(args.database_url, database_name)
        call_command("migrate", verbosity=0)
        _regions_and_topic()
        publishing = _publish(args)
        sealing = _seal()
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    about = machine(database=engine, load_average_at_start=load_at_start)
    report = {"machine": about, "publishing": publishing, "sealing": sealing}
    path = write_results(args.results_dir, "record_seal", report)
    _print(report)
    say_where(path)
    return 0


def _regions_and_topic() -> None:
    from minjian.places.models import Region
    from minjian.topics.models import Topic

    Topic.objects.get_or_create(
        slug="environment", defaults={"name_zh": "环境", "name_en": "Environment"}
    )
    province, _made = Region.objects.get_or_create(
        code="340000",
        defaults={"name_zh": "安徽省", "name_en": "Anhui", "level": 1, "path": "/340000/"},
    )
    Region.objects.get_or_create(
        code=COUNTY,
        defaults={
            "name_zh": "怀远县",
            "name_en": "Huaiyuan",
            "level": 3,
            "parent": province,
            "path": f"/340000/{COUNTY}/",
        },
    )


def _publish(args: argparse.Namespace) -> dict[str, Any]:
    """Seconds per report filed and published at once, with and without the append."""
    from minjian.accounts.models import User
    from minjian.cases import services
    from minjian.cases.recording import record_events

    reporter = User.objects.create_user("bench-reporter", is_staff=True)  # trusted: published
    report = services.check_report(
        title="造纸厂向淮河排污",
        description="每天夜里排放黑色污水，河面漂着死鱼。",
        topic_slug="environment",
        region_code=COUNTY,
    )
    variants: dict[str, Callable[..., None]] = {
        "with the append": record_events,
        "without the append": lambda events, **_kwargs: None,
    }
    per_round = max(1, args.reports // (2 * args.rounds))
    times: dict[str, list[float]] = {name: [] for name in variants}
    _say(f"Filing {2 * per_round * args.rounds} reports in {args.rounds} rounds ...")
    for _round in range(args.rounds):
        for name, variant in variants.items():
            with mock.patch("minjian.cases.services.record_events", variant):
                for _report in range(per_round):
                    started = time.perf_counter()
                    services.case_file(reporter=reporter, report=report)
                    times[name].append(time.perf_counter() - started)
    results: dict[str, Any] = {"reports_per_variant": per_round * args.rounds}
    for name, seconds in times.items():
        results[name] = {
            "median_ms": round(1000 * statistics.median(seconds), 3),
            "reports_per_second": round(len(seconds) / sum(seconds), 1),
        }
    results["ratio"] = round(
        results["with the append"]["median_ms"] / results["without the append"]["median_ms"], 3
    )
    return results


def _seal() -> dict[str, Any]:
    from django.core.management import call_command

    from minjian.record.models import Entry
    from minjian.record.services import seal_record

    unsealed = Entry.objects.filter(position__isnull=True).count()
    _say(f"Sealing {unsealed} entries ...")
    started = time.perf_counter()
    sealed = seal_record()
    seconds = time.perf_counter() - started
    verified = StringIO()
    call_command("verify_record", stdout=verified)
    return {
        "entries": sealed,
        "seconds": round(seconds, 3),
        "entries_per_second": round(sealed / seconds, 1) if seconds else None,
        "verified": verified.getvalue().strip(),
    }


def _print(report: dict[str, Any]) -> None:
    publishing, sealing = report["publishing"], report["sealing"]
    print(
        f"\nPublic record, {publishing['reports_per_variant']} reports per variant "
        f"({report['machine']['database']})\n"
    )
    print("| report published at once | median | reports/s |")
    print("|---|---:|---:|")
    for name in ("with the append", "without the append"):
        entry = publishing[name]
        print(f"| {name} | {entry['median_ms']:.2f} ms | {entry['reports_per_second']:.0f} |")
    print(f"\nWith / without: {publishing['ratio']:.2f}")
    print(
        f"Seal: {sealing['entries']} entries in {sealing['seconds']:.2f} s "
        f"({sealing['entries_per_second']:.0f} entries/s); {sealing['verified']}"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
