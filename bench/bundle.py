"""How long a full bundle takes to write and to import, and whether memory stays flat.

    python bench/bundle.py [--cases 1000000] [--reuse] [--database-url postgres://...bench...]

At two sizes, `--cases / 10` then `--cases` (constant memory shows as the same peak at
both):

1. Makes a PostgreSQL database hold that many generated cases with their events, inboxes,
   search documents and tallies (`bench/casedata.py`, the database of `bench/http_pages.py`
   by default; its name must contain "bench"; `--reuse` keeps one of the right size for the
   larger size).
2. For a public bundle, then a full one: runs `manage.py export_instance PATH --kind ...` in
   a child process (seconds, the bundle's megabytes, sealed for a full one, its rows, and
   the child's peak resident memory, as GNU time measures it), then makes a second, empty
   database (`<name>_import`, migrated) and runs `manage.py import_instance PATH` into it in
   a child process: the same figures, and how many rows it then holds.
3. The baseline, in the same run: `pg_dump --data-only` of the same tables to a file.

Memory is compared on the public bundle: a full one's peak adds age's scrypt, which takes
256 MiB to 1 GiB (age calibrates it to the machine's speed at that moment) at any size.

Prints a table and writes the figures as JSON into bench/results/. Photos of generated
cases have no files (casedata writes none), so the bundle holds their names only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
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
    _recreate_database,
    add_database_options,
    droppable_database,
    prepare_database,
    server_environment,
)
from bench.report import machine, say_where, write_results  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_bundle"
PASSPHRASE = "bench passphrase, not a secret"  # noqa: S105  # protects generated data
# Within this of the smaller size's peak, memory did not grow with the data.
FLAT_MEMORY_RATIO = 1.5
TIME = "/usr/bin/time"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Export and import of a full bundle.")
    parser.add_argument("--cases", type=int, default=1_000_000, help="the larger size")
    add_database_options(parser, database_url=DEFAULT_DATABASE_URL, seed=2026)
    parser.set_defaults(redis_url="")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-bundle-") as work:
        os.environ.update(server_environment(args, Path(work)))
        os.environ["MINJIAN_BUNDLE_PASSPHRASE"] = PASSPHRASE
        import django

        django.setup()
        sizes = []
        for cases in (max(args.cases // 10, 1), args.cases):
            size_args = argparse.Namespace(**{**vars(args), "cases": cases})
            if cases != args.cases:
                size_args.reuse = False
            sizes.append(_one_size(size_args, database_name, Path(work) / f"size-{cases}"))
    report: dict[str, Any] = {"machine": machine(), "sizes": sizes}
    small, large = sizes
    # The public bundle's: a full one's peak adds age's scrypt (256 MiB to 1 GiB, calibrated
    # to the machine's speed at that moment), the same at any size but not from run to run.
    report["export_memory_ratio"] = _ratio(large["export_public"], small["export_public"])
    report["import_memory_ratio"] = _ratio(large["import_public"], small["import_public"])
    report["flat_memory"] = max(report["export_memory_ratio"], report["import_memory_ratio"]) < (
        FLAT_MEMORY_RATIO
    )
    path = write_results(args.results_dir, "bundle", report)
    _print(report)
    say_where(path)
    whole = all(
        large[f"import_{kind}"]["rows"] == large[f"export_{kind}"]["rows"]
        for kind in ("public", "full")
    )
    return 0 if whole else 1


def _one_size(args: argparse.Namespace, database_name: str, work: Path) -> dict[str, Any]:
    from django.db import connections

    work.mkdir()
    data = prepare_database(args, database_name)
    rows, tables = _rows_and_tables()
    connections.close_all()
    figures: dict[str, Any] = {"data": data}
    for kind in ("public", "full"):
        bundle = work / kind
        export = _child(["export_instance", str(bundle), "--kind", kind], args.database_url)
        export["rows"] = rows if kind == "full" else _bundle_rows(bundle)
        export["megabytes"] = round(_size(bundle) / 2**20, 1)
        import_url = _empty_database(args.database_url, f"{database_name}_import")
        imported = _child(["import_instance", str(bundle)], import_url)
        imported["rows"] = _rows_in(import_url)
        imported["megabytes"] = export["megabytes"]
        figures[f"export_{kind}"] = _rates(export)
        figures[f"import_{kind}"] = _rates(imported)
    figures["pg_dump"] = _rates(_pg_dump(args.database_url, tables, work / "dump.sql", rows))
    return figures


def _empty_database(database_url: str, name: str) -> str:
    """A new database `name` beside the benchmark's, migrated (with its topics, no regions)."""
    url = database_url.rsplit("/", 1)[0] + f"/{name}"
    _recreate_database(url, name)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": url},
        check=True,
    )
    return url


