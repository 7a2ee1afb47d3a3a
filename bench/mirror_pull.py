"""How fast a mirror pulls another instance's new public record, against a bare fetch of
the same pages in the same run.

    python bench/mirror_pull.py [--events 10000] [--page-size 500] [--database-url URL]

1. The source: Minjian under gunicorn (2 workers, `bench.settings`) on 127.0.0.1, on a
   SQLite database of its own in a temporary folder, its record holding `--events`
   sealed entries: a case published (a case's public snapshot, in Chinese, as the cases
   app writes it) then four events on it, over and over, appended through
   `record.services.append` and sealed by `record.services.seal_record`, as the apps do.
   No case rows stand behind them, so the mirror's check of a few cases per pull
   (`mirrors.services.CHECKED_PER_PULL` requests) finds them gone; that is in the pull's time.
2. The mirror: this process, Django on `--database-url` (default: a SQLite file in the
   temporary folder; a PostgreSQL database's name must contain "bench", it is dropped and
   made again), migrated.
3. The bare fetch: every page of the record read over HTTP and parsed as JSON, nothing
   checked or kept: the floor of any pull. Run before and after the pull; its baseline is
   the mean of the two.
4. The pull: `follow` then `pull` (every page verified against the chain and the signed
   checkpoint, kept one transaction a page, the cases made from the entries).

Prints events per second of each and the ratio pull / bare; writes them as JSON into
bench/results/. No goal is stated for it in issue 15; the figure goes to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import (  # noqa: E402
    _recreate_database,
    droppable_database,
    free_port,
    server_environment,
    serving,
)
from bench.report import machine, say_where, write_results  # noqa: E402

EVENTS_PER_CASE = 5
APPEND_BATCH = 1000


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="A mirror's pull of another instance's record, against a bare fetch."
    )
    parser.add_argument("--events", type=int, default=10_000, help="entries in the record")
    parser.add_argument("--page-size", type=int, default=500, help="entries per request")
    parser.add_argument(
        "--database-url",
        default="",
        help="the mirror's database (default: SQLite in a temporary folder); a PostgreSQL "
        "database's name must contain 'bench'",
    )
    parser.add_argument("--workers", type=int, default=2, help="the source's gunicorn workers")
    parser.add_argument(
        "--results-dir", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes"
    )
    # Run inside the source's environment by this script itself.
    parser.add_argument("--append-events", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.append_events:
        return _append_events(args.append_events)
    if args.database_url and droppable_database(args.database_url) is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-mirror-pull-") as folder:
        return _measure(args, Path(folder))


def _measure(args: argparse.Namespace, folder: Path) -> int:
    port = free_port()
    source_dir = folder / "source"
    source_dir.mkdir()
    source_args = argparse.Namespace(database_url=f"sqlite:///{source_dir / 'source.sqlite3'}")
    environment = server_environment(source_args, source_dir) | {
        "MINJIAN_SITE_URL": f"http://127.0.0.1:{port}",
        "MINJIAN_JOBS": "inline",
    }
    source_environ = _without_minjian(os.environ) | environment
    _say(f"The source: migrating and appending {args.events} entries ...")
    started = time.monotonic()
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], source_environ)
    _run(
        [sys.executable, "bench/mirror_pull.py", "--append-events", str(args.events)],
        source_environ,
    )
    _say(f"  {time.monotonic() - started:.1f} s")
    mirror_dir = folder / "mirror"
    mirror_dir.mkdir()
    _set_up_mirror(args, mirror_dir)

    from minjian.mirrors import services

    with serving(args, environment, port, folder / "source.log") as base_url:
        url = base_url + "/"
        # Warm-up: the source's first answers load its code and templates.
        _bare_fetch(url, args.page_size, pages=2)
        bare_before = _bare_fetch(url, args.page_size)
        _say(f"Bare fetch: {bare_before['entries']} entries in {bare_before['seconds']:.2f} s")
        started = time.monotonic()
        services.follow("source", url)
        result = services.pull("source", page_size=args.page_size)
        pull_seconds = time.monotonic() - started
        _say(f"Pull: {result.entries} entries in {pull_seconds:.2f} s")
        bare_after = _bare_fetch(url, args.page_size)
        _say(f"Bare fetch again: {bare_after['seconds']:.2f} s")
    if result.entries != args.events or not result.complete:
        print(f"The pull kept {result.entries} of {args.events} entries.", file=sys.stderr)
        return 1
    bare_rate = statistics.mean(
        run["entries"] / run["seconds"] for run in (bare_before, bare_after)
    )
    pull_rate = result.entries / pull_seconds
    figures = {
        "events": args.events,
        "page_size": args.page_size,
        "pages": result.pages,
        "pull_seconds": round(pull_seconds, 3),
        "pull_events_per_second": round(pull_rate, 1),
        "bare_seconds": [round(run["seconds"], 3) for run in (bare_before, bare_after)],
        "bare_events_per_second": round(bare_rate, 1),
        "ratio": round(pull_rate / bare_rate, 3),
        "cases_checked_per_pull": services.CHECKED_PER_PULL,
    }
    _say(
        f"\n| events | pull events/s | bare fetch events/s | pull / bare |\n"
        f"|---:|---:|---:|---:|\n"
        f"| {args.events:,} | {pull_rate:,.0f} | {bare_rate:,.0f} | {figures['ratio']:.2f} |"
    )
    from django.conf import settings

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    report = {"machine": machine(mirror_database=database), "figures": figures}
    say_where(write_results(args.results_dir, "mirror_pull", report))
    return 0


def _without_minjian(environ: Any) -> dict[str, str]:
    return {
        key: value
        for key, value in environ.items()
        if not key.startswith(("MINJIAN_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }


def _run(command: list[str], environ: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=environ, check=True)


def _set_up_mirror(args: argparse.Namespace, mirror_dir: Path) -> None:
    """This process as the mirror: Django on its own database, migrated."""
    database_url = args.database_url or f"sqlite:///{mirror_dir / 'mirror.sqlite3'}"
    if args.database_url:
        name = droppable_database(args.database_url)
        assert name is not None
        _recreate_database(args.database_url, name)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url,
            "MINJIAN_DATA_DIR": str(mirror_dir),
            "MINJIAN_JOBS": "inline",
        }
    )
    for key in ("REDIS_URL", "MINJIAN_PRODUCTION"):
        os.environ.pop(key, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _bare_fetch(url: str, page_size: int, pages: int | None = None) -> dict[str, Any]:
    """Every page of the record (or the first `pages`), read and parsed, nothing else."""
    started = time.monotonic()
    after, entries, read = 0, 0, 0
    while pages is None or read < pages:
        read += 1
        address = f"{url}api/v1/record/entries?after={after}&limit={page_size}"
        with urllib.request.urlopen(address, timeout=60) as response:
            page = json.loads(response.read())
        if not page["entries"]:
            break
        entries += len(page["entries"])
        after = page["next_after"]
    return {"entries": entries, "seconds": time.monotonic() - started}


def _append_events(count: int) -> int:
    """In the source's environment: `count` record entries, sealed."""
    import django

    django.setup()
    from django.db import transaction

    from minjian.record.services import append, seal_record

    case_id = 0
    for start in range(0, count, APPEND_BATCH):
        with transaction.atomic():
            for number in range(start, min(start + APPEND_BATCH, count)):
                if number % EVENTS_PER_CASE == 0:
                    case_id += 1
                    append(f"case:{case_id}", "case.published", _snapshot(case_id))
                else:
                    append(f"case:{case_id}", "case.event", _event(case_id, number))
        seal_record()
    return 0


def _snapshot(case_id: int) -> dict[str, Any]:
    return {
        "id": case_id,
        "title": f"淮河支流排污第{case_id}号",
        "description": "造纸厂每天夜里两点开始向河里排放黑色污水，气味刺鼻，下游鱼死了很多。" * 3,
        "topic": {"slug": "environment", "name_zh": "环境", "name_en": "Environment"},
        "region": {"code": "340321", "name_zh": "怀远县", "name_en": "Huaiyuan County"},
        "point": {"latitude": "32.97", "longitude": "117.2"},
        "precision": "approximate",
        "state": "published",
        "published_at": "2026-12-01T08:00:00.000000Z",
        "photos": [],
    }


def _event(case_id: int, number: int) -> dict[str, Any]:
    return {
        "id": number,
        "case": case_id,
        "kind": "public_update",
        "at": "2026-12-01T09:00:00.000000Z",
        "organisation": {"id": 1, "slug": "huaihe-watch", "name_zh": "淮河卫士", "name_en": ""},
        "note": "我们已把情况转给县生态环境局，等待答复。",
    }


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
