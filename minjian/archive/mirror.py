"""The static mirror: the whole public record as HTML files that read from `file://` as
well as from any web server, signed (minjian/archive/manifest.py).

How it is made, and why:

- Rendered by the site itself: an anonymous in-process client GETs each public address
  in each language (the `django_language` cookie, as a reader's browser sends it), so the
  mirror is the site's own templates and styles, and shows exactly what an anonymous
  reader sees, no more (nothing is read from the database that a page would not show).
- Which addresses: the pages of `MIRRORED_PAGES` (every kind of public page: cases and
  tombstones, organisations, accountability, drives and ledgers with their CSV and HXL,
  verdicts, petitions, coalitions, the moderation log), reached from the lists and every
  case id that is public or hidden (so that no tombstone is missed), then every in-site
  link found in a written page that names such a page, with no query but `page`
  (pagination). Everything else (forms that post, logging in, the report form, inboxes,
  filters, the map, feeds, the API but the ledgers' downloads) is not mirrored.
- Every address has one file, known from the address alone (`file_of`): `cases/12/` is
  `cases/12/index.html`, `cases/?page=2` is `cases/index.page-2.html`. Pages are written
  under `<language>/`; photos (read through their view, after the case's door) under
  `media/`, static files under `static/`, each once for both languages.
- Links in the written HTML (href, src, srcset, action, url() in CSS) are rewritten to
  relative paths to those files. A link to what is not mirrored is made inert (its
  address removed, its text kept): an absolute link to the source would leave the mirror
  the moment a reader follows it, and a source that is gone is what a mirror is for.
  Addresses inside metadata (`<meta>` contents, JSON-LD) are left naming the source: they
  say where the record comes from. Forms are removed (a static mirror cannot take a
  post), but the search box, which becomes the offline search, and the language switch,
  which becomes a link to the same page in the other language.
- Every page carries a banner (archive/mirror/banner.html) naming the source and
  linking to the mirror's page about itself (when and from where it was made, which key
  signed it) and to the offline search (minjian/archive/search_index.py). The banner
  carries no date, so a page that did not change stays byte for byte the same.
- In several processes when asked (`processes`): each language is rendered in a process
  of its own, forked once the build is set up (the pages of one language never depend on
  another's; the files both write, styles and photos, are the same bytes), and the
  processes' pages, files and search entries are joined in the first one, which writes
  the search index, the state and the manifest. A build inside a transaction stays in
  one process: a forked process has a connection of its own, which would not see what the
  transaction has not committed.
- Incremental: `minjian-mirror-state.json` keeps, for each page, the versions of the
  public-cache tags it shows (`minjian.core.public_cache.page_tags`, the same tags that
  keep the site's own stored pages fresh), its links and its searchable text, and the
  SHA-256 of every file written. A later build renders again only the pages whose tags
  changed (and those without tags), writes only the files whose bytes changed, fetches
  a photo once (a stored photo never changes under its name) and removes the files of
  pages that are gone. The manifest, the index and the about page are written again.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import posixpath
import re
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped]  # lxml ships no type information
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection, connections
from django.db.models import Q
from django.http import HttpResponseBase, StreamingHttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import Client, RequestFactory, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from lxml.html import HtmlElement

from minjian.archive import manifest
from minjian.archive.search_index import IndexedPage, write_search_index
from minjian.archive.zim import write_zim
from minjian.cases.models import Case
from minjian.core import signing
from minjian.core.public_cache import page_tags, versions_by_tag

# Not a dot file: some web servers refuse those, and verify_mirror would call it missing.
STATE_NAME = "minjian-mirror-state.json"
# A build of another format (or of another source) starts afresh.
STATE_FORMAT = "minjian-mirror-state/2"
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)

# The pages (URL names) a mirror holds: what anyone reads, the same for every reader.
MIRRORED_PAGES = frozenset(
    {
        "home",
        "search:cases",
        "cases:detail",
        "cases:moderation_log",
        "orgs:list",
        "orgs:detail",
        "accountability:league",
        "accountability:organisation",
        "accountability:figures_csv",
        "accountability:cases_csv",
        "accountability:petitions_csv",
        "accountability:organisation_cases_csv",
        "accountability:organisation_petitions_csv",
        "aid:list",
        "aid:detail",
        "aid:ledger",
        "api:ledger_csv",
        "api:ledger_hxl",
        "claims:desk",
        "claims:detail",
        "petitions:list",
        "petitions:detail",
        "petitions:counts_csv",
        "petitions:map",
        "coalitions:list",
        "coalitions:detail",
    }
)
# Of those, the pages the offline search finds (a list would match whatever it lists).
SEARCHED_PAGES = frozenset(
    {
        "cases:detail",
        "orgs:detail",
        "accountability:organisation",
        "aid:detail",
        "claims:detail",
        "petitions:detail",
        "coalitions:detail",
    }
)
# Files served by a view that are the same in every language, written once under media/.
SHARED_FILES = frozenset({"cases:photo"})
# The only query a mirrored page is known by: its page number. A list read from a cursor
# (minjian/search/keyset.py) has links carrying the cursor with the number: the page is
# asked for with it (one indexed read at any depth, where a number alone skips every
# earlier page) and written under its number alone.
PAGE_PARAMETER = "page"
CURSOR_PARAMETERS = frozenset({"after", "before"})
# Answers written: a page, and a hidden case's tombstone (410 Gone, which it is).
WRITTEN_STATUSES = frozenset({200, 410})
# The pages every build starts from; the rest is reached from them and from `_case_ids`.
START_PAGES = (
    "home",
    "search:cases",
    "cases:moderation_log",
    "orgs:list",
    "accountability:league",
    "aid:list",
    "claims:desk",
    "petitions:list",
    "coalitions:list",
)
MIRROR_STYLE = "archive/mirror/mirror.css"
ABOUT_FILE = "about.html"
SEARCH_FILE = "search.html"
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_SLUG_UNSAFE = re.compile(r"[^\w-]")


class MirrorError(Exception):
    """The mirror cannot be built into this folder."""


@dataclass(frozen=True, order=True)
class Address:
    """A mirrored page: its path and its query (empty, or `page=N`), and the query it is
    asked for with (the same, or with the cursor of the link it was found by)."""

    path: str
    query: str = ""
    fetched_with: str = field(default="", compare=False)

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def fetch_url(self) -> str:
        query = self.fetched_with or self.query
        return f"{self.path}?{query}" if query else self.path


@dataclass
class MirrorReport:
    # How many processes rendered the pages (one per group of languages).
    processes: int = 1
    pages_rendered: int = 0
    pages_kept: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    missing_static: list[str] = field(default_factory=list)
    # Addresses the site could not answer (status 500 and the like), with the status.
    failed: list[tuple[str, int]] = field(default_factory=list)


def file_of(address: Address) -> str:
    """The file of a page, relative to its language's folder, known from its address."""
    name = address.path.lstrip("/")
    if name == "" or name.endswith("/"):
        name += "index.html"
    elif "." not in name.rsplit("/", 1)[-1]:
        name += "/index.html"
    if address.query:
        stem, extension = posixpath.splitext(name)
        slug = "-".join(
            _SLUG_UNSAFE.sub("_", part) for pair in parse_qsl(address.query) for part in pair
        )
        name = f"{stem}.{slug}{extension}"
    return name


