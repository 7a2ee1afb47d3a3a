"""How fast the static mirror is built, in full and again after changes.

    python bench/static_mirror.py [--cases 100000] [--changes 100] [--processes 2] [--reuse] ...

1. Makes a PostgreSQL database hold `--cases` generated cases with their timelines
   (`bench/casedata.py`, as bench/http_pages.py does; its name must contain "bench";
   `--reuse` keeps one of the right size).
2. Builds the mirror (minjian/archive/mirror.py) into an empty folder, in process, its
   languages in `--processes` processes (as `manage.py build_mirror` does on a machine of
   two cores or more): seconds, pages rendered (each address in each language), pages a
   second, files and megabytes.
3. Hides `--changes` public cases chosen at random (a moderator's `case_hide`, which
   touches the cases' tags and the lists' as any change does), then builds again into the
   same folder: seconds, pages rendered and kept, files rewritten and removed.

Generated cases' photos have no files (casedata writes none): their links are made inert,
so the figures hold no photo copying. Prints a table and writes the figures as JSON into
bench/results/.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import (  # noqa: E402
    add_database_options,
    droppable_database,
    prepare_database,
    server_environment,
)
from bench.report import machine, say_where, write_results  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_mirror"
MODERATOR = "bench-mirror-moderator"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Static mirror: a full and an incremental build.")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=100, help="cases hidden before the rebuild")
    parser.add_argument(
        "--processes", type=int, default=2, help="processes rendering the languages (%(default)s)"
    )
    add_database_options(parser, database_url=DEFAULT_DATABASE_URL, seed=2026)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-mirror-") as work:
        os.environ.update(server_environment(args, Path(work)))
        import django

        django.setup()
        data = prepare_database(args, database_name)
        mirror = Path(work) / "mirror"
        full = _build(mirror, args.processes)
        print(f"Full build: {full}", flush=True)
        _hide_cases(args.changes, args.seed)
        again = _build(mirror, args.processes)
    report: dict[str, Any] = {
        "machine": machine(),
        "data": data,
        "changes": args.changes,
        "full": full,
        "incremental": again,
    }
    path = write_results(args.results_dir, "static_mirror", report)
    _print(report)
    say_where(path)
    return 0


def _build(mirror: Path, processes: int) -> dict[str, Any]:
    from minjian.archive.mirror import MirrorBuilder

    started = time.monotonic()
    built = MirrorBuilder(mirror).build(processes=processes)
    seconds = time.monotonic() - started
    return {
        "seconds": round(seconds, 1),
        "processes": built.processes,
        "pages_rendered": built.pages_rendered,
        "pages_kept": built.pages_kept,
        "pages_per_second": round(built.pages_rendered / seconds, 1),
        "files_written": built.files_written,
        "files_unchanged": built.files_unchanged,
        "files_removed": built.files_removed,
        "megabytes": round(
            sum(p.stat().st_size for p in mirror.rglob("*") if p.is_file()) / 2**20, 1
        ),
    }


def _hide_cases(count: int, seed: int) -> None:
    from minjian.accounts.models import User
    from minjian.cases import services
    from minjian.cases.models import Case

    moderator, _made = User.objects.get_or_create(username=MODERATOR, defaults={"is_staff": True})
    public = list(Case.objects.filter(state__in=Case.PUBLIC_STATES).values_list("pk", flat=True))
    for case_id in random.Random(seed).sample(public, min(count, len(public))):
        services.case_hide(actor=moderator, case_id=case_id, reason=Case.HiddenReason.OTHER)


def _print(report: dict[str, Any]) -> None:
    print(f"\nStatic mirror of {report['data']['cases']} cases")
    print(
        "| build | processes | seconds | pages rendered | pages kept | pages/s | files written "
        "| removed | MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, key in (("full", "full"), (f"after {report['changes']} changes", "incremental")):
        row = report[key]
        print(
            f"| {label} | {row['processes']} | {row['seconds']} | {row['pages_rendered']} | "
            f"{row['pages_kept']} | {row['pages_per_second']} | {row['files_written']} | "
            f"{row['files_removed']} | {row['megabytes']} |"
        )


if __name__ == "__main__":
    sys.exit(main())
