"""Following an instance: its key pinned, a wrong one refused, bad input changing nothing;
the commands an operator runs."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from minjian.abuse.tests.processes import free_port
from minjian.core.errors import DomainError
from minjian.core.tests.openapi import OpenAPICheckingClient
from minjian.mirrors import services
from minjian.mirrors.errors import SourceUnreachable
from minjian.mirrors.models import Source
from minjian.mirrors.tests.instances import SourceInstance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The commands speak the site's language (Chinese by default); these read English."""
    with translation.override("en"):
        yield


OTHER_KEY = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"


def test_following_pins_the_published_key_and_refuses_another(source: SourceInstance) -> None:
    with pytest.raises(DomainError) as mismatch:
        services.follow("a", source.url, public_key=OTHER_KEY)
    assert mismatch.value.code == "key_mismatch"
    assert not Source.objects.exists()

    output = StringIO()
    call_command("follow_instance", "a", source.url, stdout=output)
    followed = Source.objects.get(name="a")
    assert followed.instance == source.url and len(followed.key_id) == 16
    assert f"Following {source.url} as a, key {followed.key_id}." in output.getvalue()
    # The same key given: followed again, nothing changes but the state.
    again = services.follow("a", source.url, public_key=followed.public_key)
    assert again.pk == followed.pk and again.key_id == followed.key_id


def test_a_bad_name_or_an_address_that_answers_nothing_changes_nothing() -> None:
    with pytest.raises(CommandError, match="lowercase letters"):
        call_command("follow_instance", "Not A Slug", "http://127.0.0.1:1/")
    with pytest.raises(SourceUnreachable):
        services.follow("a", f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(CommandError, match="not an http or https address"):
        call_command("follow_instance", "a", "file:///etc/passwd")
    assert not Source.objects.exists()


def test_pull_mirrors_pulls_each_source_and_says_which_failed(source: SourceInstance) -> None:
    source.run('publish(["淮河排污"])')
    services.follow("a", source.url)
    Source.objects.create(
        name="gone",
        url=f"http://127.0.0.1:{free_port()}/",
        instance="http://gone.example/",
        public_key=OTHER_KEY,
        key_id="0" * 16,
    )
    output, errors = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"Not pulled: gone\."):
        call_command("pull_mirrors", stdout=output, stderr=errors)
    assert "a: " in output.getvalue() and "head at" in output.getvalue()
    assert "gone: source_unreachable" in errors.getvalue()
    assert Source.objects.get(name="a").state == Source.State.FOLLOWING
    assert Source.objects.get(name="gone").state == Source.State.UNREACHABLE


def test_the_pages_of_an_unknown_mirror_are_not_found(
    client: OpenAPICheckingClient, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        answer = client.get("/mirrors/", HTTP_ACCEPT_LANGUAGE="en")
    assert "This instance follows no other instance yet." in answer.content.decode()
    assert client.get("/mirrors/nowhere/").status_code == 404
    assert client.get("/mirrors/nowhere/removed/").status_code == 404
    assert client.get("/mirrors/nowhere/record/").status_code == 404
    assert client.get("/mirrors/nowhere/cases/1/").status_code == 404
    assert client.get("/mirrors/nowhere/photos/abc.jpg").status_code == 404
