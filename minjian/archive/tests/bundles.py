"""What the bundle tests share: an instance to export, emptying it, comparing two bags."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import Q
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone

from minjian.abuse.models import Counter, UsedProof
from minjian.accounts.models import ApiToken, User
from minjian.accounts.services import api_token_issue
from minjian.accounts.tests.factories import make_user
from minjian.aid.models import Pledge
from minjian.archive.bundle_tables import exported_models, table_name
from minjian.cases import services as case_services
from minjian.cases.jobs import delete_stale_photo_drafts
from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.photos import PhotoUpload
from minjian.cases.services_drafts import photo_draft_keep
from minjian.cases.tests.images import jpeg_upload
from minjian.claims.models import Flag
from minjian.claims.selectors_flags import flag_target
from minjian.claims.services_flags import check_flag, flag_key, flag_raise
from minjian.coalitions.models import Proposal
from minjian.coalitions.services import agreeing_organisations, statement_publish
from minjian.core import signing
from minjian.core.models import PublicChange
from minjian.jobs.models import JobDone
from minjian.jobs.pending import add_pending_job
from minjian.mirrors.models import MirroredCase, MirroredEntry, MirroredPhoto, Source
from minjian.notify.models import MailDelivery, MemberPreference
from minjian.notify.services import follow_request, preference_set
from minjian.open311.models import Open311Key
from minjian.open311.services import open311_key_issue, open311_request_post
from minjian.orgs.models import Membership
from minjian.petitions.models import Signature
from minjian.places.cnmaps import china_boundaries
from minjian.places.services import boundaries_load
from minjian.record.canonical import GENESIS_HASH, digest
from minjian.record.documents import entry_document
from minjian.record.models import Entry
from minjian.record.selectors import latest_checkpoint, sealed_entries
from minjian.record.services import seal_record
from minjian.record.verify import verify_entries
from minjian.search.indexing import index_rebuild
from minjian.topics.tests.factories import ensure_default_topics

PASSPHRASE = "correct horse battery staple 民间"
# The mirror `fill_what_the_demo_lacks` makes, of this instance's own record.
MIRROR_NAME = "this-instance"


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
    """Rows of every table the demo leaves empty, so that a round trip proves them all,
    made through the apps' services where there is one: the instance's own bookkeeping
    (an API token, an Open311 key, rate limits, a job queued, a job done, mail sent), a
    report that came through Open311, a reporter's photo kept in a draft, a reader's flag,
    the coalition's joint statement with its signers, a member's mail preference, a
    follower, the boundaries of the first case's regions, the search index, the sealed
    record and its checkpoint, and a mirror of this instance's own record (written as a
    pull writes it: the mirror's services read another instance over HTTP, and a test
    has no other instance)."""
    case = Case.objects.filter(state__in=Case.PUBLIC_STATES).order_by("id").first()
    assert case is not None
    user = make_user("token-holder", email="holder@example.org")
    api_token_issue(actor=user, user=user, name="bundle test")
    open311_key, _raw_key = open311_key_issue(name="bundle test")
    # The boundaries first: the Open311 report is located by them, as any report with a point.
    _load_boundaries_of(case)
    _post_open311_request(open311_key, case)
    _keep_a_draft_photo()
    _flag(case)
    _publish_the_joint_statement()
    _choose_a_mail_preference()
    follow_request(case=case, email="follower@example.org", language="zh-hans")
    index_rebuild()
    seal_record()
    _mirror_this_instance()
    # The test settings run jobs inline, which queue nothing: a job as the in-process and
    # Redis backends queue one.
    add_pending_job(delete_stale_photo_drafts.name, [], {})
    Counter.objects.create(key="report:203.0.113.9", count=3, expires_at=2_000_000_000)
    UsedProof.objects.create(signature="f" * 64, expires_at=2_000_000_000)
    JobDone.objects.create(key="bundle-test")
    MailDelivery.objects.create(dedupe_key="bundle-test", recipient_digest="e" * 64)


def _load_boundaries_of(case: Case) -> None:
    """The boundaries of the case's county and the regions above it, from the package
    `load_boundaries` reads, by the service it calls: three regions in a tenth of a
    second, where the command, which loads all of China's, takes forty. A province and a
    prefecture hold the county, so only the county is marked deepest."""
    codes = [code for code in case.region.path.split("/") if code]
    china = china_boundaries(codes)
    assert china.codes == codes, china.missing
    boundaries_load(shapes=china.shapes(), source=china.source)


def _post_open311_request(key: Open311Key, case: Case) -> None:
    """A service request at the case's point, as an application posts one: anonymous,
    filed in the region whose boundary holds the point."""
    assert case.latitude is not None and case.longitude is not None and case.topic is not None
    posted = open311_request_post(
        key=key,
        service_code=case.topic.slug,
        description="堤坝下游的排污口今晚又在冒黑水，水面上全是泡沫。",
        region_code=None,
        latitude=str(case.latitude),
        longitude=str(case.longitude),
        location_precision=None,
    )
    assert posted.request.case.region_id == case.region_id


def _keep_a_draft_photo() -> None:
    """A reporter's photo kept for a form she has not sent yet: a draft and its file."""
    photo = jpeg_upload("堤坝夜拍.jpg")
    kept = photo_draft_keep(key="", uploads=[PhotoUpload.from_upload(photo)])
    assert kept.key and kept.photos and not kept.refused, kept.refused


