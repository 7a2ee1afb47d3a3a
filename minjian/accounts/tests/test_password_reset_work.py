"""A reset request does the same work whether or not the address has an account: the same
queries, one deferred job that takes ids, and no mail while the request is answered. The
mail is composed and sent by the job. Proved by what the request does, not by timing it."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minjian.abuse import counters
from minjian.abuse.tests.proof import solved_payload
from minjian.accounts.tests.factories import make_user
from minjian.jobs import pending
from minjian.jobs.models import PendingJob
from minjian.jobs.pending import run_due_jobs
from minjian.notify.tests.mailbox import Inbox

pytestmark = pytest.mark.django_db

# Quoted values, numbers, and the names Django gives savepoints (s<thread>_x<n>).
LITERAL = re.compile(r"'(?:[^']|'')*'|\bs\d+_x\d+\b|\b\d+(?:\.\d+)?\b")


def shape(sql: str) -> str:
    """A query with its values blanked: what it does, not what it is about."""
    return LITERAL.sub("?", sql)


def ask_for_a_reset(address: str, email: str, monkeypatch: Any) -> tuple[Any, list[str]]:
    client = Client(REMOTE_ADDR=address)
    payload = solved_payload(client)
    # Expired counters are swept at most once a minute, by whichever request comes:
    # not during these two, so that only the address makes a difference.
    monkeypatch.setattr(counters, "_last_sweep", time.monotonic())
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": email, "altcha": payload},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    return response, [shape(query["sql"]) for query in queries.captured_queries]


def test_a_reset_request_does_the_same_work_for_a_known_and_an_unknown_address(
    settings: Any, smtp: Inbox, monkeypatch: Any
) -> None:
    settings.MINJIAN_JOBS_BACKEND = "in-process"  # the embedded default: jobs in the outbox
    # Its thread, started by a request, is not: this test's transaction never commits,
    # and the test runs the outbox itself below.
    monkeypatch.setattr(pending.runner, "ensure_started", lambda: None)
    user = make_user("has-mail", email="me@example.org")

    known, known_queries = ask_for_a_reset("203.0.113.7", "ME@example.org", monkeypatch)
    unknown, unknown_queries = ask_for_a_reset("198.51.100.66", "nobody@example.org", monkeypatch)

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known_queries == unknown_queries
    assert smtp.messages == []
    # One job each, with ids only: no address is written anywhere.
    jobs = list(PendingJob.objects.order_by("pk").values_list("name", "args"))
    assert jobs == [
        ("minjian.accounts.jobs.mail_password_reset", [[user.pk], "en"]),
        ("minjian.accounts.jobs.mail_password_reset", [[], "en"]),
    ]

    while run_due_jobs():
        pass

    [message] = smtp.to("me@example.org")
    assert len(smtp.messages) == 1
    assert "Choose a new password" in message["Subject"]
    assert "https://minjian.example.org/accounts/password-reset/" in message.get_content()
