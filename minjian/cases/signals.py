"""How other apps react to a case: one signal, sent for every event the timeline gets.

`case_events_written` is sent by the one writer of the timeline (`cases.services`)
for every `CaseEvent` it writes, one at a time or many in one insert (a published
case routed to 32 inboxes), with `sender=CaseEvent` and `events`, the list of new
events, saved and with their ids. It is sent inside the transaction that writes
them, so a receiver that defers a job (`job.defer()`) defers it in that transaction:
the job runs after the commit and vanishes with a rollback (docs/architecture.md,
"Background work"). A receiver does no slow work itself, and it does not write to
the timeline.

Receivers connect in their app's `AppConfig.ready` with a `dispatch_uid`. No app
reacts to `post_save` of `CaseEvent`: a bulk insert sends none.

`announce` sends it with the jobs the receivers defer deferred together
(`minjian.jobs.deferred_together`): one outbox row and one message for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.dispatch import Signal

from minjian.cases.models import CaseEvent
from minjian.jobs import deferred_together

case_events_written = Signal()


def announce(events: Sequence[CaseEvent]) -> None:
    """Tell the apps that react to cases of these new events."""
    with deferred_together():
        case_events_written.send(sender=CaseEvent, events=list(events))
