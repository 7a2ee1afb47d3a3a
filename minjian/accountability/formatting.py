"""How the figures read on the page: durations in minutes, hours or days, shares in per cent."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from minjian.cases.models import CaseEvent

# Up to three days a duration reads in hours ("66 hours"); beyond, in days.
HOURS_UP_TO = 72

# What an organisation's first response was, in the words of the case list.
RESPONSE_LABELS = {
    CaseEvent.Kind.ACKNOWLEDGED: gettext_lazy("Acknowledged the case"),
    CaseEvent.Kind.PUBLIC_UPDATE: gettext_lazy("Gave a public update"),
    CaseEvent.Kind.OFFICIAL_RESPONSE: gettext_lazy("Gave an official response"),
}


def readable_duration(duration: timedelta | None) -> str:
    """'45 minutes', '66 hours', '12.5 days'; a dash when there is no figure."""
    if duration is None:
        return "—"
    seconds = int(duration.total_seconds())
    if seconds < 3600:
        minutes = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = round(seconds / 3600)
    if hours < HOURS_UP_TO:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return _("%(days)s days") % {"days": f"{seconds / 86400:.1f}"}


def readable_share(share: float | None) -> str:
    """'75%'; a dash when nothing was routed."""
    if share is None:
        return "—"
    return f"{round(share * 100)}%"


def readable_response_kind(kind: str) -> str:
    """'Gave an official response' for the kind of a first response."""
    return str(RESPONSE_LABELS[CaseEvent.Kind(kind)])
