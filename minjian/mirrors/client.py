"""Reading another instance over HTTP, with the standard library: every request has a
timeout, and no answer is read past a size limit, so a slow or hostile source costs a
pull a bounded time and memory."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from minjian.mirrors import errors

TIMEOUT_SECONDS = 20
# A page of at most 1,000 entries, each a case's public text and its photos' addresses.
MAX_JSON_BYTES = 32 * 1024 * 1024
USER_AGENT = "Minjian-mirror/1"


def instance_document(url: str) -> dict[str, Any]:
    """The source's `/.well-known/minjian.json`."""
    return _json(urljoin(_base(url), ".well-known/minjian.json"))


def entries_page(url: str, *, after: int, limit: int) -> dict[str, Any]:
    """One page of the source's record: the sealed entries after position `after`."""
    query = urlencode({"after": after, "limit": limit})
    return _json(urljoin(_base(url), f"api/v1/record/entries?{query}"))


def file_bytes(url: str, *, max_bytes: int) -> bytes:
    """A file the source serves (a photo), refused past `max_bytes`."""
    return _read(url, max_bytes=max_bytes, accept="*/*")


def case_answers(url: str, case_id: int) -> bool:
    """Whether the source still serves its case `case_id` (its API's answer): False for
    404 and 410 (not found, or hidden), True for any other answer; a source out of reach
    raises `SourceUnreachable`."""
    address = urljoin(_base(url), f"api/v1/cases/{case_id}")
    try:
        with _open(address, accept="application/json"):
            return True
    except urllib.error.HTTPError as error:
        if error.code in (404, 410):
            return False
        if error.code >= 500 or error.code == 429:
            raise errors.unreachable(address, f"HTTP {error.code}") from error
        return True
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise errors.unreachable(address, str(error)) from error


def absolute(url: str, path: str) -> str:
    """`path` (an address the source gave, maybe relative) on the source at `url`."""
    return urljoin(_base(url), path)


def _open(url: str, *, accept: str) -> http.client.HTTPResponse:
    if urlsplit(url).scheme not in ("http", "https"):
        raise errors.malformed(url, "not an http or https address")
    headers = {"Accept": accept, "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310  # http(s) only, checked above
    response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)  # noqa: S310  # http(s) only, checked above
    return response


def _base(url: str) -> str:
    return url.rstrip("/") + "/"


def _json(url: str) -> dict[str, Any]:
    data = _read(url, max_bytes=MAX_JSON_BYTES, accept="application/json")
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise errors.malformed(url, f"not JSON: {error}") from error
    if not isinstance(value, dict):
        raise errors.malformed(url, "not a JSON object")
    return value


def _read(url: str, *, max_bytes: int, accept: str) -> bytes:
    try:
        with _open(url, accept=accept) as response:
            data: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        # A server error or a refusal to serve now is the source's passing trouble; any
        # other status says the address is not what a Minjian instance serves there.
        if error.code >= 500 or error.code == 429:
            raise errors.unreachable(url, f"HTTP {error.code}") from error
        raise errors.malformed(url, f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise errors.unreachable(url, str(error)) from error
    if len(data) > max_bytes:
        raise errors.malformed(url, f"larger than {max_bytes} bytes")
    return data
