"""Coalitions in the public record (`minjian.record`): the coalition when it is founded and
its public timeline after, membership only when the member list is public; never votes or
the people who act for the organisations."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minjian.coalitions.models import Option
from minjian.coalitions.tests.factories import close_now, make_coalition, open_proposal, vote
from minjian.record.models import Checkpoint, Entry, Head
from minjian.record.tests.factories import sealed_record

pytestmark = pytest.mark.django_db


def test_a_coalition_and_its_public_timeline_enter_the_record() -> None:
    made = make_coalition(members=2)
    proposal = open_proposal(made)
    for member in made.members:
        vote(member, proposal, Option.AGREE, reason="secretreason")
    close_now(proposal)

    entries = sealed_record("coalition")

    assert entries[0]["kind"] == "coalition.published"
    assert entries[0]["body"]["purpose"] == "一起守护淮河，向环保部门提出联合建议。"
    assert entries[0]["body"]["founded_by"]["slug"] == "green-huai-river"
    assert [entry["body"]["kind"] for entry in entries[1:]] == [
        "invited",
        "joined",
        "delegate_named",
        "delegate_named",
        "proposal_opened",
        "proposal_closed",
    ]
    assert entries[-1]["body"]["agreed"] is True
    text = str(entries)
    assert "secretreason" not in text
    assert "-delegate" not in text
    assert "-admin" not in text


def test_a_coalition_with_a_hidden_member_list_enters_without_its_members() -> None:
    make_coalition(members=3, members_hidden=True)

    (founded,) = sealed_record("coalition")

    assert founded["body"]["members_hidden"] is True
    assert founded["body"]["founded_by"] is None
    assert "green-huai-river" not in str(founded)


def test_the_backfill_writes_what_the_events_wrote_when_they_happened() -> None:
    made = make_coalition(members=2)
    open_proposal(made)
    live = [_written(entry) for entry in sealed_record("coalition")]
    for table in (Entry, Checkpoint, Head):  # an instance from before the record
        table.objects.all().delete()

    call_command("record_backfill", stdout=StringIO())

    assert [_written(entry) for entry in sealed_record("coalition")] == live


def _written(entry: dict[str, Any]) -> tuple[Any, ...]:
    return entry["subject"], entry["kind"], entry["at"], entry["body"]
