"""Public cases similar to a text being written, or to a case: "is it one of these?"

How a lookup runs, in six queries whatever the number of cases:

1. the cases of the very same text are read by their signature's digest, one indexed
   range (`_copies`): when there are at least `limit` of them, the newest `PER_BUCKET` are
   the candidates, each of text similarity 1, and 2. and 3. are skipped. A flood of one
   text (a call to report, copied by thousands) would otherwise compare each report with
   the same copies through every band. The copies are then offered alone: a rewrite of
   the story nearer in place or time is not, where the buckets would have ranked it among
   them (its own lookup finds the copies);
2. the text's LSH buckets (one per band: `cases.similarity.buckets`) are looked up in the index
   (`CaseLshBucket`), grouped by case, the cases sharing the most buckets first, at most
   `CANDIDATES` of them;
3. their fingerprints are read; each one's text similarity is estimated from the two
   fingerprints (`similarity.text_similarity`: the Jaccard similarity, or how much of the
   shorter text the other holds), and those below `TEXT_FLOOR` are left out;
4. where and when each of the others is, for the public ones;
5. and 6. the best `limit` of them are read as a list shows them (topic, region, photos).

How they are ranked, each part between 0 and 1:

    score = 0.7 × text + 0.2 × place + 0.1 × time

- text: the text similarity above (1 for the same words, whatever the characters'
  form: the text is folded to simplified characters before it is compared; 0.7 for a
  reporter's first lines that the case holds all of);
- place: the nearer of two, 0 where neither can be told:
  the regions: the share of the deeper region's path that the two paths share (same
  region 1; a county and its prefecture 2/3, its province 1/3; two counties of one
  prefecture 2/3; two provinces 0), and the points, when both have one:
  1 / (1 + km / 5) (1 at the same point, 1/2 at 5 km, 1/11 at 50 km);
- time: 1 / (1 + days / 7) between the two publication times (a text being written is
  "now"): 1 the same day, 1/2 a week apart, about 1/5 a month apart.

Every part rises with what it measures and the weights are positive and add up to 1, so
the score stays in [0, 1] and is higher for a text more alike, nearer or closer in
time, all else equal; nearness only reorders cases whose text is similar enough, never
brings in one that is not.

A reporter's text is redacted (`minjian.redaction.redact`) before anything else, so
that what she typed of personal data reaches neither the index, nor a log, nor the
comparison, and her text compares as the stored texts do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.cases import similarity
from minjian.cases.access import CaseHidden
from minjian.cases.models import Case, CaseFingerprint, CaseLshBucket
from minjian.cases.selectors import public_case_list
from minjian.cases.validation import clean_description, clean_title
from minjian.core.errors import NotFound
from minjian.places.models import Region
from minjian.redaction import redact

# Cases read from the index for one lookup, those sharing the most buckets first: a
# near-duplicate shares most of its buckets, an unrelated text rarely even one.
CANDIDATES = 200
# Of each bucket, only its newest cases are read. A flood of one story (a surge of the
# same report) fills a bucket of every band with thousands of cases: read whole, each
# lookup grouped every one of them (40 bands of 6,241 cases each in a surge of 12,000
# identical reports), so that suggesting duplicates for each new case cost as much as
# all the cases before it. The newest are the nearest in time, which the ranking prefers.
# 50 rather than 200: in such a flood a case's job then costs 53 ms of CPU instead of 80
# (the candidates' query 9 ms of PostgreSQL instead of 31), and over 200,000 cases the
# stories' reports are found as often (bench/similar_lookup.py, docs/benchmarks.md).
PER_BUCKET = 50
# Below this text similarity a case is not offered, however near: the engine's threshold
# of "one story", measured on the project's corpus (`similarity.DEFAULT_THRESHOLD`).
TEXT_FLOOR = similarity.DEFAULT_THRESHOLD
TEXT_WEIGHT = 0.7
PLACE_WEIGHT = 0.2
TIME_WEIGHT = 0.1
# Where nearness has fallen to one half.
HALF_NEAR_KM = 5.0
HALF_NEAR_DAYS = 7.0
MAX_LIMIT = 50
EARTH_RADIUS_KM = 6371.0

Point = tuple[float, float]


@dataclass(frozen=True)
class SimilarCase:
    # A public case with its topic, region and photos, as a list shows it.
    case: Case
    score: float
    text_similarity: float


@dataclass(frozen=True)
class RankedCase:
    """A similar public case as the ranking leaves it: its id, score, text similarity and
    creation time."""

    case_id: int
    score: float
    text: float
    created_at: datetime


@dataclass(frozen=True)
class Whereabouts:
    """Where and when a text or a case is: its region's path, its point, its time."""

    region_path: str | None = None
    point: Point | None = None
    at: datetime | None = None


