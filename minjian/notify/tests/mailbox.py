"""A real SMTP server (aiosmtpd) that the tests send mail to, and helpers to read it.

A pytest plugin of the root conftest.py: the `smtp` fixture serves every app's tests."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from minjian.cases import services as case_services
from minjian.cases.models import Case, CaseEvent
from minjian.orgs.models import Organisation


@dataclass
class Inbox:
    """Every message the SMTP server accepted, parsed, with its envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    # Set to make the server refuse mail, as a server that is down for a moment does.
    refusing: bool = False

    async def handle_DATA(  # noqa: N802  (the name aiosmtpd calls)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.refusing:
            return "451 Try again later"
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.messages if address in recipients]

    def clear(self) -> None:
        self.messages.clear()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """Mail goes through Django's SMTP backend to a server on 127.0.0.1."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.MINJIAN_SITE_URL = "https://minjian.example.org"
    try:
        yield inbox
    finally:
        controller.stop()


Committing = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Committing) -> Callable[[], Any]:
    """`with committed():` runs the jobs deferred inside, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def route(case: Case, organisation: Organisation) -> CaseEvent:
    """What routing writes on the timeline when a case lands in an organisation's inbox."""
    (event,) = case_services.case_route_to_organisations(
        case_id=case.pk, organisation_ids=[organisation.pk]
    )
    return event


def subject(message: EmailMessage) -> str:
    """The decoded subject. Django folds a long encoded subject onto the next line, which
    the parser reads back with a leading space; mail clients drop it too."""
    return str(message["Subject"]).strip()


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def readable(message: EmailMessage) -> str:
    """Everything a reader sees: subject, text and HTML, decoded."""
    return "\n".join((subject(message), text_body(message), html_body(message)))


def unsubscribe_path(message: EmailMessage) -> str:
    """The path of the List-Unsubscribe URL, after checking both RFC 8058 headers."""
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(message["List-Unsubscribe"]).strip()
    found = re.fullmatch(r"<https://minjian\.example\.org(/notify/unsubscribe/[^>]+/)>", header)
    assert found, header
    return found.group(1)


def link(message: EmailMessage, pattern: str) -> str:
    """The path of the first link in the text body matching `pattern` (a path regex)."""
    found = re.search(r"https://minjian\.example\.org(" + pattern + ")", text_body(message))
    assert found, text_body(message)
    return found.group(1)
