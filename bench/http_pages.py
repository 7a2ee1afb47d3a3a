"""How fast the public pages answer under gunicorn, as ratios against a bare Django view.

    python bench/http_pages.py [--cases 100000] [--duration 10] [--reuse] ...

1. (Re)creates a PostgreSQL database of its own (default `minjian_bench`; the
   name must contain "bench", because it is dropped), migrates it, loads China's
   regions and generates `--cases` public cases with their timelines
   (`bench/casedata.py`). With `--reuse`, a database left by an earlier run with
   the same number of cases is kept as it is.
2. In process, with Django's test client and no load: counts and times each
   page's SQL queries, and times the page inside Django.
3. Starts gunicorn (`config.wsgi`, 2 sync workers, settings `bench.settings`) on
   127.0.0.1 and runs wrk against the bare view, then each page followed by the
   bare view again; each run is a warm-up and then the measured run. The server
   is stopped at the end, also on an error or Ctrl-C.
4. Prints a table (and the same as Markdown for docs/benchmarks.md) and writes
   every figure as JSON into bench/results/.

Every page is compared with `/bench/bare/`, a view that returns two bytes through
the same middleware, served by the same server in the same run: the ratio says
what a page costs above Django itself, and stays comparable from one machine to
the next where absolute figures do not. Each page's baseline is the mean of the
bare runs just before and just after it, so that a machine whose load changes
during the run (a shared one) moves page and baseline together; how much those
two bare runs differ is printed beside the page as its drift.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import machine, say_where, write_results  # noqa: E402

BENCH_DIR = ROOT / "bench"
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench"
ACCEPT_LANGUAGE = "zh-hans"
# What every browser asks for: a page is sent gzipped to its readers, so it is measured so.
ACCEPT_ENCODING = "gzip, deflate, br"
BARE = "bare"
CASE_PAGE = "case"
# A deep page of the case list: the static mirror at 100,000 cases found the cursor read
# every row before it (0852c7e), where the 50th page did not show it.
DEEP_PAGE = 5_000
# The goal of every public page (issue 12): half the bare view's throughput or
# better, and a p99 under 50 ms.
GOAL_THROUGHPUT_RATIO = 0.5
GOAL_P99_MS = 50.0
IN_PROCESS_REPEATS = 10
SLOW_RENDERING_MS = 2000.0
# Bare runs before and after a page that differ by more than this say the
# machine's load changed while the page was measured.
DRIFT_WARNING = 0.10


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    paths: tuple[str, ...]


@dataclass
class Measurement:
    target: Target
    status: int | None = None
    error: str = ""
    queries: int | None = None
    in_process_ms: float | None = None
    # Rendered, not taken from the stored pages (minjian/core/public_cache.py).
    rendered_ms: float | None = None
    sql_ms: float | None = None
    slowest_sql: str = ""
    slowest_sql_ms: float | None = None
    response_bytes: int | None = None
    # wrk's figures of each measured run: one for a page, one per page and one
    # more for the bare view.
    runs: list[dict[str, Any]] = field(default_factory=list)
    baseline: Baseline | None = None

    @property
    def requests_per_second(self) -> float | None:
        return statistics.mean(_rps(run) for run in self.runs) if self.runs else None

    def latency_ms(self, percentile: str) -> float | None:
        if not self.runs:
            return None
        return statistics.mean(_latency_ms(run, percentile) for run in self.runs)

    @property
    def throughput_ratio(self) -> float | None:
        rps = self.requests_per_second
        return rps / self.baseline.requests_per_second if rps and self.baseline else None

    @property
    def p99_ratio(self) -> float | None:
        p99 = self.latency_ms("p99")
        return p99 / self.baseline.p99_ms if p99 and self.baseline else None


@dataclass(frozen=True)
class Baseline:
    """The bare view's figures around one page: the mean of the run before and after."""

    requests_per_second: float
    p99_ms: float
    # How much the two bare runs differ in req/s, as a share of the larger one.
    drift: float

    @classmethod
    def around(cls, before: dict[str, Any], after: dict[str, Any]) -> Baseline:
        rps = (_rps(before), _rps(after))
        return cls(
            requests_per_second=statistics.mean(rps),
            p99_ms=statistics.mean((_latency_ms(before, "p99"), _latency_ms(after, "p99"))),
            drift=(max(rps) - min(rps)) / max(rps),
        )


