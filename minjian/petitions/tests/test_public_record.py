"""Petitions in the public record (`minjian.record`): a petition enters it when a moderator
opens it, its later events follow it, and a rejection is a tombstone with its public reason;
nothing of a draft, no signer, no contact address."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.orgs.models import Organisation
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.tests.factories import NAMED_BODY, make_petition
from minjian.record.models import Checkpoint, Entry, Head
from minjian.record.tests.factories import sealed_record


def test_a_petition_enters_the_record_when_it_opens_and_its_events_follow(
    author: User, agency: Organisation, agency_member: User
) -> None:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=6)
    services.petition_sign(actor=make_user("late-signer"), petition=petition)
    services.petition_deliver(actor=None, petition=petition)
    services.petition_answer(actor=agency_member, petition=petition, text="我局将按月公开数据。")

    entries = sealed_record("petition")

    assert [entry["kind"] for entry in entries] == ["petition.published", *["petition.event"] * 4]
    opened = entries[0]["body"]
    assert opened["title"] == "请公开淮河排污口监测数据"
    assert opened["request"] == "按月公开淮河蚌埠段各排污口的水质监测数据。"
    assert opened["addressed_organisation"]["slug"] == agency.slug
    assert opened["signature_goal"] == 6
    assert [entry["body"]["kind"] for entry in entries[1:]] == [
        "goal_reached",
        "closed",
        "delivered",
        "answered",
    ]
    assert entries[-1]["body"]["note"] == "我局将按月公开数据。"
    assert entries[-1]["body"]["organisation"]["slug"] == agency.slug
    text = str(entries)
    assert "late-signer" not in text
    assert "sponsor-" not in text
    assert agency.contact_email not in text


def test_a_rejected_petition_leaves_a_tombstone_with_its_public_reason(
    author: User, staff: User
) -> None:
    petition = make_petition(author, state=Petition.State.AWAITING_MODERATION)

    services.petition_reject(actor=staff, petition=petition, reason="与本站规则不符。")

    (removed,) = sealed_record("petition")
    assert removed["kind"] == "petition.removed"
    assert removed["body"]["reason"] == "rejected"
    assert removed["body"]["explanation"] == "与本站规则不符。"
    assert removed["body"]["protects_person"] is False
    assert removed["body"]["content_hash"] is None  # it was never public


def test_a_petition_to_a_named_body_keeps_its_contact_address_out(author: User) -> None:
    make_petition(author)

    (opened,) = sealed_record("petition")

    assert opened["body"]["addressed_name"] == NAMED_BODY["addressed_name"]
    assert NAMED_BODY["addressed_contact"] not in str(opened)


def test_the_backfill_writes_opened_and_rejected_petitions_as_they_happened(
    author: User, agency: Organisation, agency_member: User, staff: User
) -> None:
    petition = make_petition(author, addressed_organisation=agency, signature_goal=6)
    services.petition_sign(actor=make_user("late-signer"), petition=petition)
    services.petition_deliver(actor=None, petition=petition)
    services.petition_answer(actor=agency_member, petition=petition, text="我局将按月公开数据。")
    rejected = make_petition(author, state=Petition.State.AWAITING_MODERATION, title="另一份请愿")
    services.petition_reject(actor=staff, petition=rejected, reason="与已有请愿重复。")
    make_petition(author, state=Petition.State.DRAFT, title="草稿")
    live = [(e["subject"], e["kind"], e["at"], e["body"]) for e in sealed_record("petition")]
    for table in (Entry, Checkpoint, Head):  # an instance from before the record
        table.objects.all().delete()

    call_command("record_backfill", stdout=StringIO())

    again = [(e["subject"], e["kind"], e["at"], e["body"]) for e in sealed_record("petition")]
    # The opening's snapshot is the petition as it is now (its state has moved on since).
    assert again[0][:3] == live[0][:3]
    assert again[0][3] == live[0][3] | {"state": "answered"}
    assert again[1:] == live[1:]
    assert {subject for subject, *_ in again} == {
        f"petition:{petition.pk}",
        f"petition:{rejected.pk}",
    }
