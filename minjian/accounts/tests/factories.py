from __future__ import annotations

from minjian.accounts.models import User

PASSWORD = "correct horse battery staple"


def make_user(username: str, *, email: str = "", is_staff: bool = False) -> User:
    return User.objects.create_user(
        username=username, email=email, password=PASSWORD, is_staff=is_staff
    )
