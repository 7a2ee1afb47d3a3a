"""The in-process backend's queue, and the record that makes a job's effect happen once."""

from __future__ import annotations

from django.db import models


class PendingJob(models.Model):
    """A deferred job, written in the transaction that deferred it.

    The in-process backend's queue. The Redis backend writes the same row, due a minute
    later, which the worker processes' relay sends to Redis and deletes (`relay`); a row
    left behind (no worker ran, or Redis was down) is run by the worker processes from here.

    It commits or rolls back with the work that asked for the job, and stays until
    the job has run, so a process that stops (a restart, a crash) loses nothing: the next
    one runs what is left. A job that keeps failing stays too, marked failed, with its
    last error, for an operator to read.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        FAILED = "failed"

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    run_after = models.DateTimeField()
    # Set while a process runs the job; another process takes it only once this has passed.
    taken_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"], name="jobs_pending_due")]

    def __str__(self) -> str:
        return f"{self.name} ({self.status}, {self.attempts} attempts)"


class JobDone(models.Model):
    """A key recorded in the same transaction as a job's effect: see `minjian.jobs.once`."""

    key = models.CharField(max_length=200, unique=True)
    done_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
