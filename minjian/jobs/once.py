"""Making a job's effect happen once although the job may run more than once."""

from __future__ import annotations

from django.db import transaction


def once(key: str) -> bool:
    """True the first time `key` is seen, False ever after; call it inside the transaction
    that writes the job's effect, so the key and the effect commit (or vanish) together:

        with transaction.atomic():
            if not once(f"route_case:{case_id}"):
                return
            ...write the effect...

    A job run twice at the same moment waits on the first one's row, then gets False.
    Effects outside the database (a mail sent) can still happen twice if the process
    dies between the send and the commit; they are at least once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("once() records the key with the effect: call it in atomic().")
    # Imported here: the package that exports once() loads before the app registry.
    from minjian.jobs.models import JobDone

    _, created = JobDone.objects.get_or_create(key=key)
    return created
