"""A public verdict as readers read it, and as schema.org ClaimReview.

A verdict is written once, by `minjian.claims`, as a payload that the case's `verdict`
event and the claim's own log both carry:

    {"verdict": "false", "rationale": "...", "evidence": [{"kind": "link", "url": ...}],
     "organisations": [{"slug": ..., "name_zh": ..., "name_en": ...} or {"staff": true}],
     "confirmations": [{"organisation": {...}, "rationale": "..."}]}

Organisations are kept as they were named when the verdict was given, so that an old
verdict reads the same after a rename and needs no query. `public_verdict` turns a
payload into what a page shows; `claim_review` into the ClaimReview that search engines
and fact-check aggregators read (https://schema.org/ClaimReview and Google's guidance
for fact checks).

The rating's numbers and their published meaning (`RATING_SCALE`): 1 false, 3 disputed
(the sources disagree), 5 corroborated, on a scale from 1 (worst) to 5 (best). *Not a
claim* (an opinion, or nothing that can be checked) has no place on that scale: its
rating is the text alone (`alternateName`), as Google's guidance allows for a textual
rating. *Unverified* and *being checked* conclude nothing, so they are not published
as ClaimReview at all: a ClaimReview states a conclusion.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.times import public_time
from minjian.core.models import localized
from minjian.redaction import render_redactions

Verdict = Case.Verdict

# The verdicts that conclude something: the only ones published as ClaimReview.
CONCLUSIONS = (Verdict.CORROBORATED, Verdict.DISPUTED, Verdict.FALSE, Verdict.NOT_A_CLAIM)
WORST_RATING = 1
BEST_RATING = 5
RATING_SCALE = {Verdict.FALSE: 1, Verdict.DISPUTED: 3, Verdict.CORROBORATED: 5}
# Google shows claimReviewed on one line of a phone when it is shorter than this.
CLAIM_REVIEWED_LIMIT = 75
ELLIPSIS = "…"


@dataclass(frozen=True)
class NamedOrganisation:
    """An organisation named by a verdict, in the reader's language; its page, if it
    has one (the site's staff have none)."""

    name: str
    href: str | None


@dataclass(frozen=True)
class EvidenceItem:
    kind: str
    label: str
    href: str


@dataclass(frozen=True)
class Confirmation:
    organisation: NamedOrganisation
    rationale: str


@dataclass(frozen=True)
class PublicVerdict:
    """A verdict as a page shows it."""

    verdict: str
    label: str
    rationale: str
    evidence: tuple[EvidenceItem, ...]
    organisations: tuple[NamedOrganisation, ...]
    # What the second (and further) verifiers wrote when they confirmed it, if anything.
    confirmations: tuple[Confirmation, ...]
    # To the minute, as the public reads every time (`cases.times`).
    published_at: datetime

    @property
    def concludes(self) -> bool:
        return self.verdict in CONCLUSIONS

    @property
    def organisation_names(self) -> str:
        return " · ".join(organisation.name for organisation in self.organisations)


def verdict_label(verdict: str) -> str:
    return str(Verdict(verdict).label)


def named_organisation(snapshot: Mapping[str, Any]) -> NamedOrganisation:
    """An organisation as a verdict's payload keeps it (`minjian.claims` writes it)."""
    if snapshot.get("staff"):
        return NamedOrganisation(_("the site's staff"), None)
    slug = str(snapshot.get("slug", ""))
    return NamedOrganisation(
        localized(str(snapshot.get("name_zh", "")), str(snapshot.get("name_en", ""))),
        reverse("orgs:detail", args=[slug]) if slug else None,
    )


def evidence_item(item: Mapping[str, Any], *, case_id: int | None) -> EvidenceItem:
    """One piece of evidence of a verdict's payload, with the text and address a reader
    follows: a link as it is, a document of this site by its path, an official response
    on the case's timeline, a photo of the case."""
    kind = str(item.get("kind", ""))
    if kind == "response":
        organisation = named_organisation(item.get("organisation") or {})
        href = reverse("cases:detail", args=[case_id]) if case_id else ""
        return EvidenceItem(
            kind,
            _("Official response from %(organisation)s") % {"organisation": organisation.name},
            href,
        )
    if kind == "photo":
        href = reverse("cases:photo", kwargs={"key": item["key"], "size": CasePhoto.Size.FULL})
        number = int(item.get("position", 0)) + 1
        return EvidenceItem(kind, _("Photo %(number)d of the case") % {"number": number}, href)
    address = str(item.get("url") or item.get("path") or "")
    return EvidenceItem(kind, address, address)


def public_verdict(
    payload: Mapping[str, Any], *, at: datetime, case_id: int | None = None
) -> PublicVerdict:
    """The verdict a payload records, as a page shows it; `case_id` is the case whose
    responses and photos it may cite."""
    verdict = str(payload["verdict"])
    return PublicVerdict(
        verdict=verdict,
        label=verdict_label(verdict),
        rationale=render_redactions(str(payload.get("rationale", ""))),
        evidence=tuple(
            evidence_item(item, case_id=case_id) for item in payload.get("evidence", [])
        ),
        organisations=tuple(named_organisation(o) for o in payload.get("organisations", [])),
        confirmations=tuple(
            Confirmation(
                named_organisation(confirmation.get("organisation") or {}),
                render_redactions(str(confirmation.get("rationale", ""))),
            )
            for confirmation in payload.get("confirmations", [])
        ),
        published_at=public_time(at),
    )


def verdict_of_event(event: CaseEvent) -> PublicVerdict:
    """A case's `verdict` event as a page shows it."""
    return public_verdict(event.payload, at=event.created_at, case_id=event.case_id)


def latest_verdict_event(case: Case) -> CaseEvent | None:
    """The case's last `verdict` event, from its timeline as read (prefetched)."""
    found = None
    for event in case.events.all():
        if event.kind == CaseEvent.Kind.VERDICT and not event.internal:
            found = event
    return found


def case_public_verdict(case: Case) -> PublicVerdict | None:
    """The verdict the public reads on a public case: None while it is unverified."""
    if not case.is_public or case.verdict == Verdict.UNVERIFIED:
        return None
    event = latest_verdict_event(case)
    return verdict_of_event(event) if event is not None else None


@dataclass(frozen=True)
class Appearance:
    """Where a claim was seen, as a verifier quoted it (never fetched), or the case's page."""

    url: str = ""
    platform: str = ""
    seen_on: date | None = None


def claim_reviewed(text: str) -> str:
    """The claim in fewer than CLAIM_REVIEWED_LIMIT characters, on one line."""
    one_line = " ".join(text.split())
    if len(one_line) < CLAIM_REVIEWED_LIMIT:
        return one_line
    return one_line[: CLAIM_REVIEWED_LIMIT - 1 - len(ELLIPSIS)].rstrip() + ELLIPSIS


def rating(verdict: str) -> dict[str, Any]:
    """schema.org Rating of a conclusion: the number on RATING_SCALE with the scale's
    ends, and the verdict's label; *not a claim* by its label alone."""
    found: dict[str, Any] = {"@type": "Rating", "alternateName": verdict_label(verdict)}
    if verdict in RATING_SCALE:
        found |= {
            "ratingValue": RATING_SCALE[Verdict(verdict)],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
        }
    return found


def _creative_work(appearance: Appearance) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if appearance.url:
        work["url"] = appearance.url
    if appearance.platform:
        work["publisher"] = {"@type": "Organization", "name": appearance.platform}
    if appearance.seen_on:
        work["datePublished"] = appearance.seen_on.isoformat()
    return work


def _author(organisation: Mapping[str, Any], absolute: Callable[[str], str]) -> dict[str, Any]:
    named = named_organisation(organisation)
    if named.href is None:
        # The site's staff speak for the site itself.
        return {"@type": "Organization", "name": _("Minjian"), "url": absolute("/")}
    return {"@type": "Organization", "name": named.name, "url": absolute(named.href)}


def claim_review(
    *,
    claim: str,
    payload: Mapping[str, Any],
    at: datetime,
    url: str,
    appearances: Sequence[Appearance],
    claimed_on: date | None,
    absolute: Callable[[str], str],
) -> dict[str, Any] | None:
    """The ClaimReview of a public verdict (a verdict's payload written `at`), or None
    when it concludes nothing.

    `claim` is the claim's text (shortened here), `url` the absolute address of the page
    that shows the verdict and its rationale, `appearances` where the claim was seen
    (the earliest dated one is its first appearance), `claimed_on` when it was first
    made, `absolute` makes a path of this site an absolute address."""
    verdict = str(payload["verdict"])
    if verdict not in CONCLUSIONS:
        return None
    item: dict[str, Any] = {"@type": "Claim"}
    works = [_creative_work(appearance) for appearance in appearances]
    if works:
        item["appearance"] = works
        dated = [a for a in appearances if a.seen_on is not None]
        first = min(dated, key=lambda a: a.seen_on or date.max) if dated else appearances[0]
        item["firstAppearance"] = _creative_work(first)
    if claimed_on is not None:
        item["datePublished"] = claimed_on.isoformat()
    authors = [_author(organisation, absolute) for organisation in payload["organisations"]]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim_reviewed(claim),
        "reviewRating": rating(verdict),
        "itemReviewed": item,
        "author": authors[0] if len(authors) == 1 else authors,
        "datePublished": public_time(at).date().isoformat(),
    }


