"""A surge of reports with zero loss: 100 reports a second for two minutes, one worker killed.

    python bench/report_surge.py [--rate 100] [--duration 120] [--photo-share 0.2] ...

1. (Re)creates the PostgreSQL database `minjian_bench_surge` (the name must contain
   "bench": it is dropped), migrates it and loads China's regions; empties Redis db 14.
2. Starts gunicorn (`config.wsgi`, 8 sync workers as docs/deploy.md runs it, settings
   `bench.settings`, which lift the per-client report limit and publish reports without
   review) and two job workers
   (`manage.py run_worker --threads 2`, Redis backend) that give way to the web: nice 19,
   and so is their session's scheduling group (`give_way`), as docs/deploy.md's
   `CPUWeight=1` does for the workers' systemd unit.
3. Sends reports to the API (`POST /api/v1/cases`, multipart: the path with the least
   overhead besides the work, no proof of work) at a fixed rate, whatever the answers'
   latency (an open loop: a late answer does not slow the sending down, and latency is
   counted from the moment the report was due). One report in five carries a real camera
   photo of about one megapixel, with its EXIF (GPS) and XMP: `DSCN0010.jpg` of the test
   data (CC BY-SA 4.0, see minjian/cases/tests/data/README.md), scaled to 1280 × 960 and
   saved with its original metadata. Interleaved, at a tenth of that rate, the same
   bodies go to `/bench/upload/` (bench/urls.py), a view that parses the multipart body,
   reads every file and answers 201: the baseline, measured in the same run under the
   same load.
4. At 60 s one job worker is killed (SIGKILL), at 70 s started again.
5. After the surge, waits until every accepted report is published, no photo is being
   prepared and no job is left to run, in Redis or in the database (at most
   `--drain-limit` seconds), then checks in the database that each accepted report is
   stored once, each photo prepared once (ready, three files, upload deleted), each case
   published once (one `published` event) and indexed for search.

Prints accept latency p50/p99 of reports and of the bare upload, their ratios (bare /
report: 1.0 means a report is accepted as fast as a bare upload of the same bytes; the
goal is at least 0.5, with reports accepted within a second: a saturated server queues
both alike and brings the ratios to 1 whatever a report costs), the drain time, the
counts, the GOAL lines, and writes every figure as JSON into bench/results/. Exits
non-zero when it could not measure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import droppable_database, free_port, serving  # noqa: E402
from bench.report import machine, say_where, write_results  # noqa: E402

BENCH_DIR = ROOT / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_surge"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
CAMERA_PHOTO = ROOT / "minjian" / "cases" / "tests" / "data" / "DSCN0010.jpg"
PHONE_SIZE = (1280, 960)
REPORT_PATH = "/api/v1/cases"
BARE_PATH = "/bench/upload/"
# The goals of issue 12, point 6.
GOAL_RATIO = 0.5
GOAL_DRAIN_SECONDS = 600
# "Accepted in well under a second".
GOAL_ACCEPT_MS = 1000
# The job workers' priority, within their session and of their session: a session at 19
# weighs 15 against the web's 1,024, about what `CPUWeight=1` against 100 gives the
# workers' systemd unit (docs/deploy.md, "Workers"): what the web leaves.
WORKER_NICE = 19
# Of every this many due moments, one also sends the same body to the bare upload view.
BARE_EVERY = 10
FIELDS = {
    "title": "河堤决口后村道被淹，老人转移需要船只",
    "description": (
        "昨夜大雨，村东的河堤决口，村道积水齐腰。还有十几位老人在家里，需要船只和救生衣。"
    ),
    "topic": "environment",
    "region": "340321",
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="reports per second")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of surge")
    parser.add_argument("--photo-share", type=float, default=0.2, help="reports with a photo")
    parser.add_argument("--kill-at", type=float, default=60.0, help="kill a worker (s)")
    parser.add_argument("--restart-at", type=float, default=70.0, help="restart it (s)")
    parser.add_argument(
        "--drain-limit", type=float, default=900.0, help="longest wait for the backlog (s)"
    )
    parser.add_argument(
        "--workers", type=int, default=8, help="gunicorn workers (as docs/deploy.md runs it)"
    )
    parser.add_argument("--job-workers", type=int, default=2, help="job worker processes")
    parser.add_argument("--job-threads", type=int, default=2, help="threads per job worker")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--results-dir", type=Path, default=BENCH_DIR / "results", help="where the JSON goes"
    )
    return parser.parse_args(argv)


def phone_photo() -> bytes:
    """A real camera photo at about one megapixel, carrying its original EXIF and XMP."""
    from PIL import Image

    with Image.open(CAMERA_PHOTO) as original:
        exif = original.info.get("exif", b"")
        larger = original.convert("RGB").resize(PHONE_SIZE, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    larger.save(buffer, format="JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def multipart(photo: bytes | None) -> tuple[bytes, str]:
    boundary = "minjian" + secrets.token_hex(12)
    parts = []
    for name, value in FIELDS.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    if photo is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="IMG_0001.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + photo
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def raw_request(path: str, port: int, body: bytes, content_type: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nAccept-Language: zh-hans\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


@dataclass
class Answer:
    kind: str  # "report" or "bare"
    with_photo: bool
    due: float
    latency_s: float = 0.0
    status: int = 0
    case_id: int | None = None
    error: str = ""


async def send(port: int, request: bytes, answer: Answer) -> None:
    """One request on its own connection (gunicorn's sync workers close it anyway)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        # Nothing more to send: said at once. After its answer a sync worker waits for the
        # client to close its side (gunicorn 27's `close_graceful`, up to 2 s), and this one
        # event loop, answering thousands of connections on the two cores the server uses,
        # took long enough to close that it held the workers: requests queued behind the
        # client's own slowness. A proxy in front (docs/deploy.md) closes at once.
        writer.write_eof()
        response = await reader.read()
        writer.close()
        answer.latency_s = time.monotonic() - answer.due
        head, _, body = response.partition(b"\r\n\r\n")
        answer.status = int(head.split(b" ", 2)[1])
        if answer.kind == "report" and answer.status == 201:
            answer.case_id = int(json.loads(body)["id"])
    except (OSError, ValueError, IndexError, KeyError) as error:
        answer.latency_s = time.monotonic() - answer.due
        answer.error = repr(error)


async def surge(
    args: argparse.Namespace, port: int, bodies: dict[bool, tuple[bytes, bytes]], events: Any
) -> tuple[list[Answer], float]:
    """Send at a fixed rate for the duration; run `events` (kill, restart) at their times.
    Returns the answers and the monotonic time the last report was due."""
    answers: list[Answer] = []
    tasks = []
    start = time.monotonic()
    count = round(args.rate * args.duration)
    every_photo = round(1 / args.photo_share) if args.photo_share else 0
    pending_events = sorted(events)
    for number in range(count):
        due = start + number / args.rate
        while pending_events and due - start >= pending_events[0][0]:
            pending_events.pop(0)[1]()
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        with_photo = bool(every_photo) and number % every_photo == 0
        report, _bare = bodies[with_photo]
        answer = Answer("report", with_photo, due)
        answers.append(answer)
        tasks.append(asyncio.create_task(send(port, report, answer)))
        if number % BARE_EVERY == BARE_EVERY // 2:
            # The photo-bearing share of the bare uploads matches the reports'.
            bare_photo = bool(every_photo) and (number // BARE_EVERY) % every_photo == 0
            bare_answer = Answer("bare", bare_photo, due)
            answers.append(bare_answer)
            tasks.append(asyncio.create_task(send(port, bodies[bare_photo][1], bare_answer)))
    last_due = start + (count - 1) / args.rate
    await asyncio.gather(*tasks)
    return answers, last_due


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Workers:
    """The job worker processes, each in a process group of its own."""

    environment: dict[str, str]
    threads: int
    log_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, index: int) -> subprocess.Popen[bytes]:
        command = ["nice", "-n", str(WORKER_NICE), sys.executable, "manage.py", "run_worker"]
        log = (self.log_dir / f"worker-{index}.log").open("ab")
        process = subprocess.Popen(
            [*command, "--threads", str(self.threads)],
            cwd=ROOT,
            env=os.environ | self.environment | {"PGAPPNAME": "minjian-worker"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        give_way(process.pid)
        if index < len(self.processes):
            self.processes[index] = process
        else:
            self.processes.append(process)
        return process

    def kill(self, index: int) -> None:
        os.killpg(self.processes[index].pid, signal.SIGKILL)
        self.processes[index].wait()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def give_way(pid: int) -> None:
    """Let the worker's session give way to the web, as `CPUWeight=1` does for the
    worker's systemd unit in docs/deploy.md.

    A process's nice value counts only against processes of its own scheduling group:
    each session is a group of its own where the kernel groups them (autogroup, on by
    default), and the groups share the CPU by their own weight. A worker that is only
    niced gets as much as all the web processes together; measured, the web then took
    75 reports a second instead of 100."""
    # Without autogroup (no such file) the nice value alone sets the worker's share.
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(WORKER_NICE))


@contextmanager
def job_workers(
    args: argparse.Namespace, environment: dict[str, str], log_dir: Path
) -> Iterator[Workers]:
    workers = Workers(environment, args.job_threads, log_dir)
    try:
        for index in range(args.job_workers):
            workers.start(index)
        yield workers
    finally:
        workers.stop_all()


def backlog() -> tuple[int, int, int]:
    """How many cases are not published yet, how many photos are being prepared, and how
    many jobs are still to run (routing, indexing, publishing: in Redis, queued, under way
    or waiting to be tried again, or left in the database's queue). Asked every second
    while the workers drain the backlog, so it costs them next to nothing: the database
    was made for this run and holds only its cases (counting them by the 12,000 ids
    accepted cost a tenth of a core, taken from the drain)."""
    import redis
    from django.conf import settings

    from minjian.cases.models import Case, CasePhoto
    from minjian.jobs.models import PendingJob
    from minjian.jobs.redis_queue import QUEUE_NAME

    unpublished = Case.objects.filter(published_at__isnull=True).count()
    preparing = CasePhoto.objects.filter(status=CasePhoto.Status.PREPARING).count()
    # Dramatiq keeps each message in the queue's hash until a worker acknowledges it,
    # and a message to be tried later in the delay queue's.
    queue = f"{settings.MINJIAN_JOBS_NAMESPACE}:{QUEUE_NAME}"
    client = redis.Redis.from_url(settings.MINJIAN_JOBS_REDIS_URL)
    jobs = sum(int(client.hlen(f"{queue}{suffix}.msgs")) for suffix in ("", ".DQ"))
    jobs += PendingJob.objects.filter(status=PendingJob.Status.PENDING).count()
    return unpublished, preparing, jobs


def verify(case_ids: Sequence[int], with_photo: int) -> dict[str, int]:
    """Stored, prepared and published once: counted in the database."""
    from django.db.models import Count

    from minjian.cases.models import Case, CaseEvent, CasePhoto
    from minjian.search.models import SearchDocument

    published_events = (
        CaseEvent.objects.filter(kind=CaseEvent.Kind.PUBLISHED)
        .values("case_id")
        .annotate(n=Count("id"))
    )
    times = [row["n"] for row in published_events]
    photos = CasePhoto.objects.all()
    return {
        "accepted": len(case_ids),
        "distinct_accepted": len(set(case_ids)),
        "stored": Case.objects.count(),
        "stored_accepted": Case.objects.filter(pk__in=case_ids).count(),
        "published": Case.objects.filter(pk__in=case_ids, published_at__isnull=False).count(),
        "published_events": sum(times),
        "cases_published_twice": sum(1 for n in times if n > 1),
        "photos_expected": with_photo,
        "photos": photos.count(),
        "photos_ready": photos.filter(status=CasePhoto.Status.READY).count(),
        "photos_failed": photos.filter(status=CasePhoto.Status.FAILED).count(),
        "photos_with_upload_left": photos.exclude(upload="").count(),
        "indexed": SearchDocument.objects.filter(case_id__in=case_ids).count(),
    }


# Who used the CPU: processes by a word of their command line.
ROLES = (("web", "gunicorn"), ("job workers", "run_worker"), ("PostgreSQL", "postgres"))


def cpu_seconds_by_role() -> dict[str, float]:
    """CPU seconds used so far by the processes of each role (Linux's /proc); a process
    that has ended (the killed worker) takes its seconds with it."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys((role for role, _marker in ROLES), 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            # After the command's name in parentheses: state, ..., utime, stime (14, 15).
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        for role, marker in ROLES:
            if marker.encode() in command:
                used[role] += (int(fields[11]) + int(fields[12])) / ticks
                break
    return used


def cores_used(
    before: dict[str, float], after: dict[str, float], seconds: float
) -> dict[str, float]:
    return {role: round((after[role] - before[role]) / seconds, 2) for role in before}


def stored_files(media: Path) -> dict[str, int]:
    return {
        folder: sum(1 for path in (media / folder).rglob("*") if path.is_file())
        if (media / folder).exists()
        else 0
        for folder in ("incoming", "photos")
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-surge-") as data_dir:
        data = Path(data_dir)
        (data / "static").mkdir()
        environment = {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "MINJIAN_DATA_DIR": str(data),
            "MINJIAN_PRODUCTION": "",
            "MINJIAN_DEBUG": "",
            "SECRET_KEY": secrets.token_urlsafe(50),
            # Sessions named by role in pg_stat_activity (the job workers' are "minjian-worker").
            "PGAPPNAME": "minjian-web",
            # A dead worker's jobs go back on the queue once it has been silent this long.
            "MINJIAN_JOBS_HEARTBEAT_TIMEOUT_MS": os.environ.get(
                "MINJIAN_JOBS_HEARTBEAT_TIMEOUT_MS", "60000"
            ),
        }
        os.environ.update(environment)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        from bench.http_pages import _recreate_database

        print(f"Creating the database {database_name} ...", flush=True)
        _recreate_database(args.database_url, database_name)
        call_command("migrate", verbosity=0)
        call_command("load_regions", verbosity=0)
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        connections.close_all()
        media = Path(settings.MEDIA_ROOT)

        photo = phone_photo()
        port = free_port()
        bodies = {}
        for with_photo in (False, True):
            body, content_type = multipart(photo if with_photo else None)
            bodies[with_photo] = (
                raw_request(REPORT_PATH, port, body, content_type),
                raw_request(BARE_PATH, port, body, content_type),
            )
        where = machine(gunicorn=version("gunicorn"), dramatiq=version("dramatiq"))
        print(
            f"Photo: {len(photo)} bytes, {PHONE_SIZE[0]} x {PHONE_SIZE[1]}; load average "
            f"{where['load_average']}",
            flush=True,
        )
        server_args = argparse.Namespace(workers=args.workers)
        with (
            serving(server_args, environment, port, data / "gunicorn.log") as _,
            job_workers(args, environment, data) as workers,
        ):
            kills: list[tuple[str, float]] = []

            def kill() -> None:
                workers.kill(0)
                kills.append(("killed", time.monotonic()))
                print(f"  {args.kill_at:.0f} s: job worker 1 killed (SIGKILL)", flush=True)

            def restart() -> None:
                workers.start(0)
                kills.append(("restarted", time.monotonic()))
                print(f"  {args.restart_at:.0f} s: job worker 1 started again", flush=True)

            print(
                f"Surge: {args.rate:.0f} reports/s for {args.duration:.0f} s, "
                f"one in {round(1 / args.photo_share)} with the photo ...",
                flush=True,
            )
            cpu_at_start, surge_start = cpu_seconds_by_role(), time.monotonic()
            answers, last_due = asyncio.run(
                surge(args, port, bodies, [(args.kill_at, kill), (args.restart_at, restart)])
            )
            surge_end = time.monotonic()
            cpu_at_end = cpu_seconds_by_role()
            cores = {"surge": cores_used(cpu_at_start, cpu_at_end, surge_end - surge_start)}
            load_after_surge = [round(x, 2) for x in os.getloadavg()]
            reports = [a for a in answers if a.kind == "report"]
            accepted = [a.case_id for a in reports if a.status == 201 and a.case_id is not None]
            photo_reports = sum(1 for a in reports if a.status == 201 and a.with_photo)
            print(
                f"  sent {len(reports)} reports: {len(accepted)} accepted; the last answer "
                f"{surge_end - last_due:.1f} s after the last was due",
                flush=True,
            )
            drain_seconds: float | None = None
            waited_from = said_at = time.monotonic()
            while time.monotonic() - waited_from < args.drain_limit:
                unpublished, preparing, jobs = backlog()
                if not unpublished and not preparing and not jobs:
                    drain_seconds = time.monotonic() - last_due
                    break
                if time.monotonic() - said_at >= 30:
                    said_at = time.monotonic()
                    print(
                        f"  {time.monotonic() - last_due:.0f} s after the surge: {unpublished} "
                        f"unpublished, {preparing} photos preparing, {jobs} jobs to run",
                        flush=True,
                    )
                time.sleep(1.0)
            cores["drain"] = cores_used(
                cpu_at_end, cpu_seconds_by_role(), time.monotonic() - surge_end
            )
            counts = verify(accepted, photo_reports)
            files = stored_files(media)
            connections.close_all()

    refused = [a for a in answers if a.kind == "report" and a.status != 201]
    figures = _figures(answers)
    duplicates = counts["cases_published_twice"] + (
        counts["accepted"] - counts["distinct_accepted"]
    )
    zero_loss = (
        not refused
        and counts["stored"] == counts["accepted"] == counts["distinct_accepted"]
        and counts["published"] == counts["accepted"]
        and counts["published_events"] == counts["accepted"]
        and counts["photos"] == counts["photos_ready"] == photo_reports
        and counts["photos_with_upload_left"] == 0
        and counts["indexed"] == counts["accepted"]
        and files == {"incoming": 0, "photos": 3 * photo_reports}
    )
    print()
    _print_figures(figures)
    print(f"\nLoad average after the surge: {load_after_surge}")
    for phase, used in cores.items():
        shares = ", ".join(f"{role} {value:.2f}" for role, value in used.items())
        print(f"Cores used during the {phase}: {shares}")
    print(f"Counts: {counts}; files: {files}; refused: {len(refused)}")
    if refused:
        print(f"  first refusals: {[(a.status, a.error) for a in refused[:5]]}")
    print()
    if figures["p50_ratio"] is None:
        print("Not measured: no accepted report or no bare upload.", file=sys.stderr)
        return 1
    # A server that cannot keep up queues every request alike, and the ratios tend to 1
    # whatever a report costs: they count only while reports are accepted within a second.
    report_p99_ms = figures["report_all"]["p99_ms"]
    holds = (
        figures["p50_ratio"] >= GOAL_RATIO
        and figures["p99_ratio"] >= GOAL_RATIO
        and report_p99_ms < GOAL_ACCEPT_MS
    )
    print(
        f"GOAL surge accept: p50 ratio {figures['p50_ratio']:.2f}, p99 ratio "
        f"{figures['p99_ratio']:.2f}, report p99 {report_p99_ms:.0f} ms "
        f"(goal >= {GOAL_RATIO}x, p99 < {GOAL_ACCEPT_MS} ms) {'holds' if holds else 'NOT MET'}"
    )
    drained = drain_seconds is not None and drain_seconds <= GOAL_DRAIN_SECONDS
    shown = f"{drain_seconds:.0f}" if drain_seconds is not None else f"> {args.drain_limit:.0f}"
    print(
        f"GOAL surge drain: {shown} s after the surge (goal <= {GOAL_DRAIN_SECONDS} s) "
        f"{'holds' if drained else 'NOT MET'}"
    )
    print(
        f"GOAL surge zero loss: accepted {counts['accepted']}, stored {counts['stored']}, "
        f"published {counts['published']}, duplicates {duplicates} "
        f"{'holds' if zero_loss else 'NOT MET'}"
    )
    report = {
        "machine": where,
        "load_average_after_surge": load_after_surge,
        "settings": {
            key: (str(value) if isinstance(value, Path) else value)
            for key, value in vars(args).items()
            if key not in ("database_url",)
        },
        "photo_bytes": len(photo),
        "photo_size": PHONE_SIZE,
        "figures": figures,
        "drain_seconds": drain_seconds,
        "cores_used": cores,
        "counts": counts,
        "files": files,
        "refused": [(a.status, a.error) for a in refused[:50]],
        "refused_count": len(refused),
        "zero_loss": zero_loss,
    }
    say_where(write_results(args.results_dir, "report_surge", report))
    return 0


def _figures(answers: Sequence[Answer]) -> dict[str, Any]:
    def milliseconds(kind: str, photo: bool | None = None) -> list[float]:
        return [
            a.latency_s * 1000
            for a in answers
            if a.kind == kind and a.status == 201 and (photo is None or a.with_photo == photo)
        ]

    figures: dict[str, Any] = {}
    for kind in ("report", "bare"):
        for label, photo in (("all", None), ("photo", True), ("text", False)):
            values = milliseconds(kind, photo)
            figures[f"{kind}_{label}"] = (
                {
                    "n": len(values),
                    "p50_ms": round(percentile(values, 0.5), 1),
                    "p99_ms": round(percentile(values, 0.99), 1),
                    "mean_ms": round(statistics.fmean(values), 1),
                    "max_ms": round(max(values), 1),
                }
                if values
                else None
            )
    # When in the surge reports waited: p50 and p99 of those due in each 10 s.
    start = min((a.due for a in answers), default=0.0)
    by_window: dict[int, list[float]] = {}
    for a in answers:
        if a.kind == "report" and a.status == 201:
            by_window.setdefault(int((a.due - start) // 10) * 10, []).append(a.latency_s * 1000)
    figures["report_by_10_s"] = {
        window: [round(percentile(values, 0.5)), round(percentile(values, 0.99))]
        for window, values in sorted(by_window.items())
    }
    report, bare = figures["report_all"], figures["bare_all"]
    figures["p50_ratio"] = round(bare["p50_ms"] / report["p50_ms"], 3) if report and bare else None
    figures["p99_ratio"] = round(bare["p99_ms"] / report["p99_ms"], 3) if report and bare else None
    return figures


def _print_figures(figures: dict[str, Any]) -> None:
    print("| requests | n | p50 ms | p99 ms | mean ms | max ms |")
    print("|---|--:|--:|--:|--:|--:|")
    for kind in ("report", "bare"):
        for label in ("all", "photo", "text"):
            row = figures[f"{kind}_{label}"]
            if row:
                print(
                    f"| {kind} ({label}) | {row['n']} | {row['p50_ms']} | {row['p99_ms']} | "
                    f"{row['mean_ms']} | {row['max_ms']} |"
                )
    windows = figures["report_by_10_s"].items()
    print(
        "\nReports' p50 / p99 ms by the second they were due: "
        + ", ".join(f"{window} s {p50} / {p99}" for window, (p50, p99) in windows)
    )
    print(
        f"\nRatios bare / report (1.0: a report is accepted as fast as a bare upload of the "
        f"same bytes): p50 {figures['p50_ratio']}, p99 {figures['p99_ratio']}"
    )


if __name__ == "__main__":
    sys.exit(main())
