"""Who is site staff is changed only by staff or on the server's command line, and recorded."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from minjian.accounts.models import AccountEvent, AccountEventKind, User
from minjian.accounts.services import account_set_staff
from minjian.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_operator_makes_an_account_staff_from_the_command_line(user: User) -> None:
    call_command("set_staff", user.username.upper())
    user.refresh_from_db()
    assert user.is_staff
    event = AccountEvent.objects.get(user=user, kind=AccountEventKind.STAFF_GRANTED)
    assert event.actor is None
    call_command("set_staff", user.username, "--revoke")
    user.refresh_from_db()
    assert not user.is_staff
    assert AccountEvent.objects.filter(kind=AccountEventKind.STAFF_REVOKED).count() == 1


def test_unknown_account_is_a_command_error(db: object) -> None:
    with pytest.raises(CommandError):
        call_command("set_staff", "nobody-here")


def test_a_non_staff_account_cannot_make_anyone_staff(user: User, staff: User) -> None:
    with pytest.raises(DomainError) as refused:
        account_set_staff(actor=user, user=user, is_staff=True)
    assert refused.value.status == 403
    user.refresh_from_db()
    assert not user.is_staff and not AccountEvent.objects.filter(kind="staff_granted").exists()


def test_granting_what_is_already_there_records_nothing(staff: User) -> None:
    account_set_staff(actor=staff, user=staff, is_staff=True)
    assert not AccountEvent.objects.filter(kind=AccountEventKind.STAFF_GRANTED).exists()
