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
"""

from __future__ import annotations

from django.dispatch import Signal

case_events_written = Signal()
