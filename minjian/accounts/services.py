"""Every change to an account, each one transaction that writes its audit event."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts import jobs, selectors
from minjian.accounts.access import access_api_token_by_id
from minjian.accounts.models import (
    AccountEvent,
    AccountEventKind,
    ApiToken,
    User,
    same_pseudonym,
)
from minjian.accounts.tokens import display_prefix, new_token, token_digest
from minjian.core.errors import DomainError, PermissionDenied

# How stale `last_used_at` may get: recording every API call would turn each
# read into a write.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)

PasswordChangeRoute = Literal["account_page", "reset"]


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def clean_pseudonym(username: str) -> str:
    """The pseudonym as it will be stored, or a DomainError saying what is wrong with it."""
    pseudonym = User.normalize_username(username.strip())
    if not pseudonym:
        # Field validators skip empty values; a service must not.
        raise DomainError("invalid_pseudonym", _("Choose a pseudonym."), field="username")
    try:
        User._meta.get_field("username").run_validators(pseudonym)
    except ValidationError as error:
        raise DomainError("invalid_pseudonym", _messages(error), field="username") from error
    return pseudonym


def clean_email(email: str) -> str:
    """The e-mail address as it will be stored ("" for none), or a DomainError."""
    address = email.strip()
    if not address:
        return ""
    try:
        User._meta.get_field("email").run_validators(address)
    except ValidationError as error:
        raise DomainError("invalid_email", _messages(error), field="email") from error
    return User.objects.normalize_email(address)


def _check_password_strength(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError("weak_password", _messages(error), field="password") from error


def _pseudonym_taken() -> DomainError:
    return DomainError(
        "pseudonym_taken",
        _(
            "This pseudonym is taken. Pseudonyms that differ only in upper and lower case "
            "count as the same."
        ),
        status=409,
        field="username",
    )


@transaction.atomic
def account_sign_up(*, username: str, email: str, password: str) -> User:
    """Make an account. The new person is their own actor."""
    pseudonym = clean_pseudonym(username)
    address = clean_email(email)
    if User.objects.filter(same_pseudonym(pseudonym)).exists():
        raise _pseudonym_taken()
    user = User(username=pseudonym, email=address)
    _check_password_strength(password, user)
    user.set_password(password)
    try:
        # A savepoint, so that losing a race to the same pseudonym leaves the
        # outer transaction usable for the error.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise _pseudonym_taken() from error
    AccountEvent.objects.create(
        user=user,
        actor=user,
        kind=AccountEventKind.SIGNED_UP,
        payload={"has_email": bool(address)},
    )
    return user


@transaction.atomic
def account_update_email(*, actor: User, email: str) -> User:
    """Set, change or remove (with "") the actor's own e-mail address."""
    address = clean_email(email)
    if address == actor.email:
        return actor
    if not actor.email:
        change = "added"
    elif not address:
        change = "removed"
    else:
        change = "changed"
    actor.email = address
    actor.save(update_fields=["email"])
    AccountEvent.objects.create(
        user=actor,
        actor=actor,
        kind=AccountEventKind.EMAIL_CHANGED,
        payload={"change": change},
    )
    return actor


@transaction.atomic
def account_set_staff(*, actor: User | None, user: User, is_staff: bool) -> User:
    """Make an account site staff, or take that away.

    `actor` is None when the operator does it on the server's command line
    (`manage.py set_staff`); otherwise only staff may change who is staff.
    """
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(_("Only site staff can change who is site staff."))
    if user.is_staff == is_staff:
        return user
    user.is_staff = is_staff
    user.save(update_fields=["is_staff"])
    AccountEvent.objects.create(
        user=user,
        actor=actor,
        kind=AccountEventKind.STAFF_GRANTED if is_staff else AccountEventKind.STAFF_REVOKED,
    )
    return user


@transaction.atomic
def account_set_password(*, actor: User, password: str, via: PasswordChangeRoute) -> None:
    """Give the actor's own account a new password.

    `via` records how they proved it is theirs: the old password on the account
    page, or a link sent to their e-mail.
    """
    _check_password_strength(password, actor)
    actor.set_password(password)
    actor.save(update_fields=["password"])
    AccountEvent.objects.create(
        user=actor,
        actor=actor,
        kind=AccountEventKind.PASSWORD_CHANGED,
        payload={"via": via},
    )


@transaction.atomic
def account_request_password_reset(*, email: str, language: str) -> None:
    """Have a link to set a new password mailed to the accounts with this e-mail address.

    The request does the same work whether or not an account has the address: one query
    and one deferred job (with no ids when none matched), and no mail. The job, after
    the commit, composes and sends the mail. So neither the answer nor the time it takes
    tells a stranger whether an address belongs to an account. No event is written: the
    password changes only when the link is used, and that writes one.
    """
    jobs.mail_password_reset.defer(selectors.account_ids_with_email(email), language)


@transaction.atomic
def api_token_issue(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token for `user`: the stored row and the token, which exists only here."""
    if actor.pk != user.pk and not actor.is_staff:
        raise PermissionDenied(_("You can issue API tokens only for your own account."))
    token_name = name.strip()
    name_limit = ApiToken._meta.get_field("name").max_length or 0
    if len(token_name) > name_limit:
        raise DomainError(
            "invalid_token_name",
            _("A token's name can be at most %(limit)d characters long.") % {"limit": name_limit},
            field="name",
        )
    token = new_token()
    api_token = ApiToken.objects.create(
        user=user, name=token_name, prefix=display_prefix(token), digest=token_digest(token)
    )
    AccountEvent.objects.create(
        user=user,
        actor=actor,
        kind=AccountEventKind.TOKEN_ISSUED,
        payload={"token_id": api_token.pk, "prefix": api_token.prefix, "name": token_name},
    )
    return api_token, token


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Stop a token from working. Revoking a revoked token changes nothing."""
    api_token = access_api_token_by_id(actor, token_id)
    now = timezone.now()
    # Conditional, so that two revocations at once write one event between them.
    revoked = ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if not revoked:
        api_token.refresh_from_db(fields=["revoked_at"])
        return api_token
    api_token.revoked_at = now
    AccountEvent.objects.create(
        user=api_token.user,
        actor=actor,
        kind=AccountEventKind.TOKEN_REVOKED,
        payload={"token_id": api_token.pk, "prefix": api_token.prefix},
    )
    return api_token


def api_token_record_use(*, api_token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute.

    Bookkeeping shown on the account page, not a change anyone makes, so it
    writes no event. Outside a transaction (an API call: it runs before the
    operation's) it commits on PostgreSQL without waiting for its WAL flush: a crash
    may lose the last few of these times, and no API call waits for a second flush
    besides its own.
    """
    now = timezone.now()
    if api_token.last_used_at is not None and now - api_token.last_used_at < TOKEN_USE_RESOLUTION:
        return
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    else:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    api_token.last_used_at = now
