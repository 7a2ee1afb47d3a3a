"""Reads of readers' flags: which public text a flag names, and the queues.

The queues show each flagged item once, with how many open flags it has and the newest
notes, never who sent them: a flag keeps no account and no address (`Flag.key`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import Case, CaseEvent
from minjian.cases.selectors import Audience, text_audience
from minjian.claims.models import Claim, Flag
from minjian.claims.reviews import claim_path
from minjian.claims.selectors import public_claims
from minjian.core.errors import DomainError, NotFound
from minjian.redaction import render_redactions

Kind = Flag.Kind
# Flagged items a queue shows, the most flagged first; and notes shown per item.
QUEUE_LENGTH = 50
NOTES_SHOWN = 3
EXCERPT_LENGTH = 300


@dataclass(frozen=True)
class FlagTarget:
    """A public text a reader may flag: a case's report (`case`), one entry of the
    timeline its page shows (`event`, perhaps from a report merged into it), or a
    claim written down by a verifier (`claim`; a case's claim is its case)."""

    case: Case | None = None
    event: CaseEvent | None = None
    claim: Claim | None = None

    @property
    def item(self) -> str:
        """The item as the flag's key names it."""
        if self.claim is not None:
            return f"claim:{self.claim.pk}"
        assert self.case is not None  # a target is a case or a claim
        if self.event is not None:
            return f"case:{self.case.pk}/event:{self.event.pk}"
        return f"case:{self.case.pk}"

    @property
    def text(self) -> str:
        """What is flagged, as a reader reads it."""
        if self.claim is not None:
            return self.claim.text
        if self.event is not None:
            return _event_text(self.event)
        assert self.case is not None
        return self.case.readable_title

    @property
    def path(self) -> str:
        """The page that shows it."""
        if self.claim is not None:
            return claim_path(self.claim)
        assert self.case is not None
        return reverse("cases:detail", args=[self.case.pk])


def _event_text(event: CaseEvent) -> str:
    if event.kind == CaseEvent.Kind.VERDICT:
        return render_redactions(str(event.payload.get("rationale", "")))
    return render_redactions(str(event.payload.get("note", "")))


def _no_such_text() -> NotFound:
    return NotFound(_("There is no such public text to flag."))


def flag_target(
    *, case_id: int | None = None, event_id: int | None = None, claim_id: int | None = None
) -> FlagTarget:
    """The public text that a flag names: a case, an entry of a case's timeline (the
    case is the one whose page shows it and may be left out), or a claim. What the
    public does not read (a case not public or hidden, an internal note, a text held
    for a moderator, a moderator's note) is no such text."""
    if claim_id is not None:
        if case_id is not None or event_id is not None:
            raise _one_item()
        claim = public_claims().prefetch_related(None).filter(pk=claim_id).first()
        if claim is None:
            raise _no_such_text()
        if claim.case is not None:
            return FlagTarget(case=claim.case)
        return FlagTarget(claim=claim)
    if event_id is not None:
        return _event_target(event_id, case_id)
    if case_id is None:
        raise _one_item()
    case = Case.objects.filter(pk=case_id, state__in=Case.PUBLIC_STATES).first()
    if case is None:
        raise _no_such_text()
    return FlagTarget(case=case)


def _one_item() -> DomainError:
    return DomainError(
        "flag_target_required",
        _("Name one text to flag: a case, an entry of its timeline, or a claim."),
        field="target",
    )


def _event_target(event_id: int, case_id: int | None) -> FlagTarget:
    event = (
        CaseEvent.objects.select_related("case", "case__duplicate_of")
        .filter(pk=event_id, internal=False)
        .first()
    )
    if event is None or not (event.payload.get("note") or event.kind == CaseEvent.Kind.VERDICT):
        raise _no_such_text()
    shown_on = _page_showing(event.case)
    if shown_on is None or (case_id is not None and case_id != shown_on.pk):
        raise _no_such_text()
    released = (
        bool(event.payload.get("held"))
        and CaseEvent.objects.filter(
            case_id=event.case_id, kind=CaseEvent.Kind.NOTE_RELEASED, payload__event=event.pk
        ).exists()
    )
    if text_audience(event, released=released) != Audience.PUBLIC:
        raise _no_such_text()
    return FlagTarget(case=shown_on, event=event)


def _page_showing(case: Case) -> Case | None:
    """The public case whose page shows the entries of `case`: itself, or the case it
    was merged into."""
    if case.is_public:
        return case
    original = case.duplicate_of
    merged = case.state == Case.State.HIDDEN and case.hidden_reason == Case.HiddenReason.DUPLICATE
    if merged and original is not None and original.is_public:
        return original
    return None


@dataclass(frozen=True)
class FlaggedItem:
    """An item in a queue: what was flagged, how many open flags it has, when the newest
    came, and the newest notes (excerpts, personal data shown as removed)."""

    kind: str
    case: Case | None
    event: CaseEvent | None
    claim: Claim | None
    count: int
    latest: datetime
    notes: list[str] = field(default_factory=list)

    @property
    def target(self) -> FlagTarget:
        return FlagTarget(case=self.case, event=self.event, claim=self.claim)

    @property
    def public(self) -> bool:
        """Whether the public still reads it (a hidden case's flags wait to be dismissed)."""
        if self.claim is not None:
            return True
        return self.case is not None and self.case.is_public


def flag_queue(kinds: Sequence[str]) -> list[FlaggedItem]:
    """The items with open flags of `kinds`, the most flagged first (then the most
    recently flagged), `QUEUE_LENGTH` of them: in five queries however many flags."""
    if not kinds:
        return []
    open_flags = Flag.objects.filter(status=Flag.Status.OPEN, kind__in=kinds).order_by()
    groups = list(
        open_flags.values("kind", "case", "event", "claim")
        .annotate(count=Count("id"), latest=Max("created_at"))
        .order_by("-count", "-latest", "kind", "case", "event", "claim")[:QUEUE_LENGTH]
    )
    if not groups:
        return []
    case_ids = {group["case"] for group in groups if group["case"] is not None}
    event_ids = {group["event"] for group in groups if group["event"] is not None}
    claim_ids = {group["claim"] for group in groups if group["claim"] is not None}
    notes = _newest_notes(open_flags.filter(Q(case__in=case_ids) | Q(claim__in=claim_ids)))
    cases = Case.objects.in_bulk(case_ids)
    events = CaseEvent.objects.in_bulk(event_ids)
    claims = Claim.objects.select_related("case").in_bulk(claim_ids)
    return [
        FlaggedItem(
            kind=group["kind"],
            case=cases.get(group["case"]) if group["case"] is not None else None,
            event=events.get(group["event"]) if group["event"] is not None else None,
            claim=claims.get(group["claim"]) if group["claim"] is not None else None,
            count=group["count"],
            latest=group["latest"],
            notes=notes.get((group["kind"], group["case"], group["event"], group["claim"]), []),
        )
        for group in groups
    ]


_ItemKey = tuple[str, int | None, int | None, int | None]


def _newest_notes(flags: QuerySet[Flag]) -> dict[_ItemKey, list[str]]:
    """The `NOTES_SHOWN` newest notes of each item, newest first, in one query (a window
    numbering each item's notes)."""
    ranked = (
        flags.exclude(note="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("kind"), F("case"), F("event"), F("claim")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=NOTES_SHOWN)
        .order_by("-created_at", "-id")
        .values_list("kind", "case", "event", "claim", "note")
    )
    found: dict[_ItemKey, list[str]] = {}
    for kind, case, event, claim, note in ranked:
        found.setdefault((kind, case, event, claim), []).append(_excerpt(note))
    return found


def _excerpt(note: str) -> str:
    text = " ".join(render_redactions(note).split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"
