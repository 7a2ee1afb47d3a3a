"""Run background jobs from the Redis queue until stopped (SIGTERM or SIGINT)."""

from __future__ import annotations

import importlib
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from dramatiq import Worker

from minjian.jobs.pending import runner
from minjian.jobs.redis_queue import QUEUE_NAME, make_broker
from minjian.jobs.relay import relay

# How often (ms) an idle worker asks Redis for work; every request is also its heartbeat.
IDLE_POLL_MS = 1000


class Command(BaseCommand):
    help = (
        "Run background jobs (routing, mail, search) from the Redis queue in this process. "
        "Stop it with SIGTERM: jobs under way finish first. Start one per core."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads", type=int, default=4, help="jobs run at the same time (default 4)"
        )
        parser.add_argument(
            "--import",
            dest="modules",
            action="append",
            default=[],
            metavar="MODULE",
            help="a module of jobs besides the installed apps' jobs.py (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MINJIAN_JOBS_REDIS_URL:
            raise CommandError(
                "No Redis to take jobs from: set REDIS_URL (or MINJIAN_JOBS_REDIS_URL)."
            )
        # Every installed app's jobs.py is imported by minjian.jobs' AppConfig.ready().
        for module in options["modules"]:
            importlib.import_module(module)

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)

        worker = Worker(
            make_broker(), worker_threads=options["threads"], worker_timeout=IDLE_POLL_MS
        )
        worker.start()
        # Committed jobs, from the database outbox to the Redis queue.
        relay.ensure_started()
        # Jobs the relay could not send (Redis was down), run from the database.
        runner.ensure_started()
        self.stdout.write(
            f"Worker ready: {options['threads']} threads on queue {QUEUE_NAME!r} "
            f"of namespace {settings.MINJIAN_JOBS_NAMESPACE!r}."
        )
        self.stdout.flush()
        stop.wait()
        self.stdout.write("Stopping: waiting for the jobs under way.")
        relay.stop()
        runner.stop()
        worker.stop()
