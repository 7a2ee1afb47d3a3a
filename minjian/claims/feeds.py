"""The Atom feed of ClaimReviews: every public verdict that concludes something, on a
case or on a claim written down by a verifier, the most recent first.

Summaries are text: HTML-escaped here for Atom's `type="html"` summary, so that a feed
reader shows what a verifier wrote and never renders it as markup. Times are to the
minute, as every public time (`minjian.cases.times`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from minjian.cases.times import public_time
from minjian.claims import reviews, selectors
from minjian.claims.models import Claim
from minjian.core.text import clean_text

FEED_LENGTH = 50


@dataclass(frozen=True)
class ReviewEntry:
    guid: str
    title: str
    summary: str
    link: str
    published: datetime
    organisations: tuple[str, ...]


def _entry(claim: Claim) -> ReviewEntry | None:
    verdict = reviews.claim_verdict(claim)
    if verdict is None or claim.published is None:
        return None
    host = urlsplit(settings.MINJIAN_SITE_URL).hostname or "localhost"
    published = public_time(claim.published.created_at)
    return ReviewEntry(
        # The published event never changes: nor does the entry's id.
        guid=f"tag:{host},{published:%Y-%m-%d}:claim/{claim.pk}/verdict/{claim.published.pk}",
        title=f"{verdict.label}: {claim.text}",
        summary=verdict.rationale,
        link=reviews.claim_path(claim) + "#verdict",
        published=published,
        organisations=tuple(organisation.name for organisation in verdict.organisations),
    )


class ClaimReviewFeed(Feed):  # type: ignore[type-arg]  # django-stubs: Feed is generic
    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest) -> list[ReviewEntry]:
        claims = selectors.reviewed_claims(after=None, limit=FEED_LENGTH)
        return [entry for claim in claims if (entry := _entry(claim)) is not None]

    def title(self) -> str:
        return _("Minjian: verdicts on claims and cases")

    def link(self) -> str:
        return reverse("claims:reviews_feed")

    def items(self, obj: list[ReviewEntry]) -> list[ReviewEntry]:
        return obj

    def item_title(self, item: ReviewEntry) -> str:
        return clean_text(item.title)

    def item_description(self, item: ReviewEntry) -> str:
        return escape(clean_text(item.summary))

    def item_link(self, item: ReviewEntry) -> str:
        return item.link

    def item_guid(self, item: ReviewEntry) -> str:
        return item.guid

    def item_pubdate(self, item: ReviewEntry) -> datetime:
        return item.published

    def item_updateddate(self, item: ReviewEntry) -> datetime:
        return item.published

    def item_author_name(self, item: ReviewEntry) -> str:
        return clean_text(" · ".join(item.organisations))