def _rps(run: dict[str, Any]) -> float:
    return float(run["requests"]) / (float(run["duration_us"]) / 1_000_000)


def _latency_ms(run: dict[str, Any], percentile: str) -> float:
    return float(run["latency_us"][percentile]) / 1000


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Requests per second and p99 latency of the public pages under gunicorn, "
        "as ratios against a bare Django view.",
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to generate")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated data")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL database to (re)create; its name must contain 'bench' "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--redis-url", default="", help="REDIS_URL of the server (default: none, local memory)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run if it holds --cases cases",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per URL")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per URL")
    parser.add_argument("--case-pages", type=int, default=50, help="case pages to rotate through")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument(
        "--no-proxy",
        dest="proxy",
        action="store_false",
        help="skip the case page through nginx (deploy/nginx/minjian.conf)",
    )
    parser.add_argument("--nginx", default="nginx", help="the nginx program")
    parser.add_argument("--wrk", default="wrk", help="the wrk program")
    parser.add_argument(
        "--results-dir", type=Path, default=BENCH_DIR / "results", help="where the JSON goes"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Taken before this script adds any load of its own.
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    if load_at_start[0] > (os.cpu_count() or 1) / 2:
        _say(
            f"The machine is busy (load average {load_at_start[0]}): the figures will be "
            "lower and noisier than on a quiet one."
        )
    wrk = shutil.which(args.wrk)
    if wrk is None:
        print(f"{args.wrk} not found: install it (apt-get install wrk).", file=sys.stderr)
        return 2
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-") as data_dir:
        environment = server_environment(args, Path(data_dir))
        os.environ.update(environment)
        import django

        django.setup()
        data = prepare_database(args, database_name)
        measurements = [_profile_in_process(target) for target in targets(args)]
        machine = describe_machine(wrk) | {"load_average_at_start": load_at_start}
        from django.db import connections

        connections.close_all()
        port = args.port or free_port()
        with serving(args, environment, port, Path(data_dir) / "gunicorn.log") as base_url:
            _measure_all(args, wrk, base_url, measurements)
            if args.proxy:
                case_pages = next(m.target for m in measurements if m.target.key == CASE_PAGE)
                proxied = _measure_through_proxy(
                    args, wrk, base_url, port, Path(data_dir), case_pages.paths
                )
        machine["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    report = _report(args, machine, data, measurements)
    if args.proxy:
        report["through_nginx"] = _proxied_report(proxied)
    path = write_results(args.results_dir, "http_pages", report)
    _print_tables(measurements)
    _print_goals(measurements)
    if args.proxy:
        _print_proxy_goal(proxied)
    say_where(path)
    failed = [m.target.label for m in measurements if m.error]
    if failed:
        print(f"Not measured (see the errors above): {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def droppable_database(database_url: str) -> str | None:
    """The name of the database a benchmark may drop and make again, or None (and why, on
    stderr) when the name lacks "bench": no benchmark drops a database of real data."""
    database_name = _database_name(database_url)
    if "bench" in database_name:
        return database_name
    print(
        f"The database {database_name!r} would be dropped: give one whose name contains 'bench'.",
        file=sys.stderr,
    )
    return None


def _database_name(database_url: str) -> str:
    import dj_database_url

    return str(dj_database_url.parse(database_url)["NAME"])


def server_environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    """The environment of Minjian under a benchmark: `bench.settings` on `args.database_url`
    (and `args.redis_url`, for the scripts that take one), its data in `data_dir`."""
    (data_dir / "static").mkdir()
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": getattr(args, "redis_url", ""),
        "MINJIAN_DATA_DIR": str(data_dir),
        "MINJIAN_PRODUCTION": "",
        "MINJIAN_DEBUG": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }


def prepare_database(args: argparse.Namespace, database_name: str) -> dict[str, Any]:
    """Make the database hold `args.cases` generated cases; say how it got there."""
    from django.core.management import call_command
    from django.db import connection

    existing = reusable_cases(args, database_name)
    if existing is not None:
        call_command("migrate", verbosity=0)
        return {"cases": existing, "reused": True}
    fresh_database(args.database_url, database_name)
    _say(f"Generating {args.cases} cases ...")
    from bench.casedata import generate_cases

    started = time.monotonic()
    generated = generate_cases(count=args.cases, seed=args.seed)
    generation_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        # What autovacuum would do on a live instance: the planner needs statistics.
        cursor.execute("VACUUM ANALYZE")
    _say(
        f"  {generated.cases} cases and {generated.events} events in "
        f"{generation_seconds:.0f} s (then VACUUM ANALYZE)."
    )
    return {
        "cases": generated.cases,
        "events": generated.events,
        "generation_seconds": round(generation_seconds, 1),
        "reused": False,
    }


def add_server_options(
    parser: argparse.ArgumentParser, *, database_url: str, redis_url: str
) -> None:
    """The options of a benchmark that makes its own database and serves it to wrk:
    --database-url, --redis-url, --wrk and --results-dir."""
    parser.add_argument(
        "--database-url",
        default=database_url,
        help="PostgreSQL database to (re)create; its name must contain 'bench' "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--redis-url", default=redis_url, help="emptied first (default: %(default)s)"
    )
    parser.add_argument("--wrk", default="wrk", help="the wrk program")
    parser.add_argument(
        "--results-dir", type=Path, default=BENCH_DIR / "results", help="where the JSON goes"
    )


def found_wrk(name: str) -> str | None:
    """The wrk program's path, or None with the reason said."""
    found = shutil.which(name)
    if found is None:
        print(f"{name} not found: install it (apt-get install wrk).", file=sys.stderr)
    return found


def add_sqlite_or_postgres_options(parser: argparse.ArgumentParser) -> None:
    """The options of a benchmark that runs on SQLite in a temporary folder unless given a
    PostgreSQL database to (re)create: --database-url and --results-dir."""
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL database to (re)create, its name containing 'bench'; "
        "default: SQLite in a temporary folder",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=BENCH_DIR / "results", help="where the JSON goes"
    )


def add_database_options(parser: argparse.ArgumentParser, *, database_url: str, seed: int) -> None:
    """The options of a benchmark on a database of `--cases` generated cases that a later
    run may reuse: --reuse, --seed, --database-url and --results-dir."""
    parser.add_argument(
        "--reuse", action="store_true", help="keep an earlier run's database of --cases cases"
    )
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--database-url", default=database_url)
    parser.add_argument(
        "--results-dir", type=Path, default=BENCH_DIR / "results", help="where the JSON goes"
    )


def reusable_cases(args: argparse.Namespace, database_name: str) -> int | None:
    """With `--reuse`, how many cases the database of an earlier run holds, when they are
    the `args.cases` asked for (said); otherwise None, its connections closed so that
    it may be dropped."""
    from django.db import DatabaseError, connections

    from minjian.cases.models import Case

    if not args.reuse:
        return None
    try:
        existing = Case.objects.count()
    except DatabaseError:
        existing = None
    if existing == args.cases:
        _say(f"Reusing {database_name}: it holds {existing} cases.")
        return existing
    connections.close_all()
    return None


def fresh_database(database_url: str, database_name: str) -> None:
    """The database dropped and made again, migrated, with China's regions."""
    from django.core.management import call_command

    _say(f"Creating the database {database_name} ...")
    _recreate_database(database_url, database_name)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)


