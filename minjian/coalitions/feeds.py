"""The Atom feed of a coalition's public timeline: what the anonymous reader reads of it
on its page (no membership event of a coalition whose member list is hidden).

Summaries are text, HTML-escaped for Atom's `type="html"` summary, so that a feed reader
never renders what members wrote as markup."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from minjian.coalitions import selectors, timeline
from minjian.coalitions.closing import closes_due_proposals
from minjian.coalitions.models import Coalition
from minjian.coalitions.services import coalition_tag
from minjian.coalitions.timeline import Entry
from minjian.core.public_cache import ORGANISATIONS, public_page
from minjian.core.text import clean_text


class TimelineFeed(Feed):  # type: ignore[type-arg]  # django-stubs: Feed is generic
    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, coalition_id: int) -> tuple[Coalition, list[Entry]]:
        coalition = selectors.coalition_detail(coalition_id)
        events = selectors.timeline(coalition, sees_members=False)
        return coalition, timeline.entries(coalition, events, sees_members=False)

    def title(self, obj: tuple[Coalition, list[Entry]]) -> str:
        return _("Minjian: the timeline of %(coalition)s") % {"coalition": obj[0].name}

    def link(self, obj: tuple[Coalition, list[Entry]]) -> str:
        return reverse("coalitions:detail", args=[obj[0].pk])

    def items(self, obj: tuple[Coalition, list[Entry]]) -> list[Entry]:
        return obj[1]

    def item_title(self, item: Entry) -> str:
        return clean_text(
            " · ".join(part for part in (capfirst(item.label), item.organisation) if part)
        )

    def item_description(self, item: Entry) -> str:
        return escape(clean_text(item.detail))

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        host = urlsplit(settings.MINJIAN_SITE_URL).hostname or "localhost"
        return f"tag:{host},{item.at:%Y-%m-%d}:coalition-event/{item.id}"

    def item_pubdate(self, item: Entry) -> datetime:
        return item.at

    def item_updateddate(self, item: Entry) -> datetime:
        return item.at


timeline_feed = closes_due_proposals(
    public_page(lambda coalition_id: (coalition_tag(coalition_id), ORGANISATIONS))(TimelineFeed())
)
