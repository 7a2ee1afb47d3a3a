"""Every change a person makes to her mail: follow, confirm, unsubscribe, choose a frequency."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.accounts.services import clean_email
from minjian.cases.models import Case
from minjian.core.errors import DomainError
from minjian.notify import tokens
from minjian.notify.jobs import send_follow_confirmation
from minjian.notify.mail import known_language
from minjian.notify.models import CaseFollower, MemberPreference, NotificationEvent
from minjian.orgs.models import Membership, Organisation


def follow_request(*, case: Case, email: str, language: str) -> None:
    """Someone asks to follow `case` at `email`: a confirmation mail goes there.

    The caller answers the same whatever happens here, so that nobody learns
    whether an address follows a case. An address that follows already is sent
    nothing; one that waits for confirmation gets a new link (older ones stop working).
    """
    address = clean_email(email)
    if not address:
        raise DomainError("email_required", _("Enter your e-mail address."), field="email")
    if not case.is_public:
        raise DomainError("case_not_public", _("Only public cases can be followed."), status=409)
    with transaction.atomic():
        follower, _created = CaseFollower.objects.select_for_update().get_or_create(
            case=case,
            email=address,
            defaults={"language": known_language(language), "nonce": secrets.token_hex(16)},
        )
        if follower.is_confirmed:
            return
        if not _created:
            follower.nonce = secrets.token_hex(16)
            follower.language = known_language(language)
            follower.requested_at = timezone.now()
            follower.save(update_fields=["nonce", "language", "requested_at"])
        NotificationEvent.objects.create(
            kind=NotificationEvent.Kind.FOLLOW_REQUESTED,
            case=case,
            payload={"follower": follower.pk},
        )
        send_follow_confirmation.defer(follower.pk, follower.nonce)


def follow_confirm(*, token: str) -> CaseFollower:
    """The owner of the address clicked the link in the confirmation mail."""
    try:
        found = tokens.read_confirmation_token(token)
    except tokens.ConfirmationExpired as expired:
        raise DomainError(
            "link_expired",
            _("This link has expired. Ask to follow the case again to get a new one."),
            status=410,
        ) from expired
    invalid = DomainError(
        "link_invalid",
        _("This link is not valid. Ask to follow the case again to get a new one."),
        status=404,
    )
    if found is None:
        raise invalid
    follower_id, nonce = found
    with transaction.atomic():
        follower = (
            CaseFollower.objects.select_for_update()
            .filter(pk=follower_id, nonce=nonce)
            .select_related("case")
            .first()
        )
        if follower is None:
            raise invalid
        if follower.is_confirmed:
            raise DomainError(
                "link_used", _("This link was used already: you follow this case."), status=409
            )
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
        NotificationEvent.objects.create(
            kind=NotificationEvent.Kind.FOLLOW_CONFIRMED,
            case=follower.case,
            payload={"follower": follower.pk},
        )
    return follower


def unsubscribe(*, token: str) -> None:
    """The one-click unsubscribe of a mail: a member's organisation mail stops, or a follow ends.

    Using a link twice, or the link of a follow that ended, changes nothing and is no error.
    """
    target = tokens.read_unsubscribe_token(token)
    if target is None:
        raise DomainError("link_invalid", _("This unsubscribe link is not valid."), status=404)
    if isinstance(target, tokens.FollowerMail):
        _end_follow(target.follower_id)
        return
    user = User.objects.filter(pk=target.user_id).first()
    organisation = Organisation.objects.filter(pk=target.organisation_id).first()
    if user is None or organisation is None:
        return
    _set_frequency(
        user=user,
        organisation=organisation,
        frequency=MemberPreference.Frequency.NONE,
        language=None,
        actor=None,
        via="unsubscribe",
    )


def _end_follow(follower_id: int) -> None:
    with transaction.atomic():
        follower = CaseFollower.objects.select_for_update().filter(pk=follower_id).first()
        if follower is None:
            return
        NotificationEvent.objects.create(
            kind=NotificationEvent.Kind.FOLLOW_ENDED,
            case_id=follower.case_id,
            payload={"follower": follower.pk},
        )
        follower.delete()


def preference_set(
    *, actor: User, organisation_id: int, frequency: str, language: str | None
) -> MemberPreference:
    """A member chooses how often she hears of new cases in her organisation's inbox."""
    if frequency not in MemberPreference.Frequency.values:
        raise DomainError(
            "unknown_frequency", _("Choose one of the listed options."), field="frequency"
        )
    membership = (
        Membership.objects.filter(user=actor, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise PermissionDenied(_("You are not a member of this organisation."))
    return _set_frequency(
        user=actor,
        organisation=membership.organisation,
        frequency=MemberPreference.Frequency(frequency),
        language=language,
        actor=actor,
        via="preferences",
    )


def _set_frequency(
    *,
    user: User,
    organisation: Organisation,
    frequency: MemberPreference.Frequency,
    language: str | None,
    actor: User | None,
    via: str,
) -> MemberPreference:
    with transaction.atomic():
        preference, _created = MemberPreference.objects.select_for_update().get_or_create(
            user=user, organisation=organisation
        )
        changes: dict[str, Any] = {}
        if preference.frequency != frequency:
            changes["frequency"] = {"from": preference.frequency, "to": frequency.value}
            preference.frequency = frequency
        if language is not None and known_language(language) != preference.language:
            preference.language = known_language(language)
            changes["language"] = preference.language
        if changes:
            preference.updated_at = timezone.now()
            preference.save(update_fields=["frequency", "language", "updated_at"])
            NotificationEvent.objects.create(
                kind=NotificationEvent.Kind.PREFERENCE_CHANGED,
                actor=actor,
                organisation=organisation,
                payload={"user": user.pk, "via": via, **changes},
            )
    return preference
