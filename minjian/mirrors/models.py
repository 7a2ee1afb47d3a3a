"""What this instance keeps of another instance it follows: the source itself (where it
is, the key pinned when it was followed, the head of its chain verified so far), the
entries of its public record, and the cases served from them.

Nothing here is written by a person: `mirrors.services.pull` writes it from what the
source published, after checking that it chains onto what was kept and that the source's
signed checkpoint agrees. The one change to what was kept is the source's own removal
of a case to protect a person: its content goes here too, the tombstone stays."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minjian.cases.models import Case
from minjian.record.canonical import GENESIS_HASH


class Source(models.Model):
    """An instance this one follows, by the name it is served under (`/mirrors/<name>/`)."""

    class State(models.TextChoices):
        FOLLOWING = "following", _("following")
        # Out of reach at the last attempt: what was kept is served, the next pull tries again.
        UNREACHABLE = "unreachable", _("unreachable")
        # It lied (a chain that does not hold, a changed checkpoint, another key): no
        # more pulls; what was verified before is kept and served.
        REFUSED = "refused", _("refused")

    name = models.SlugField(max_length=50, unique=True)
    # Where its pages and API are read.
    url = models.URLField(max_length=500)
    # The address the source names itself by in its signed checkpoints.
    instance = models.URLField(max_length=500)
    # Its Ed25519 public key (unpadded base64url of the 32 raw bytes), pinned at follow time.
    public_key = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    followed_at = models.DateTimeField(default=timezone.now)
    # The verified head: the last entry kept and its hash.
    head_position = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The last signed checkpoint that matched the chain kept here, as the source sent it.
    checkpoint = models.JSONField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.FOLLOWING)
    unreachable_since = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["following", "unreachable", "refused"]),
                name="mirror_source_state_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MirroredEntry(models.Model):
    """One entry of the source's record, as it verified. Append-only, except that the
    body of a case the source removed to protect a person is emptied (`withdrawn`): its
    hashes stay, so the chain kept here can still be checked entry by entry."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entries")
    position = models.BigIntegerField()
    subject = models.CharField(max_length=60)
    kind = models.CharField(max_length=60)
    at = models.DateTimeField()
    body = models.JSONField(null=True)
    withdrawn = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("source", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "position"], name="mirrored_entry_once_per_position"
            ),
        ]
        indexes = [
            # A case's timeline.
            models.Index(fields=["source", "subject", "position"], name="mirror_entry_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}#{self.position} {self.kind}"

    @property
    def body_json(self) -> str:
        """The body as JSON a reader can follow: one key a line, sorted, Chinese as written."""
        return json.dumps(self.body, ensure_ascii=False, indent=1, sort_keys=True)


class MirroredCase(models.Model):
    """A case of the source as its record last described it, served at
    `/mirrors/<name>/cases/<case_id>/`."""

    class Removal(models.TextChoices):
        NONE = "", _("not removed")
        # The source removed it and said why (a "case.removed" entry).
        PUBLIC_REASON = "public_reason", _("removed at source with a public reason")
        # The source stopped serving it without any entry saying so.
        VANISHED = "vanished", _("vanished from the source without a public reason")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="cases")
    case_id = models.BigIntegerField()
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=40, blank=True)
    published_at = models.DateTimeField()
    # The last "case.published" or "case.edited" body, as the source sent it.
    snapshot = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    removal = models.CharField(max_length=20, choices=Removal.choices, default="", blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # The source's reason code ("personal_data", "spam", ...); empty when it gave none.
    removal_reason = models.CharField(max_length=40, blank=True)
    # Removed by the source to protect a person: nothing of it is kept but the tombstone.
    protects_person = models.BooleanField(default=False)
    # When the source's page of the case was last found answering.
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-published_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["source", "case_id"], name="mirrored_case_once"),
            models.CheckConstraint(
                condition=models.Q(removal__in=["", "public_reason", "vanished"]),
                name="mirrored_case_removal_is_known",
            ),
        ]
        indexes = [
            # A source's cases, newest first, by keyset.
            models.Index(fields=["source", "-published_at", "-id"], name="mirror_case_newest"),
            models.Index(fields=["source", "removed_at"], name="mirror_case_removed"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.case_id}"

    @property
    def subject(self) -> str:
        return f"case:{self.case_id}"

    @property
    def removal_label(self) -> str:
        return removal_label(self.removal, self.removal_reason)

    @property
    def state_label(self) -> str:
        """The state in this site's words, when it is one of a Minjian case's states."""
        if self.state in Case.State.values:
            return str(Case.State(self.state).label)
        return self.state

    @property
    def topic_name(self) -> str:
        return _snapshot_name(self.snapshot, "topic")

    @property
    def region_name(self) -> str:
        return _snapshot_name(self.snapshot, "region")


def _snapshot_name(snapshot: dict[str, Any], key: str) -> str:
    named = snapshot.get(key)
    return localised_name(named) if isinstance(named, dict) else ""


def localised_name(named: dict[str, Any]) -> str:
    """The name of a thing the source's record names in both languages (`name_zh`,
    `name_en`), in the reader's language, or the other when that one is empty."""
    names = [str(named.get("name_zh") or ""), str(named.get("name_en") or "")]
    if not (get_language() or "").startswith("zh"):
        names.reverse()
    return names[0] or names[1]


def removal_label(removal: str, reason: str) -> str:
    """A removal's reason as people read it: the source's reason code in this site's words
    (the reasons a Minjian moderator hides a case for), or vanished without one."""
    if removal == MirroredCase.Removal.VANISHED:
        return str(_("vanished without a public reason"))
    if reason in Case.HiddenReason.values:
        return str(Case.HiddenReason(reason).label)
    return reason or str(_("no reason given"))


class MirroredPhoto(models.Model):
    """A photo of a mirrored case, fetched from the source and checked against the
    SHA-256 its record gives; `stored_name` stays empty until it is. A file field (the
    services write its name), so that a bundle of the instance carries the file."""

    case = models.ForeignKey(MirroredCase, on_delete=models.CASCADE, related_name="photos")
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    url = models.CharField(max_length=500)
    stored_name = models.FileField(max_length=200, blank=True)

    class Meta:
        ordering = ("case", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="mirrored_photo_once"),
        ]

    def __str__(self) -> str:
        return self.sha256
