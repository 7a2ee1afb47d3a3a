"""A coalition's public timeline as pages and the Atom feed read it: each event with its
label, the organisation it is about, a line of detail and where it leads. Names come
from the event's payload, as they were when it was written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from minjian.coalitions.models import Coalition, CoalitionEvent, Option
from minjian.core.models import localized
from minjian.redaction import render_redactions

Kind = CoalitionEvent.Kind


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    label: str
    organisation: str
    detail: str
    at: datetime
    link: str


def named(snapshot: dict[str, Any] | None) -> str:
    if not snapshot:
        return ""
    return localized(str(snapshot.get("name_zh", "")), str(snapshot.get("name_en", "")))


def entries(
    coalition: Coalition, events: list[CoalitionEvent], *, sees_members: bool
) -> list[Entry]:
    return [_entry(coalition, event, sees_members=sees_members) for event in events]


def _entry(coalition: Coalition, event: CoalitionEvent, *, sees_members: bool) -> Entry:
    payload = event.payload
    page = reverse("coalitions:detail", args=[coalition.pk])
    link = page
    detail = ""
    if "proposal" in payload:
        link = reverse("coalitions:proposal", args=[coalition.pk, payload["proposal"]])
    if event.kind == Kind.PROPOSAL_OPENED:
        detail = render_redactions(str(payload.get("title", "")))
    elif event.kind == Kind.PROPOSAL_CLOSED:
        tally = payload.get("tally", {})
        counted = ", ".join(f"{label} {tally.get(value, 0)}" for value, label in Option.choices)
        verdict = _("agreed") if payload.get("agreed") else _("not agreed")
        detail = f"{verdict} ({counted})"
    elif event.kind == Kind.STATEMENT_PUBLISHED:
        detail = _("Signed by %(signers)s") % {
            "signers": ", ".join(named(signer) for signer in payload.get("signers", []))
        }
        link = f"{page}#statement-{payload.get('statement')}"
    elif event.kind == Kind.PETITION_STARTED:
        detail = render_redactions(str(payload.get("title", "")))
        link = str(payload.get("path", link))
    elif event.kind == Kind.DELEGATE_NAMED and sees_members:
        detail = str(payload.get("delegate", ""))
    shows_organisation = sees_members or event.kind not in CoalitionEvent.MEMBERSHIP_KINDS
    return Entry(
        id=event.pk,
        kind=event.kind,
        label=event.kind_label,
        organisation=named(payload.get("organisation")) if shows_organisation else "",
        detail=detail,
        at=event.created_at,
        link=link,
    )
