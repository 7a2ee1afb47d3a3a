"""Who gets which mail, and what a mail tells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from minjian.accounts.models import User
from minjian.cases.models import Case, CaseEvent
from minjian.cases.selectors import Audience, text_audience
from minjian.notify.models import CaseFollower, MemberPreference
from minjian.orgs.models import Membership, Organisation

# Public timeline events a case's followers are told about.
FOLLOWED_KINDS = (
    CaseEvent.Kind.ACKNOWLEDGED,
    CaseEvent.Kind.IN_PROGRESS,
    CaseEvent.Kind.RESOLVED,
    CaseEvent.Kind.CLOSED,
    CaseEvent.Kind.PUBLIC_UPDATE,
    CaseEvent.Kind.OFFICIAL_RESPONSE,
    CaseEvent.Kind.ADDED_BY_REPORTER,
    CaseEvent.Kind.NOTE_RELEASED,
)


@dataclass(frozen=True)
class Recipient:
    user: User
    language: str


def member_recipients(
    organisation: Organisation, frequency: MemberPreference.Frequency
) -> list[Recipient]:
    """Members of `organisation` with an e-mail address who chose `frequency`
    (no choice counts as `immediate`)."""
    preferences = {
        preference.user_id: preference
        for preference in MemberPreference.objects.filter(organisation=organisation)
    }
    recipients = []
    for membership in (
        Membership.objects.filter(organisation=organisation)
        .exclude(user__email="")
        .select_related("user")
        .order_by("id")
    ):
        preference = preferences.get(membership.user_id)
        chosen = preference.frequency if preference else MemberPreference.Frequency.IMMEDIATE
        if chosen == frequency:
            recipients.append(
                Recipient(user=membership.user, language=preference.language if preference else "")
            )
    return recipients


def organisations_with_daily_members() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        mail_preferences__frequency=MemberPreference.Frequency.DAILY
    ).distinct()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A calendar day in the site's time zone, as aware datetimes [start, end)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def cases_routed_during(organisation: Organisation, day: date) -> list[Case]:
    """Public cases that reached `organisation`'s inbox on `day`, in the order they came."""
    start, end = day_bounds(day)
    case_ids = list(
        CaseEvent.objects.filter(
            organisation=organisation,
            kind=CaseEvent.Kind.ROUTED,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by("created_at", "id")
        .values_list("case_id", flat=True)
    )
    cases = Case.objects.filter(pk__in=case_ids, state__in=Case.PUBLIC_STATES).select_related(
        "topic", "region"
    )
    by_id = {case.pk: case for case in cases}
    return [by_id[case_id] for case_id in dict.fromkeys(case_ids) if case_id in by_id]


def site_today() -> date:
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def routed_event(event_id: int) -> CaseEvent | None:
    """The `routed` event with its case and organisation, as the members' mail tells it."""
    return (
        CaseEvent.objects.select_related("case", "case__topic", "case__region", "organisation")
        .filter(pk=event_id, kind=CaseEvent.Kind.ROUTED, organisation__isnull=False)
        .first()
    )


def case_event(event_id: int) -> CaseEvent | None:
    return CaseEvent.objects.select_related("case").filter(pk=event_id).first()


def unconfirmed_follower(follower_id: int, nonce: str) -> CaseFollower | None:
    """The follow waiting for the confirmation whose link carries `nonce`."""
    return (
        CaseFollower.objects.select_related("case")
        .filter(pk=follower_id, nonce=nonce, confirmed_at__isnull=True)
        .first()
    )


def confirmed_followers(case: Case) -> QuerySet[CaseFollower]:
    return CaseFollower.objects.filter(case=case, confirmed_at__isnull=False).order_by("id")


def followed_update(event: CaseEvent) -> CaseEvent | None:
    """The public event a followers' mail about `event` tells, or None if it is not for them.

    Internal events, events on cases that are not public (waiting, hidden), and texts
    held for a moderator are never mailed. A held text that a moderator releases is
    mailed then: for a `note_released` event this returns the released event.
    """
    if event.kind not in FOLLOWED_KINDS or event.case.state not in Case.PUBLIC_STATES:
        return None
    if event.kind == CaseEvent.Kind.NOTE_RELEASED:
        released = CaseEvent.objects.filter(pk=int(event.payload["event"]), case=event.case).first()
        if released is None or released.kind not in FOLLOWED_KINDS:
            return None
        public = text_audience(released, released=True) == Audience.PUBLIC
        return released if public else None
    # A text held for a moderator is not released yet when it is written.
    return event if text_audience(event, released=False) == Audience.PUBLIC else None


def member_preferences(user: User) -> list[tuple[Organisation, str]]:
    """Each organisation `user` belongs to, with the frequency she chose for it."""
    chosen = dict(
        MemberPreference.objects.filter(user=user).values_list("organisation_id", "frequency")
    )
    organisations = Organisation.objects.filter(memberships__user=user).order_by("slug")
    return [
        (organisation, chosen.get(organisation.pk, MemberPreference.Frequency.IMMEDIATE))
        for organisation in organisations
    ]
