"""Petitions' background work: each job takes ids and calls a service safe to run twice."""

from __future__ import annotations

from minjian.jobs import job
from minjian.petitions import services, services_mail


@job
def send_signature_confirmation(signature_id: int, nonce: str) -> None:
    services_mail.signer_mail_confirmation(signature_id=signature_id, nonce=nonce)


@job
def deliver_petition(petition_id: int) -> None:
    services.petition_deliver_when_due(petition_id=petition_id)


@job
def send_delivery(petition_id: int) -> None:
    services_mail.body_mail_delivery(petition_id=petition_id)
