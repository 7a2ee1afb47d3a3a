"""Cases: a citizen's report, its photos and its append-only timeline."""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Cast, Round
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.cases.location import Precision
from minjian.cases.photos import SMALL_SIDE, THUMBNAIL_SIDE
from minjian.core.models import Event
from minjian.redaction import render_redactions

# Whole millionths of a degree per degree: the points' precision (6 decimal places).
MICRODEGREES = 1_000_000


class Case(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        PUBLISHED = "published", _("published")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")
        HIDDEN = "hidden", _("hidden")

    class Verdict(models.TextChoices):
        """What verifiers found the report to be (`minjian.claims`); public once confirmed."""

        UNVERIFIED = "unverified", _("unverified")
        CHECKING = "checking", _("being checked")
        CORROBORATED = "corroborated", _("corroborated")
        DISPUTED = "disputed", _("disputed")
        FALSE = "false", _("false")
        NOT_A_CLAIM = "not_a_claim", _("not a claim")

    class HiddenReason(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("exposes someone's personal data")
        HARASSMENT = "harassment", _("harassment or a call to hunt someone down")
        FALSE_CLAIM = "false_claim", _("shown to be false")
        SPAM = "spam", _("spam or advertising")
        DUPLICATE = "duplicate", _("duplicate of another case")
        UNLAWFUL = "unlawful", _("unlawful content")
        REPORTER_REQUEST = "reporter_request", _("at the reporter's request")
        OTHER = "other", _("other reason")

    # The states anyone may see; a submitted case is seen by its reporter and staff.
    PUBLIC_STATES = (
        State.PUBLISHED,
        State.ACKNOWLEDGED,
        State.IN_PROGRESS,
        State.RESOLVED,
        State.CLOSED,
    )
    # Public and still waiting for an answer or for the work to end; the rest of the
    # public states are done with (what Open311 calls "open" and "closed").
    OPEN_STATES = (State.PUBLISHED, State.ACKNOWLEDGED, State.IN_PROGRESS)
    DONE_STATES = (State.RESOLVED, State.CLOSED)

    # Stored text: personal data is replaced by tokens (minjian.redaction), which
    # can be longer than what they replace; the 200 characters a reporter may type
    # are checked before that.
    title = models.CharField(max_length=1000)
    description = models.TextField(max_length=20000)
    topic = models.ForeignKey("topics.Topic", on_delete=models.PROTECT, related_name="cases")
    region = models.ForeignKey("places.Region", on_delete=models.PROTECT, related_name="cases")
    # The point as published: already coarsened to the reporter's choice. A finer
    # point is never stored, so it cannot leak from the database either.
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_precision = models.CharField(
        max_length=12, choices=Precision.choices, default=Precision.APPROXIMATE
    )
    # The published point in whole millionths of a degree east of 180° W and north of
    # 90° S, kept by the database itself: the map's grid cell of a case at any zoom is
    # a right shift of these (minjian.search.clustering), so that its clusters are a GROUP BY
    # over integers of an index rather than arithmetic on every decimal point.
    grid_x = models.GeneratedField(
        expression=Cast(Round(F("longitude") * MICRODEGREES), models.IntegerField())
        + 180 * MICRODEGREES,
        output_field=models.IntegerField(null=True),
        db_persist=True,
    )
    grid_y = models.GeneratedField(
        expression=Cast(Round(F("latitude") * MICRODEGREES), models.IntegerField())
        + 90 * MICRODEGREES,
        output_field=models.IntegerField(null=True),
        db_persist=True,
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    # Kept in step with the timeline by the service that writes each event. Found by the
    # indexes that begin with it (Meta): every index is written by every report.
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    # SHA-256 of the receipt code an anonymous reporter follows her case with.
    receipt_digest = models.CharField(max_length=64, blank=True)
    # Kinds of personal data found in the text (removed, or kept by the reporter's
    # choice for phones, e-mail and plates); never the data itself.
    personal_data_found = models.JSONField(default=list, blank=True)
    hidden_reason = models.CharField(max_length=20, choices=HiddenReason.choices, blank=True)
    # The public verdict, kept in step with the case's `verdict` events by
    # `cases.services.case_record_verdict`; a verdict still waiting for a second
    # verifier is not here (`minjian.claims` keeps it).
    verdict = models.CharField(max_length=20, choices=Verdict.choices, default=Verdict.UNVERIFIED)
    # The public case a case hidden as a duplicate repeats: its tombstone links there.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="case_point_is_whole_and_in_range",
            )
        ]
        indexes = [
            # Plain indexes where `db_index` would add a second one for LIKE, which no
            # query makes of a digest or a verdict.
            models.Index(fields=("receipt_digest",), name="case_receipt_digest"),
            models.Index(fields=("verdict",), name="case_verdict"),
            models.Index(fields=("state", "-published_at"), name="case_state_published"),
            # The map's clusters and cases in a viewport: read from this index alone on
            # PostgreSQL (the filters' columns are in it), only the cases with a point.
            models.Index(
                fields=("grid_x", "grid_y"),
                include=("state", "topic", "region", "id"),
                condition=models.Q(grid_x__isnull=False),
                name="case_map_grid",
            ),
            # A search's map: its matches' ids probed for their cell and filters from
            # this index alone, not from the cases' rows (9,000 rows read: 250 ms).
            models.Index(
                fields=("id",),
                include=("grid_x", "grid_y", "state", "topic", "region"),
                condition=models.Q(grid_x__isnull=False),
                name="case_map_by_id",
            ),
            # A search of very common words in one state walks that state's cases from
            # the most recently reported (search.selectors._postgresql_newest).
            models.Index(fields=("state", "id"), name="case_state_by_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def readable_title(self) -> str:
        return render_redactions(self.title)

    @property
    def readable_description(self) -> str:
        return render_redactions(self.description)

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    @property
    def photos_being_prepared(self) -> bool:
        """Whether faces may still be on one of its photos: then it is not public yet."""
        return any(photo.status == CasePhoto.Status.PREPARING for photo in self.photos.all())

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def shown_photos(self) -> list[CasePhoto]:
        """Its photos but those held for a moderator (reads the prefetched photos)."""
        return [photo for photo in self.photos.all() if not photo.held]

    @property
    def first_ready_photo(self) -> CasePhoto | None:
        """The first photo that can be shown (reads the prefetched photos)."""
        return next((photo for photo in self.photos.all() if photo.is_ready), None)


def new_photo_key() -> str:
    """128 random bits, URL-safe: the part of a photo's addresses nobody can guess."""
    return secrets.token_urlsafe(16)


# Stands for "every topic" and "every region" in a CaseTally.
EVERY = 0


def locked_cases() -> models.QuerySet[Case]:
    """Cases, locked until the commit against any other change (FOR NO KEY UPDATE
    on PostgreSQL), but not against rows that refer to them: a case is never deleted
    nor given another id, and the check of a foreign key at the commit (Django's are
    deferred) takes a KEY SHARE lock, which FOR UPDATE blocks. Measured in a surge of
    reports: a job worker (at nice 19, starved of the CPU) holding a case FOR UPDATE
    made another worker's commit wait, which held the rows every report writes."""
    return Case.objects.select_for_update(no_key=True)


class CaseTally(models.Model):
    """How many cases are in a state, for a topic (or EVERY topic) and a region (or EVERY
    region; a region counts the cases of every region under it).

    Written by `minjian.cases.tallies` in the transaction that creates or moves a case,
    so that a page reads the counts it shows from a few rows instead of counting a
    million cases; `rebuild_tallies` makes them again from the cases. A scope is counted
    in up to `tallies.TALLY_SHARDS` rows (`shard`), which readers add up: every report
    raises the rows of every topic and every region, locked until its commit, and a
    surge of reports waited in line for them.
    """

    topic_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    state = models.CharField(max_length=20)
    shard = models.PositiveSmallIntegerField(default=0, db_default=0)
    number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic_id", "region_id", "state", "shard"],
                name="case_tally_one_row_per_scope_shard",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.state} (topic {self.topic_id}, region {self.region_id})"


# The map's cells counted by `CaseMapTally`: 2**21 millionths of a degree (2.1°) wide,
# the grid of zoom 6 (minjian.search.clustering). A coarser zoom's cell is a block of
# these (a right shift of their numbers), so one level of tallies serves zooms 0 to 6.
MAP_TALLY_SHIFT = 21


class CaseMapTally(models.Model):
    """How many cases with a point are in a state, for a topic (or EVERY topic), in one
    cell of the map's grid at MAP_TALLY_SHIFT, with the sums of their grid positions
    (a cluster's point is their mean).

    Written by `minjian.cases.tallies` in the transaction that creates or moves a case
    (a case's point is set when it is filed and never changes), so that the map of a
    country reads a few thousand rows instead of every case with a point. A cell is
    counted in up to `tallies.TALLY_SHARDS` rows (`shard`), which the map adds up: the
    reports of a flood all fall in one cell, and each would wait for the one before it
    to commit.
    """

    topic_id = models.BigIntegerField()
    state = models.CharField(max_length=20)
    cell_x = models.IntegerField()
    cell_y = models.IntegerField()
    shard = models.PositiveSmallIntegerField(default=0, db_default=0)
    number = models.BigIntegerField(default=0)
    x_sum = models.BigIntegerField(default=0)
    y_sum = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # In this order for the map's reads: one topic, a few states, a box of cells.
            models.UniqueConstraint(
                fields=["topic_id", "state", "cell_x", "cell_y", "shard"],
                name="case_map_tally_one_row_per_cell_shard",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.number} {self.state} (topic {self.topic_id}, cell {self.cell_x}, {self.cell_y})"
        )


class CasePhoto(models.Model):
    """A photo of a case, published only as re-encoded pixels (no metadata of the original).

    The upload is checked in the request (format, size, pixels, that it decodes) and kept
    under `upload`, a private name that is never served; a background job then finds and
    blurs faces and writes `image` and `thumbnail`, and deletes the upload
    (`cases.services.case_photo_prepare`). Every address of a photo carries `key` and is
    answered only by `cases.views_photos`, which asks the case's door each time.
    """

    class Status(models.TextChoices):
        PREPARING = "preparing", _("being prepared")
        READY = "ready", _("ready")
        # The upload passed the checks but could not be prepared after all: never shown.
        FAILED = "failed", _("could not be read")

    class Size(models.TextChoices):
        FULL = "full", _("full size")
        THUMB = "thumb", _("thumbnail")
        # For lists (photos.SMALL_SIDE); the thumbnail answers for a photo without one.
        SMALL = "small", _("small")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    key = models.CharField(max_length=32, unique=True, default=new_photo_key, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    # The file as the reporter sent it, stripped of every metadata block
    # (`photos.strip_metadata`): private, kept only until the photo is prepared.
    upload = models.FileField(blank=True)
    image = models.ImageField(blank=True)
    thumbnail = models.ImageField(blank=True)
    small = models.ImageField(blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    # The reporter's choices for this photo, applied when it is prepared: faces blurred
    # (unless she confirmed the warning) and boxes she drew ("x,y,w,h;..." fractions).
    blur_faces = models.BooleanField(default=True)
    blur_boxes = models.CharField(max_length=2000, blank=True)
    faces_blurred = models.PositiveSmallIntegerField(default=0)
    # Added by a witness whose addition waits for a moderator (its event's payload
    # lists it under "photo_ids"): shown to nobody but moderators until released, and
    # never once withheld (`services.case_add_by_witness`).
    held = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return f"photo {self.position + 1} of case {self.case_id}"

    @property
    def is_ready(self) -> bool:
        """Prepared (faces blurred) and not held for a moderator: it may be shown
        wherever its case is."""
        return self.status == self.Status.READY and not self.held

    @property
    def url(self) -> str:
        return reverse("cases:photo", kwargs={"key": self.key, "size": self.Size.FULL})

    @property
    def thumbnail_url(self) -> str:
        return reverse("cases:photo", kwargs={"key": self.key, "size": self.Size.THUMB})

    @property
    def small_url(self) -> str:
        return reverse("cases:photo", kwargs={"key": self.key, "size": self.Size.SMALL})

    @property
    def thumbnail_width(self) -> int:
        return self._scaled_to(THUMBNAIL_SIDE)[0]

    @property
    def thumbnail_height(self) -> int:
        return self._scaled_to(THUMBNAIL_SIDE)[1]

    @property
    def small_width(self) -> int:
        return self._scaled_to(SMALL_SIDE)[0]

    def _scaled_to(self, longest_side: int) -> tuple[int, int]:
        # What `photos` makes of the published size for a copy of this longest side,
        # so that the page keeps the photo's place before it arrives on a slow link and
        # `srcset` tells the browser each copy's true width.
        side = max(self.width, self.height, 1)
        scale = min(1.0, longest_side / side)
        return round(self.width * scale), round(self.height * scale)

    def stored_name(self, size: str) -> str:
        if size == self.Size.FULL:
            return str(self.image.name)
        if size == self.Size.SMALL and self.small.name:
            return str(self.small.name)
        return str(self.thumbnail.name)


# The key, in the payload of the event of a report or a text that waits for a moderator for
# naming a private person with her personal data, of why (`minjian.redaction.Reason`
# values). The public moderation log counts these events, through their own index.
EXPOSES_PERSON = "exposes_person"


class CaseEvent(Event):
    """One entry of a case's public timeline."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        PUBLISHED = "published", _("published")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        IN_PROGRESS = "in_progress", _("work started")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")
        EDIT_REQUESTED = "edit_requested", _("edit requested by a moderator")
        EDITED = "edited", _("edited by the reporter")
        HIDDEN = "hidden", _("hidden by a moderator")
        ADDED_BY_REPORTER = "added_by_reporter", _("added by the reporter")
        # A note or photos from someone who is not its reporter, never named.
        ADDED_BY_WITNESS = "added_by_witness", _("added by another witness")
        NOTE_RELEASED = "note_released", _("text released by a moderator")
        NOTE_WITHHELD = "note_withheld", _("text withheld by a moderator")
        # Written for one organisation each (`organisation` is set):
        ROUTED = "routed", _("sent to an organisation's inbox")
        ADDRESSED = "addressed", _("addressed to an agency")
        PUBLIC_UPDATE = "public_update", _("update from an organisation")
        INTERNAL_NOTE = "internal_note", _("internal note")
        OFFICIAL_RESPONSE = "official_response", _("official response")
        # Written for the verifiers' organisation (`organisation` is set), the
        # verdict, its rationale and evidence in the payload:
        VERDICT = "verdict", _("verdict")
        # A confirmed duplicate: on the duplicate, pointing to its original
        # (`payload["into"]`), and on the original (`payload["from"]`).
        MERGED = "merged", _("merged into another case")
        MERGED_IN = "merged_in", _("a duplicate report joined this case")

    # What the public moderation log lists.
    MODERATION_KINDS = (
        Kind.PUBLISHED,
        Kind.EDIT_REQUESTED,
        Kind.HIDDEN,
        Kind.NOTE_RELEASED,
        Kind.NOTE_WITHHELD,
    )

    # What an organisation's first response is, for the accountability figures.
    RESPONSE_KINDS = (Kind.ACKNOWLEDGED, Kind.PUBLIC_UPDATE, Kind.OFFICIAL_RESPONSE)

    # Both found by the indexes that begin with them (Meta), not by one of their own.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    # The organisation the event was written for or on behalf of: the inbox a case
    # was routed to, the NGO that acknowledged it, the agency that answered.
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_events",
        db_index=False,
    )
    # An internal note is read only by members of `organisation`; never public.
    internal = models.BooleanField(default=False)

    class Meta(Event.Meta):
        indexes = [
            models.Index(fields=("case", "created_at"), name="caseevent_case_time"),
            models.Index(fields=("organisation", "kind", "created_at"), name="caseevent_org_kind"),
            models.Index(
                fields=("created_at",),
                condition=models.Q(payload__has_key=EXPOSES_PERSON),
                name="caseevent_exposes_person",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(internal=False) | models.Q(organisation__isnull=False),
                name="caseevent_internal_has_organisation",
            )
        ]

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)

    @property
    def reason_label(self) -> str:
        """The category of reason of a hide or a withheld text, as the public log shows it."""
        reason = self.payload.get("hidden_reason") or self.payload.get("reason")
        return str(Case.HiddenReason(reason).label) if reason else ""


class CaseFingerprint(models.Model):
    """The MinHash signature of a public case's text (`cases.similarity`), kept so that
    a candidate found through its buckets is scored without reading its text again."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="fingerprint"
    )
    signature = models.BinaryField()
    # How many shingles the text has: with the signature, how much of a shorter text the
    # case holds (`similarity.text_similarity`).
    shingle_count = models.PositiveIntegerField()
    # `similarity.digest` of the signature: the cases of the very same text, one range.
    digest = models.BigIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # With the case: the newest copies of a text are read from the index alone.
        indexes = [models.Index(fields=("digest", "case"), name="case_fingerprint_digest")]

    def __str__(self) -> str:
        return f"fingerprint of case {self.case_id}"


class CaseLshBucket(models.Model):
    """One band of a case's signature, hashed: two cases that share a bucket in any
    band are candidates for being one story (locality-sensitive hashing). The band's
    number is part of the hash, so one indexed column serves every band."""

    bucket = models.BigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta:
        # With the case: a lookup groups a bucket's cases from the index alone, without
        # reading a row for each (a bucket shared by thousands of cases: 59 to 8 ms at 1M).
        indexes = [models.Index(fields=("bucket", "case"), name="case_lsh_bucket_case")]

    def __str__(self) -> str:
        return f"bucket {self.bucket} of case {self.case_id}"


class DuplicateSuggestion(models.Model):
    """A public case that may repeat an earlier one, for verifiers to confirm (the
    case is merged into its original) or reject (never suggested again: one row per
    pair, whatever its fate)."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    original = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-score", "id")
        constraints = [
            models.UniqueConstraint(fields=("case", "original"), name="one_suggestion_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(case=models.F("original")),
                name="suggestion_is_not_the_case_itself",
            ),
        ]
        indexes = [models.Index(fields=("status", "-score"), name="suggestion_by_status")]

    def __str__(self) -> str:
        return f"case {self.case_id} may repeat case {self.original_id} ({self.score:.2f})"


class PhotoDraft(models.Model):
    """The photos a reporter chose with a form that was not sent yet: refused for a
    mistake, or sent back to narrow the region down. A browser cannot fill a file input
    again, so they are kept here, checked, under private names, and shown to her as
    previews in the form that comes back, until she sends it (`cases.services_drafts`).

    Found only by the digest of its random key, which travels in a hidden field of her
    form; nothing of a draft is ever served or public. Deleted once the form is sent,
    or when it has not been used for `services_drafts.DRAFT_LIFETIME`.
    """

    key_digest = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"photo draft {self.pk}"


class DraftPhoto(models.Model):
    """One checked photo of a draft, with the boxes the reporter drew on it so far."""

    draft = models.ForeignKey(PhotoDraft, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=0)
    # The file as she sent it, under a private name that is never served.
    upload = models.FileField()
    # Her file's name, for her to recognise it, and its size and upright pixels, so
    # that the photo need not be decoded again.
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    blur_boxes = models.CharField(max_length=2000, blank=True)
    # A small upright JPEG of the pixels alone, shown to her in the form as a data: address.
    preview = models.BinaryField()

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return f"photo {self.position + 1} of draft {self.draft_id}"

    @property
    def preview_src(self) -> str:
        return "data:image/jpeg;base64," + base64.b64encode(bytes(self.preview)).decode("ascii")
