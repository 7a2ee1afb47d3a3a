"""The Atom feeds of claims: the ClaimReviews (every public verdict that concludes
something, on a case or on a claim written down by a verifier, the most recent first:
the rumour desk's "recent verdicts"), and the desk's other sections: what is being
checked, the stories reported most often, and the verdicts waiting for a second verifier
(never what they propose).

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
from django.utils.translation import ngettext

from minjian.cases.times import public_time
from minjian.claims import desk, reviews, selectors
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
    published = public_time(claim.published.created_at)
    return ReviewEntry(
        # The published event never changes: nor does the entry's id.
        guid=f"tag:{_host()},{published:%Y-%m-%d}:claim/{claim.pk}/verdict/{claim.published.pk}",
        title=f"{verdict.label}: {claim.text}",
        summary=verdict.rationale,
        link=reviews.claim_path(claim) + "#verdict",
        published=published,
        organisations=tuple(organisation.name for organisation in verdict.organisations),
    )


def _host() -> str:
    return urlsplit(settings.MINJIAN_SITE_URL).hostname or "localhost"


class _DeskFeed(Feed):  # type: ignore[type-arg]  # django-stubs: Feed is generic
    """A feed of the rumour desk's entries, made by `get_object`."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

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

    def item_author_name(self, item: ReviewEntry) -> str | None:
        return clean_text(" · ".join(item.organisations)) or None


class ClaimReviewFeed(_DeskFeed):
    def get_object(self, request: HttpRequest) -> list[ReviewEntry]:
        claims = selectors.reviewed_claims(after=None, limit=FEED_LENGTH)
        return [entry for claim in claims if (entry := _entry(claim)) is not None]

    def title(self) -> str:
        return _("Minjian: verdicts on claims and cases")

    def link(self) -> str:
        return reverse("claims:reviews_feed")


class BeingCheckedFeed(_DeskFeed):
    def get_object(self, request: HttpRequest) -> list[ReviewEntry]:
        return [
            entry
            for claim in selectors.claims_being_checked().prefetch_related(None)[:FEED_LENGTH]
            if (entry := _entry(claim)) is not None
        ]

    def title(self) -> str:
        return _("Minjian: claims and cases being checked")

    def link(self) -> str:
        return reverse("claims:desk") + "#being-checked"


class AwaitingConfirmationFeed(_DeskFeed):
    def get_object(self, request: HttpRequest) -> list[ReviewEntry]:
        claims = selectors.claims_awaiting_confirmation().prefetch_related(None)[:FEED_LENGTH]
        return [_waiting(desk.awaiting(claim, proposals=False)) for claim in claims]

    def title(self) -> str:
        return _("Minjian: verdicts waiting for a second verifier")

    def link(self) -> str:
        return reverse("claims:desk") + "#awaiting"


def _waiting(entry: desk.DeskEntry) -> ReviewEntry:
    # Only that a verdict waits: what it proposes is not public until it is confirmed.
    assert entry.claim.proposal is not None
    return ReviewEntry(
        guid=f"tag:{_host()},{entry.at:%Y-%m-%d}:claim/{entry.claim.pk}/proposal/"
        f"{entry.claim.proposal.pk}",
        title=_("Waiting for a second verifier: %(claim)s") % {"claim": entry.text},
        summary=_(
            "A verifier has given a verdict on it. It is public once a verifier of another "
            "organisation confirms it."
        ),
        link=entry.path,
        published=entry.at,
        organisations=(),
    )


class ClustersFeed(_DeskFeed):
    def get_object(self, request: HttpRequest) -> list[ReviewEntry]:
        return [
            _cluster(cluster) for cluster in selectors.most_reported_clusters(limit=FEED_LENGTH)
        ]

    def title(self) -> str:
        return _("Minjian: stories reported most often")

    def link(self) -> str:
        return reverse("claims:desk") + "#clusters"


def cluster_summary(cluster: selectors.Cluster) -> str:
    merged = ngettext(
        "%(count)d report merged into it", "%(count)d reports merged into it", cluster.merged
    ) % {"count": cluster.merged}
    suggested = ngettext(
        "%(count)d more suggested as a duplicate",
        "%(count)d more suggested as duplicates",
        cluster.suggested,
    ) % {"count": cluster.suggested}
    return " · ".join(
        part for part, count in ((merged, cluster.merged), (suggested, cluster.suggested)) if count
    )


def _cluster(cluster: selectors.Cluster) -> ReviewEntry:
    case = cluster.case
    # A new entry each time the story gains a report: its id names how many it has.
    return ReviewEntry(
        guid=f"tag:{_host()},{cluster.joined_at:%Y-%m-%d}:case/{case.pk}/reports/{cluster.reports}",
        title=ngettext(
            "%(title)s: %(count)d report", "%(title)s: %(count)d reports", cluster.reports
        )
        % {"title": case.readable_title, "count": cluster.reports},
        summary=cluster_summary(cluster),
        link=reverse("cases:detail", args=[case.pk]),
        published=cluster.joined_at,
        organisations=(),
    )