def _bundle_rows(bag: Path) -> int:
    lines = 0
    for table in (bag / "data" / "tables").iterdir():
        with table.open("rb") as stream:
            lines += sum(1 for _line in stream)
    return lines


def _rows_and_tables() -> tuple[int, list[str]]:
    from minjian.archive.bundle_tables import exported_models

    models = exported_models()
    return (
        sum(model._base_manager.count() for model in models),
        [model._meta.db_table for model in models],
    )


def _rows_in(database_url: str) -> int:
    """The rows of every exported table in the database at `database_url`."""
    script = (
        "from minjian.archive.bundle_tables import exported_models;"
        "print(sum(m._base_manager.count() for m in exported_models()))"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": database_url},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(output.strip().splitlines()[-1])


def _child(arguments: list[str], database_url: str) -> dict[str, Any]:
    """Runs a manage.py command in a child process: its seconds and peak resident memory.

    The memory is GNU time's (`%M`, the child's own `ru_maxrss`): a child forked from this
    process directly would count this process's memory at the fork (Linux keeps the
    high-water mark across exec), which holds the generated data."""
    with tempfile.NamedTemporaryFile("r") as measured:
        started = time.perf_counter()
        subprocess.run(
            [TIME, "-f", "%M", "-o", measured.name, sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=os.environ | {"DATABASE_URL": database_url},
            check=True,
        )
        seconds = time.perf_counter() - started
        kibibytes = int(measured.read().strip().splitlines()[-1])
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(kibibytes / 1024, 1)}


def _pg_dump(database_url: str, tables: list[str], target: Path, rows: int) -> dict[str, Any]:
    table_options = [option for table in tables for option in ("-t", table)]
    started = time.perf_counter()
    subprocess.run(
        ["pg_dump", "--data-only", *table_options, "-f", str(target), database_url],
        check=True,
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "rows": rows,
        "megabytes": round(target.stat().st_size / 2**20, 1),
    }


def _rates(figures: dict[str, Any]) -> dict[str, Any]:
    seconds = max(float(figures["seconds"]), 1e-9)
    return figures | {
        "rows_per_second": round(figures["rows"] / seconds),
        "mb_per_second": round(figures["megabytes"] / seconds, 1),
    }


def _ratio(large: dict[str, Any], small: dict[str, Any]) -> float:
    return round(float(large["peak_rss_mib"]) / float(small["peak_rss_mib"]), 2)


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _print(report: dict[str, Any]) -> None:
    print(
        "\n| cases | step | seconds | rows/s | MB | MB/s | peak RSS MiB |"
        "\n|--:|---|--:|--:|--:|--:|--:|"
    )
    for size in report["sizes"]:
        for step in ("export_public", "import_public", "export_full", "import_full", "pg_dump"):
            figures = size[step]
            print(
                f"| {size['data']['cases']:,} | {step} | {figures['seconds']} | "
                f"{figures['rows_per_second']:,} | {figures['megabytes']} | "
                f"{figures['mb_per_second']} | {figures.get('peak_rss_mib', '')} |"
            )
    large = report["sizes"][-1]
    print(
        f"GOAL bundle memory: peak RSS at {large['data']['cases']:,} cases is "
        f"{report['export_memory_ratio']}× (export) and {report['import_memory_ratio']}× "
        f"(import) that at a tenth (goal < {FLAT_MEMORY_RATIO}×) "
        + ("holds" if report["flat_memory"] else "NOT MET")
    )


if __name__ == "__main__":
    sys.exit(main())
