"""Imported only by the worker processes of test_worker_crash: the routing job stops
after writing the inbox rows and before its transaction commits, and waits there for
the test to kill the worker or let it go on (files in MINJIAN_TEST_PAUSE_DIR)."""

from __future__ import annotations

import os
import time
from collections.abc import Collection
from pathlib import Path

from minjian.cases.models import Case
from minjian.routing import delivery, jobs

PAUSE_DIR = Path(os.environ["MINJIAN_TEST_PAUSE_DIR"])
deliver_without_pause = delivery.deliver


def deliver_then_pause(case: Case, organisation_ids: Collection[int], **options: bool) -> set[int]:
    delivered = deliver_without_pause(case, organisation_ids, **options)
    (PAUSE_DIR / f"paused-{os.getpid()}").touch()
    while not (PAUSE_DIR / "go-on").exists():
        time.sleep(0.05)
    return delivered


# The job module imported `deliver` by name: that name is the one to replace.
setattr(jobs, "deliver", deliver_then_pause)  # noqa: B010
