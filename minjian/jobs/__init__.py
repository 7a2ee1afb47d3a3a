"""Background work: `@job` functions, deferred until the transaction that asks for them commits.

    @job
    def route_case(case_id: int) -> None: ...

    route_case.defer(case.pk)   # runs after commit, in the configured backend

Arguments must be JSON values (ids, strings), because in production they travel
through Redis to a separate worker process. A job must be safe to run more than
once: a worker that dies mid-job leaves it to be retried. `once(key)` records, in
the transaction of a job's effect, that the effect happened. `deferred_together()`
sends the jobs one action defers as one.
"""

from minjian.jobs.once import once
from minjian.jobs.registry import Job, deferred_together, job

__all__ = ["Job", "deferred_together", "job", "once"]