def case_claim_review(case: Case, *, absolute: Callable[[str], str]) -> dict[str, Any] | None:
    """The ClaimReview of a public case's verdict (its last `verdict` event, from the
    prefetched timeline)."""
    if not case.is_public or case.verdict not in CONCLUSIONS:
        return None
    event = latest_verdict_event(case)
    if event is None:
        return None
    return review_of_case(case, payload=event.payload, at=event.created_at, absolute=absolute)


def review_of_case(
    case: Case, *, payload: Mapping[str, Any], at: datetime, absolute: Callable[[str], str]
) -> dict[str, Any] | None:
    """The ClaimReview of a verdict on a case: the claim is the report, which appeared
    on the case's page when the case was published; the review is that page's verdict."""
    page = absolute(reverse("cases:detail", args=[case.pk]))
    published = case.published_at.date() if case.published_at else None
    return claim_review(
        claim=case.readable_title,
        payload=payload,
        at=at,
        url=page + "#verdict",
        appearances=[Appearance(url=page, seen_on=published)],
        claimed_on=published,
        absolute=absolute,
    )


# Characters that could end the script element or start markup inside it: written as
# JSON escapes, which mean the same characters to a JSON-LD reader.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld(data: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> SafeString:
    """A <script type="application/ld+json"> element holding `data`, safe in any page:
    no text in it can close the element. A data block is never run, so the page's
    Content-Security-Policy (no inline script) does not apply to it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308  # escaped above for the script element
