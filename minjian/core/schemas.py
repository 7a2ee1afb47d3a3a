"""API schemas every router shares."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every refusal: a stable machine code, a message in the request's language, details."""

    code: str
    message: str
    details: dict[str, object]