def similar_to_text(
    title: str,
    description: str,
    *,
    latitude: float | Decimal | None = None,
    longitude: float | Decimal | None = None,
    region: Region | None = None,
    limit: int = 10,
    exclude_case_id: int | None = None,
) -> list[SimilarCase]:
    """The public cases most similar to a report being written, best first: at most
    `limit`, none below `TEXT_FLOOR`; none for a text without words. The point and the
    region, when given, count as nearness (see the module's docstring). A title or a
    description longer than a report may have is refused (`title_too_long`,
    `description_too_long`), as the report itself would be."""
    point = (
        (float(latitude), float(longitude))
        if latitude is not None and longitude is not None
        else None
    )
    # Cleaned as the report's own fields will be, and refused where they would be.
    stored_title = redact(clean_title(title)).text if title.strip() else ""
    stored_description = redact(clean_description(description)).text if description.strip() else ""
    if not similarity.comparable_text(stored_title, stored_description):
        return []
    written = similarity.fingerprint(stored_title, stored_description)
    here = Whereabouts(region_path=region.path if region else None, point=point, at=timezone.now())
    return _as_listed(_ranked(written, here, limit=limit, exclude_case_id=exclude_case_id))


def similar_to_case(case: Case, *, limit: int = 10) -> list[SimilarCase]:
    """The public cases most similar to `case` (its stored text, region, point and
    publication time), best first, never the case itself: its near-duplicates."""
    return _as_listed(ranked_like_case(case, limit=limit))


def ranked_like_case(case: Case, *, limit: int) -> list[RankedCase]:
    """What `similar_to_case` finds, as ids with their scores and creation times, without
    reading the cases as a list shows them (what suggesting duplicates needs)."""
    printed = similarity.fingerprint(case.title, case.description)
    here = Whereabouts(
        region_path=case.region.path,
        point=(float(case.latitude), float(case.longitude))
        if case.latitude is not None and case.longitude is not None
        else None,
        at=case.published_at,
    )
    return _ranked(printed, here, limit=limit, exclude_case_id=case.pk)


def public_case_for_similar(case_id: int) -> Case:
    """The public case whose near-duplicates are asked for, with its region: a hidden
    one raises `CaseHidden` (its tombstone), any other that is not public `NotFound`,
    as the case's own address answers the public."""
    case = Case.objects.select_related("region").filter(pk=case_id).first()
    if case is not None and case.state == Case.State.HIDDEN:
        raise CaseHidden(case)
    if case is None or not case.is_public:
        raise NotFound(_("There is no such case."))
    return case


def _as_listed(ranked: Sequence[RankedCase]) -> list[SimilarCase]:
    if not ranked:
        return []
    cases = public_case_list().filter(pk__in=[found.case_id for found in ranked])
    by_id = {case.pk: case for case in cases}
    return [
        SimilarCase(case=by_id[found.case_id], score=found.score, text_similarity=found.text)
        for found in ranked
        if found.case_id in by_id
    ]


def _ranked(
    printed: similarity.Fingerprint,
    here: Whereabouts,
    *,
    limit: int,
    exclude_case_id: int | None,
) -> list[RankedCase]:
    limit = min(limit, MAX_LIMIT)
    if limit < 1:
        return []
    texts = _copies(printed, limit, exclude_case_id) or _alike(printed, exclude_case_id)
    if not texts:
        return []
    scored: list[RankedCase] = []
    for case_id, region_path, latitude, longitude, published_at, created_at in Case.objects.filter(
        pk__in=texts, state__in=Case.PUBLIC_STATES
    ).values_list("id", "region__path", "latitude", "longitude", "published_at", "created_at"):
        there = Whereabouts(
            region_path=region_path,
            point=(float(latitude), float(longitude))
            if latitude is not None and longitude is not None
            else None,
            at=published_at,
        )
        text = texts[case_id]
        score = combined_score(text, place_nearness(here, there), time_nearness(here, there))
        scored.append(RankedCase(case_id, score, text, created_at))
    return sorted(scored, key=lambda found: (found.score, found.text, found.case_id), reverse=True)[
        :limit
    ]


