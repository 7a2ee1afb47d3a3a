"""API schemas every router shares: the error, the input base, bounded ids and pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import Field, field_validator

from minjian.core.text import MAX_ID, clean_text

# A page number: the pages of any list end long before this, and the offset it
# makes stays far inside the database's 64-bit integers.
MAX_PAGE = 1_000_000

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A row's id, from 1 to 2^63-1.")]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Page number, from 1.")]
PageSize = Annotated[int, Field(ge=1, le=100, description="Results per page, at most 100.")]


Row = TypeVar("Row", bound=Model)


def numbered_page(
    rows: QuerySet[Row], result: Callable[[Row], object], *, page: int, page_size: int
) -> dict[str, object]:
    """Page `page` of `rows`, each as `result` makes it, with how many rows there are in
    all: the page of a list that stays short (a queue, an inbox), read by its offset."""
    start = (page - 1) * page_size
    return {
        "count": rows.count(),
        "page": page,
        "page_size": page_size,
        "results": [result(row) for row in rows[start : start + page_size]],
    }


class ErrorOut(Schema):
    """Every refusal: a stable machine code, a message in the request's language, details."""

    code: str
    message: str
    details: dict[str, object]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


class InputSchema(Schema):
    """The base of every API input: its text goes through `clean_text`, as a web form's does
    (query strings and form fields are already cleaned by `CleanInputMiddleware`; a JSON
    body is cleaned here)."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: Any) -> Any:
        return _clean(value)
