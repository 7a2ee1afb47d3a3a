"""Imported only by the worker processes of test_worker_crash: the routing job stops
after writing the routed events and before its transaction commits, and waits there
for the test to kill the worker or let it go on (files in MINJIAN_TEST_PAUSE_DIR)."""

from __future__ import annotations

import os
import time
from collections.abc import Collection
from pathlib import Path

from minjian.cases import services as case_services
from minjian.cases.models import CaseEvent

PAUSE_DIR = Path(os.environ["MINJIAN_TEST_PAUSE_DIR"])
route_without_pause = case_services.case_route_to_organisations


def route_then_pause(*, case_id: int, organisation_ids: Collection[int]) -> list[CaseEvent]:
    routed = route_without_pause(case_id=case_id, organisation_ids=organisation_ids)
    (PAUSE_DIR / f"paused-{os.getpid()}").touch()
    while not (PAUSE_DIR / "go-on").exists():
        time.sleep(0.05)
    return routed


# Routing calls the service through the module (`case_services.…`): replace it there.
setattr(case_services, "case_route_to_organisations", route_then_pause)  # noqa: B010
