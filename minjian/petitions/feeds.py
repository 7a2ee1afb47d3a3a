"""Atom feeds of petitions: the open petitions, and one petition's timeline, in the shape
of the site's other feeds (`minjian.feeds.feeds.EntryFeed`: text summaries, entry ids
that do not change). They show what the public pages show: public petitions, and for a
timeline its events without who acted."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from minjian.core.public_cache import ORGANISATIONS, public_page, tags_for_everything
from minjian.feeds.feeds import Entry, EntryFeed, Subject
from minjian.feeds.selectors import FEED_LENGTH
from minjian.petitions import access, selectors, selectors_pages
from minjian.petitions.models import Petition
from minjian.petitions.services import PETITIONS, petition_tag
from minjian.redaction import render_redactions


def _guid(day: datetime, specific: str) -> str:
    # The site's configured host, not the request's, as the site's other feeds.
    host = urlsplit(settings.MINJIAN_SITE_URL).hostname or "localhost"
    return f"tag:{host},{day:%Y-%m-%d}:{specific}"


class OpenPetitionsFeed(EntryFeed):
    def get_object(self, request: HttpRequest) -> Subject:
        petitions = selectors.petition_list(state=Petition.State.OPEN)[:FEED_LENGTH]
        return Subject(
            title=_("Minjian: open petitions"),
            link=reverse("petitions:list") + "?state=open",
            entries=[
                Entry(
                    guid=_guid(petition.created_at, f"petition/{petition.pk}"),
                    title=render_redactions(petition.title),
                    description=_("To %(body)s: %(request)s")
                    % {
                        "body": petition.addressed_body_name,
                        "request": render_redactions(petition.request),
                    },
                    link=reverse("petitions:detail", args=[petition.pk]),
                    published=petition.opened_at,
                    updated=petition.opened_at or petition.created_at,
                    categories=tuple(
                        place.name for place in (petition.topic, petition.region) if place
                    ),
                )
                for petition in petitions
            ],
        )


class PetitionTimelineFeed(EntryFeed):
    """One public petition's timeline, newest first. A rejected petition answers 410 with
    its reason (the DomainError middleware renders it)."""

    def get_object(self, request: HttpRequest, petition_id: int) -> Subject:
        # Always as the public reads it, whoever is signed in.
        petition = access.access_petition(AnonymousUser(), petition_id)
        link = reverse("petitions:detail", args=[petition.pk])
        entries = selectors_pages.timeline_entries(selectors.timeline(petition))
        return Subject(
            title=_("Minjian: petition #%(id)d, %(title)s")
            % {"id": petition.pk, "title": render_redactions(petition.title)},
            link=link,
            entries=[
                Entry(
                    guid=_guid(entry.at, f"petition-event/{entry.id}"),
                    title=" · ".join(
                        part
                        for part in (
                            capfirst(entry.label),
                            entry.organisation.name if entry.organisation else "",
                        )
                        if part
                    ),
                    description=render_redactions(entry.note),
                    link=link,
                    published=entry.at,
                    updated=entry.at,
                )
                for entry in reversed(entries)
            ][:FEED_LENGTH],
        )


open_petitions_feed = public_page(tags_for_everything(PETITIONS, ORGANISATIONS))(
    OpenPetitionsFeed()
)
timeline_feed = public_page(lambda petition_id: (petition_tag(petition_id), ORGANISATIONS))(
    PetitionTimelineFeed()
)
