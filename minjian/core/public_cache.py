"""Anonymous pages stored whole, and sent again until what they show changes.

A surge of readers is anonymous: one case shared widely, read tens of thousands of times
an hour. Such a reader gets the same page as every other anonymous reader in her
language, so the page is rendered once and kept (in Redis when the instance has it, in
the worker's memory in the embedded default) under a key made of the address, the
language and the versions of the *tags* the page shows ("case:12", "cases", "orgs").
Services `touch` their tags in the transaction that changes what the public reads, so
the key of every page showing that change differs from the moment it commits: no page is
ever served stale from here, in any worker, and nothing has to find and delete copies.

A worker reads the versions from the database at most once a second per page
(`VERSIONS_KEPT_SECONDS`), so a stored page costs no query at all; a change shows at
once in the worker that made it and within that second in the others.

The same versions make the page's ETag; with `Last-Modified` and a short `Cache-Control:
public` with `stale-while-revalidate`, a reverse proxy or a CDN in front can keep the page
too and ask again cheaply (a 304, no rendering). docs/deploy.md shows nginx doing it.

Only what anyone would get is stored: a GET or HEAD without a session, a message or an
API credential, answered 200 without setting a cookie. Everything else passes through,
marked `private` so that no shared cache keeps it.

A stored page is kept gzipped too, compressed once when it is stored, and a reader who
accepts gzip gets that copy: compressing a 20 KiB page at every answer cost more than the
rest of sending a stored page. Answers that pass through are compressed by
`CompressedTextMiddleware`, with its random bytes against BREACH; a stored page needs none,
being the same for every reader: it holds no secret of anyone's (a page that sets a cookie,
as a form's token would, is never stored).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.text import compress_string
from django.utils.translation import get_language

from minjian.core.inserts import upsert
from minjian.core.middleware import is_compressible
from minjian.core.models import PublicChange
from minjian.core.shards import transaction_shard

# What the public reads of cases in lists, counts and feeds, of organisations, of drives,
# the accountability figures (touched only when a case's routing facts change), and the
# regions' boundaries (the maps drawn from them).
CASES = "cases"
ORGANISATIONS = "orgs"
DRIVES = "drives"
ACCOUNTABILITY = "accountability"
BOUNDARIES = "boundaries"

# Headers of a stored answer that belong to one request and are not kept with it.
_UNSTORED_HEADERS = frozenset({"set-cookie", "vary", "etag", "last-modified", "cache-control"})
# The shape of what is stored is part of the key: a worker of the previous release never
# reads a stored page of this one, nor the other way round.
_KEY_PREFIX = "public-page/2:"
# Shorter pages are sent as they are (as GZipMiddleware leaves them).
_SHORTEST_COMPRESSED = 200
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def case_tag(case_id: int) -> str:
    return f"case:{case_id}"


def organisation_tag(organisation_id: int) -> str:
    return f"org:{organisation_id}"


def drive_tag(drive_id: int) -> str:
    return f"drive:{drive_id}"


# A tag that many changes touch ("cases": every report published) is kept in this many
# rows, one of which each transaction raises (`shards`): its row is locked until the
# commit, and a surge of reports queued on one row (and behind a job worker holding it
# while the CPU went to the web). Pages read all of them.
SHARED_TAG_ROWS = 64
# Tags of one thing ("case:12") have a colon and a row of their own.
_ONE_THING = ":"
_SHARD = "#"


def touch(*tags: str) -> None:
    """Mark what the public reads under `tags` as changed. Call it inside the
    transaction that makes the change, so the pages change when it commits."""
    # This worker forgets the versions it read at once and again at the commit;
    # the others within VERSIONS_KEPT_SECONDS (`_versions`).
    forget_versions()
    transaction.on_commit(forget_versions)
    now = timezone.now()
    version = secrets.token_hex(8)
    shard = transaction_shard(SHARED_TAG_ROWS)
    rows = {_row(tag, shard) for tag in tags}
    # Sorted, so that two transactions touching the same tags lock their rows in the
    # same order and cannot deadlock on them.
    upsert(
        [PublicChange(tag=row, version=version, changed_at=now) for row in sorted(rows)],
        unique=["tag"],
        update=["version", "changed_at"],
    )


def _row(tag: str, shard: int) -> str:
    """The row of `PublicChange` that holds shard `shard` of `tag`'s version."""
    return tag if _ONE_THING in tag else f"{tag}{_SHARD}{shard}"


def _tag_of(row: str) -> str:
    return row if _ONE_THING in row else row.split(_SHARD)[0]


def _rows_of(tags: Iterable[str]) -> set[str]:
    """The rows of `PublicChange` that hold the versions of `tags`."""
    return {_row(tag, shard) for tag in tags for shard in range(SHARED_TAG_ROWS)}


def versions_by_tag() -> dict[str, str]:
    """Every tag's version now, one string whatever rows hold it (the static mirror
    compares them from one build to the next)."""
    rows: dict[str, list[str]] = {}
    for row, version in PublicChange.objects.order_by("tag").values_list("tag", "version"):
        rows.setdefault(_tag_of(row), []).append(version)
    return {tag: ".".join(versions) for tag, versions in rows.items()}