def _recreate_database(database_url: str, database_name: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    parsed = dj_database_url.parse(database_url)
    with psycopg.connect(
        host=parsed["HOST"] or None,
        port=parsed["PORT"] or None,
        user=parsed["USER"] or None,
        password=parsed["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as maintenance:
        name = sql.Identifier(database_name)
        maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(name))


def targets(args: argparse.Namespace) -> list[Target]:
    """Every public page the goal names, on the generated data: the lists by each kind
    of filter, at their 50th page and at a deep page (the 5,000th, or the last there is;
    both as the list's own links reach them, by cursor), the case
    page (50 in turn), the API, an organisation, the accountability page, the drive
    and its ledger, the feeds and Open311."""
    from minjian.aid.models import Drive
    from minjian.cases.models import Case
    from minjian.orgs.models import Organisation
    from minjian.places.models import Region
    from minjian.search.keyset import Cursor
    from minjian.topics.models import Topic

    public = Case.objects.filter(state__in=Case.PUBLIC_STATES)
    public_ids = list(public.values_list("id", flat=True))
    sample = sorted(
        random.Random(args.seed).sample(public_ids, min(args.case_pages, len(public_ids)))
    )
    per_page = 20
    newest_first = public.order_by("-published_at", "-id")
    page_49_last = newest_first[49 * per_page - 1]
    deep_page = max(2, min(DEEP_PAGE, len(public_ids) // per_page))
    before_deep_last = newest_first[(deep_page - 1) * per_page - 1]
    county = Case.objects.filter(pk=sample[0]).values_list("region__code", flat=True).get()
    province = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    topic = Topic.objects.order_by("position", "slug").first()
    organisation = Organisation.objects.order_by("pk").first()
    drive = Drive.objects.order_by("pk").first()
    assert province and topic, "the regions and topics are loaded"
    pages = [
        Target(BARE, "bare view", ("/bench/bare/",)),
        Target("home", "home page", ("/",)),
        Target("list", "case list", ("/cases/",)),
        Target("list-topic", "case list by topic", (f"/cases/?topic={topic.slug}",)),
        Target("list-province", "case list by province", (f"/cases/?region={province.code}",)),
        Target("list-county", "case list by county", (f"/cases/?region={county}",)),
        Target("list-state", "case list by state", ("/cases/?state=resolved",)),
        Target(
            "list-50",
            "case list, 50th page",
            (f"/cases/?page=50&after={Cursor.of(page_49_last)}",),
        ),
        Target(
            "list-deep",
            f"case list, page {deep_page:,}",
            (f"/cases/?page={deep_page}&after={Cursor.of(before_deep_last)}",),
        ),
        Target(CASE_PAGE, "case page", tuple(f"/cases/{pk}/" for pk in sample)),
        Target("api", "API list", ("/api/v1/cases",)),
        Target("api-case", "API case", tuple(f"/api/v1/cases/{pk}" for pk in sample)),
        Target("accountability", "accountability", ("/accountability/",)),
        Target("feed-topic", "Atom feed of a topic", (f"/feeds/topics/{topic.slug}/",)),
        Target("feed-case", "Atom feed of a case", tuple(f"/feeds/cases/{pk}/" for pk in sample)),
        Target("open311", "Open311 requests.json", ("/open311/v2/requests.json",)),
    ]
    if organisation:
        pages.append(Target("organisation", "organisation page", (f"/orgs/{organisation.slug}/",)))
        pages.append(
            Target(
                "organisation-figures",
                "organisation's accountability",
                (f"/accountability/{organisation.slug}/",),
            )
        )
    if drive:
        pages.append(Target("drive", "drive page", (f"/aid/{drive.pk}/",)))
        pages.append(Target("ledger", "drive ledger", (f"/aid/{drive.pk}/ledger/",)))
    return pages


def _profile_in_process(target: Target) -> Measurement:
    """The page's SQL (count, time, slowest) and its time in process, without HTTP or load.

    One request first warms the caches (templates, translations, the connection);
    the next, rendered rather than taken from the stored anonymous pages, is the one
    whose queries are recorded; then `IN_PROCESS_REPEATS` requests rendered anew
    ("rendered ms": what a page costs when what it shows has just changed) and as many
    served as stored ("in-process ms": what a reader's request costs meanwhile) give
    the median times a request takes inside Django.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    measurement = Measurement(target)
    client = Client(
        HTTP_HOST="127.0.0.1",
        HTTP_ACCEPT_LANGUAGE=ACCEPT_LANGUAGE,
        HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING,
    )
    path = target.paths[0]
    timings: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - started) * 1000, sql))

    def timed_request(*, stored: bool) -> float:
        if not stored:
            cache.clear()
        started = time.perf_counter()
        client.get(path)
        return (time.perf_counter() - started) * 1000

    try:
        client.get(path)
        cache.clear()
        with connection.execute_wrapper(timed):
            response = client.get(path)
        misses = [timed_request(stored=False)]
        # A page that takes seconds to render is timed once: the figure is plain enough.
        if misses[0] < SLOW_RENDERING_MS:
            misses += [timed_request(stored=False) for _ in range(IN_PROCESS_REPEATS - 1)]
        client.get(path)
        durations = [timed_request(stored=True) for _ in range(IN_PROCESS_REPEATS)]
    except Exception as error:  # a broken page is reported, and the others still measured
        measurement.error = f"{path}: {type(error).__name__}: {error}"
        _say(f"  {target.label}: {measurement.error}")
        return measurement
    measurement.status = response.status_code
    if response.status_code != 200:
        measurement.error = f"{path} answered {response.status_code}"
        _say(f"  {target.label}: {measurement.error}")
    measurement.in_process_ms = round(statistics.median(durations), 2)
    measurement.rendered_ms = round(statistics.median(misses), 2)
    measurement.queries = len(timings)
    measurement.sql_ms = round(sum(ms for ms, _ in timings), 2)
    if timings:
        slowest_ms, slowest_sql = max(timings)
        measurement.slowest_sql_ms = round(slowest_ms, 2)
        measurement.slowest_sql = slowest_sql[:400]
    return measurement


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The WSGI servers a benchmark may run Minjian under; gunicorn is the default.
SERVERS = ("gunicorn", "granian")


def server_command(server: str, workers: int, port: int) -> list[str]:
    """The command that serves `config.wsgi` with `workers` processes on 127.0.0.1:`port`,
    each answering one request at a time (gunicorn's sync workers; granian with one
    blocking thread per worker), so that the two compare like for like."""
    if server == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--workers",
            str(workers),
            "--blocking-threads",
            "1",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "config.wsgi:application",
        ]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]


@contextmanager
def serving(
    args: argparse.Namespace,
    environment: dict[str, str],
    port: int,
    log_path: Path,
    server_name: str = "gunicorn",
) -> Iterator[str]:
    """`server_name` on 127.0.0.1:`port` for the duration of the block, then stopped."""
    base_url = f"http://127.0.0.1:{port}"
    command = server_command(server_name, args.workers, port)
    _say(f"Starting {server_name} ({args.workers} workers) on {base_url} ...")
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=os.environ | environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: the workers can be ended with it, and a
            # Ctrl-C in the terminal reaches this script first.
            start_new_session=True,
        )
        try:
            _wait_until_ready(server, base_url + "/bench/bare/", log_path)
            yield base_url
        finally:
            _stop(server, server_name)


def _wait_until_ready(server: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:  # refused while the workers start, or slow to answer
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within 30 s:\n{log_path.read_text()}")


def _stop(server: subprocess.Popen[bytes], server_name: str) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    _say(f"{server_name} stopped.")


def _measure_all(
    args: argparse.Namespace, wrk: str, base_url: str, measurements: Sequence[Measurement]
) -> None:
    """The bare view, then each page followed by the bare view again."""
    bare, *pages = measurements
    if not measure(args, wrk, base_url, bare):
        for page in pages:
            page.error = page.error or "not measured: the bare view failed"
        return
    for page in pages:
        if measure(args, wrk, base_url, page) and measure(args, wrk, base_url, bare):
            page.baseline = Baseline.around(bare.runs[-2], bare.runs[-1])


def measure(args: argparse.Namespace, wrk: str, base_url: str, measurement: Measurement) -> bool:
    """One warm-up and one measured run of wrk; False if the URL fails."""
    target = measurement.target
    if measurement.error:
        return False
    for path in target.paths:
        status = _status(base_url + path)
        if status != 200:
            measurement.error = f"{path} answered {status} under the server"
            _say(f"  {target.label}: {measurement.error}")
            return False
    _say(f"  {target.label}: warm-up {args.warmup} s, then {args.duration} s ...")
    _run_wrk(args, wrk, base_url, target, args.warmup)
    figures = _run_wrk(args, wrk, base_url, target, args.duration)
    errors = figures["errors"]
    if figures["requests"] == 0 or any(errors.values()):
        measurement.error = f"wrk saw errors: {errors} in {figures['requests']} requests"
        _say(f"  {target.label}: {measurement.error}")
        return False
    measurement.runs.append(figures)
    measurement.response_bytes = figures["bytes"] // figures["requests"]
    return True


def _status(url: str) -> int | str:
    request = urllib.request.Request(url, headers={"Accept-Language": ACCEPT_LANGUAGE})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError as error:
        return str(error.reason)


def _run_wrk(
    args: argparse.Namespace, wrk: str, base_url: str, target: Target, seconds: int
) -> dict[str, Any]:
    command = [
        wrk,
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={WRK_SCRIPT}",
        f"--header=Accept-Language: {ACCEPT_LANGUAGE}",
        f"--header=Accept-Encoding: {ACCEPT_ENCODING}",
        base_url + target.paths[0],
        "--",
        *target.paths,
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in finished.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            figures: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return figures
    raise RuntimeError(f"wrk printed no figures:\n{finished.stdout}\n{finished.stderr}")


def describe_machine(wrk: str) -> dict[str, Any]:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk_version = subprocess.run(
        [wrk, "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return machine(
        postgresql=postgres,
        django=get_version(),
        gunicorn=version("gunicorn"),
        wrk=wrk_version[0] if wrk_version else "",
    )


def _report(
    args: argparse.Namespace,
    machine: dict[str, Any],
    data: dict[str, Any],
    measurements: Sequence[Measurement],
) -> dict[str, Any]:
    return {
        "machine": machine,
        "data": data,
        "settings": {
            "workers": args.workers,
            "wrk_threads": args.threads,
            "wrk_connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "accept_language": ACCEPT_LANGUAGE,
            "accept_encoding": ACCEPT_ENCODING,
            "redis": bool(args.redis_url),
            "seed": args.seed,
        },
        "pages": [
            {
                "key": m.target.key,
                "label": m.target.label,
                "paths": list(m.target.paths),
                "error": m.error,
                "requests_per_second": _rounded(m.requests_per_second, 1),
                "p50_ms": _rounded(m.latency_ms("p50"), 2),
                "p90_ms": _rounded(m.latency_ms("p90"), 2),
                "p99_ms": _rounded(m.latency_ms("p99"), 2),
                "baseline": (
                    {name: round(value, 3) for name, value in asdict(m.baseline).items()}
                    if m.baseline
                    else None
                ),
                "throughput_ratio": _rounded(m.throughput_ratio, 3),
                "p99_ratio": _rounded(m.p99_ratio, 2),
                "response_bytes": m.response_bytes,
                "in_process_ms": m.in_process_ms,
                "rendered_ms": m.rendered_ms,
                "queries": m.queries,
                "sql_ms": m.sql_ms,
                "slowest_sql_ms": m.slowest_sql_ms,
                "slowest_sql": m.slowest_sql,
                "wrk_runs": m.runs,
            }
            for m in measurements
        ],
    }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


COLUMNS = (
    "page",
    "req/s",
    "× bare req/s",
    "p50 ms",
    "p99 ms",
    "× bare p99",
    "bare drift",
    "in-process ms",
    "rendered ms",
    "queries",
    "SQL ms",
    "KiB",
)


def _rows(measurements: Sequence[Measurement]) -> list[list[str]]:
    rows = []
    for m in measurements:
        label = m.target.label
        if len(m.target.paths) > 1:
            label += f" ({len(m.target.paths)} in turn)"
        elif len(m.runs) > 1:
            label += f" (mean of {len(m.runs)} runs)"
        is_bare = m.target.key == BARE and bool(m.runs)
        rows.append(
            [
                label,
                "error" if m.error else _shown(m.requests_per_second, "{:.0f}"),
                "1.00" if is_bare else _shown(m.throughput_ratio, "{:.2f}"),
                _shown(m.latency_ms("p50"), "{:.1f}"),
                _shown(m.latency_ms("p99"), "{:.1f}"),
                "1.0" if is_bare else _shown(m.p99_ratio, "{:.1f}"),
                _shown(_drift(m), "{:.0%}"),
                _shown(m.in_process_ms, "{:.1f}"),
                _shown(m.rendered_ms, "{:.1f}"),
                _shown(m.queries, "{}"),
                _shown(m.sql_ms, "{:.1f}"),
                _shown(m.response_bytes / 1024 if m.response_bytes else None, "{:.1f}"),
            ]
        )
    return rows


def _drift(measurement: Measurement) -> float | None:
    """A page's: between its two bare runs; the bare view's: between all of them."""
    if measurement.baseline:
        return measurement.baseline.drift
    if measurement.target.key == BARE and len(measurement.runs) > 1:
        rps = [_rps(run) for run in measurement.runs]
        return (max(rps) - min(rps)) / max(rps)
    return None


def _shown(value: float | None, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def _print_tables(measurements: Sequence[Measurement]) -> None:
    rows = _rows(measurements)
    widths = [max(len(row[i]) for row in [list(COLUMNS), *rows]) for i in range(len(COLUMNS))]
    print()
    for row in [list(COLUMNS), *rows]:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells))
    print(
        "\n× bare: against the mean of the bare runs just before and after the page;"
        " bare drift: how much those two differ in req/s."
    )
    if any(m.baseline and m.baseline.drift > DRIFT_WARNING for m in measurements):
        print(
            f"A drift over {DRIFT_WARNING:.0%}: the machine's load changed during the run; "
            "run again on a quiet machine before recording the figures."
        )
    print("\nMarkdown, for docs/benchmarks.md:\n")
    print("| " + " | ".join(COLUMNS) + " |")
    print("|---" + "|--:" * (len(COLUMNS) - 1) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for m in measurements:
        if m.error:
            print(f"\n{m.target.label}: {m.error}")
        elif m.slowest_sql:
            print(f"\n{m.target.label}: slowest query {m.slowest_sql_ms} ms: {m.slowest_sql}")


def _print_goals(measurements: Sequence[Measurement]) -> None:
    """One line per page: the goal of issue 12 for every public page."""
    print()
    for m in measurements:
        if m.target.key == BARE:
            continue
        ratio, p99 = m.throughput_ratio, m.latency_ms("p99")
        if m.error or ratio is None or p99 is None:
            print(f"GOAL page {m.target.label}: not measured ({m.error}) NOT MET")
            continue
        holds = ratio >= GOAL_THROUGHPUT_RATIO and p99 < GOAL_P99_MS
        print(
            f"GOAL page {m.target.label}: {ratio:.2f}x bare, p99 {p99:.1f} ms "
            f"(goal >= {GOAL_THROUGHPUT_RATIO}x, p99 < {GOAL_P99_MS:.0f} ms) "
            + ("holds" if holds else "NOT MET")
        )


NGINX_CONF = ROOT / "deploy" / "nginx" / "minjian.conf"
# The case page through nginx against the bare view straight from gunicorn.
GOAL_PROXY_RATIO = 5.0


def _measure_through_proxy(
    args: argparse.Namespace,
    wrk: str,
    base_url: str,
    server_port: int,
    data_dir: Path,
    case_paths: tuple[str, ...],
) -> tuple[Measurement, Measurement]:
    """The bare view straight from the server, the case pages through nginx configured by
    deploy/nginx/minjian.conf (as docs/deploy.md says), the bare view again."""
    bare = Measurement(Target(BARE, "bare view, straight", ("/bench/bare/",)))
    case = Measurement(Target("case-nginx", "case page through nginx", case_paths))
    nginx = shutil.which(args.nginx)
    if nginx is None:
        case.error = f"{args.nginx} not found: install it (apt-get install nginx-light)"
        return bare, case
    proxy_port = free_port()
    with _nginx(nginx, server_port, proxy_port, data_dir):
        proxy_url = f"http://127.0.0.1:{proxy_port}"
        if (
            measure(args, wrk, base_url, bare)
            and measure(args, wrk, proxy_url, case)
            and measure(args, wrk, base_url, bare)
        ):
            case.baseline = Baseline.around(bare.runs[-2], bare.runs[-1])
    return bare, case


@contextmanager
def _nginx(nginx: str, server_port: int, proxy_port: int, data_dir: Path) -> Iterator[None]:
    """nginx in the foreground with deploy/nginx/minjian.conf, its addresses and folders
    changed to this run's, for the duration of the block."""
    prefix = data_dir / "nginx"
    prefix.mkdir()
    site = NGINX_CONF.read_text()
    for deployed, here in (
        ("listen 80;", f"listen 127.0.0.1:{proxy_port};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{server_port};"),
        ("/var/cache/nginx/minjian", str(prefix / "cache")),
    ):
        if deployed not in site:
            raise RuntimeError(f"{NGINX_CONF} no longer holds {deployed!r}: keep the bench in step")
        site = site.replace(deployed, here)
    (prefix / "minjian.conf").write_text(site)
    temp = {name: prefix / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    # Run by root (CI, a fresh machine), nginx's workers would take Debian's www-data,
    # which may not read this run's private temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"""daemon off;
{user}worker_processes 2;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {prefix / "minjian.conf"};
}}
"""
    )
    _say(f"Starting nginx on 127.0.0.1:{proxy_port} in front of the server ...")
    process = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_until_ready(
            process, f"http://127.0.0.1:{proxy_port}/bench/bare/", prefix / "error.log"
        )
        yield
    finally:
        _stop(process, "nginx")


def _proxied_report(proxied: tuple[Measurement, Measurement]) -> dict[str, Any]:
    bare, case = proxied
    return {
        "error": case.error or bare.error,
        "bare_requests_per_second": _rounded(bare.requests_per_second, 1),
        "case_requests_per_second": _rounded(case.requests_per_second, 1),
        "case_p99_ms": _rounded(case.latency_ms("p99"), 2),
        "throughput_ratio": _rounded(case.throughput_ratio, 2),
        "wrk_runs": {"bare": bare.runs, "case": case.runs},
    }


def _print_proxy_goal(proxied: tuple[Measurement, Measurement]) -> None:
    _bare, case = proxied
    ratio = case.throughput_ratio
    if case.error or ratio is None:
        print(f"GOAL case page through nginx: not measured ({case.error}) NOT MET")
        return
    print(
        f"GOAL case page through nginx: {ratio:.1f}x the bare view, "
        f"p99 {case.latency_ms('p99'):.1f} ms (goal >= {GOAL_PROXY_RATIO:.0f}x) "
        + ("holds" if ratio >= GOAL_PROXY_RATIO else "NOT MET")
    )


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
