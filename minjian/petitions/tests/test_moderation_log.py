"""Moderators' actions on petitions are in the public moderation log: approvals,
rejections with their reason, and bulk invalidations with their count."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from minjian.accounts.models import User
from minjian.petitions import services
from minjian.petitions.models import Petition
from minjian.petitions.tests.factories import make_petition


def test_the_public_log_lists_petition_moderation_with_counts_and_reasons(
    client: Client, author: User, staff: User
) -> None:
    petition = make_petition(author)
    services.petition_sign_by_email(petition=petition, email="bot@spam.example")
    services.signatures_invalidate_bulk(
        actor=staff, petition=petition, email_domain="spam.example", reason="批量注册的地址"
    )
    rejected = make_petition(author, state=Petition.State.AWAITING_MODERATION, title="广告")
    services.petition_reject(actor=staff, petition=rejected, reason="这是广告")
    page = client.get(reverse("cases:moderation_log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Petition #{petition.pk}" in page
    assert "批量注册的地址" in page and "这是广告" in page
    assert "signatures invalidated" in page