@dataclass(frozen=True)
class _Stored:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    # The body gzipped, where that is shorter.
    gzipped: bytes | None

    @classmethod
    def of(cls, response: HttpResponse) -> _Stored:
        headers = tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in _UNSTORED_HEADERS
        )
        body = response.content
        gzipped = None
        if len(body) >= _SHORTEST_COMPRESSED and is_compressible(response.get("Content-Type", "")):
            compressed = compress_string(body)
            gzipped = compressed if len(compressed) < len(body) else None
        return cls(response.status_code, headers, body, gzipped)

    def answer(self, *, gzip_accepted: bool) -> HttpResponse:
        send_gzipped = gzip_accepted and self.gzipped is not None
        again = HttpResponse(self.gzipped if send_gzipped else self.body, status=self.status)
        for name, value in self.headers:
            again[name] = value
        if send_gzipped:
            # As CompressedTextMiddleware marks what it compresses (it leaves an answer
            # with a Content-Encoding alone).
            again["Content-Encoding"] = "gzip"
            again["Content-Length"] = str(len(again.content))
            patch_vary_headers(again, ("Accept-Encoding",))
        return again


def public_page(tags_of: Callable[..., Iterable[str]]) -> Callable[[View], View]:
    """Store the view's anonymous answers until one of the tags `tags_of` gives (called
    with the view's URL arguments) is touched; see the module's docstring."""

    def decorate(view: View) -> View:
        @wraps(view)
        def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _same_for_everyone(request):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                return response
            found = _versions(frozenset(tags_of(*args, **kwargs)))
            fingerprint = _fingerprint(request, found)
            last_modified = max((changed_at for _tag, _version, changed_at in found), default=None)
            etag = f'"{fingerprint[:32]}"'
            unchanged = get_conditional_response(
                request, etag=etag, last_modified=_timestamp(last_modified)
            )
            if unchanged is None:
                response = _stored_or_rendered(
                    _KEY_PREFIX + fingerprint,
                    lambda: view(request, *args, **kwargs),
                    gzip_accepted=bool(
                        _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
                    ),
                )
            else:
                response = unchanged
            if response.status_code in (200, 304):
                _mark_public(response, etag, last_modified)
            return response

        setattr(answer, _TAGS_OF_ATTRIBUTE, tags_of)
        return cast(View, answer)

    return decorate


# How long a worker reuses the versions it read, rather than ask the database on every
# request: the one query a stored page would cost. A change made in another worker
# shows here this much later at most; a proxy in front adds its max-age anyway.
VERSIONS_KEPT_SECONDS = 1.0
# Past this many sets of tags (one per case page read), the worker starts afresh.
_MOST_REMEMBERED = 10_000
_Versions = list[tuple[str, str, datetime]]
_recent_versions: dict[frozenset[str], tuple[float, _Versions]] = {}


def forget_versions() -> None:
    """Make this worker read the versions from the database at its next page."""
    _recent_versions.clear()


def _versions(tags: frozenset[str]) -> _Versions:
    now = time.monotonic()
    remembered = _recent_versions.get(tags)
    if remembered is not None and now - remembered[0] < VERSIONS_KEPT_SECONDS:
        return remembered[1]
    found = sorted(
        PublicChange.objects.filter(tag__in=_rows_of(tags)).values_list(
            "tag", "version", "changed_at"
        )
    )
    if len(_recent_versions) >= _MOST_REMEMBERED:
        _recent_versions.clear()
    _recent_versions[tags] = (now, found)
    return found


def _same_for_everyone(request: HttpRequest) -> bool:
    # A session (an account, a reporter's receipt, a draft), one-time messages shown
    # after an action, or an API credential make the answer the reader's own.
    own_cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    return (
        request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in own_cookies)
        and "Authorization" not in request.headers
    )


def _fingerprint(request: HttpRequest, versions: _Versions) -> str:
    parts = [
        get_language() or "",
        request.get_full_path(),
        # htmx asks for parts of some pages: they are stored apart from the whole page.
        request.headers.get("HX-Request", ""),
        *(f"{tag}={version}" for tag, version, _changed_at in versions),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _timestamp(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment else None


def _stored_or_rendered(
    key: str, render: Callable[[], HttpResponseBase], *, gzip_accepted: bool
) -> HttpResponseBase:
    stored: _Stored | None = cache.get(key)
    if stored is not None:
        return stored.answer(gzip_accepted=gzip_accepted)
    response = render()
    if not _storable(response):
        return response
    assert isinstance(response, HttpResponse)
    stored = _Stored.of(response)
    cache.set(key, stored, settings.MINJIAN_PUBLIC_PAGE_SECONDS)
    return stored.answer(gzip_accepted=gzip_accepted)


def _storable(response: HttpResponseBase) -> bool:
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _mark_public(response: HttpResponseBase, etag: str, last_modified: datetime | None) -> None:
    # A gzipped body is another representation of the page: its tag is weak (RFC 9110,
    # 8.8.1), as GZipMiddleware makes it; If-None-Match compares tags weakly either way.
    response["ETag"] = f"W/{etag}" if response.has_header("Content-Encoding") else etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(
        response,
        public=True,
        max_age=settings.MINJIAN_PUBLIC_MAX_AGE,
        stale_while_revalidate=settings.MINJIAN_PUBLIC_STALE_SECONDS,
    )
    # Readers with a session get their own page; the language decides the words.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


_TAGS_OF_ATTRIBUTE = "public_page_tags_of"


def page_tags(view: Callable[..., Any], *args: Any, **kwargs: Any) -> frozenset[str] | None:
    """The tags a view decorated with `public_page` shows for these URL arguments, or None
    for any other view: what a copy of the page made elsewhere (the static mirror,
    minjian/archive/mirror.py) is fresh by."""
    tags_of = getattr(view, _TAGS_OF_ATTRIBUTE, None)
    return None if tags_of is None else frozenset(tags_of(*args, **kwargs))


def tags_for_everything(*tags: str) -> Callable[..., tuple[str, ...]]:
    """`tags_of` for a page whose tags do not depend on its URL arguments."""

    def fixed(*_args: Any, **_kwargs: Any) -> tuple[str, ...]:
        return tags

    return fixed
