"""The mail Minjian sends, one service each: who gets it, in which language, saying what.

The jobs in `jobs.py` take ids and call these. Each may run twice (a worker that
dies is retried): every mail goes through `mail.deliver_once` with a key naming what
it is about, so each reader gets it once.

The daily digest: `members_mail_daily_digests` covers one calendar day in the site's
time zone (settings.TIME_ZONE). It is run once a day, after midnight, by cron with
`python manage.py send_digests` (which mails yesterday's digests), e.g.
`15 0 * * * cd /srv/minjian && .venv/bin/python manage.py send_digests`. Running it
again for the same day sends nothing more.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minjian.cases.models import Case
from minjian.notify import mail, selectors, tokens
from minjian.notify.models import MemberPreference
from minjian.orgs.models import Organisation
from minjian.redaction import render_redactions


def members_mail_routed_case(*, event_id: int) -> None:
    """Members who chose `immediate` hear at once of a case that reached their
    organisation (the `routed` event `event_id`)."""
    event = selectors.routed_event(event_id)
    if event is None or event.organisation is None or not event.case.is_public:
        return
    organisation = event.organisation
    for recipient in selectors.member_recipients(
        organisation, MemberPreference.Frequency.IMMEDIATE
    ):
        with mail.in_language(recipient.language):
            message = mail.compose(
                to=recipient.user.email,
                subject=_("New case for %(organisation)s: %(title)s")
                % {"organisation": organisation.name, "title": event.case.readable_title},
                template="routed",
                context={
                    "organisation": organisation,
                    "case": event.case,
                    "case_url": _case_url(event.case),
                    "preferences_url": mail.absolute_url(reverse("notify:preferences")),
                },
                unsubscribe_token=tokens.member_unsubscribe_token(
                    recipient.user.pk, organisation.pk
                ),
            )
        mail.deliver_once(f"routed:{event.pk}", message)


def members_mail_daily_digests(*, day: date) -> None:
    """Each member who chose `daily` gets one mail per organisation listing the
    cases that reached its inbox on `day`; nothing if none did."""
    for organisation in selectors.organisations_with_daily_members():
        cases = selectors.cases_routed_during(organisation, day)
        if not cases:
            continue
        for recipient in selectors.member_recipients(
            organisation, MemberPreference.Frequency.DAILY
        ):
            _send_digest(organisation, recipient, day, cases)


def _send_digest(
    organisation: Organisation,
    recipient: selectors.Recipient,
    day: date,
    cases: list[Case],
) -> None:
    with mail.in_language(recipient.language):
        message = mail.compose(
            to=recipient.user.email,
            subject=ngettext(
                "%(organisation)s: %(count)d new case on %(day)s",
                "%(organisation)s: %(count)d new cases on %(day)s",
                len(cases),
            )
            % {"organisation": organisation.name, "count": len(cases), "day": day.isoformat()},
            template="digest",
            context={
                "organisation": organisation,
                "day": day,
                "cases": [(case, _case_url(case)) for case in cases],
                "preferences_url": mail.absolute_url(reverse("notify:preferences")),
            },
            unsubscribe_token=tokens.member_unsubscribe_token(recipient.user.pk, organisation.pk),
        )
    mail.deliver_once(f"digest:{recipient.user.pk}:{organisation.pk}:{day.isoformat()}", message)


def followers_mail_update(*, event_id: int) -> None:
    """A case's confirmed followers hear of a public event on its timeline."""
    event = selectors.case_event(event_id)
    if event is None:
        return
    update = selectors.followed_update(event)
    if update is None:
        return
    case = event.case
    for follower in selectors.confirmed_followers(case):
        with mail.in_language(follower.language):
            message = mail.compose(
                to=follower.email,
                subject=_("Case #%(id)d: %(what)s") % {"id": case.pk, "what": update.kind_label},
                template="update",
                context={
                    "case": case,
                    "case_url": _case_url(case),
                    "what": update.kind_label,
                    "organisation": update.organisation,
                    "note": render_redactions(str(update.payload.get("note", ""))),
                },
                unsubscribe_token=tokens.follower_unsubscribe_token(follower.pk),
            )
        mail.deliver_once(f"update:{event.pk}", message)


def follower_mail_confirmation(*, follower_id: int, nonce: str) -> None:
    """The one mail an address gets before its owner confirms the follow."""
    follower = selectors.unconfirmed_follower(follower_id, nonce)
    if follower is None:
        return
    with mail.in_language(follower.language):
        message = mail.compose(
            to=follower.email,
            subject=_("Confirm that you want to follow case #%(id)d") % {"id": follower.case_id},
            template="confirm",
            context={
                "case": follower.case,
                "case_url": _case_url(follower.case),
                "confirm_url": mail.absolute_url(
                    reverse("notify:confirm", args=[tokens.confirmation_token(follower)])
                ),
                "valid_days": tokens.CONFIRMATION_MAX_AGE.days,
            },
            unsubscribe_token=tokens.follower_unsubscribe_token(follower.pk),
        )
    mail.deliver_once(f"confirm:{follower.pk}:{nonce}", message)


def _case_url(case: Case) -> str:
    return mail.absolute_url(reverse("cases:detail", args=[case.pk]))
