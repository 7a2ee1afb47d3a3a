"""Reading an instance's record, this one's from the database or another's over HTTP, for
`verify_record`: pages of entries in the chain's order, the latest checkpoint, the key."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from minjian.core import signing
from minjian.record import selectors
from minjian.record.documents import checkpoint_document, entry_document
from minjian.record.services import instance_url

PAGE = 1000
TIMEOUT_SECONDS = 30


class Unreadable(Exception):
    """The instance's record could not be read (out of reach, not JSON)."""


class NotFound(Unreadable):
    """The address answered 404."""


class RecordSource:
    """This instance's record, read from its database."""

    instance = property(lambda self: instance_url())

    def public_key(self) -> bytes:
        return signing.public_key()

    def checkpoint(self) -> dict[str, Any] | None:
        latest = selectors.latest_checkpoint()
        return checkpoint_document(latest) if latest else None

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        for batch in selectors.whole_chain(PAGE):
            yield [entry_document(entry) for entry in batch]


class RemoteRecordSource(RecordSource):
    """Another instance's record, read from its API and its /.well-known/minjian.json."""

    def __init__(self, url: str) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise Unreadable(f"{url} is not an http(s) address.")
        self.url = url.rstrip("/") + "/"
        document = _json(urljoin(self.url, ".well-known/minjian.json"))
        try:
            self._instance = str(document["base_url"])
            self._api = str(document["api"])
            key = str(document["signing_key"]["public_key"])
            self._key = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
        except (KeyError, TypeError, ValueError) as error:
            raise Unreadable(f"{self.url}.well-known/minjian.json lacks {error}.") from error

    instance = property(lambda self: self._instance)

    def public_key(self) -> bytes:
        return self._key

    def checkpoint(self) -> dict[str, Any] | None:
        try:
            return _json(urljoin(self._api, "record/checkpoint"))
        except NotFound:
            return None

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        after = 0
        while True:
            query = urlencode({"after": after, "limit": PAGE})
            page = _json(urljoin(self._api, f"record/entries?{query}"))
            entries = page.get("entries")
            if not isinstance(entries, list):
                raise Unreadable(f"The record's page after {after} has no list of entries.")
            if not entries:
                return
            yield entries
            after = page.get("next_after") or after + len(entries)


def _json(url: str) -> dict[str, Any]:
    # Only http(s): the base URL's scheme is checked, and every address is joined to it.
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310  # http(s) only
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310  # http(s) only
            value = json.loads(answer.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise NotFound(url) from error
        raise Unreadable(f"{url}: HTTP {error.code}") from error
    except (OSError, urllib.error.URLError, ValueError) as error:
        raise Unreadable(f"{url}: {error}") from error
    if not isinstance(value, dict):
        raise Unreadable(f"{url}: not a JSON object")
    return value
