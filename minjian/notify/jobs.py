"""Mail sent in the background: each job takes ids and calls its service in
`services_mail.py`, which makes it safe to run twice."""

from __future__ import annotations

from datetime import date

from minjian.jobs import job
from minjian.notify import services_mail


@job
def mail_routed_case_to_members(event_id: int) -> None:
    services_mail.members_mail_routed_case(event_id=event_id)


@job
def send_daily_digests(day: str) -> None:
    """`day` is an ISO date."""
    services_mail.members_mail_daily_digests(day=date.fromisoformat(day))


@job
def mail_update_to_followers(event_id: int) -> None:
    services_mail.followers_mail_update(event_id=event_id)


@job
def send_follow_confirmation(follower_id: int, nonce: str) -> None:
    services_mail.follower_mail_confirmation(follower_id=follower_id, nonce=nonce)