def _copies(
    printed: similarity.Fingerprint, limit: int, exclude_case_id: int | None
) -> dict[int, float]:
    """The newest `PER_BUCKET` cases of the very same text (text similarity 1), when
    there are at least `limit` of them; otherwise none (see the module's docstring)."""
    stored = similarity.to_bytes(printed.signature)
    same_digest = CaseFingerprint.objects.filter(digest=similarity.digest(printed.signature))
    if exclude_case_id is not None:
        same_digest = same_digest.exclude(case_id=exclude_case_id)
    copies = [
        case_id
        for case_id, signature in same_digest.order_by("-case_id").values_list(
            "case_id", "signature"
        )[:PER_BUCKET]
        # A digest is 64 bits of the signature: the signature itself decides.
        if bytes(signature) == stored
    ]
    return dict.fromkeys(copies, 1.0) if len(copies) >= limit else {}


def _alike(printed: similarity.Fingerprint, exclude_case_id: int | None) -> dict[int, float]:
    """The text similarity of each candidate found through the buckets, those below
    `TEXT_FLOOR` left out."""
    candidate_ids = _candidates(similarity.buckets(printed.signature), exclude_case_id)
    if not candidate_ids:
        return {}
    # The fingerprints alone first: most candidates fall below the floor, and reading
    # where and when each one is (its case's row and region) cost two thirds of a
    # lookup at a million cases.
    return {
        case_id: text
        for case_id, signed, shingle_count in CaseFingerprint.objects.filter(
            case_id__in=candidate_ids
        ).values_list("case_id", "signature", "shingle_count")
        if (
            text := similarity.text_similarity(
                printed,
                similarity.Fingerprint(similarity.from_bytes(bytes(signed)), shingle_count),
            )
        )
        >= TEXT_FLOOR
    }


def _candidates(buckets: Sequence[int], exclude_case_id: int | None) -> list[int]:
    """The cases sharing the most of `buckets`, at most `CANDIDATES`, reading at most the
    newest `PER_BUCKET` cases of each bucket: one indexed range a bucket, whatever it holds."""
    table = CaseLshBucket._meta.db_table
    excluded = "" if exclude_case_id is None else " AND case_id <> %s"
    newest = (
        f"SELECT case_id FROM (SELECT case_id FROM {table} WHERE bucket = %s{excluded}"  # noqa: S608  # the model's table, values as parameters
        f" ORDER BY case_id DESC LIMIT %s) AS band_{{number}}"
    )
    parameters: list[int] = []
    for bucket in buckets:
        parameters += [bucket, *([] if exclude_case_id is None else [exclude_case_id]), PER_BUCKET]
    union = " UNION ALL ".join(newest.format(number=number) for number in range(len(buckets)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_id FROM ({union}) AS shared GROUP BY case_id"  # noqa: S608  # made above, values as parameters
            " ORDER BY COUNT(*) DESC, case_id DESC LIMIT %s",
            [*parameters, CANDIDATES],
        )
        return [case_id for (case_id,) in cursor.fetchall()]


def combined_score(text: float, place: float, time: float) -> float:
    """The weighted sum of the module's docstring: in [0, 1], rising with each part
    (rounded, so that a case alike in every way scores 1, not 0.9999999999999999)."""
    return round(TEXT_WEIGHT * text + PLACE_WEIGHT * place + TIME_WEIGHT * time, 6)


def place_nearness(here: Whereabouts, there: Whereabouts) -> float:
    """The nearer of the regions' and the points' nearness; 0 where neither is known."""
    nearness = 0.0
    if here.region_path and there.region_path:
        nearness = region_nearness(here.region_path, there.region_path)
    if here.point and there.point:
        nearness = max(nearness, distance_nearness(distance_km(here.point, there.point)))
    return nearness


def region_nearness(path: str, other: str) -> float:
    """The share of the deeper region's path ("/340000/340300/340321/") the two share."""
    codes, other_codes = path.strip("/").split("/"), other.strip("/").split("/")
    shared = 0
    for code, other_code in zip(codes, other_codes, strict=False):
        if code != other_code:
            break
        shared += 1
    return shared / max(len(codes), len(other_codes))


def distance_nearness(km: float) -> float:
    return 1 / (1 + max(km, 0.0) / HALF_NEAR_KM)


def time_nearness(here: Whereabouts, there: Whereabouts) -> float:
    if here.at is None or there.at is None:
        return 0.0
    days = abs((here.at - there.at).total_seconds()) / 86400
    return 1 / (1 + days / HALF_NEAR_DAYS)


def distance_km(point: Point, other: Point) -> float:
    """The great-circle distance between two points (latitude, longitude in degrees)."""
    latitude, longitude = map(math.radians, point)
    other_latitude, other_longitude = map(math.radians, other)
    haversine = (
        math.sin((other_latitude - latitude) / 2) ** 2
        + math.cos(latitude)
        * math.cos(other_latitude)
        * math.sin((other_longitude - longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(haversine)))
