"""Account work done in the background."""

from __future__ import annotations

from minjian.accounts import mail, selectors
from minjian.jobs import job


@job
def mail_password_reset(user_ids: list[int], language: str) -> None:
    """The reset mail, to each account of `user_ids` that can still be reset.

    The request defers this job whether or not the address it was given has an account
    (then with no ids), so that the request does the same work either way. Run twice, it
    sends a second link; both work, which is harmless.
    """
    for user in selectors.accounts_to_reset(user_ids):
        mail.send_password_reset(user, language=language)