def _flag(case: Case) -> None:
    """A reader flags the case's report as a rumour to check."""
    target = flag_target(case_id=case.pk)
    kind = Flag.Kind.RUMOUR
    flag_raise(
        target=target,
        flag=check_flag(kind, "照片里看不出是哪家厂的排污口。"),
        key=flag_key("address:203.0.113.9", target, kind),
    )


def _publish_the_joint_statement() -> None:
    """The demo's coalition agreed its joint proposal but published no statement: an admin
    of an organisation that agreed publishes it, signed by every one that did."""
    proposal = Proposal.objects.get(agreed=True)
    admin = (
        Membership.objects.filter(
            role=Membership.Role.ADMIN, organisation__in=agreeing_organisations(proposal)
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    assert admin is not None
    statement = statement_publish(
        actor=admin.user,
        proposal=proposal,
        text="我们三家机构联名请蚌埠市生态环境局夜间检查淮河沿岸的排污口，并每月公开监测数据。",
    )
    assert statement.signers.count() > 1


def _choose_a_mail_preference() -> None:
    """A member asks to hear of her organisation's new cases once a day."""
    member = Membership.objects.filter(role=Membership.Role.MEMBER).order_by("id").first()
    assert member is not None
    preference_set(
        actor=member.user,
        organisation_id=member.organisation_id,
        frequency=MemberPreference.Frequency.DAILY,
        language="zh-hans",
    )


def _mirror_this_instance() -> None:
    """A mirror as `mirrors.services.pull` leaves one after its first page of another
    instance's record, stopped there (`max_pages`), before its checkpoint: the entries up
    to the first published case, verified as a pull verifies them, that case, and its
    photos, the first fetched (its file stored where a pull stores it), the others still
    to fetch. The other instance is this one: its sealed record, key and photos."""
    first_case = Entry.objects.filter(kind="case.published").order_by("position").first()
    checkpoint = latest_checkpoint()
    assert first_case is not None and first_case.position and checkpoint is not None
    page = [entry_document(entry) for entry in sealed_entries(after=0, limit=first_case.position)]
    head_hash = verify_entries(page, GENESIS_HASH, 1)
    now = timezone.now()
    source = Source.objects.create(
        name=MIRROR_NAME,
        url=checkpoint.instance.rstrip("/") + "/",
        instance=checkpoint.instance,
        public_key=signing.public_key_base64url(),
        key_id=signing.key_id(),
        head_position=first_case.position,
        head_hash=head_hash,
        last_synced_at=now,
        last_attempt_at=now,
    )
    MirroredEntry.objects.bulk_create(
        MirroredEntry(
            source=source,
            position=entry["position"],
            subject=entry["subject"],
            kind=entry["kind"],
            at=datetime.fromisoformat(entry["at"]),
            body=entry["body"],
            withdrawn=entry["body"] is None,
            content_hash=entry["content_hash"],
            previous_hash=entry["previous_hash"],
            entry_hash=entry["entry_hash"],
        )
        for entry in page
    )
    snapshot: dict[str, Any] = first_case.body or {}
    mirrored = MirroredCase.objects.create(
        source=source,
        case_id=int(first_case.subject.removeprefix("case:")),
        title=snapshot["title"],
        description=snapshot["description"],
        state=snapshot["state"],
        published_at=datetime.fromisoformat(snapshot["published_at"]),
        snapshot=snapshot,
        content_hash=first_case.content_hash,
        checked_at=now,
    )
    fetched = snapshot["photos"][0]
    stored_name = _store_as_a_pull_does(fetched)
    MirroredPhoto.objects.bulk_create(
        MirroredPhoto(
            case=mirrored,
            sha256=listed["sha256"],
            width=listed["width"],
            height=listed["height"],
            position=listed["position"],
            url=listed["url"],
            stored_name=stored_name if listed is fetched else "",
        )
        for listed in snapshot["photos"]
    )


def _store_as_a_pull_does(photo: dict[str, Any]) -> str:
    """The file of a photo a record lists, read from this instance (the source), checked
    against the SHA-256 the record gives and stored under the name a pull gives it."""
    sha256 = photo["sha256"]
    served = CasePhoto.objects.get(key=resolve(photo["url"]).kwargs["key"])
    with served.image.open("rb") as image:
        data = image.read()
    assert digest(data) == sha256
    return default_storage.save(
        f"mirrors/{MIRROR_NAME}/{sha256[:2]}/{sha256}.jpg", ContentFile(data)
    )
