"""The mirror's pages: the sources followed, a source's cases, one case, what was removed
at a source, every entry kept of its record, and a mirrored photo. A NotFound from a
selector becomes its page (minjian.core.middleware.DomainErrorMiddleware)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from minjian.core.storage import stored_file_response
from minjian.mirrors import selectors


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "mirrors/source_list.html", {"sources": selectors.sources()})


@require_safe
def source_cases(request: HttpRequest, name: str) -> HttpResponse:
    source = selectors.source_by_name(name)
    page = selectors.cases_page(source, after=request.GET.get("after", ""))
    return render(request, "mirrors/source_cases.html", {"source": source, "page": page})


@require_safe
def case_detail(request: HttpRequest, name: str, case_id: int) -> HttpResponse:
    source = selectors.source_by_name(name)
    case = selectors.mirrored_case(source, case_id)
    return render(
        request,
        "mirrors/case_detail.html",
        {
            "source": source,
            "case": case,
            "timeline": [] if case.protects_person else selectors.timeline(case),
        },
        status=410 if case.protects_person else 200,
    )


@require_safe
def record(request: HttpRequest, name: str) -> HttpResponse:
    source = selectors.source_by_name(name)
    page = selectors.entries_page(source, after=request.GET.get("after", ""))
    return render(request, "mirrors/record.html", {"source": source, "page": page})


@require_safe
def removed(request: HttpRequest, name: str) -> HttpResponse:
    source = selectors.source_by_name(name)
    return render(
        request, "mirrors/removed.html", {"source": source, "removed": selectors.removed(source)}
    )


@require_safe
def photo(request: HttpRequest, name: str, sha256: str) -> HttpResponseBase:
    source = selectors.source_by_name(name)
    found = selectors.stored_photo(source, sha256)
    return stored_file_response(request, found.stored_name.name, etag=found.sha256, public=True)
