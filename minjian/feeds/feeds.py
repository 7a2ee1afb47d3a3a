"""Atom feeds of public cases (per topic, region and organisation) and of one case's timeline.

They show what the public pages show, no more: public cases only, redacted texts
rendered in the reader's language, the reporter never named, and for a timeline
the entries of `minjian.cases.selectors.timeline` (no internal notes, no text
held for a moderator). Entry ids are tag URIs (RFC 4151) made of the site's host, the
day the case was published and the case or event, so they do not change. Times are
what the public reads (`minjian.cases.times`): to the minute, and nothing from
before the case was published, so neither a date nor an id tells when it was sent.

Django shares one instance of each feed between all requests, so `get_object`
computes everything a request needs into a `Subject` and nothing is kept on `self`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from minjian.cases.access import access_case_by_id
from minjian.cases.models import Case
from minjian.cases.selectors import TimelineEntry, public_case_list, timeline
from minjian.cases.times import public_time, public_time_or_none
from minjian.core.text import clean_text
from minjian.feeds.selectors import FEED_LENGTH, cases_routed_to
from minjian.orgs.selectors import organisation_by_slug
from minjian.places.selectors import region_by_code
from minjian.topics.selectors import topic_by_slug


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    description: str
    link: str
    published: datetime | None
    updated: datetime
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subject:
    title: str
    link: str
    entries: list[Entry] = field(default_factory=list)


def _tag(case: Case, specific: str) -> str:
    # The site's configured host, not the request's: the same entry keeps its id
    # whichever address a reader fetched it from.
    host = urlsplit(settings.MINJIAN_SITE_URL).hostname or "localhost"
    day = case.published_at or case.updated_at
    return f"tag:{host},{day:%Y-%m-%d}:{specific}"


def _case_entries(cases: Iterable[Case]) -> list[Entry]:
    return [
        Entry(
            guid=_tag(case, f"case/{case.pk}"),
            title=case.readable_title,
            description=_with_verdict(case, case.readable_description),
            link=reverse("cases:detail", args=[case.pk]),
            published=public_time_or_none(case.published_at),
            updated=public_time(case.updated_at),
            categories=(case.topic.name, case.region.name, *_verdict_category(case)),
        )
        for case in cases
    ]


def _verdict_category(case: Case) -> tuple[str, ...]:
    if case.verdict == Case.Verdict.UNVERIFIED:
        return ()
    return (_("Verdict: %(verdict)s") % {"verdict": case.get_verdict_display()},)


def _with_verdict(case: Case, description: str) -> str:
    """The description, after the public verdict if the case has one (its rationale is
    on the case's timeline and in its feed)."""
    label = _verdict_category(case)
    return f"{label[0]}\n\n{description}" if label else description


def _timeline_text(entry: TimelineEntry) -> str:
    """An entry's text; for a verdict, its label, rationale and organisations."""
    if entry.verdict is None:
        return entry.note
    verdict = entry.verdict
    lines = [_("Verdict: %(verdict)s") % {"verdict": verdict.label}, verdict.rationale]
    lines += [item.href for item in verdict.evidence if item.kind == "link"]
    lines.append(_("Judged by %(organisations)s") % {"organisations": verdict.organisation_names})
    return "\n\n".join(line for line in lines if line)


def _list_link(**query: str) -> str:
    return f"{reverse('search:cases')}?{urlencode(query)}"


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are text (`<summary>` without `type="html"`): a feed
    reader shows what a person wrote, angle brackets and all, and never renders it as
    markup (Django's Atom writes summaries as HTML)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item | {"description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"])


class EntryFeed(Feed):  # type: ignore[type-arg]  # django-stubs: Feed is generic
    """The shape every feed here shares; its language is the request's (Django's default).

    Every text passes `clean_text` on its way out: XML cannot carry control
    characters, and a case stored before input was cleaned at the edge may hold one;
    a feed that lists it (and every feed of a region above it) would fail otherwise.
    The XML writer escapes the rest."""

    feed_type = PlainTextAtomFeed

    item_guid_is_permalink = False

    def title(self, obj: Subject) -> str:
        return clean_text(obj.title)

    def link(self, obj: Subject) -> str:
        return obj.link

    def items(self, obj: Subject) -> list[Entry]:
        return obj.entries

    def item_title(self, item: Entry) -> str:
        return clean_text(item.title)

    def item_description(self, item: Entry) -> str:
        return clean_text(item.description)

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.guid

    def item_pubdate(self, item: Entry) -> datetime | None:
        return item.published

    def item_updateddate(self, item: Entry) -> datetime:
        return item.updated

    def item_categories(self, item: Entry) -> tuple[str, ...]:
        return tuple(clean_text(category) for category in item.categories)


class TopicFeed(EntryFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Subject:
        topic = topic_by_slug(slug)
        cases = public_case_list(topic=topic)[:FEED_LENGTH]
        return Subject(
            title=_("Minjian: cases about %(topic)s") % {"topic": topic.name},
            link=_list_link(topic=topic.slug),
            entries=_case_entries(cases),
        )


class RegionFeed(EntryFeed):
    def get_object(self, request: HttpRequest, code: str) -> Subject:
        region = region_by_code(code)
        cases = public_case_list(region=region)[:FEED_LENGTH]
        return Subject(
            title=_("Minjian: cases in %(region)s") % {"region": region.name},
            link=_list_link(region=region.code),
            entries=_case_entries(cases),
        )


class OrganisationFeed(EntryFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Subject:
        organisation = organisation_by_slug(slug)
        cases = cases_routed_to(organisation)[:FEED_LENGTH]
        return Subject(
            title=_("Minjian: cases sent to %(organisation)s")
            % {"organisation": organisation.name},
            link=reverse("orgs:detail", args=[organisation.slug]),
            entries=_case_entries(cases),
        )


class CaseTimelineFeed(EntryFeed):
    """One public case's timeline, newest entry first. A hidden case answers 410
    with its tombstone, like its page (the DomainError middleware renders it)."""

    def get_object(self, request: HttpRequest, case_id: int) -> Subject:
        # Always as the public sees it, whoever is signed in.
        case = access_case_by_id(AnonymousUser(), case_id)
        link = reverse("cases:detail", args=[case.pk])
        # An entry is numbered by its place on the timeline, which only grows; what
        # happened before publication has no public time and no entry.
        entries = [
            Entry(
                guid=_tag(case, f"case/{case.pk}/{number}/{entry.kind}"),
                title=f"{entry.label} · {entry.actor}" if entry.actor else entry.label,
                description=_timeline_text(entry),
                link=link,
                published=entry.created_at,
                updated=entry.created_at,
            )
            for number, entry in enumerate(timeline(case), start=1)
            if entry.created_at is not None
        ]
        return Subject(
            title=_("Minjian: case #%(id)d, %(title)s")
            % {"id": case.pk, "title": case.readable_title},
            link=link,
            entries=entries[::-1][:FEED_LENGTH],
        )
