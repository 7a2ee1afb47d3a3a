"""What claims do when a case changes: a case hidden or merged settles the readers' flags
of it (in the same transaction, one update)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minjian.cases.models import CaseEvent
from minjian.claims.services_flags import flags_settle_by_moderation


def settle_flags(sender: type[CaseEvent], events: Sequence[CaseEvent], **kwargs: Any) -> None:
    flags_settle_by_moderation(events)
