"""Background work of the record: sealing what the apps appended."""

from __future__ import annotations

from minjian.jobs import job
from minjian.record import services


@job
def seal() -> None:
    """Seal the unsealed entries into the chain and sign its head (safe to run again:
    a run that finds nothing unsealed does nothing)."""
    services.seal_record()