def relative_link(from_file: str, to_file: str, fragment: str = "") -> str:
    """The relative address of `to_file` from a page written at `from_file` (both relative
    to the mirror's root)."""
    link = posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")
    return f"{link}#{fragment}" if fragment else link


class MirrorBuilder:
    """Builds (or brings up to date) the mirror in `root`; see the module's docstring."""

    def __init__(self, root: Path, *, full: bool = False) -> None:
        self.root = root
        self.source = settings.MINJIAN_SITE_URL.rstrip("/") + "/"
        source = urlsplit(self.source)
        self.host = source.netloc
        self.secure = source.scheme == "https"
        self.static_url = settings.STATIC_URL
        # An answer that fails (a photo whose file is lost) is reported, not fatal.
        self.client = Client(HTTP_HOST=self.host, raise_request_exception=False)
        previous = {} if full else self._read_state()
        self.previous_files: dict[str, list[Any]] = previous.get("files", {})
        # New styles or scripts (a new version of the site): every page is rendered again.
        same_site = _same_static_files(previous.get("static_sources", {}))
        self.previous_pages: dict[str, dict[str, Any]] = (
            previous.get("pages", {}) if same_site else {}
        )
        self.previous_static_sources: dict[str, str] = previous.get("static_sources", {})
        self.static_sources: dict[str, str] = {}
        self.pages: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[str, int]] = {}
        self.indexed: dict[str, IndexedPage] = {}
        self.report = MirrorReport()
        self.versions: dict[str, str] = {}
        self.banners: dict[str, HtmlElement] = {}
        # Shared files the site could not give (a photo whose file is lost).
        self.unshared: set[str] = set()

    def build(self, *, zim: Path | None = None, processes: int = 1) -> MirrorReport:
        """Build the mirror, in up to `processes` processes (one language each), and write
        it as the ZIM file `zim` too when given."""
        self._check_folder()
        self.root.mkdir(parents=True, exist_ok=True)
        # Photos come through their view whatever the storage: read, not redirected.
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, self.host.split(":")[0]],
            MINJIAN_MEDIA_SERVING="django",
        ):
            self.versions = versions_by_tag()
            groups = _language_groups(processes)
            if len(groups) > 1 and not connection.in_atomic_block:
                self._mirror_apart(groups)
                self.report.processes = len(groups)
            else:
                self._mirror_languages(LANGUAGES)
            self._write_front_page()
            for path, data in write_search_index(self.indexed.values()):
                self._write(path, data)
        self._remove_gone_files()
        self._write_state()
        manifest.write_manifest(
            self.root,
            "static-mirror",
            ((path, sha256, size) for path, (sha256, size) in sorted(self.files.items())),
        )
        if zim is not None:
            served = sorted(set(self.files) - {STATE_NAME})
            write_zim(
                self.root,
                [*served, manifest.MANIFEST_NAME, manifest.SIGNATURE_NAME],
                zim,
                source=self.source,
            )
        return self.report

    def _check_folder(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise MirrorError(f"{self.root} is a file, not a folder.")
        if (
            self.root.is_dir()
            and not (self.root / STATE_NAME).is_file()
            and any(self.root.iterdir())
        ):
            raise MirrorError(
                f"{self.root} holds files and is not a mirror built here: "
                "choose a new or empty folder, or the folder of an earlier mirror."
            )

    # Pages of the site.

    def _mirror_languages(self, languages: Sequence[str]) -> None:
        for language in languages:
            self.banners[language] = self._banner(language)
            self._mirror_pages(language)
            self._mirror_own_page(language, SEARCH_FILE, "archive/mirror/search.html", {})
            self._mirror_own_page(language, ABOUT_FILE, "archive/mirror/about.html", self._about())

    def _mirror_apart(self, groups: list[tuple[str, ...]]) -> None:
        """Each group of languages in a forked process of its own; their parts joined here,
        in the languages' order."""
        # A forked process must open its own connection, not share this one's socket.
        connections.close_all()
        fork = multiprocessing.get_context("fork")
        children = []
        for languages in groups:
            receiving, sending = fork.Pipe(duplex=False)
            # Forked, not pickled: the process starts with this builder as it is.
            child = fork.Process(
                target=_mirror_in_forked_process, args=(self, languages, sending), daemon=True
            )
            child.start()
            sending.close()
            children.append((languages, child, receiving))
        parts = []
        for languages, child, receiving in children:
            try:
                outcome = receiving.recv()
            except EOFError:
                outcome = f"it ended with exit code {child.exitcode} and sent nothing"
            child.join()
            if not isinstance(outcome, _Part):
                raise MirrorError(f"The process building {', '.join(languages)} failed: {outcome}")
            parts.append(outcome)
        for part in parts:
            self._join(part)

    def _part(self) -> _Part:
        return _Part(self.pages, self.files, self.indexed, self.report, self.static_sources)

    def _join(self, part: _Part) -> None:
        self.pages.update(part.pages)
        self.files.update(part.files)
        self.static_sources.update(part.static_sources)
        for url, page in part.indexed.items():
            self._index_page(url, page)
        report, written = self.report, set(self.report.written)
        report.pages_rendered += part.report.pages_rendered
        report.pages_kept += part.report.pages_kept
        report.files_unchanged += part.report.files_unchanged
        # Styles and photos are written by each process, the same bytes: counted once.
        for path in part.report.written:
            if path not in written:
                written.add(path)
                report.written.append(path)
                report.files_written += 1
        report.missing_static.extend(
            name for name in part.report.missing_static if name not in report.missing_static
        )
        report.failed.extend(part.report.failed)

    def _mirror_pages(self, language: str) -> None:
        queue = deque(Address(reverse(name)) for name in START_PAGES)
        queue.extend(Address(reverse("cases:detail", args=[case_id])) for case_id in _case_ids())
        seen = set(queue)
        while queue:
            address = queue.popleft()
            for link in self._mirror_page(language, address):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)

    def _mirror_page(self, language: str, address: Address) -> list[Address]:
        key = f"{language} {address.url}"
        match = resolve(address.path)
        tags = page_tags(match.func, *match.args, **match.kwargs)
        versions = (
            None if tags is None else {tag: self.versions.get(tag, "") for tag in sorted(tags)}
        )
        kept = self.previous_pages.get(key)
        if (
            versions is not None
            and kept is not None
            and kept["versions"] == versions
            and self._keep_files(kept["files"])
        ):
            self.report.pages_kept += 1
            self.pages[key] = kept
            self._index(match.view_name, address, kept.get("title"), kept.get("text"))
            return [Address(*pair) for pair in kept["links"]]
        self.report.pages_rendered += 1
        response = self._get(address.fetch_url, language)
        if response.status_code not in WRITTEN_STATUSES:
            self._failed(address.fetch_url, response.status_code)
            return []
        path = f"{language}/{file_of(address)}"
        body = _body(response)
        links: list[Address] = []
        resources: list[str] = []
        title = text = None
        if response.get("Content-Type", "").startswith("text/html"):
            page = _Page(self, language, path, address)
            body = page.rewritten(body)
            links = sorted(page.links)
            resources = sorted(page.resources)
            if match.view_name in SEARCHED_PAGES:
                title, text = page.title, page.text
        self._write(path, body)
        self.pages[key] = {
            "versions": versions,
            "files": [path, *resources],
            "links": [[link.path, link.query, link.fetched_with] for link in links],
            "title": title,
            "text": text,
        }
        self._index(match.view_name, address, title, text)
        return links

    def _index(self, view_name: str, address: Address, title: str | None, text: str | None) -> None:
        if view_name in SEARCHED_PAGES and title is not None and text is not None:
            self._index_page(address.url, IndexedPage(file_of(address), title, text))

    def _index_page(self, url: str, page: IndexedPage) -> None:
        # One entry for both languages: the record's own words are the same in each, and
        # the title is the first language's.
        known = self.indexed.get(url)
        self.indexed[url] = (
            IndexedPage(known.file, known.title, f"{known.text}\n{page.text}") if known else page
        )

    def _mirror_own_page(
        self, language: str, name: str, template: str, context: dict[str, Any]
    ) -> None:
        """A page of the mirror itself (its search, its about page), in the site's frame."""
        request = RequestFactory().get("/", HTTP_HOST=self.host, secure=self.secure)
        request.user = AnonymousUser()
        with translation.override(language):
            request.LANGUAGE_CODE = language
            html = render_to_string(template, context, request=request)
        path = f"{language}/{name}"
        self._write(path, _Page(self, language, path, None).rewritten(html.encode()))

    def _write_front_page(self) -> None:
        html = render_to_string(
            "archive/mirror/front.html",
            {
                "source": self.source,
                "languages": [(code, f"{code}/index.html") for code in LANGUAGES],
            },
        )
        self._write("index.html", html.encode())

    def _about(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "made_at": timezone.now(),
            "key_id": signing.key_id(),
            "public_key": signing.public_key_base64url(),
            "manifest": manifest.MANIFEST_NAME,
            "signature": manifest.SIGNATURE_NAME,
        }

    def _banner(self, language: str) -> HtmlElement:
        with translation.override(language):
            html = render_to_string(
                "archive/mirror/banner.html",
                {"source": self.source, "about": ABOUT_FILE, "search": SEARCH_FILE},
            )
        return lxml.html.fragment_fromstring(html)

    def _get(self, url: str, language: str) -> HttpResponseBase:
        # Each page as a first visit: no cookie but the language.
        self.client.cookies.clear()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return self.client.get(url, secure=self.secure)

    # Files.

    def copy_static(self, name: str) -> str | None:
        """Copy the static file `name` (as its address names it) into the mirror; its path
        there, or None when there is no such file."""
        path = f"static/{name}"
        if path in self.files:
            return path
        data = _static_bytes(name)
        if data is None:
            self.report.missing_static.append(name)
            return None
        self.static_sources[name] = _sha256(data)
        if name.endswith(".css"):
            data = self._rewritten_css(data, path).encode()
        self._write(path, data)
        return path

    def copy_shared(self, url: str) -> str | None:
        """Write once a file a view serves alike in every language (a photo)."""
        path = "media/" + urlsplit(url).path.lstrip("/")
        if path in self.files:
            return path
        if path in self.unshared:
            return None
        if self._keep_files([path]):
            return path
        response = self._get(url, LANGUAGES[0])
        if response.status_code != 200:
            # Asked once: every list page showing the photo would ask again.
            self.unshared.add(path)
            self._failed(url, response.status_code)
            return None
        self._write(path, _body(response))
        return path

    def _rewritten_css(self, css: bytes, path: str) -> str:
        text = css.decode("utf-8")
        css_url = self.static_url + path.removeprefix("static/")

        def replace(found: re.Match[str]) -> str:
            link = found.group(2)
            if link.startswith(("data:", "#")):
                return found.group(0)
            target = urljoin(css_url, link)
            if not target.startswith(self.static_url):
                return found.group(0)
            copied = self.copy_static(urlsplit(target).path.removeprefix(self.static_url))
            return f'url("{relative_link(path, copied)}")' if copied else found.group(0)

        return _CSS_URL.sub(replace, text)

    def _failed(self, url: str, status: int) -> None:
        # A page that is not found is no failure: a link may name what was since removed.
        if status != 404:
            self.report.failed.append((url, status))

    def _keep_files(self, paths: Iterable[str]) -> bool:
        """Keep files written by an earlier build as they are, if they still are."""
        kept: list[tuple[str, str, int]] = []
        for path in paths:
            entry = self.previous_files.get(path)
            target = self.root / path
            if entry is None or not target.is_file() or target.stat().st_size != entry[1]:
                return False
            kept.append((path, entry[0], entry[1]))
        for path, sha256, size in kept:
            self.files[path] = (sha256, size)
            self.report.files_unchanged += 1
        return True

    def _write(self, path: str, data: bytes) -> None:
        sha256 = _sha256(data)
        self.files[path] = (sha256, len(data))
        target = self.root / path
        entry = self.previous_files.get(path)
        if entry is not None and entry[0] == sha256 and target.is_file():
            self.report.files_unchanged += 1
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Named for the process: two processes may write the same style at once.
        written = target.with_name(f"{target.name}.{os.getpid()}.writing")
        written.write_bytes(data)
        os.replace(written, target)
        self.report.files_written += 1
        self.report.written.append(path)

    def _remove_gone_files(self) -> None:
        for path in sorted(set(self.previous_files) - set(self.files)):
            target = self.root / path
            if target.is_file():
                target.unlink()
                self.report.files_removed += 1
                self.report.removed.append(path)
                _remove_empty_folders(target.parent, self.root)

    def _read_state(self) -> dict[str, Any]:
        try:
            state = json.loads((self.root / STATE_NAME).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(state, dict):
            return {}
        if state.get("format") != STATE_FORMAT or state.get("source") != self.source:
            # Another source's pages (or another format's) are not kept; the files they
            # listed are still removed when no page writes them again.
            files = state.get("files")
            return {"files": files if isinstance(files, dict) else {}}
        return state

    def _write_state(self) -> None:
        state = {
            "format": STATE_FORMAT,
            "source": self.source,
            "pages": self.pages,
            "static_sources": {
                name: self.static_sources.get(name) or self.previous_static_sources[name]
                for name in sorted(
                    path.removeprefix("static/")
                    for path in self.files
                    if path.startswith("static/")
                )
            },
            "files": {path: [sha256, size] for path, (sha256, size) in sorted(self.files.items())},
        }
        data = json.dumps(state, ensure_ascii=False, sort_keys=True).encode()
        (self.root / STATE_NAME).write_bytes(data)
        # Signed with the rest: a folder checked against the manifest has no file unlisted.
        self.files[STATE_NAME] = (_sha256(data), len(data))


@dataclass
class _Part:
    """What a forked process built, sent back to be joined."""

    pages: dict[str, dict[str, Any]]
    files: dict[str, tuple[str, int]]
    indexed: dict[str, IndexedPage]
    report: MirrorReport
    static_sources: dict[str, str]


def _mirror_in_forked_process(
    builder: MirrorBuilder, languages: tuple[str, ...], sending: Connection
) -> None:
    try:
        builder._mirror_languages(languages)
        sending.send(builder._part())
    except BaseException:
        # Said once, by the first process, in the error it raises.
        sending.send(traceback.format_exc())
        raise SystemExit(1) from None
    finally:
        sending.close()
        connections.close_all()


def _language_groups(processes: int) -> list[tuple[str, ...]]:
    """The languages split into at most `processes` groups of neighbours, in their order."""
    count = max(1, min(processes, len(LANGUAGES)))
    size, larger = divmod(len(LANGUAGES), count)
    bounds = [index * size + min(index, larger) for index in range(count + 1)]
    return [LANGUAGES[bounds[index] : bounds[index + 1]] for index in range(count)]


class _Page:
    """One written HTML page: its links made relative, its forms and banner handled, and
    what the search finds of it."""

    def __init__(self, builder: MirrorBuilder, language: str, path: str, address: Address | None):
        self.builder = builder
        self.language = language
        self.path = path
        self.address = address
        self.base = address.fetch_url if address else "/"
        self.links: set[Address] = set()
        # The photos and static files it shows, which a later build keeps with it.
        self.resources: set[str] = set()
        self.title = ""
        self.text = ""

    def rewritten(self, body: bytes) -> bytes:
        document = lxml.html.document_fromstring(body)
        self._read_text(document)
        after_links = self._handle_forms(document)
        head = document.find("head")
        if head is not None:
            style = lxml.html.fragment_fromstring('<link rel="stylesheet">')
            style.set("href", static(MIRROR_STYLE))
            head.append(style)
        for element in document.iter():
            for attribute in [name for name in element.attrib if name.startswith("hx-")]:
                # htmx would ask the source for parts of pages; plain links work offline.
                del element.attrib[attribute]
            srcset = element.get("srcset")
            if srcset is not None:
                element.set("srcset", self._rewritten_srcset(srcset))
        document.rewrite_links(self._link, resolve_base_href=False)
        # Links the mirror makes itself are relative already: set after the rewriting.
        for finish in after_links:
            finish()
        for button in list(document.iterfind(".//a[@class]")):
            if "href" not in button.attrib and "button" in button.get("class", "").split():
                # An action of the live site (report, follow, add a photo): none works here.
                _drop(button)
        self._add_banner(document)
        written: bytes = lxml.html.tostring(
            document, doctype="<!DOCTYPE html>", encoding="utf-8", method="html"
        )
        return written

    def _read_text(self, document: HtmlElement) -> None:
        main = document.find(".//main")
        heading = document.find(".//h1")
        self.title = " ".join((heading.text_content() if heading is not None else "").split())
        self.text = " ".join((main.text_content() if main is not None else "").split())

    def _handle_forms(self, document: HtmlElement) -> list[Callable[[], None]]:
        """Remove the forms; the search box becomes the offline search's, the language
        switch a link to this page in the other language (set once links are rewritten,
        returned as steps to take then)."""
        search = reverse("search:cases")
        after_links: list[Callable[[], None]] = []
        for form in list(document.iter("form")):
            if form.get("data-mirror-search") is not None:
                continue
            method = (form.get("method") or "get").lower()
            action = urlsplit(urljoin(self.base, form.get("action") or self.base)).path
            if method == "get" and action == search:
                form.attrib.pop("action", None)
                form.set("data-mirror-search", "")
                search_page = relative_link(self.path, f"{self.language}/{SEARCH_FILE}")
                after_links.append(partial(form.set, "action", search_page))
                continue
            if action == reverse("set_language"):
                placeholder = lxml.html.fragment_fromstring('<p class="language"></p>')
                form.addprevious(placeholder)
                after_links.append(partial(self._fill_language_links, placeholder))
            _drop(form)
        return after_links

    def _fill_language_links(self, links: HtmlElement) -> None:
        within = self.path.split("/", 1)[1]
        for code, _name in settings.LANGUAGES:
            if code != self.language:
                link = lxml.html.fragment_fromstring("<a></a>")
                link.set("href", relative_link(self.path, f"{code}/{within}"))
                link.set("lang", code)
                link.text = str(translation.get_language_info(code)["name_local"])
                links.append(link)

    def _add_banner(self, document: HtmlElement) -> None:
        banner = deepcopy(self.builder.banners[self.language])
        for element in banner.iter():
            for attribute in ("href", "action"):
                target = element.get(attribute)
                if target is not None and not target.startswith(("http://", "https://", "#")):
                    element.set(attribute, relative_link(self.path, f"{self.language}/{target}"))
        body = document.find("body")
        if body is not None:
            body.insert(0, banner)

    def _resource_link(self, copied: str | None, fragment: str) -> str | None:
        if copied is None:
            return None
        self.resources.add(copied)
        return relative_link(self.path, copied, fragment)

    def _rewritten_srcset(self, srcset: str) -> str:
        candidates = []
        for candidate in srcset.split(","):
            parts = candidate.split()
            if not parts:
                continue
            link = self._link(parts[0])
            if link is not None:
                candidates.append(" ".join([link, *parts[1:]]))
        return ", ".join(candidates)

    def _link(self, link: str) -> str | None:
        """The link as the mirror has it: relative to a file of the mirror, kept when it
        leaves the site, None (made inert) when it names a page not mirrored."""
        absolute = urljoin(self.builder.source, urljoin(self.base, link))
        if link.startswith(("#", "data:", "mailto:", "tel:", "javascript:")):
            return link
        if not absolute.startswith(self.builder.source):
            return link
        parts = urlsplit(absolute)
        if parts.path.startswith(self.builder.static_url):
            copied = self.builder.copy_static(parts.path.removeprefix(self.builder.static_url))
            return self._resource_link(copied, parts.fragment)
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None
        if match.view_name in SHARED_FILES:
            return self._resource_link(self.builder.copy_shared(parts.path), parts.fragment)
        if match.view_name not in MIRRORED_PAGES:
            return None
        address = page_address(parts.path, parts.query)
        if address is None:
            return None
        if address != self.address:
            self.links.add(address)
        target = f"{self.language}/{file_of(address)}"
        return relative_link(self.path, target, parts.fragment)


def page_address(path: str, query_text: str) -> Address | None:
    """The address of a link to a mirrored page, or None when its query is not only a
    page number, with or without a cursor. The first page is the list's own address."""
    # A blank value still names a parameter: `?topic=` is not the list's own page.
    query = parse_qsl(query_text, keep_blank_values=True)
    numbers = [value for name, value in query if name == PAGE_PARAMETER]
    if (
        any(name not in CURSOR_PARAMETERS | {PAGE_PARAMETER} for name, _value in query)
        or len(numbers) > 1
        or not all(number.isdigit() for number in numbers)
        or (query and not numbers)
    ):
        return None
    number = int(numbers[0]) if numbers else 1
    page = urlencode({PAGE_PARAMETER: number}) if number > 1 else ""
    return Address(path, page, query_text if len(query) > len(numbers) else "")


def _case_ids() -> Iterator[int]:
    """Every case with a public page: public ones and the tombstones of hidden ones."""
    return (
        Case.objects.filter(Q(state__in=Case.PUBLIC_STATES) | Q(state=Case.State.HIDDEN))
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
    )


def _body(response: HttpResponseBase) -> bytes:
    # The test client closes the answer itself (at the end of a streamed one).
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]  # sync views stream bytes
    return response.content  # type: ignore[attr-defined, no-any-return]  # an HttpResponse


def _same_static_files(sources: dict[str, str]) -> bool:
    """Whether the static files the mirror copied are still what the site serves."""
    for name, sha256 in sources.items():
        data = _static_bytes(name)
        if data is None or _sha256(data) != sha256:
            return False
    return True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _static_bytes(name: str) -> bytes | None:
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as stream:
            return bytes(stream.read())
    found = finders.find(name)
    return Path(found).read_bytes() if isinstance(found, str) else None


def _drop(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
