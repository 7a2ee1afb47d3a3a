"""What a request gets when something it depends on is out of reach.

Django calls `server_error` for any exception no view or middleware handled. When
that exception says a dependency is unavailable (the database restarting or out of
reach, the cache's Redis down, a full disk) rather than a bug, the answer is a 503
with Retry-After, in the form the client reads: JSON for the API, the Open311 error
list for Open311, a page for people. The transaction of the request was rolled back
and the files it stored were removed (`minjian.cases.services_photos`), so nothing
is half-written and the client can simply send again. Anything else stays a 500.
"""

from __future__ import annotations

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from minjian.api import error_response
from minjian.open311.formats import Format
from minjian.open311.formats import errors as open311_errors

DATABASE_RETRY_SECONDS = 30
DISK_FULL_RETRY_SECONDS = 600


def unavailability(exception: BaseException | None) -> tuple[str, str | Promise, int] | None:
    """(code, message, seconds to wait) when `exception` means a dependency is out of
    reach; None when it is a fault of the code, which stays a 500."""
    if isinstance(exception, (OperationalError, InterfaceError)):
        if "full" in str(exception).lower():  # SQLite: "database or disk is full"
            return _disk_full()
        return (
            "database_unavailable",
            _("The database cannot be reached right now. Nothing was saved."),
            DATABASE_RETRY_SECONDS,
        )
    if isinstance(exception, (RedisConnectionError, RedisTimeoutError)):
        return (
            "cache_unavailable",
            _("A service this site needs cannot be reached right now. Nothing was saved."),
            DATABASE_RETRY_SECONDS,
        )
    if isinstance(exception, OSError) and exception.errno in (errno.ENOSPC, errno.EDQUOT):
        return _disk_full()
    return None


def _disk_full() -> tuple[str, str, int]:
    return (
        "storage_full",
        _("The server has no room to store anything right now. Nothing was saved."),
        DISK_FULL_RETRY_SECONDS,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    exception = sys.exc_info()[1]
    found = unavailability(exception)
    if found is None:
        return defaults.server_error(request)
    code, message, retry_after = found
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = error_response(
            request,
            status=503,
            code=code,
            message=str(message),
            details={"retry_after": retry_after},
        )
    elif request.path.startswith("/open311/"):
        fmt: Format = "xml" if request.path.endswith(".xml") else "json"
        response = open311_errors(fmt, 503, str(message))
    else:
        response = HttpResponse(
            loader.render_to_string(
                "core/unavailable.html", {"message": message, "retry_after": retry_after}
            ),
            status=503,
        )
    response["Retry-After"] = str(retry_after)
    return response
