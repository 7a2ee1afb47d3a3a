from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_started
from django.utils.module_loading import autodiscover_modules


def _start_pending_jobs_runner(**kwargs: Any) -> None:
    """The in-process backend's thread starts with the first request of each process,
    and first runs what an earlier process left behind."""
    if settings.MINJIAN_JOBS_BACKEND == "in-process":
        from minjian.jobs.pending import runner

        runner.ensure_started()


class JobsConfig(AppConfig):
    name = "minjian.jobs"
    label = "jobs"
    verbose_name = "Background work"

    def ready(self) -> None:
        # Every app's jobs.py, so that any process can look a job up by its name.
        autodiscover_modules("jobs")
        request_started.connect(_start_pending_jobs_runner, dispatch_uid="minjian-pending-jobs")
