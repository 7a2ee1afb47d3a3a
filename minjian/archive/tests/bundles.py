"""What the bundle tests share: an instance to export, emptying it, comparing two bags."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import Q
from django.test import override_settings

from minjian.abuse.models import Counter, UsedProof
from minjian.accounts.models import ApiToken, User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.aid.models import Pledge
from minjian.archive.bundle_tables import exported_models, table_name
from minjian.cases import services as case_services
from minjian.cases.models import Case, CaseEvent
from minjian.core.models import PublicChange
from minjian.jobs.models import JobDone
from minjian.notify.models import MailDelivery
from minjian.notify.services import follow_request
from minjian.open311.services import open311_key_issue
from minjian.orgs.models import Membership
from minjian.petitions.models import Signature
from minjian.record.services import seal_record
from minjian.search.indexing import index_rebuild
from minjian.topics.tests.factories import ensure_default_topics

PASSPHRASE = "correct horse battery staple 民间"


def load_demo_instance() -> None:
    ensure_default_topics()
    call_command("load_regions", stdout=StringIO())
    with override_settings(MINJIAN_DEMO_PASSWORD=""):
        call_command("load_demo", stdout=StringIO())


def row_counts() -> dict[str, int]:
    return {table_name(model): model._base_manager.count() for model in exported_models()}


def empty_the_instance(settings: Any, media_root: Path) -> None:
    """Every exported table emptied, regions and topics too, and a new media folder: as a
    new instance would be after its setup (the import replaces the regions and topics)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
        for model in reversed(exported_models()):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # a table name of the code's
        PublicChange.objects.all().delete()
    settings.MEDIA_ROOT = media_root
    ensure_default_topics()


def bag_payload(bag: Path) -> dict[str, bytes]:
    """Every table file and media file of a bag, by its path."""
    data = bag / "data"
    return {
        path.relative_to(data).as_posix(): path.read_bytes()
        for folder in ("tables", "media")
        for path in sorted((data / folder).rglob("*"))
        if path.is_file()
    }


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def named_media(root: Path) -> dict[str, bytes]:
    """The media files some row names (an upload already prepared is left in storage,
    named by no row, and is in no bundle)."""
    names = {
        name
        for model in exported_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        for name in model._base_manager.values_list(field.attname, flat=True)
        if name
    }
    return {name: content for name, content in media_files(root).items() if name in names}


def plant_secrets(settings: Any) -> list[str]:
    """Secrets a public bundle must not hold, planted in the instance (an internal note, a
    held text, a follower's address) and gathered from it (every account's address and
    password hash, every receipt's and token's digest, every held or internal text)."""
    case = Case.objects.filter(state__in=Case.PUBLIC_STATES).order_by("id").first()
    membership = Membership.objects.select_related("user", "organisation").first()
    assert case is not None and membership is not None
    case_services.case_add_internal_note(
        actor=membership.user,
        organisation=membership.organisation,
        case_id=case.pk,
        note="内部备注只给成员看 internal-note-planted",
    )
    # Where untrusted additions wait for a moderator, an anonymous witness's text is held.
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    held = case_services.case_add_by_witness(
        case=case, actor=None, text="等待审核的目击文字 held-text-planted"
    )
    assert held.payload.get("held")
    follow_request(case=case, email="follower-planted@example.org", language="en")
    make_user("secret-keeper", email="account-planted@example.org")
    secrets = [
        "internal-note-planted",
        "held-text-planted",
        "follower-planted@example.org",
        "account-planted@example.org",
    ]
    secrets += [email for email in User.objects.values_list("email", flat=True) if email]
    secrets += [
        hash_ for hash_ in User.objects.values_list("password", flat=True) if len(hash_) > 20
    ]
    secrets += [
        digest for digest in Case.objects.values_list("receipt_digest", flat=True) if digest
    ]
    secrets += [digest for digest in ApiToken.objects.values_list("digest", flat=True) if digest]
    secrets += [
        digest for digest in Pledge.objects.values_list("receipt_digest", flat=True) if digest
    ]
    secrets += [
        address
        for address in Signature.objects.values_list("pending_address", flat=True)
        if address
    ]
    secrets += [
        str(event.payload["note"])
        for event in CaseEvent.objects.filter(Q(internal=True) | Q(payload__held=True))
        if event.payload.get("note")
        and not CaseEvent.objects.filter(
            kind=CaseEvent.Kind.NOTE_RELEASED, payload__event=event.pk
        ).exists()
    ]
    assert Case.objects.exclude(receipt_digest="").exists()
    assert CaseEvent.objects.filter(internal=True).exists()
    return sorted(set(secrets))


def fill_what_the_demo_lacks() -> None:
    """Rows of the tables the demo leaves empty, through their services where there is one:
    the search index, the sealed record and its checkpoint, an API token, an Open311 key, a
    follower, and the instance's own bookkeeping (rate limits, jobs, mail sent)."""
    case = Case.objects.filter(state__in=Case.PUBLIC_STATES).order_by("id").first()
    assert case is not None
    user = make_user("token-holder", email="holder@example.org")
    api_token_issue(actor=user, user=user, name="bundle test")
    open311_key_issue(name="bundle test")
    follow_request(case=case, email="follower@example.org", language="zh-hans")
    index_rebuild()
    seal_record()
    Counter.objects.create(key="report:203.0.113.9", count=3, expires_at=2_000_000_000)
    UsedProof.objects.create(signature="f" * 64, expires_at=2_000_000_000)
    JobDone.objects.create(key="bundle-test")
    MailDelivery.objects.create(dedupe_key="bundle-test", recipient_digest="e" * 64)
