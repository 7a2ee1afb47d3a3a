"""Claims in the public record (`minjian.record`): a verdict enters it when it is published,
with the claim as the public reads it; a proposal waiting for other verifiers does not."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.claims import services
from minjian.claims.models import Claim
from minjian.record.models import Checkpoint, Entry, Head
from minjian.record.tests.factories import sealed_record

pytestmark = pytest.mark.django_db
Verdict = Case.Verdict


def _written(verifier: User) -> Claim:
    return services.claim_write(
        actor=verifier,
        statement="网传淮河里发现大量死鱼，是因为上游化工厂爆炸。",
        appearances=[{"url": "https://weibo.example/post/1", "platform": "微博"}],
    )


def test_a_published_verdict_enters_the_record_with_its_claim(verifier: User) -> None:
    claim = _written(verifier)
    services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.NOT_A_CLAIM,
        rationale="无从核实的说法。",
        evidence=[{"kind": "link", "url": "https://example.org/x"}],
    )

    (entry,) = sealed_record("claim")

    assert entry["subject"] == f"claim:{claim.pk}"
    assert entry["kind"] == "claim.verdict"
    body = entry["body"]
    assert body["statement"] == "网传淮河里发现大量死鱼，是因为上游化工厂爆炸。"
    assert body["appearances"] == [
        {"url": "https://weibo.example/post/1", "platform": "微博", "seen_on": None}
    ]
    assert body["verdict"] == Verdict.NOT_A_CLAIM
    assert body["rationale"] == "无从核实的说法。"
    assert body["evidence"] == [{"kind": "link", "url": "https://example.org/x"}]


def test_a_proposal_waiting_for_other_verifiers_is_not_in_the_record(
    verifier: User, settings: Any
) -> None:
    settings.MINJIAN_VERDICT_CONFIRMATIONS = 2
    claim = _written(verifier)

    services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.FALSE,
        rationale="上游没有化工厂。",
        evidence=[{"kind": "document", "path": "/docs/water.pdf"}],
    )

    assert sealed_record("claim") == []


def test_the_backfill_writes_the_verdicts_as_they_were_published(verifier: User) -> None:
    claim = _written(verifier)
    services.claim_verdict_give(
        actor=verifier,
        claim_id=claim.pk,
        verdict=Verdict.NOT_A_CLAIM,
        rationale="无从核实的说法。",
        evidence=[{"kind": "link", "url": "https://example.org/x"}],
    )
    live = [(e["subject"], e["kind"], e["at"], e["body"]) for e in sealed_record("claim")]
    for table in (Entry, Checkpoint, Head):  # an instance from before the record
        table.objects.all().delete()

    call_command("record_backfill", stdout=StringIO())

    assert [(e["subject"], e["kind"], e["at"], e["body"]) for e in sealed_record("claim")] == live
